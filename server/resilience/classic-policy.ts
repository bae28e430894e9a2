import type { BreakerPolicy, CallTarget, HookOptions } from '@localmcp/plugin-api';
import { ClassicBreaker, type CircuitSnapshot } from './classic-breaker.js';
import { countResultsAsSuccess, defaultClassify, type ErrorClassifier, type ResultClassifier } from './classify.js';
import { systemClock, type Clock } from './clock.js';
import { circuitOpenError } from './errors.js';
import { TransitionEmitter, type BreakerState, type TransitionListener } from './events.js';
import { NEVER_ABORTED, runLeased, type Classifiers } from './guard.js';
import { CircuitOptionsSchema, type CircuitOptions, type CircuitOptionsInput } from './options.js';

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
  readonly options: CircuitOptions;
  private readonly servers = new Map<string, ClassicBreaker>();
  private readonly events = new TransitionEmitter();
  private readonly clock: Clock;
  private readonly classifiers: Classifiers;

  constructor(options: CircuitOptionsInput = {}, deps: PolicyDeps = {}) {
    this.options = CircuitOptionsSchema.parse(options);
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

  private circuit(server: string): ClassicBreaker {
    let circuit = this.servers.get(server);
    if (!circuit) {
      circuit = new ClassicBreaker(this.options, this.clock, (from, to, reason) =>
        this.events.emit({ server, from, to, reason, at: this.clock.now() }),
      );
      this.servers.set(server, circuit);
    }
    return circuit;
  }
}
