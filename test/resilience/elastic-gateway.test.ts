// The elastic breaker in the real gateway, driven by the flaky echo fixture over Streamable HTTP. The test keeps
// its own client to the fixture (the fault knobs are process-wide) so it can break and heal the upstream while
// the gateway's circuit is open, and records every transition from the gateway's typed events.
import test from 'ava';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ToolListChangedNotificationSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { BreakerTransition } from '@localmcp/plugin-api';
import { connectClient, firstText } from '../helpers/clients.js';
import { startHttpFixture, type HttpFixture } from '../helpers/fixtures.js';
import { startGateway, type InProcessGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';

interface Rig {
  gw: InProcessGateway;
  client: Client;
  /** A client straight to the fixture, for set_faults and stats. */
  control: Client;
  fixture: HttpFixture;
  transitions: BreakerTransition[];
  listChanged: () => number;
  call(tool: string, args?: Record<string, unknown>): Promise<CallToolResult>;
}

async function rig(
  t: { teardown(fn: () => Promise<void>): void },
  env: Record<string, string>,
  resilience: Record<string, unknown>,
): Promise<Rig> {
  const fixture = await startHttpFixture('http', { FIXTURE_NAME: 'flaky', ...env });
  const gw = await startGateway({
    resilience,
    mcpServers: { flaky: { url: fixture.url, timeouts: { requestMs: 1_000 } } },
  });
  // startGateway waits for the first try only; on a loaded machine that try can run past the 1 s request timeout
  // and the upstream is connected by a later one. The tests start from a connected upstream with its tools listed.
  await waitFor(() => gw.gateway.catalog.resolveTool('flaky__echo'), { message: 'the flaky upstream connected' });
  const client = await connectClient(new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp`)));
  const control = await connectClient(new StreamableHTTPClientTransport(new URL(fixture.url)));
  t.teardown(async () => {
    await client.close();
    await control.close();
    await gw.close();
    await fixture.close();
  });
  const transitions: BreakerTransition[] = [];
  gw.gateway.events.on('breaker:transition', (event) => transitions.push(event));
  let changed = 0;
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => void changed++);
  return {
    gw,
    client,
    control,
    fixture,
    transitions,
    listChanged: () => changed,
    call: (tool, args = { text: 'x' }) =>
      client.callTool({ name: `flaky__${tool}`, arguments: args }) as Promise<CallToolResult>,
  };
}

const steps = (transitions: BreakerTransition[]) =>
  transitions.map((e) => `${e.tool ?? '*'}:${e.from}>${e.to}:${e.reason}`);

test('CLOSED → OPEN → HALF_OPEN → OPEN (trial failed) → HALF_OPEN → CLOSED, as the upstream breaks and heals', async (t) => {
  const r = await rig(
    t,
    { FIXTURE_FAILURE_RATE: '1', FIXTURE_FAULT_TOOLS: 'echo' },
    {
      // The open wait is long enough that a loaded machine does not pass it between a call and the check after it
      // (at 300 ms one CI run saw the circuit half-open again right after the failed trial).
      options: { server: { failureThreshold: 2, openMs: 1_500, openMultiplier: 1 }, deconstructAfterTrips: 10 },
      fallbacks: { chain: [] },
    },
  );
  for (let i = 0; i < 2; i++) await t.throwsAsync(r.call('echo'), { message: /Injected failure/ });
  const refused = await t.throwsAsync(r.call('echo'));
  t.regex(refused!.message, /upstream "flaky" is unavailable \(circuit OPEN\)/);
  t.is(r.gw.gateway.breaker!.state!({ server: 'flaky' }), 'OPEN');

  // The wait passes; the trial call fails: back to OPEN.
  await waitFor(() => r.gw.gateway.breaker!.state!({ server: 'flaky' }) === 'HALF_OPEN', { timeoutMs: 5_000 });
  await t.throwsAsync(r.call('echo'), { message: /Injected failure/ });
  // The failed trial reopened the circuit (checked by its transitions: the state itself may be half-open again by
  // now on a machine slow enough to pass the open wait).
  t.deepEqual(steps(r.transitions).slice(0, 3), [
    '*:CLOSED>OPEN:failure-threshold',
    '*:OPEN>HALF_OPEN:open-elapsed',
    '*:HALF_OPEN>OPEN:trial-failed',
  ]);

  // Healed behind the gateway's back; the next trial closes the circuit.
  await r.control.callTool({ name: 'set_faults', arguments: { failureRate: 0 } });
  await waitFor(() => r.gw.gateway.breaker!.state!({ server: 'flaky' }) === 'HALF_OPEN', { timeoutMs: 5_000 });
  t.is(firstText(await r.call('echo', { text: 'back' })), 'back');
  t.is(r.gw.gateway.breaker!.state!({ server: 'flaky' }), 'CLOSED');

  t.deepEqual(steps(r.transitions), [
    '*:CLOSED>OPEN:failure-threshold',
    '*:OPEN>HALF_OPEN:open-elapsed',
    '*:HALF_OPEN>OPEN:trial-failed',
    '*:OPEN>HALF_OPEN:open-elapsed',
    '*:HALF_OPEN>CLOSED:trials-succeeded',
  ]);
  await waitFor(() => r.listChanged() >= 1, { timeoutMs: 5_000 });
  t.pass('clients were told to list tools again');
});

test('DECONSTRUCTED isolates the failing tool while its sibling keeps working, then recovers', async (t) => {
  const r = await rig(
    t,
    { FIXTURE_FAILURE_RATE: '1', FIXTURE_FAULT_TOOLS: 'add' },
    {
      options: {
        server: { failureThreshold: 2, openMs: 200, openMultiplier: 1 },
        tool: { failureThreshold: 2, openMs: 60_000 },
        deconstructAfterTrips: 2,
        probeIntervalMs: 100,
        maxProbeIntervalMs: 200,
      },
      // The probe calls the broken tool, so the server stays deconstructed until the upstream is healed (a ping
      // would pass at once, and the next echo call would close the server while add is still broken).
      probes: { flaky: { tool: 'add', arguments: { a: 1, b: 1 } } },
      fallbacks: { chain: [] },
    },
  );
  const add = () => r.call('add', { a: 1, b: 2 });
  const state = (tool?: string) => r.gw.gateway.breaker!.state!({ server: 'flaky', tool });

  // Two trips of the whole server (the second a failed trial) deconstruct it.
  for (let i = 0; i < 2; i++) await t.throwsAsync(add(), { message: /Injected failure/ });
  await waitFor(() => state() === 'HALF_OPEN', { timeoutMs: 5_000 });
  await t.throwsAsync(add(), { message: /Injected failure/ });
  t.is(state(), 'DECONSTRUCTED');

  // Now only add's own circuit counts: two more failures isolate it; echo is untouched throughout.
  for (let i = 0; i < 2; i++) {
    t.is(firstText(await r.call('echo', { text: `still ${i}` })), `still ${i}`);
    await t.throwsAsync(add(), { message: /Injected failure/ });
  }
  t.is(state('add'), 'OPEN');
  const refused = await t.throwsAsync(add());
  t.regex(refused!.message, /tool "add" of upstream "flaky" is unavailable \(circuit OPEN\)/);
  t.is(firstText(await r.call('echo', { text: 'sibling' })), 'sibling');

  // Marked degraded in tools/list and in search results; echo is not.
  const tools = (await r.client.listTools()).tools;
  const listedAdd = tools.find((tool) => tool.name === 'flaky__add')!;
  t.regex(listedAdd.description!, /^\[degraded: circuit OPEN/);
  t.deepEqual(listedAdd._meta?.['localmcp/breaker'], { state: 'OPEN' });
  t.notRegex(tools.find((tool) => tool.name === 'flaky__echo')!.description!, /degraded/);
  const found = await r.gw.gateway.discovery.search('add two numbers');
  t.is(found.find((hit) => hit.name === 'flaky__add')?.state, 'OPEN');

  // The upstream heals; the background probe passes, leads the server to HALF_OPEN, and a trial call closes it.
  await r.control.callTool({ name: 'set_faults', arguments: { failureRate: 0 } });
  await waitFor(() => state() === 'HALF_OPEN', { timeoutMs: 5_000 });
  t.is(firstText(await r.call('echo', { text: 'trial' })), 'trial');
  t.is(state(), 'CLOSED');
  t.is(state('add'), 'CLOSED', 'closing the server forgets the tool circuits');
  t.is(firstText(await add()), '3');

  const seen = steps(r.transitions);
  for (const step of [
    '*:CLOSED>OPEN:failure-threshold',
    '*:HALF_OPEN>DECONSTRUCTED:repeated-trips',
    'add:CLOSED>OPEN:failure-threshold',
    '*:DECONSTRUCTED>HALF_OPEN:probe-succeeded',
    '*:HALF_OPEN>CLOSED:trials-succeeded',
  ]) {
    t.true(seen.includes(step), `saw ${step} in ${seen.join(', ')}`);
  }
  t.false(
    seen.some((s) => s.startsWith('echo:')),
    'echo never got a circuit of its own that changed',
  );
});

test('a hanging upstream never hangs a client: every call ends soon after its timeout', async (t) => {
  const r = await rig(
    t,
    { FIXTURE_HANG_RATE: '1', FIXTURE_FAULT_TOOLS: 'echo' },
    { options: { server: { failureThreshold: 3, openMs: 60_000 } } },
  );
  const timeoutMs = 1_000;
  const durations: number[] = [];
  const results = await Promise.all(
    // Distinct arguments: identical read-only calls would be joined into one upstream call by the cache.
    Array.from({ length: 8 }, async (_, i) => {
      const started = performance.now();
      try {
        return await r.call('echo', { text: `hang ${i}` });
      } finally {
        durations.push(performance.now() - started);
      }
    }),
  );
  // The bound is the timeout plus 100 ms, met on a quiet machine. A machine whose two cores are saturated
  // by other work delays every timer and socket (2.4 s seen at load average 13), so the test asserts the property
  // itself, "ends after its timeout instead of hanging", with a margin for that, and logs the slowest call.
  t.log(`slowest call: ${Math.round(Math.max(...durations))} ms for a ${timeoutMs} ms timeout`);
  for (const ms of durations) t.true(ms <= timeoutMs + 4_000, `a call took ${Math.round(ms)} ms`);
  // Each got the degraded answer (the default chain), saying what failed.
  for (const result of results) {
    t.true(result.isError);
    t.regex(firstText(result), /did not answer tools\/call within 1000 ms/);
    t.is((result._meta?.['localmcp/fallback'] as { kind: string }).kind, 'degraded');
  }
  // The timeouts tripped the circuit: the next call is refused at once, and still answered.
  const started = performance.now();
  const refused = await r.call('echo', { text: 'after the trip' });
  t.true(performance.now() - started < timeoutMs, 'refused without waiting for the upstream');
  t.regex(firstText(refused), /circuit OPEN/);
  const stats = JSON.parse(firstText(await r.control.callTool({ name: 'stats', arguments: {} }))) as { hung: number };
  t.is(stats.hung, 8, 'only the first eight calls reached the hanging upstream');
});

test('isError results are successes by default, failures with failures.toolErrors', async (t) => {
  for (const toolErrors of [false, true]) {
    const r = await rig(t, {}, { failures: { toolErrors }, options: { server: { failureThreshold: 2 } } });
    for (let i = 0; i < 3; i++) {
      const result = await r.call('fail', { message: 'nope' });
      if (toolErrors && i === 2) t.regex(firstText(result), /circuit OPEN/);
      else t.is(firstText(result), 'nope');
    }
    t.is(r.gw.gateway.breaker!.state!({ server: 'flaky' }), toolErrors ? 'OPEN' : 'CLOSED');
  }
});
