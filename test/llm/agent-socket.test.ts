// The agent over the admin socket: a real gateway (echo fixture upstream), the real openai SDK against a loopback
// OpenAI server with scripted answers, and socket.io-client as the panel. Runs are started with `agent:run`, their
// events must arrive one by one while the run is still going, and cancel / disconnect must stop the run.
import test, { type ExecutionContext } from 'ava';
import { io, type Socket } from 'socket.io-client';
import type {
  AdminClientToServer,
  AdminServerToClient,
  AgentEvent,
  AgentRun,
  AgentRunAck,
  AgentRunFailure,
} from '../../server/http/admin-events.js';
import { stdioFixtureConfig } from '../helpers/fixtures.js';
import { fakeProvider, startFakeOpenAIChat, startLlmGateway, type LlmGateway } from '../helpers/llm.js';
import { delay, waitFor } from '../helpers/wait.js';

const ADMIN_TOKEN = 'agent-socket-test-token';
type AdminClient = Socket<AdminServerToClient, AdminClientToServer>;

function connect(url: string, token: string): AdminClient {
  return io(url, {
    path: '/admin/socket.io',
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
}

function connected(socket: AdminClient): Promise<string> {
  return new Promise((resolve) => {
    socket.once('connect', () => resolve('connected'));
    socket.once('connect_error', (error) => resolve(error.message));
  });
}

const run = (socket: AdminClient, request: unknown) =>
  new Promise<AgentRunAck>((resolve) => socket.emit('agent:run', request as never, resolve));

/** What one run sent to the socket, with the time each arrived. */
interface Received {
  events: Array<{ event: AgentEvent; at: number }>;
  done?: { result: AgentRun; at: number };
  error?: AgentRunFailure & { at: number };
}

function record(socket: AdminClient): Map<string, Received> {
  const runs = new Map<string, Received>();
  const of = (runId: string) => runs.get(runId) ?? runs.set(runId, { events: [] }).get(runId)!;
  socket.on('agent:event', ({ runId, event }) => of(runId).events.push({ event, at: Date.now() }));
  socket.on('agent:done', ({ runId, result }) => (of(runId).done = { result, at: Date.now() }));
  socket.on('agent:error', ({ runId, ...failure }) => (of(runId).error = { ...failure, at: Date.now() }));
  return runs;
}

async function gatewayWithModel(t: ExecutionContext) {
  const model = await startFakeOpenAIChat();
  const gw: LlmGateway = await startLlmGateway({
    gateway: { adminToken: ADMIN_TOKEN },
    mcpServers: { echo: stdioFixtureConfig() },
    llm: {
      providers: { scripted: fakeProvider('openai', model.baseURL) },
      models: { fast: { provider: 'scripted', model: 'scripted-model' } },
      agent: { stream: true },
    },
  });
  t.teardown(async () => {
    await gw.close();
    await model.close();
  });
  return { model, gw };
}

test('agent:run streams each event to the socket as it happens, then agent:done', async (t) => {
  const { model, gw } = await gatewayWithModel(t);
  const socket = connect(gw.url, ADMIN_TOKEN);
  t.teardown(() => socket.disconnect());
  t.is(await connected(socket), 'connected');
  const runs = record(socket);

  // Turn 1 calls a tool at once; turn 2 is held until the test has seen the tool step arrive: streamed, not batched.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  t.teardown(() => release());
  model.script.push(
    { content: 'Looking.', toolCalls: [{ id: 'c1', name: 'list_servers', arguments: {} }] },
    { content: 'There is one server, echo.', until: held },
  );
  const ack = await run(socket, { task: 'Which servers are there?', model: 'fast' });
  t.true('runId' in ack, JSON.stringify(ack));
  const runId = (ack as { runId: string }).runId;
  await waitFor(() => runs.get(runId)?.events.some((e) => e.event.type === 'tool'), { message: 'the tool step' });
  t.falsy(runs.get(runId)?.done, 'the tool step arrived while the model was still answering');
  release();
  const received = await waitFor(() => runs.get(runId)?.done && runs.get(runId), { message: 'agent:done' });

  const result = received.done!.result;
  t.is(result.runId, runId);
  t.is(result.answer, 'There is one server, echo.');
  // Every step arrived as an event, in the order of the run's steps; streamed text came as `text` events.
  const steps = received.events.filter((e) => e.event.type !== 'text').map((e) => e.event);
  t.deepEqual(
    steps.map((s) => s.type),
    ['model', 'plan', 'tool', 'model', 'answer'],
  );
  t.deepEqual(steps, result.steps);
  const texts = received.events.filter((e) => e.event.type === 'text').map((e) => (e.event as { text: string }).text);
  t.is(texts.join(''), 'Looking.There is one server, echo.');
  t.true(
    received.events.every((e, i) => i === 0 || e.at >= received.events[i - 1]!.at),
    'events arrived in order',
  );
  t.true(received.events.at(-1)!.at <= received.done!.at);
});

test('agent:cancel stops the run: agent:error AGENT_CANCELLED and no further model turn', async (t) => {
  const { model, gw } = await gatewayWithModel(t);
  const socket = connect(gw.url, ADMIN_TOKEN);
  t.teardown(() => socket.disconnect());
  t.is(await connected(socket), 'connected');
  const runs = record(socket);

  model.script.push({ hang: true }, { content: 'never asked for' });
  const ack = (await run(socket, { task: 'Think forever.' })) as { runId: string };
  await waitFor(() => model.requests.length === 1, { message: 'the model was asked' });
  const started = Date.now();
  const cancel = await new Promise<{ cancelled: boolean }>((resolve) =>
    socket.emit('agent:cancel', { runId: ack.runId }, resolve),
  );
  t.deepEqual(cancel, { cancelled: true });
  const received = await waitFor(() => runs.get(ack.runId)?.error && runs.get(ack.runId), { message: 'agent:error' });
  t.is(received.error!.code, 'AGENT_CANCELLED');
  t.is(received.error!.status, 499);
  t.true(received.error!.at - started < 2_000, 'cancelled promptly');
  t.is(received.done, undefined);
  t.is(model.requests.length, 1);

  // A run that is not (or no longer) running: nothing to cancel.
  const again = await new Promise<{ cancelled: boolean }>((resolve) =>
    socket.emit('agent:cancel', { runId: ack.runId }, resolve),
  );
  t.deepEqual(again, { cancelled: false });
});

test('a socket that disconnects cancels its runs', async (t) => {
  const { model, gw } = await gatewayWithModel(t);
  const socket = connect(gw.url, ADMIN_TOKEN);
  t.teardown(() => socket.disconnect());
  t.is(await connected(socket), 'connected');
  const steps: string[] = [];
  gw.gateway.events.on('agent:step', ({ event }) => steps.push(event.type));

  // Turn 1 answers with a tool call only after the socket has gone; had the run survived the disconnect, a step and
  // a second model request would follow.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  t.teardown(() => release());
  model.script.push(
    { toolCalls: [{ id: 'c1', name: 'list_servers', arguments: {} }], until: held },
    { content: 'done' },
  );
  const ack = await run(socket, { task: 'Which servers are there?' });
  t.true('runId' in ack);
  await waitFor(() => model.requests.length === 1, { message: 'the model was asked' });
  socket.disconnect();
  await waitFor(() => model.requests[0]?.aborted === true, { message: 'the run to abort its model request' });
  release();
  await delay(1_000);
  t.deepEqual(
    steps.filter((s) => s !== 'text'),
    [],
  );
  t.is(model.requests.length, 1);
});

test('agent:run refuses bad input, unknown models and gateways without models in its ack', async (t) => {
  const { model, gw } = await gatewayWithModel(t);
  const bare = await startLlmGateway({ gateway: { adminToken: ADMIN_TOKEN }, mcpServers: {} });
  t.teardown(() => bare.close());
  const socket = connect(gw.url, ADMIN_TOKEN);
  const bareSocket = connect(bare.url, ADMIN_TOKEN);
  t.teardown(() => [socket, bareSocket].forEach((s) => s.disconnect()));
  t.is(await connected(socket), 'connected');
  t.is(await connected(bareSocket), 'connected');

  const empty = (await run(socket, { task: '  ', stream: true })) as AgentRunFailure;
  t.is(empty.status, 400);
  t.regex(empty.error, /task: the task must not be empty; body: Unrecognized key: "stream"/);
  const notAnObject = (await run(socket, 'do it')) as AgentRunFailure;
  t.is(notAnObject.status, 400);
  const steps = (await run(socket, { task: 'hi', maxSteps: 0 })) as AgentRunFailure;
  t.regex(steps.error, /maxSteps/);
  const unknown = (await run(socket, { task: 'hi', model: 'nope' })) as AgentRunFailure;
  t.is(unknown.status, 400);
  t.is(unknown.code, 'MODEL_NOT_FOUND');
  t.regex(unknown.error, /no model "nope"/);
  const none = (await run(bareSocket, { task: 'hi' })) as AgentRunFailure;
  t.is(none.status, 409);
  t.regex(none.error, /no model is configured/);
  t.is(model.requests.length, 0, 'nothing reached the model');

  // Without the admin token there is no socket to run anything on: the handshake refuses it.
  const stranger = connect(gw.url, 'not-the-token');
  t.teardown(() => stranger.disconnect());
  t.is(await connected(stranger), 'invalid admin token');
  t.is(model.requests.length, 0);
});

test('an agent run is one session for predictive pre-loading: its calls in order are learned', async (t) => {
  const { model, gw } = await gatewayWithModel(t);
  const socket = connect(gw.url, ADMIN_TOKEN);
  t.teardown(() => socket.disconnect());
  t.is(await connected(socket), 'connected');
  const runs = record(socket);
  model.script.push(
    { toolCalls: [{ id: 'c1', name: 'call_tool', arguments: { name: 'echo__echo', arguments: { text: 'a' } } }] },
    { toolCalls: [{ id: 'c2', name: 'call_tool', arguments: { name: 'echo__add', arguments: { a: 1, b: 2 } } }] },
    { content: '3' },
  );
  const ack = (await run(socket, { task: 'Echo a, then add 1 and 2.' })) as { runId: string };
  await waitFor(() => runs.get(ack.runId)?.done, { message: 'agent:done' });
  t.deepEqual(
    gw.gateway.discovery.predictive!.transitions.successors('echo__echo').map((s) => [s.tool, s.count]),
    [['echo__add', 1]],
  );
});
