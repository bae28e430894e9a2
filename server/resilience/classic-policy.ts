import type { BreakerPolicy, CallTarget, HookOptions } from '@localmcp/plugin-api';
import { ClassicBreaker, type CircuitSnapshot } from './classic-breaker.js';
import { countResultsAsSuccess, defaultClassify, type ErrorClassifier, type ResultClassifier } from './classify.js';
import { systemClock, type Clock } from './clock.js';
import { circuitOpenError } from './errors.js';
import { TransitionEmitter, type BreakerState, type TransitionListener } from './events.js';
import { NEVER_ABORTED, runLeased, type Classifiers } from './guard.js';
import { z } from 'zod';
import { CircuitOptionsSchema, type CircuitOptions, type CircuitOptionsInput } from './options.js';

/** The classic policy's options: one circuit's, and `servers: { <server>: {...} }` overriding them per server. */
export const ClassicOptionsSchema = z
  .looseObject({ servers: z.record(z.string().min(1), z.record(z.string(), z.unknown())).default({}) })
  .transform((o, ctx) => {
    const { servers: overrides, ...base } = o;
    const top = CircuitOptionsSchema.safeParse(base);
    for (const issue of top.error?.issues ?? [])
      ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    const servers: Record<string, CircuitOptions> = {};
    for (const [name, override] of Object.entries(overrides)) {
      const parsed = CircuitOptionsSchema.safeParse({ ...base, ...override });
      for (const issue of parsed.error?.issues ?? []) {
        ctx.addIssue({ code: 'custom', message: issue.message, path: ['servers', name, ...issue.path] });
      }
      if (parsed.success) servers[name] = parsed.data;
    }
    if (!top.success) return z.NEVER;
    return { ...top.data, servers };
  });

export type ClassicOptions = z.output<typeof ClassicOptionsSchema>;
export type ClassicOptionsInput = CircuitOptionsInput & { servers?: Record<string, CircuitOptionsInput> };

/** What a policy is given besides its options: time and how to read outcomes. */
export interface PolicyDeps {
  clock?: Clock;
  classify?: ErrorClassifier;
  classifyResult?: ResultClassifier;
}

/** The `classic` policy's snapshot: one three-state circuit per server. */
export interface ClassicPolicySnapshot {
  version: 1;
  at: number;
  servers: Record<string, CircuitSnapshot>;
}

/** The `classic` policy: one {@link ClassicBreaker} per upstream server, tools not told apart. */
export class ClassicBreakerPolicy implements BreakerPolicy {
  readonly options: ClassicOptions;
  private readonly servers = new Map<string, ClassicBreaker>();
  private readonly events = new TransitionEmitter();
  private readonly clock: Clock;
  private readonly classifiers: Classifiers;

  constructor(options: ClassicOptionsInput = {}, deps: PolicyDeps = {}) {
    this.options = ClassicOptionsSchema.parse(options);
    this.clock = deps.clock ?? systemClock;
    this.classifiers = {
      classify: deps.classify ?? defaultClassify,
      classifyResult: deps.classifyResult ?? countResultsAsSuccess,
    };
  }

  /** Subscribes to state changes; returns the unsubscribe function. */
  onTransition(listener: TransitionListener): () => void {
    return this.events.on(listener);
  }

  state(target: CallTarget): BreakerState {
    return this.servers.get(target.server)?.state ?? 'CLOSED';
  }

  execute<T>(target: CallTarget, call: (signal: AbortSignal) => Promise<T>, options?: HookOptions): Promise<T> {
    const circuit = this.circuit(target.server);
    const permit = circuit.acquire();
    if (!permit) {
      const error = circuitOpenError({
        server: target.server,
        state: circuit.state,
        retryAfterMs: circuit.retryAfterMs(),
      });
      return Promise.reject(error);
    }
    return runLeased([[circuit, permit]], call, options?.signal ?? NEVER_ABORTED, this.classifiers);
  }

  /** The server's restarted process is ready: an OPEN circuit lets its trials decide now. */
  recovered(target: CallTarget): void {
    this.servers.get(target.server)?.recovered();
  }

  /** Resets one server (a tool in the target is ignored: the classic policy has no per-tool circuits) or all. */
  reset(target?: CallTarget): void {
    if (target) this.servers.get(target.server)?.reset();
    else for (const circuit of this.servers.values()) circuit.reset();
  }

  toJSON(): ClassicPolicySnapshot {
    const servers: Record<string, CircuitSnapshot> = {};
    for (const [name, circuit] of this.servers) servers[name] = circuit.toJSON();
    return { version: 1, at: this.clock.now(), servers };
  }

  /** Takes over the servers in the snapshot; servers it does not mention keep their state. */
  restore(snapshot: ClassicPolicySnapshot): void {
    for (const [name, state] of Object.entries(snapshot.servers)) this.circuit(name).restore(state);
  }

  /** Stops nothing: classic circuits keep no timers. Here for the contract. */
  dispose(): void {}

  private circuit(server: string): ClassicBreaker {
    let circuit = this.servers.get(server);
    if (!circuit) {
      const { servers, ...base } = this.options;
      circuit = new ClassicBreaker(servers[server] ?? base, this.clock, (from, to, reason) =>
        this.events.emit({ server, from, to, reason, at: this.clock.now() }),
      );
      this.servers.set(server, circuit);
    }
    return circuit;
  }
}
