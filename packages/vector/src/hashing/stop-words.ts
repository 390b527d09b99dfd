// English function words. Without corpus statistics (IDF) a hashing embedder gives "the" as much weight
// as "telescope", and two unrelated posts look alike because both say "with the ... in my"; dropping
// these words is the usual fix for a stateless embedder. The list is English-only, like the demo data;
// other languages keep their function words (a real model, through the HTTP embedder, has no such gap).
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against all am an and any are as at be because been before being below between
  both but by can could did do does doing down during each few for from further had has have having he her here
  hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of
  off on once only or other our ours ourselves out over own same she should so some such than that the their
  theirs them themselves then there these they this those through to too under until up very was we were what
  when where which while who whom why will with would you your yours yourself yourselves s t d ll m re ve`
    .split(/\s+/)
    .filter((word) => word !== ''),
);
