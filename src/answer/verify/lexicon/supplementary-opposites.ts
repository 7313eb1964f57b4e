// Opposite words WordNet does not link, kept by hand. Every pair here was checked against WordNet 3.1
// (an antonym pointer from either word, in any sense, to the other or to a word of the same stem):
// pairs WordNet has (increase/decrease, rise/fall, high/low, more/less, accept/reject, include/exclude,
// success/failure, benign/malignant, acute/chronic, agonist/antagonist…) come from WordNet instead.
// Matched by Porter stem, as the verifier reads words, so every inflection of a word counts.
import { stem } from "../../../core/terms.js";

const groups: { why: string; pairs: string }[] = [
  {
    why: "Direction of an effect, as papers state findings: WordNet has no antonym pointer between these verbs (its antonym of 'promote' is 'demote', of 'increase' only 'decrease').",
    pairs:
      "increase reduce|increase decline|rise decline|promote inhibit|promote impede|promote suppress|activate inhibit|activate suppress|induce inhibit|induce suppress|stimulate inhibit|activation inhibition|enhance impair|enhance reduce|enhance suppress|improve worsen|improve impair|upregulate downregulate|elevated reduced|elevated decreased|expand shrink|positively negatively|benefit harm",
  },
  {
    why: "Comparatives and time words: WordNet opposes 'greater' only to 'lesser', and gives 'before', 'earlier' and 'always' no antonym.",
    pairs: "greater smaller|before after|earlier later|always never",
  },
  {
    why: "Permission and obligation: WordNet opposes 'allow' only to 'disallow' and 'required' to nothing, while policies say 'forbidden' and 'optional'.",
    pairs:
      "allow forbid|allow prohibit|approve deny|required optional|mandatory optional|free paid|safe unsafe",
  },
  {
    why: "Frequencies are alternatives, not antonyms, so WordNet does not relate them; a different one is a different claim.",
    pairs: "daily weekly|daily monthly|weekly monthly|monthly annually|monthly yearly|weekly annually",
  },
  {
    why: "WordNet opposes these to other words: 'common' to 'uncommon', 'gain' to 'loss' and 'reduce' but not 'lose'; 'resistant' has no antonym.",
    pairs: "common rare|gain lose|resistant susceptible|resistance susceptibility|resistant sensitive",
  },
];

/** Stems of opposite words, by stem, both ways. */
export const supplementaryOpposites: ReadonlyMap<string, readonly string[]> = (() => {
  const opposites = new Map<string, string[]>();
  const add = (from: string, to: string) => {
    const list = opposites.get(from) ?? [];
    if (!list.includes(to)) list.push(to);
    opposites.set(from, list);
  };
  for (const { pairs } of groups) {
    for (const pair of pairs.split("|")) {
      const [first, second] = pair.split(" ").map(stem) as [string, string];
      add(first, second);
      add(second, first);
    }
  }
  return opposites;
})();
