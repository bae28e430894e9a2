// Text analysis: identifier splitting, CJK n-grams, stop words, abbreviations, related words, what requests imply.
import test from 'ava';
import { analyze, termOf } from '../../../server/discovery/text/analyzer.js';
import { analyzeQuery, impliedTerms, queryTermsOf } from '../../../server/discovery/text/query.js';
import { CHINESE_GLOSSARY } from '../../../server/discovery/text/chinese-glossary.js';
import { relatedTo } from '../../../server/discovery/text/related.js';
import { thesaurusOf } from '../../../server/discovery/text/thesaurus.js';
import { tokenize } from '../../../server/discovery/text/tokenize.js';

const texts = (text: string) => tokenize(text).map((t) => (t.joined ? `${t.text}*` : t.text));
const terms = (text: string) => analyze(text).map((t) => t.term);

test('identifiers split at underscores, dashes, dots, case changes and digits; compounds are also kept whole', (t) => {
  t.deepEqual(texts('get_current_time'), ['get', 'current', 'time']);
  t.deepEqual(texts('getCanvasPng'), ['get', 'canvas', 'png', 'getcanvaspng*']);
  t.deepEqual(texts('get-36kr-trending'), ['get', '36', 'kr', '36kr*', 'trending']);
  t.deepEqual(texts('filesystem.read_file'), ['filesystem', 'read', 'file']);
  t.deepEqual(texts('HTMLParser'), ['html', 'parser', 'htmlparser*']);
  t.deepEqual(texts('base64'), ['base', '64', 'base64*']);
});

test('case and diacritics are folded; a possessive is dropped, a contraction kept for the stop words', (t) => {
  t.deepEqual(texts('Café NAÏVE'), ['cafe', 'naive']);
  t.deepEqual(texts("the user's repo"), ['the', 'user', 'repo']);
  t.deepEqual(texts("don't"), ["don't"]);
});

test('CJK runs become unigrams and bigrams, next to the Latin words around them', (t) => {
  t.deepEqual(texts('必应搜索'), ['必', '必应', '应', '应搜', '搜', '搜索', '索']);
  t.deepEqual(texts('bing搜索 API'), ['bing', '搜', '搜索', '索', 'api']);
  t.deepEqual(texts('ファイル'), ['フ', 'ファ', 'ァ', 'ァイ', 'イ', 'イル', 'ル']);
});

test('a pasted base64 or hash blob is skipped, while paths and long identifiers are kept', (t) => {
  const blob = 'iVBORw0KGgoAAAANSUhEUgAAAgAAAAIACAYAAAD0eNT6AAAABHNCSVQICAgIfAhkiA+x/Yz9';
  t.deepEqual(texts(`what is ${blob} ?`), ['what', 'is']);
  t.deepEqual(texts('sha 3f2a9c0d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f'), ['sha']);
  t.deepEqual(texts('/root/txt/paper_list.bib'), ['root', 'txt', 'paper', 'list', 'bib']);
  t.true(texts('getUserContestRankingWithDetails').includes('ranking'));
});

test('stop words are dropped from documents, request words only from queries', (t) => {
  t.deepEqual(terms('Get the list of all the files'), ['get', 'list', 'file']);
  t.deepEqual(terms('use a tool to send an email'), ['us', 'tool', 'send', 'email']);
  t.deepEqual(
    queryTermsOf('Please help me use a tool to send an email').map((x) => x.term),
    ['send', 'email'],
  );
  // "X-related" and "related to X" say what the request is about, as "relevant" and "based on" do.
  t.deepEqual(
    queryTermsOf('get finance-related news').map((x) => x.term),
    queryTermsOf('get finance news').map((x) => x.term),
  );
});

test('abbreviations are rewritten in documents and queries alike', (t) => {
  t.deepEqual(terms('repo'), terms('repository'));
  t.deepEqual(terms('list_dir'), terms('list directory'));
  t.deepEqual(terms('db'), terms('database'));
  t.deepEqual(terms('analyse'), terms('analyze'));
  t.deepEqual(terms('create_pr'), terms('create pull request'));
});

