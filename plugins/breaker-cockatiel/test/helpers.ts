import {
  createTestContext,
  instantiatePlugin,
  type BreakerHost,
  type BreakerPolicy,
  type BreakerTransition,
  type CallTarget,
  type MetricRecord,
  type TestPluginContext,
} from '@localmcp/plugin-api';
import plugin from '../src/index.js';

/** An upstream error the test host counts as a failure. */
export class UpstreamDown extends Error {
  override name = 'UpstreamDown';
}

/** An error the test host ignores (as the gateway ignores a bad argument). */
export class BadArgument extends Error {
  override name = 'BadArgument';
}

/**
 * The host as the gateway gives one: BadArgument and AbortError are ignored, everything else fails; a result with
 * `isError` is a failure, one with `skip` is ignored.
 */
export const testHost: BreakerHost = {
  classifyError: (error) =>
    error instanceof BadArgument || (error as Error).name === 'AbortError' ? 'ignore' : 'failure',
  classifyResult: (result) => {
    const r = result as { isError?: boolean; skip?: boolean } | null;
    return r?.isError ? 'failure' : r?.skip ? 'ignore' : 'success';
  },
  probe: () => Promise.resolve(),
};

export interface Loaded {
  policy: BreakerPolicy;
  ctx: TestPluginContext;
  transitions: string[];
}

/** Creates the plugin as the gateway does, then one policy; `onMetric` sees each metric as it is recorded. */
export async function load(
  options: unknown,
  { host = testHost, onMetric }: { host?: BreakerHost; onMetric?: (record: MetricRecord) => void } = {},
): Promise<Loaded> {
  const ctx = createTestContext('breaker:cockatiel', { onMetric });
  const factory = await instantiatePlugin(plugin, 'breaker', options, ctx);
  const policy = factory.createPolicy(host);
  const transitions: string[] = [];
  policy.onTransition!((t) => transitions.push(describe(t)));
  return { policy, ctx, transitions };
}

/** `server/tool FROM→TO (reason)`. */
export function describe(t: BreakerTransition): string {
  return `${t.server}${t.tool === undefined ? '' : `/${t.tool}`} ${t.from}→${t.to} (${t.reason})`;
}

/** A call that counts how often it ran and keeps the signals it was given. */
export function upstream<T>(outcome: (signal: AbortSignal, n: number) => Promise<T>) {
  const counter = {
    calls: 0,
    signals: [] as AbortSignal[],
    call: (signal: AbortSignal) => {
      counter.calls++;
      counter.signals.push(signal);
      return outcome(signal, counter.calls);
    },
  };
  return counter;
}

export const ok = () => Promise.resolve('ok');
export const down = () => Promise.reject(new UpstreamDown('connection refused'));

/** Runs `n` failing calls to `target`, swallowing their errors. */
export async function failTimes(policy: BreakerPolicy, target: CallTarget, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await policy.execute(target, down).catch(() => undefined);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when `signal` aborts, then rejects as an SDK call does. */
export function untilAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) =>
    signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')), { once: true }),
  );
}

/** What `promise` rejects with (an AbortError is a DOMException, which ava's throwsAsync does not take for an Error). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, got a value');
}
