// Defaults every front end shares (library, CLI, server), kept apart so naming them loads nothing else.

/** The collection documents go to, and questions are asked of, when none is named. */
export const defaultCollection = "default";

/** The folder holding the embedded database when none is given, relative to the working directory. */
export const defaultDataDir = ".verity";
