export * from "./access.js";
export type * from "./answer.js";
export type * from "./document.js";
export * from "./errors.js";
export type * from "./ledger.js";
export type * from "./location.js";
export * from "./logger.js";
