/**
 * English stop words dropped from free-text queries (not from the index, so phrases still match).
 * The classic list used by Lucene/Elasticsearch's English analyzer plus common query filler.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with
  about above after again against all am any because been before being below between both can could did do does doing down during each
  few from further had has have having he her here hers herself him himself his how i its itself just me more most my myself nor now
  only other our ours ourselves out over own same she should so some than theirs them themselves those through too under until up very
  we were what when where which while who whom why would you your yours yourself yourselves`.split(/\s+/),
);
