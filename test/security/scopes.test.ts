import test from 'ava';
import { isLocalmcpError } from '@localmcp/plugin-api';
import {
  allows,
  allowsServer,
  filterTools,
  formatScope,
  FULL_ACCESS,
  parseScopes,
} from '../../server/security/scopes.js';

const tools = [
  { server: 'github', originalName: 'create_issue', publicName: 'gh__create_issue' },
  { server: 'github', originalName: 'get_issue', publicName: 'gh__get_issue' },
  { server: 'slack', originalName: 'post_message', publicName: 'slack__post_message' },
  { server: 'slack', originalName: 'delete_message', publicName: 'slack__delete_message' },
  { server: 'memory', originalName: 'read_graph', publicName: 'memory__read_graph' },
];
const names = (scope: Parameters<typeof filterTools>[0]) => filterTools(scope, tools).map((t) => t.publicName);

test('a key limited to one server sees only that server', (t) => {
  const { scope } = parseScopes(['server:github']);
  t.deepEqual(names(scope), ['gh__create_issue', 'gh__get_issue']);
  t.false(allows(scope, 'slack', 'post_message'));
});

test('tool globs match <server>/<tool> and the public name; grants add up', (t) => {
  const { scope } = parseScopes(['tool:github/get_*', 'tool:slack__post_*']);
  t.deepEqual(names(scope), ['gh__get_issue', 'slack__post_message']);
  const union = parseScopes(['server:memory', 'tool:slack/post_message']).scope;
  t.deepEqual(names(union), ['slack__post_message', 'memory__read_graph']);
});

test('server globs and admin', (t) => {
  t.deepEqual(
    names(parseScopes(['server:*']).scope),
    tools.map((x) => x.publicName),
  );
  t.deepEqual(names(parseScopes(['server:s*']).scope), ['slack__post_message', 'slack__delete_message']);
  t.true(parseScopes(['admin']).scope.admin);
  t.deepEqual(
    names(FULL_ACCESS),
    tools.map((x) => x.publicName),
  );
});

test('an empty scope grants nothing', (t) => {
  t.deepEqual(names(parseScopes([]).scope), []);
});

test('strict parsing rejects unknown scope strings; lenient parsing sets them aside', (t) => {
  const error = t.throws(() => parseScopes(['server:github', 'repo', 'tool:'], { strict: true }));
  t.true(isLocalmcpError(error));
  t.regex(error!.message, /"repo", "tool:"/);
  const lenient = parseScopes(['openid', 'server:github', 'email']);
  t.deepEqual(lenient.unknown, ['openid', 'email']);
  t.deepEqual(lenient.scope.servers, ['github']);
});

test('formatScope round-trips', (t) => {
  const items = ['admin', 'server:github', 'tool:slack/post_*'];
  t.deepEqual(formatScope(parseScopes(items).scope), items);
});

test('allowsServer: whole servers only (for prompts and resources)', (t) => {
  const { scope } = parseScopes(['server:git*', 'tool:slack/post_message']);
  t.true(allowsServer(scope, 'github'));
  t.false(allowsServer(scope, 'slack'), 'one granted tool does not grant the server');
  t.true(allowsServer(FULL_ACCESS, 'anything'));
});
