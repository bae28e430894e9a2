// The stdio transport of `serve --stdio`: plain requests skip the schema, everything else is checked as the SDK
// checks it, and framing, errors and back-pressure behave as the SDK's StdioServerTransport.
import { PassThrough } from 'node:stream';
import test from 'ava';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { LineTransport, parseMessage } from '../../server/stdio/line-transport.js';

function open() {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const transport = new LineTransport(stdin, stdout);
  const messages: JSONRPCMessage[] = [];
  const errors: Error[] = [];
  let closed = 0;
  transport.onmessage = (message) => messages.push(message);
  transport.onerror = (error) => errors.push(error);
  transport.onclose = () => closed++;
  return { stdin, stdout, transport, messages, errors, closed: () => closed };
}

test('lines split across chunks, several in one chunk, and CRLF endings all arrive whole', async (t) => {
  const { stdin, transport, messages, errors } = open();
  await transport.start();
  stdin.write('{"jsonrpc":"2.0","id":1,"method":"tools/call","par');
  stdin.write('ams":{"name":"a","arguments":{"x":"é"}}}\n{"jsonrpc":"2.0","method":"notifications/initialized"}\r\n');
  stdin.write('{"jsonrpc":"2.0","id":"r","result":{}}\n');
  await new Promise((resolve) => setImmediate(resolve));
  t.deepEqual(messages, [
    { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'a', arguments: { x: 'é' } } },
    { jsonrpc: '2.0', method: 'notifications/initialized' },
    { jsonrpc: '2.0', id: 'r', result: {} },
  ]);
  t.deepEqual(errors, []);
});

test('what is not JSON-RPC goes to onerror and the next line is still read', async (t) => {
  const { stdin, transport, messages, errors, closed } = open();
  await transport.start();
  for (const line of [
    'not json',
    '{"jsonrpc":"1.0","id":1,"method":"ping"}',
    '{"jsonrpc":"2.0","id":null,"method":"ping"}',
    '{"jsonrpc":"2.0","id":1.5,"method":"ping"}',
    '{"jsonrpc":"2.0","id":1,"method":"ping","params":[1]}',
    '[1,2]',
    '{"jsonrpc":"2.0","id":2,"method":"ping"}',
  ]) {
    stdin.write(`${line}\n`);
  }
  await new Promise((resolve) => setImmediate(resolve));
  t.deepEqual(messages, [{ jsonrpc: '2.0', id: 2, method: 'ping' }]);
  t.is(errors.length, 6);
  t.is(closed(), 0);
});

test('a message with _meta or extra members is checked by the SDK schema, as before', (t) => {
  const withMeta = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'a', _meta: { progressToken: 7 } } };
  t.deepEqual(parseMessage(JSON.stringify(withMeta)), withMeta as JSONRPCMessage);
  t.throws(() => parseMessage('{"jsonrpc":"2.0","id":1,"method":"x","params":{"_meta":{"progressToken":{}}}}'));
  // The schema of a request is strict: an unknown member is refused, not passed on.
  t.throws(() => parseMessage('{"jsonrpc":"2.0","id":1,"method":"x","extra":true}'));
});

test('a line over 10 MiB is an error and ends the session', async (t) => {
  const { stdin, transport, errors, closed } = open();
  await transport.start();
  stdin.write(Buffer.alloc(10 * 1024 * 1024 + 1, 'a'));
  await new Promise((resolve) => setImmediate(resolve));
  t.is(errors.length, 1);
  t.regex(errors[0]!.message, /maximum size/);
  t.is(closed(), 1);
});

test('send writes one line per message and waits for drain when stdout is full', async (t) => {
  const stdin = new PassThrough();
  const stdout = new PassThrough({ highWaterMark: 16 });
  const transport = new LineTransport(stdin, stdout);
  await transport.start();
  let sent = false;
  const sending = transport.send({ jsonrpc: '2.0', id: 1, result: { text: 'x'.repeat(64) } }).then(() => (sent = true));
  await new Promise((resolve) => setImmediate(resolve));
  t.false(sent, 'waits while stdout is over its high-water mark');
  const line = String(stdout.read());
  await sending;
  t.deepEqual(JSON.parse(line), { jsonrpc: '2.0', id: 1, result: { text: 'x'.repeat(64) } });
  t.true(line.endsWith('\n'));
  await transport.close();
  await t.throwsAsync(transport.start(), { message: /already started/ }, 'start twice is not allowed');
});