test('short numbers are arguments and dropped; long ones may be names; ordinal suffixes are no words', (t) => {
  t.deepEqual(terms('top 5 results of 12306'), ['top', 'result', '12306']);
  t.deepEqual(texts('the 10th line'), ['the', '10', '10th*', 'line']);
  t.deepEqual(terms('the 10th line'), ['10th', 'line']);
});

test('related words: general tool vocabulary, both ways, and between English and Chinese', (t) => {
  const [get] = termOf('get');
  const [fetch] = termOf('fetch');
  const [folder] = termOf('folder');
  const [directory] = termOf('directory');
  t.true(relatedTo(get!).has(fetch!));
  t.true(relatedTo(fetch!).has(get!));
  t.true(relatedTo(folder!).has(directory!));
  t.true(relatedTo(termOf('news')[0]!).has('新闻'));
  t.true(relatedTo('搜索').has(termOf('search')[0]!));
  // "news" is not "new" (a word for "create"): the stemmer keeps them apart, so no expansion crosses.
  t.false(relatedTo(termOf('news')[0]!).has(termOf('create')[0]!));
  t.is(relatedTo('nonexistentterm').size, 0);
  // Writing into something is adding to it; a paragraph is text.
  t.true(relatedTo(termOf('write')[0]!).has(termOf('append')[0]!));
  t.true(relatedTo(termOf('write')[0]!).has(termOf('add')[0]!));
  t.true(relatedTo(termOf('content')[0]!).has(termOf('paragraph')[0]!));
});

test('the Chinese glossary relates a word to each English meaning, not the meanings to each other', (t) => {
  const [ticket] = termOf('ticket');
  const [station] = termOf('station');
  t.true(relatedTo(ticket!).has('车票'));
  t.true(relatedTo('车票').has(ticket!));
  t.true(relatedTo('科技').has(termOf('technology')[0]!));
  t.true(relatedTo('科技').has('tech'));
  t.false(relatedTo(termOf('technology')[0]!).has('tech'), 'two meanings of 科技 are not related through it');
  t.false(relatedTo(ticket!).has(station!));
});

test('longer glossary words are found inside a CJK run by longest match, besides its n-grams', (t) => {
  const tokens = texts('获取数据库中的表结构');
  t.true(tokens.includes('数据库'));
  t.true(tokens.includes('表结构'));
  t.true(tokens.includes('据库') && tokens.includes('库'), 'the n-grams are all still there');
  t.deepEqual(
    texts('数据库').filter((x) => x.length > 2),
    ['数据库'],
    'the word comes once, after the n-grams of its first character',
  );
  // Longest first: 电子邮件 (email) wins over 电子 (electronic); the match goes on after it (地址 is a bigram).
  t.deepEqual(
    texts('电子邮件地址').filter((x) => x.length > 2),
    ['电子邮件'],
  );
  t.deepEqual(
    texts('股票代码').filter((x) => x.length > 2),
    ['股票代码'],
  );
  t.true(relatedTo(termOf('database')[0]!).has('数据库'));
  t.true(relatedTo('股票代码').has(termOf('ticker')[0]!));
});

test('the glossary: words of two or more CJK characters, meanings of one lower-case English word each', (t) => {
  for (const [chinese, meanings] of Object.entries(CHINESE_GLOSSARY)) {
    t.regex(chinese, /^\p{Script=Han}{2,}$/u);
    t.true(meanings.length > 0, chinese);
    for (const meaning of meanings) t.regex(meaning, /^[a-z][a-z0-9]*$/, chinese);
  }
});

