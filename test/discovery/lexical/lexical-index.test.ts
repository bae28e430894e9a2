// The lexical index as the gateway uses it: upsert/remove/search on a small catalog.
import type { ToolDocument } from '@localmcp/plugin-api';
import test from 'ava';
import { LexicalIndex } from '../../../server/discovery/lexical/index.js';
import { CATALOG, ids } from './catalog.js';

const indexOf = (docs: ToolDocument[] = CATALOG, options = {}) => {
  const index = new LexicalIndex(options);
  index.upsert(docs);
  return index;
};

for (const strategy of ['two-stage', 'single-stage'] as const) {
  test(`${strategy}: the tool whose name says what is asked comes first, with a reason`, (t) => {
    const [hit] = indexOf().search('please create an issue on github', { strategy });
    t.is(hit?.id, 'github__create_issue');
    t.is(hit?.server, 'github');
    t.deepEqual(hit?.matched.name, ['create', 'issue']);
    t.regex(hit?.reason ?? '', /^name matches "create", "issue"/);
  });
}

test('related words find tools that use other words: fetch ~ get/read, folder ~ directory', (t) => {
  const index = indexOf();
  t.true(ids(index.search('fetch the contents of a file', { limit: 2 })).includes('filesystem__read_file'));
  t.is(index.search('show what is in a folder')[0]?.id, 'filesystem__list_directory');
  const hit = index.search('show what is in a folder')[0];
  t.regex(hit?.reason ?? '', /"folder" \(related\)/);
});

test('parameter names and descriptions are searchable, nested objects included', (t) => {
  const [hit] = indexOf().search('temperature units');
  t.is(hit?.id, 'weather__get_forecast');
  t.deepEqual(hit?.matched.parameterDescriptions, ['temperature', 'units']);
  t.deepEqual(hit?.matched.parameters, ['units']);
});

test('the server name and description are searchable', (t) => {
  const hits = indexOf().search('local disk', { limit: 3 });
  t.true(hits.length > 0);
  t.true(hits.every((h) => h.server === 'filesystem'));
  t.deepEqual(hits[0]?.matched.serverDescription, ['local', 'disk']);
});

test('Chinese descriptions are found by Chinese and by English queries', (t) => {
  const index = indexOf();
  t.is(index.search('必应搜索')[0]?.id, 'bing__bing_search');
  t.is(index.search('搜索关键词')[0]?.id, 'bing__bing_search');
  t.is(index.search('search keywords on bing')[0]?.id, 'bing__bing_search');
});

test('English requests find Chinese-described tools through the glossary', (t) => {
  const train: ToolDocument = {
    id: 'rail__get_tickets',
    name: 'get_tickets',
    server: 'rail',
    description: '查询火车车票，返回车次、出发和到达时间',
  };
  const index = indexOf([...CATALOG, train]);
  const [hit] = index.search('train departure times');
  t.is(hit?.id, 'rail__get_tickets');
  t.regex(hit?.reason ?? '', /"train" \(related\)/);
});

test('a glossary word of three or more characters is found inside a longer run of Chinese and translated', (t) => {
  const sql: ToolDocument = {
    id: 'sql__describe',
    name: 'describe',
    server: 'sql',
    // One run of Chinese with no spaces: 数据库 (database) and 表结构 (schema) are words inside it.
    description: '在指定数据库中查看表结构',
  };
  const english: ToolDocument = {
    id: 'files__stat',
    name: 'stat',
    server: 'files',
    description: 'Show the size and dates of a file.',
  };
  const index = indexOf([...CATALOG, sql, english]);
  const [hit] = index.search('show the database schema');
  t.is(hit?.id, 'sql__describe');
  t.regex(hit?.reason ?? '', /"database" \(related\)/);
  t.regex(hit?.reason ?? '', /"schema" \(related\)/);
});

test('the thesaurus ranks what matched, and alone makes nothing a result', (t) => {
  const docs: ToolDocument[] = [
    { id: 'calc__evaluate', name: 'evaluate', server: 'calc', description: 'Calculate the value of an expression.' },
    { id: 'kv__put', name: 'put', server: 'kv', description: 'Store a value under a key.' },
  ];
  // WordNet has a budget as a kind of calculation: with "value" matched as written, that decides.
  t.deepEqual(ids(indexOf(docs).search('budget value')), ['calc__evaluate', 'kv__put']);
  // A request whose words only the thesaurus relates to any tool finds nothing.
  t.deepEqual(indexOf(docs).search('budget'), []);
  t.deepEqual(indexOf(docs, { thesaurusWeight: 0 }).search('budget value').length, 2);
});

