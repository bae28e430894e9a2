import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { ErrorCodes, isPluginError, pluginId } from '@localmcp/plugin-api';
import plugin, { OpenAIEmbedderOptionsSchema } from '../src/index.js';
import { testContext } from './helpers/context.js';
import { fakeVector, startFakeOpenAI } from './helpers/fake-openai.js';
import type { FakeOpenAIOptions } from './helpers/fake-openai.js';
import { loadEmbedder } from './helpers/load.js';

/** A fake endpoint, closed after the test. */
async function fakeOpenAI(t: ExecutionContext, options: FakeOpenAIOptions = {}) {
  const server = await startFakeOpenAI(options);
  t.teardown(() => server.close());
  return server;
}

/** A fresh environment variable holding an API key; its name is what `apiKeyEnv` takes. */
function keyInEnv(t: ExecutionContext, key = `sk-test-${randomUUID()}`) {
  const name = `LOCALMCP_TEST_OPENAI_KEY_${randomUUID().replaceAll('-', '_')}`;
  process.env[name] = key;
  t.teardown(() => {
    delete process.env[name];
  });
  return { name, key };
}

function unit(vector: Float32Array): Float32Array {
  const length = Math.sqrt(vector.reduce((s, x) => s + x * x, 0));
  return vector.map((x) => x / length);
}

function assertVectors(t: ExecutionContext, actual: Float32Array[], texts: string[], dimensions: number) {
  t.is(actual.length, texts.length);
  for (const [i, text] of texts.entries()) {
    const expected = unit(fakeVector(text, dimensions));
    t.is(actual[i]!.length, dimensions);
    t.true(
      actual[i]!.every((x, j) => Math.abs(x - expected[j]!) < 1e-6),
      `vector ${i} is the server's, normalised`,
    );
  }
}

const TEXTS = ['search open issues', 'find open issues', 'weather forecast tomorrow'];

test('the default export is embedder:openai, and the options refuse a literal key', (t) => {
  t.is(pluginId(plugin), 'embedder:openai');
  t.deepEqual(OpenAIEmbedderOptionsSchema.parse({}), {
    baseURL: 'https://api.openai.com/v1',
    model: 'text-embedding-3-small',
    apiKeyEnv: 'OPENAI_API_KEY',
    batchSize: 128,
    timeoutMs: 30000,
    maxRetries: 2,
    encodingFormat: 'base64',
  });
  const literal = OpenAIEmbedderOptionsSchema.safeParse({ apiKey: 'sk-123' });
  t.false(literal.success);
  t.regex(literal.error!.issues[0]!.message, /not accepted in the config: put it in an environment variable/);
  t.false(OpenAIEmbedderOptionsSchema.safeParse({ api_key: 'sk-123' }).success, 'unknown keys are refused');
  t.false(OpenAIEmbedderOptionsSchema.safeParse({ baseURL: 'file:///etc' }).success);
  t.false(OpenAIEmbedderOptionsSchema.safeParse({ apiKeyEnv: 'NOT A NAME' }).success);
});

test('create sends nothing; the first answer gives the vector length; requests are what the SDK sends', async (t) => {
  const server = await fakeOpenAI(t, { defaultDimensions: 12 });
  const { name, key } = keyInEnv(t);
  const embedder = await loadEmbedder({ baseURL: server.baseURL, apiKeyEnv: name });
  t.is(embedder.id, `openai:127.0.0.1:${server.port}:text-embedding-3-small`);
  t.is(server.requests.length, 0, 'no request at start-up');
  t.is(embedder.dimensions, 0, 'unknown until the first answer');
  assertVectors(t, await embedder.embed(TEXTS), TEXTS, 12);
  t.is(embedder.dimensions, 12);
  const [request] = server.requests;
  t.is(request!.method, 'POST');
  t.is(request!.path, '/v1/embeddings');
  t.is(request!.headers.authorization, `Bearer ${key}`);
  t.deepEqual(request!.body, { model: 'text-embedding-3-small', input: TEXTS, encoding_format: 'base64' });
});

test('with OpenAI itself, the vector length of its models is known before any request', async (t) => {
  const apiKeyEnv = keyInEnv(t).name;
  const small = await loadEmbedder({ apiKeyEnv });
  t.is(small.id, 'openai:api.openai.com:text-embedding-3-small');
  t.is(small.dimensions, 1536);
  t.is((await loadEmbedder({ apiKeyEnv, model: 'text-embedding-3-large' })).dimensions, 3072);
  const short = await loadEmbedder({ apiKeyEnv, model: 'text-embedding-3-large', dimensions: 256 });
  t.is(short.id, 'openai:api.openai.com:text-embedding-3-large:256');
  t.is(short.dimensions, 256);
  t.is((await loadEmbedder({ apiKeyEnv, model: 'someone-elses-model' })).dimensions, 0);
});