test('the thesaurus relates a word to its WordNet synonyms, more general words and derivations', (t) => {
  const [estimate] = termOf('estimate');
  t.true(thesaurusOf(estimate!).has(termOf('calculate')[0]!), 'estimate is a kind of calculation');
  t.true(thesaurusOf(termOf('cheap')[0]!).has(termOf('inexpensive')[0]!));
  t.true(thesaurusOf(termOf('analyze')[0]!).has(termOf('analysis')[0]!), 'derived from the same root');
  t.is(thesaurusOf('nonexistentterm').size, 0);
  const concept = analyzeQuery('estimate', { synonymWeight: 0.5, thesaurusWeight: 0.2 })[0];
  t.deepEqual(
    concept?.terms.find((x) => x.term === termOf('calculate')[0]),
    { term: termOf('calculate')[0], weight: 0.2, via: 'thesaurus' },
  );
  t.false(analyzeQuery('estimate', { thesaurusWeight: 0 })[0]!.terms.some((x) => x.via === 'thesaurus'));
});

test('a query concept carries its related words at the given weight', (t) => {
  const [concept] = analyzeQuery('fetch', { synonymWeight: 0.4 });
  t.is(concept?.word, 'fetch');
  t.deepEqual(concept?.terms[0], { term: termOf('fetch')[0], weight: 1 });
  t.deepEqual(
    concept?.terms.find((x) => x.term === termOf('get')[0]),
    { term: termOf('get')[0], weight: 0.4, via: 'related' },
  );
  t.is(analyzeQuery('fetch', { synonymWeight: 0 })[0]?.terms.length, 1);
});

test('a translation (English ~ Chinese) counts at the translation weight, a same-language word at the synonym weight', (t) => {
  // A Chinese word is also analysed as its characters: its own concept is the one of the whole word.
  const weightOf = (query: string, term: string, options: Parameters<typeof analyzeQuery>[1]) =>
    analyzeQuery(query, options)
      .find((c) => c.word === query)
      ?.terms.find((x) => x.term === term)?.weight;
  const options = { synonymWeight: 0.5, translationWeight: 0.8 };
  t.is(weightOf('news', '新闻', options), 0.8);
  t.is(weightOf('news', termOf('article')[0]!, options), 0.5);
  t.is(weightOf('新闻', termOf('news')[0]!, options), 0.8);
  // Unless said otherwise, a translation weighs what a synonym does; 0 turns translations off.
  t.is(weightOf('news', '新闻', { synonymWeight: 0.4 }), 0.4);
  t.is(weightOf('news', '新闻', { synonymWeight: 0.5, translationWeight: 0 }), undefined);
});

test('repeated words count, and split identifiers add their whole form as an optional concept', (t) => {
  const concepts = analyzeQuery('file file getCanvas');
  t.is(concepts.find((c) => c.word === 'file')?.count, 2);
  t.deepEqual(
    concepts.map((c) => [c.word, c.optional]),
    [
      ['file', false],
      ['get', false],
      ['canvas', false],
      ['getcanvas', true],
    ],
  );
});

test('paths, file names and URLs imply optional concepts: a file, its type, a web page', (t) => {
  const implied = (q: string) => impliedTerms(q).map((x) => x.word);
  t.deepEqual(implied('open /root/txt/paper_list.bib'), ['file', 'bib']);
  t.deepEqual(implied('save it to report.xlsx'), ['file', 'xlsx']);
  t.deepEqual(implied('summarize https://example.com/a'), ['url']);
  t.deepEqual(implied('no path here'), []);
  const concepts = analyzeQuery('write it to /data/notes.md');
  t.true(concepts.some((c) => c.word === 'file' && c.optional));
  t.true(
    concepts.some((c) => c.word === 'notes' && !c.optional),
    'the path stays in the text',
  );
});

test('an empty or all-stop-word query has no concepts', (t) => {
  t.deepEqual(analyzeQuery(''), []);
  t.deepEqual(analyzeQuery('   '), []);
  t.deepEqual(analyzeQuery('please help me with the'), []);
});