test('a typo of a word no tool has is corrected to the nearest known word', (t) => {
  const index = indexOf();
  const [hit] = index.search('forcast for a city');
  t.is(hit?.id, 'weather__get_forecast');
  t.regex(hit?.reason ?? '', /"forcast" \(spelling\)/);
  t.deepEqual(indexOf(CATALOG, { spellingWeight: 0, thesaurusWeight: 0 }).search('forcast tomorrow'), []);
});

test('a corrected typo brings the related words of the word it stands for', (t) => {
  const docs: ToolDocument[] = [
    { id: 'hub__get_hot', name: 'get_hot_list', server: 'hub', description: '获取热门话题' },
    { id: 'hub__get_weather', name: 'get_weather', server: 'hub', description: 'Weather of a city' },
    { id: 'repo__trend_lines', name: 'trend_lines', server: 'repo', description: 'Fit trend lines' },
  ];
  // "treending" is one edit from "trend", whose related words (popular, hot, 热门) find the hot list too.
  const found = ids(indexOf(docs).search('treending'));
  t.true(found.includes('hub__get_hot'));
  t.regex(
    indexOf(docs)
      .search('treending')
      .find((h) => h.id === 'hub__get_hot')?.reason ?? '',
    /spelling/,
  );
  t.false(ids(indexOf(docs, { spellingWeight: 0 }).search('treending')).includes('hub__get_hot'));
});

test('an English word that no tool has is not a typo of a word one edit away', (t) => {
  const docs: ToolDocument[] = [
    { id: 'proc__launch', name: 'launch', server: 'proc', description: 'Launch a program.' },
    { id: 'proc__list', name: 'list_processes', server: 'proc', description: 'List the running processes.' },
  ];
  // "lunch" is one edit from "launch", but the thesaurus knows it as a word: nothing is about lunch.
  t.deepEqual(indexOf(docs).search('lunch'), []);
  t.is(indexOf(docs).search('lanuch')[0]?.id, 'proc__launch');
});

test('an empty query, a query of stop words only and a query that matches nothing give no hits', (t) => {
  const index = indexOf();
  for (const query of ['', '   ', 'please help me with the', 'zyxwvut qqqq'])
    t.deepEqual(index.search(query), [], JSON.stringify(query));
  t.deepEqual(new LexicalIndex().search('create issue'), [], 'an empty index');
});

test('limit caps the hits; scores are 0..1, best first', (t) => {
  const index = indexOf();
  t.is(index.search('file', { limit: 2 }).length, 2);
  const shallow = indexOf(CATALOG, { rerankDepth: 2 });
  t.is(shallow.search('file', { limit: 4 }).length, 4, 'a limit above rerankDepth is still honoured');
  t.deepEqual(index.search('file', { limit: 0 }), []);
  for (const strategy of ['two-stage', 'single-stage'] as const) {
    const hits = index.search('create a new file in the repository', { limit: 10, strategy });
    t.true(hits.length > 3);
    for (let i = 1; i < hits.length; i++) t.true(hits[i - 1]!.score >= hits[i]!.score, strategy);
    t.true(
      hits.every((h) => h.score > 0 && h.score <= 1),
      strategy,
    );
  }
});

test('the server filter limits hits to those servers', (t) => {
  const index = indexOf();
  const all = index.search('create a new file');
  t.true(new Set(all.map((h) => h.server)).size > 1);
  for (const strategy of ['two-stage', 'single-stage'] as const) {
    const hits = index.search('create a new file', { servers: ['github'], strategy });
    t.true(hits.length > 0);
    t.true(
      hits.every((h) => h.server === 'github'),
      strategy,
    );
    t.deepEqual(index.search('create a new file', { servers: ['nope'], strategy }), []);
  }
});

