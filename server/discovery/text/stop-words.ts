// Stop words, in their surface (unstemmed, lower-case) form. Two lists: general English function words,
// dropped from documents and queries alike; and the words people wrap a request in ("please help me use a tool
// to..."), dropped from queries only, because in a tool's own text "use", "tool" or "want" may carry meaning.

/** General English function words: articles, pronouns, auxiliaries, prepositions, conjunctions. */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against all am an and any are aren't as at be because been before being below between
  both but by can cannot could couldn't did didn't do does doesn't doing don't down during each either etc few for
  from further had hadn't has hasn't have haven't having he her here hers herself him himself his how i i'm if in
  into is isn't it it's its itself just let's may me might more most must mustn't my myself neither no nor not of
  off on once only or other ought our ours ourselves out over own per same shall she should shouldn't so some such
  than that that's the their theirs them themselves then there these they this those through thus to too under
  until up upon us very via was wasn't we were weren't what when where whether which while who whom whose why will
  with within without won't would wouldn't yet you your yours yourself yourselves`
    .split(/\s+/)
    .filter(Boolean),
);

/**
 * Words of instructions and requests that say nothing about which tool is meant. Kept general: politeness,
 * wanting and needing, "using a tool", filler adverbs and vague nouns ("something", "thing").
 */
export const QUERY_STOP_WORDS: ReadonlySet<string> = new Set(
  `please pls kindly help assist want wants wanted need needs needed like would could can able try trying tell
  know let lets i'd i'll i've you'd you'll you've use using used utilize utilise via tool tools function functions
  mcp something anything everything thing things someone also just really actually certainly basically simply
  then now first next finally afterwards later again way ways appropriate relevant suitable specific specified
  certain given corresponding respective respectively provide provided perform performing performs do does done
  doing sure ensure task step steps based related accordingly following follows`
    .split(/\s+/)
    .filter(Boolean),
);