test('vectors are decoded from base64 and normalised, in input order', async (t) => {
  const server = await fakeOpenAI(t, { reverse: true });
  const embedder = await loadEmbedder({ baseURL: server.baseURL, apiKeyEnv: keyInEnv(t).name, model: 'nomic' });
  const vectors = await embedder.embed(TEXTS);
  assertVectors(t, vectors, TEXTS, 12);
  for (const v of vectors) t.true(Math.abs(Math.hypot(...v) - 1) < 1e-6);
  t.deepEqual(server.requests.at(-1)!.body, { model: 'nomic', input: TEXTS, encoding_format: 'base64' });
  t.deepEqual(await embedder.embed([]), []);
});

test('encodingFormat float, and a server sending numbers when base64 was asked, both decode', async (t) => {
  const floats = await fakeOpenAI(t);
  const asked = await loadEmbedder({ baseURL: floats.baseURL, apiKeyEnv: keyInEnv(t).name, encodingFormat: 'float' });
  assertVectors(t, await asked.embed(TEXTS), TEXTS, 12);
  t.is(floats.requests.at(-1)!.body.encoding_format, 'float');

  const stubborn = await fakeOpenAI(t, { ignoreEncodingFormat: true });
  const embedder = await loadEmbedder({ baseURL: stubborn.baseURL, apiKeyEnv: keyInEnv(t).name });
  assertVectors(t, await embedder.embed(TEXTS), TEXTS, 12);
  t.is(stubborn.requests.at(-1)!.body.encoding_format, 'base64');
});