test('upsert adds and replaces tools; remove takes them out; size follows', (t) => {
  const index = indexOf();
  t.is(index.size(), CATALOG.length);
  t.deepEqual(index.search('translate'), []);

  const tool: ToolDocument = {
    id: 'misc__t1',
    name: 'translate',
    server: 'misc',
    description: 'Translate a sentence.',
  };
  index.upsert([tool]);
  t.is(index.size(), CATALOG.length + 1);
  t.is(index.search('translate')[0]?.id, 'misc__t1');
  t.is(index.get('misc__t1'), tool);

  // Replacing a tool re-indexes its text: the old words no longer find it, the new ones do.
  index.upsert([{ ...tool, name: 'word_count', description: 'Count the words of a sentence.' }]);
  t.is(index.size(), CATALOG.length + 1);
  t.deepEqual(index.search('translate'), []);
  t.is(index.search('count words')[0]?.id, 'misc__t1');

  index.remove(['misc__t1', 'unknown__id']);
  t.is(index.size(), CATALOG.length);
  t.false(
    index.search('count words').some((h) => h.id === 'misc__t1'),
    'other tools may match through related words',
  );
  t.is(index.get('misc__t1'), undefined);
});

test('removing every tool of a server removes the server from two-stage ranking', (t) => {
  const index = indexOf();
  const github = CATALOG.filter((d) => d.server === 'github').map((d) => d.id);
  index.remove(github);
  const hits = index.search('github issues and pull requests', { strategy: 'two-stage' });
  t.false(hits.some((h) => h.server === 'github'));
  index.upsert(CATALOG.filter((d) => d.server === 'github'));
  t.is(index.search('github issues and pull requests', { strategy: 'two-stage' })[0]?.server, 'github');
});

test('a change to one tool changes the server document of two-stage search', (t) => {
  const index = indexOf();
  t.deepEqual(index.search('hovercraft', { strategy: 'two-stage' }), []);
  index.upsert([
    { ...CATALOG.find((d) => d.id === 'notes__add_note')!, description: 'Add a note about a hovercraft.' },
  ]);
  t.is(index.search('hovercraft', { strategy: 'two-stage' })[0]?.id, 'notes__add_note');
});

test('two-stage ranks the tools of the best matching server ahead; single-stage ranks tools alone', (t) => {
  // A kanban server, and one tool about kanban cards on a big server of unrelated utilities.
  const utilities = ['uuid', 'hash', 'encode_base64', 'random_number', 'convert_units', 'timezone', 'lorem_ipsum'];
  const docs: ToolDocument[] = [
    { id: 'misc__kanban_card_mover', name: 'kanban_card_mover', server: 'misc', description: 'Moves a kanban card.' },
    ...utilities.map((name) => ({ id: `misc__${name}`, name, server: 'misc', description: `The ${name} utility.` })),
    ...['move_card', 'list_cards', 'archive_card'].map((name) => ({
      id: `kanban__${name}`,
      name,
      server: 'kanban',
      serverDescription: 'Kanban boards: move cards between columns of a kanban board',
      description: `${name.replace('_', ' ')}.`,
    })),
  ];
  const query = 'move my kanban card';
  // MCP-Zero's combination, which favours the best server more than the default product does. Without fusion,
  // the gate alone: the kanban server's tools, then the others. No summary boost: "Moves a kanban card." is all
  // the query asks, which would lift the misc tool by its own score, and this is about the server's part.
  const gatedIndex = indexOf(docs, { fusionDepth: 0, combine: 'mcp-zero', summaryBoost: 0 });
  const single = ids(gatedIndex.search(query, { strategy: 'single-stage' }));
  const gated = ids(gatedIndex.search(query, { strategy: 'two-stage' }));
  t.deepEqual(single.slice(0, 2), ['kanban__move_card', 'misc__kanban_card_mover']);
  t.deepEqual(gated, ['kanban__move_card', 'kanban__list_cards', 'kanban__archive_card', 'misc__kanban_card_mover']);
  // With fusion (the default), the head of the list also draws on the ungated ranking: the strong tool of the
  // gated-out server comes up among the first results, still after the best tool of the best server.
  const fusedHits = indexOf(docs, { combine: 'mcp-zero', summaryBoost: 0 }).search(query, { strategy: 'two-stage' });
  const fused = ids(fusedHits);
  t.true(
    fusedHits.every((h, i) => i === 0 || h.score <= fusedHits[i - 1]!.score),
    'scores fall down the list',
  );
  t.is(fused[0], 'kanban__move_card');
  t.true(fused.indexOf('misc__kanban_card_mover') < gated.indexOf('misc__kanban_card_mover'));
  t.deepEqual([...fused].sort(), [...gated].sort());
});