test('the dimensions option is sent and named in the id; a server ignoring it is caught', async (t) => {
  const server = await fakeOpenAI(t);
  const embedder = await loadEmbedder({ baseURL: server.baseURL, apiKeyEnv: keyInEnv(t).name, dimensions: 6 });
  t.is(embedder.id, `openai:127.0.0.1:${server.port}:text-embedding-3-small:6`);
  t.is(embedder.dimensions, 6);
  t.is(server.requests.length, 0);
  assertVectors(t, await embedder.embed(TEXTS), TEXTS, 6);
  t.is(server.requests[0]!.body.dimensions, 6);

  const ignoring = await fakeOpenAI(t, { ignoreDimensions: true });
  const wrong = await loadEmbedder({ baseURL: ignoring.baseURL, apiKeyEnv: keyInEnv(t).name, dimensions: 6 });
  const error = await t.throwsAsync(wrong.embed(['x']));
  t.regex(error!.message, /answered with a 12-dimension vector where 6 were expected \(does the model support/);
});

test('batchSize splits the texts into requests, and the vectors come back in order', async (t) => {
  const server = await fakeOpenAI(t);
  const ctx = testContext();
  const embedder = await loadEmbedder(
    { baseURL: server.baseURL, apiKeyEnv: keyInEnv(t).name, batchSize: 2, dimensions: 12 },
    ctx,
  );
  const texts = ['a b', 'c d', 'e f', 'g h', 'i j'];
  assertVectors(t, await embedder.embed(texts), texts, 12);
  t.deepEqual(server.inputs(), [['a b', 'c d'], ['e f', 'g h'], ['i j']]);
  t.deepEqual(
    ctx.metricsSeen.filter((m) => m.name === 'texts_embedded').map((m) => m.value),
    [2, 2, 1],
  );
});

test('429 with retry-after is retried after the time the server asked for', async (t) => {
  const server = await fakeOpenAI(t);
  const ctx = testContext();
  const embedder = await loadEmbedder({ baseURL: server.baseURL, apiKeyEnv: keyInEnv(t).name, dimensions: 12 }, ctx);
  server.script.push({
    status: 429,
    headers: { 'retry-after': '1' },
    body: { error: { message: 'Rate limit reached', type: 'requests' } },
  });
  assertVectors(t, await embedder.embed(TEXTS), TEXTS, 12);
  t.is(server.requests.length, 2);
  const waited = server.requests[1]!.at - server.requests[0]!.at;
  t.true(waited >= 950, `waited ${waited} ms for retry-after: 1`);
  t.is(ctx.metricsSeen.filter((m) => m.name === 'retries').length, 1);
});

test('429 without retries left, or asking to wait over a minute, fails at once naming the hook', async (t) => {
  const server = await fakeOpenAI(t);
  const key = keyInEnv(t).name;
  const noRetries = await loadEmbedder({ baseURL: server.baseURL, apiKeyEnv: key, dimensions: 12, maxRetries: 0 });
  server.script.push({ status: 429, headers: { 'retry-after': '1' }, body: { error: { message: 'Slow down' } } });
  const error = await t.throwsAsync(noRetries.embed(['x']));
  t.is(error!.message, `[plugin embedder:openai] embed: ${server.baseURL}/embeddings answered 429 Slow down`);

  const patient = await loadEmbedder({ baseURL: server.baseURL, apiKeyEnv: key, dimensions: 12 });
  server.script.push({ status: 429, headers: { 'retry-after': '3600' }, body: { error: { message: 'Quota' } } });
  const started = Date.now();
  await t.throwsAsync(patient.embed(['x']), { message: /answered 429 Quota$/ });
  t.true(Date.now() - started < 5000, 'did not wait an hour');
  t.is(server.requests.length, 2);
});

test('500 is a clear error naming the plugin and hook, after the configured retries', async (t) => {
  const server = await fakeOpenAI(t);
  const key = keyInEnv(t).name;
  const once = await loadEmbedder({ baseURL: server.baseURL, apiKeyEnv: key, dimensions: 12, maxRetries: 0 });
  server.script.push({ status: 500, body: { error: { message: 'the model crashed', type: 'server_error' } } });
  const error = await t.throwsAsync(once.embed(['x']));
  t.true(isPluginError(error));
  t.like(error, { code: ErrorCodes.PLUGIN_HOOK_FAILED, plugin: 'embedder:openai', hook: 'embed' });
  t.is(error!.message, `[plugin embedder:openai] embed: ${server.baseURL}/embeddings answered 500 the model crashed`);

  const twice = await loadEmbedder({ baseURL: server.baseURL, apiKeyEnv: key, dimensions: 12, maxRetries: 1 });
  server.script.push(
    { status: 500, body: { error: { message: 'down' } } },
    { status: 503, body: { error: { message: 'still down' } } },
  );
  await t.throwsAsync(twice.embed(['x']), { message: /answered 503 still down \(2 attempts\)$/ });
  t.is(server.requests.length, 3);
});

test('a missing key fails at create, naming where it was looked for, with no request sent', async (t) => {
  const server = await fakeOpenAI(t);
  const unset = `LOCALMCP_TEST_UNSET_${randomUUID().replaceAll('-', '_')}`;
  const error = await t.throwsAsync(loadEmbedder({ baseURL: server.baseURL, apiKeyEnv: unset }));
  t.true(isPluginError(error));
  t.like(error, { plugin: 'embedder:openai', hook: 'create' });
  t.true(
    error!.message.startsWith(
      `[plugin embedder:openai] create: no API key: the environment variable ${unset} is not set`,
    ),
  );

  const dir = await mkdtemp(join(tmpdir(), 'localmcp-openai-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const missing = join(dir, 'no-such-key');
  await t.throwsAsync(loadEmbedder({ baseURL: server.baseURL, apiKeyFile: missing }), {
    message: `[plugin embedder:openai] create: cannot read the API key file ${missing} (apiKeyFile): ENOENT`,
  });
  const empty = join(dir, 'empty-key');
  await writeFile(empty, '\n');
  await t.throwsAsync(loadEmbedder({ baseURL: server.baseURL, apiKeyFile: empty }), { message: /is empty$/ });
  t.is(server.requests.length, 0);
});

test('apiKeyFile: the key is read from the file, and a file others can read is warned about', async (t) => {
  const server = await fakeOpenAI(t);
  const dir = await mkdtemp(join(tmpdir(), 'localmcp-openai-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'key');
  await writeFile(file, '  sk-from-file\n');
  await chmod(file, 0o644);
  const ctx = testContext();
  // The file wins over the environment variable.
  const embedder = await loadEmbedder({ baseURL: server.baseURL, apiKeyFile: file, apiKeyEnv: keyInEnv(t).name }, ctx);
  await embedder.embed(['x']);
  t.is(server.requests[0]!.headers.authorization, 'Bearer sk-from-file');
  t.true(ctx.logs.some((l) => l.level === 'warn' && l.message === 'the API key file can be read by other users'));
  await chmod(file, 0o600);
  const quiet = testContext();
  await loadEmbedder({ baseURL: server.baseURL, apiKeyFile: file }, quiet);
  t.false(quiet.logs.some((l) => l.level === 'warn'));
});

test('a rejected key or an unreachable endpoint is an error saying what to check', async (t) => {
  const server = await fakeOpenAI(t);
  const { name } = keyInEnv(t);
  const embedder = await loadEmbedder({ baseURL: server.baseURL, apiKeyEnv: name });
  server.script.push({
    status: 401,
    body: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } },
  });
  await t.throwsAsync(embedder.embed(['x']), {
    message: `[plugin embedder:openai] embed: ${server.baseURL}/embeddings answered 401 Incorrect API key provided; check the API key in $${name}`,
  });
  server.script.push({ status: 404, body: { error: { message: 'model "nope" not found' } } });
  await t.throwsAsync(embedder.embed(['x']), {
    message:
      /answered 404 model "nope" not found; check the model name \(text-embedding-3-small\) and that baseURL serves \/embeddings$/,
  });

  const closed = await startFakeOpenAI();
  await closed.close();
  const unreachable = await loadEmbedder({ baseURL: closed.baseURL, apiKeyEnv: name, maxRetries: 0 });
  const error = await t.throwsAsync(unreachable.embed(['x']));
  t.is(
    error!.message,
    `[plugin embedder:openai] embed: cannot reach ${closed.baseURL}/embeddings: Connection error. (ECONNREFUSED)`,
  );
});

test('timeoutMs abandons a request the server does not answer', async (t) => {
  const server = await fakeOpenAI(t);
  const embedder = await loadEmbedder({
    baseURL: server.baseURL,
    apiKeyEnv: keyInEnv(t).name,
    dimensions: 12,
    timeoutMs: 300,
    maxRetries: 0,
  });
  server.script.push({ hang: true });
  await t.throwsAsync(embedder.embed(['x']), {
    message: `[plugin embedder:openai] embed: no answer from ${server.baseURL}/embeddings within 300 ms`,
  });
});

test('aborting cancels the request in flight, and the wait before a retry, with the caller’s reason', async (t) => {
  const server = await fakeOpenAI(t);
  const embedder = await loadEmbedder({ baseURL: server.baseURL, apiKeyEnv: keyInEnv(t).name, dimensions: 12 });
  const reason = new Error('the client went away');

  server.script.push({ hang: true });
  const controller = new AbortController();
  const pending = embedder.embed(['x'], { signal: controller.signal });
  while (server.requests.length < 1) await new Promise((resolve) => setTimeout(resolve, 5));
  controller.abort(reason);
  await t.throwsAsync(pending, { is: reason });
  while (server.closedConnections < 1) await new Promise((resolve) => setTimeout(resolve, 5));
  t.pass('the request was cancelled on the wire');

  server.script.push({ status: 429, headers: { 'retry-after': '30' }, body: { error: { message: 'wait' } } });
  const waiting = new AbortController();
  const started = Date.now();
  const retrying = embedder.embed(['x'], { signal: waiting.signal });
  while (server.requests.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
  waiting.abort(reason);
  await t.throwsAsync(retrying, { is: reason });
  t.true(Date.now() - started < 5000, 'did not sit out the 30 s retry-after');

  await t.throwsAsync(embedder.embed(['x', 'y'], { signal: AbortSignal.abort(reason) }), { is: reason });
  t.is(server.requests.length, 2, 'an aborted signal sends nothing');
});

test('the shutdown signal and close() stop requests; a closed embedder refuses work', async (t) => {
  const server = await fakeOpenAI(t);
  const shutdown = new AbortController();
  const embedder = await loadEmbedder(
    { baseURL: server.baseURL, apiKeyEnv: keyInEnv(t).name, dimensions: 12 },
    testContext({ signal: shutdown.signal }),
  );
  server.script.push({ hang: true });
  const pending = embedder.embed(['x']);
  while (server.requests.length < 1) await new Promise((resolve) => setTimeout(resolve, 5));
  await embedder.close?.();
  await t.throwsAsync(pending, { message: '[plugin embedder:openai] embed: the embedder is closed' });
  await t.throwsAsync(embedder.embed(['x']), { message: '[plugin embedder:openai] embed: the embedder is closed' });

  const other = await loadEmbedder(
    { baseURL: server.baseURL, apiKeyEnv: keyInEnv(t).name, dimensions: 12 },
    testContext({ signal: shutdown.signal }),
  );
  shutdown.abort(new Error('localmcp is shutting down'));
  await t.throwsAsync(other.embed(['x']), { message: 'localmcp is shutting down' });
});

test('a malformed answer is an error naming the endpoint', async (t) => {
  const server = await fakeOpenAI(t);
  const embedder = await loadEmbedder({ baseURL: server.baseURL, apiKeyEnv: keyInEnv(t).name, dimensions: 12 });
  server.script.push({ status: 200, body: { object: 'list', data: [{ index: 0, embedding: [1, 2] }] } });
  await t.throwsAsync(embedder.embed(['x', 'y']), {
    message: `[plugin embedder:openai] embed: ${server.baseURL}/embeddings answered with 1 embeddings for 2 inputs`,
  });
  server.script.push({ status: 200, body: { object: 'list', data: [{ index: 0, embedding: 'abc' }] } });
  await t.throwsAsync(embedder.embed(['x']), { message: /answered with a base64 embedding of 2 bytes$/ });
});