test('the summary boost lifts a tool whose first sentence is what the query asks for', (t) => {
  const tool = (server: string, name: string, description: string): ToolDocument => ({
    id: `${server}__${name}`,
    name,
    server,
    description,
  });
  const docs = [
    tool('catalog', 'show_package', 'Get details for a specific package (dataset).'),
    tool('catalog', 'search_packages', 'Search packages by keyword.'),
    tool('events', 'get_dataset', 'Get a dataset: its details, columns, retention, owners, tags and access rules.'),
    tool('events', 'list_datasets', 'List the datasets of the environment.'),
  ];
  const query = 'get details for the specific dataset';
  // get_dataset has the query's words in its name and comes first either way; show_package says in its first
  // sentence nearly all the query says and nothing else, which the boost rewards.
  const relative = (summaryBoost?: number) => {
    const hits = indexOf(docs, { summaryBoost }).search(query, { strategy: 'single-stage' });
    t.is(hits[0]?.id, 'events__get_dataset');
    return hits.find((h) => h.id === 'catalog__show_package')!.score;
  };
  const without = relative(0);
  const withBoost = relative(undefined);
  t.true(withBoost > 2 * without, `show_package at ${withBoost} of the first with the boost, ${without} without`);
});

test('two-stage: a one-word request is ranked by its tools, the server gate counting from two words on', (t) => {
  // A card printer among unrelated utilities, and a server all about cards.
  const utilities = ['uuid', 'hash', 'timezone', 'lorem_ipsum', 'encode_base64', 'random_number', 'slugify'];
  const docs: ToolDocument[] = [
    { id: 'misc__card_printer', name: 'card_printer', server: 'misc', description: 'Print a card.' },
    ...utilities.map((name) => ({ id: `misc__${name}`, name, server: 'misc', description: `The ${name} utility.` })),
    ...[
      ['shuffle_cards', 'Shuffle a deck of cards.'],
      ['deal_cards', 'Deal cards to the players.'],
      ['count_cards', 'Count the cards left in the deck.'],
    ].map(([name, description]) => ({
      id: `decks__${name}`,
      name: name!,
      server: 'decks',
      serverDescription: 'Playing cards: card decks, card games and card tricks',
      description: description!,
    })),
  ];
  const single = ids(indexOf(docs).search('card', { strategy: 'single-stage', limit: 5 }));
  t.is(single[0], 'misc__card_printer');
  // One word: the head of the two-stage list is the single-stage ranking...
  t.deepEqual(ids(indexOf(docs).search('card', { strategy: 'two-stage', limit: 5 })), single);
  // ...where a gate of constant weight puts the card server's tools first.
  const constant = ids(indexOf(docs, { fusionRamp: 0 }).search('card', { strategy: 'two-stage', limit: 5 }));
  t.is(constant[0], 'decks__shuffle_cards');
  t.true(constant.indexOf('misc__card_printer') > 0);
});

test('the two combinations of two-stage: mcp-zero never scores above the product', (t) => {
  const index = indexOf();
  const product = index.search('create a new file', { strategy: 'two-stage', combine: 'product' });
  const mcpZero = index.search('create a new file', { strategy: 'two-stage', combine: 'mcp-zero' });
  const byId = new Map(product.map((h) => [h.id, h.score]));
  t.true(mcpZero.length > 0);
  for (const hit of mcpZero) t.true(hit.score <= (byId.get(hit.id) ?? Infinity) + 1e-12, hit.id);
  t.true(
    mcpZero.some((h) => h.score < byId.get(h.id)!),
    'scores differ where max(s, t) < 1',
  );
});

test('results are deterministic: the same index and query give the same hits', (t) => {
  const a = indexOf().search('list', { limit: 10 });
  const b = indexOf([...CATALOG].reverse()).search('list', { limit: 10 });
  t.deepEqual(
    a.map((h) => [h.id, h.score.toFixed(9)]),
    indexOf()
      .search('list', { limit: 10 })
      .map((h) => [h.id, h.score.toFixed(9)]),
  );
  t.deepEqual(new Set(ids(a)), new Set(ids(b)), 'the same tools whatever the insertion order');
});

test('field weights are options: with the name weighted down, the description decides', (t) => {
  const docs: ToolDocument[] = [
    { id: 's__alpha', name: 'export_report', server: 's', description: 'Write a summary.' },
    { id: 's__beta', name: 'summary', server: 's', description: 'Export the report as a file.' },
  ];
  t.is(indexOf(docs).search('export report')[0]?.id, 's__alpha');
  const nameless = indexOf(docs, { fields: { name: { weight: 0 }, summary: { weight: 0 } }, nameBoost: 0 });
  t.is(nameless.search('export report', { strategy: 'single-stage' })[0]?.id, 's__beta');
});
