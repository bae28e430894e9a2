import { ErrorCodes, LocalmcpError } from '@localmcp/plugin-api';
import type {
  BreakerHost,
  BreakerPolicy,
  BreakerState,
  BreakerTransition,
  CallOutcome,
  CallTarget,
  HookOptions,
} from '@localmcp/plugin-api';
import type { Options } from './options.js';

interface Circuit {
  state: BreakerState;
  failures: number;
  /** Epoch ms when an OPEN circuit lets a trial call through. */
  openUntil: number;
  /** True while the one HALF_OPEN trial call is under way. */
  trying: boolean;
}

/**
 * CLOSED → (failureThreshold consecutive failures) → OPEN → (openMs) → HALF_OPEN → one trial call → CLOSED, or back
 * to OPEN. What a failure is, the host decides (`classifyError`, `classifyResult`), so this policy judges calls as
 * the built-in ones do: timeouts and crashes count, a tool's own `isError` result does not (unless configured).
 */
export class {{className}} implements BreakerPolicy {
  readonly #circuits = new Map<string, Circuit>();
  readonly #listeners = new Set<(transition: BreakerTransition) => void>();

  constructor(
    private readonly options: Options,
    private readonly host: BreakerHost,
    private readonly now: () => number = Date.now,
  ) {}

  async execute<T>(
    target: CallTarget,
    call: (signal: AbortSignal) => Promise<T>,
    options: HookOptions = {},
  ): Promise<T> {
    const circuit = this.#circuit(target.server);
    if (circuit.state === 'OPEN' && this.now() >= circuit.openUntil) {
      this.#move(target, circuit, 'HALF_OPEN', 'open-elapsed');
    }
    if (circuit.state === 'OPEN' || (circuit.state === 'HALF_OPEN' && circuit.trying)) {
      // The refusal the host understands: it answers with its fallbacks, or tells the client when to retry.
      throw new LocalmcpError(ErrorCodes.CIRCUIT_OPEN, `the circuit of "${target.server}" is ${circuit.state}`, {
        data: { ...target, state: circuit.state, retryAfterMs: Math.max(0, circuit.openUntil - this.now()) },
      });
    }
    if (circuit.state === 'HALF_OPEN') circuit.trying = true;
    const signal = options.signal ?? new AbortController().signal;
    let outcome: CallOutcome = 'ignore';
    try {
      const result = await call(signal);
      outcome = this.host.classifyResult(result);
      return result;
    } catch (error) {
      // A call the caller aborted says nothing about the server.
      outcome = signal.aborted ? 'ignore' : this.host.classifyError(error);
      throw error; // re-thrown untouched: the host and the client see the upstream's own error
    } finally {
      this.#record(target, circuit, outcome);
    }
  }

  state(target: CallTarget): BreakerState {
    return this.#circuit(target.server).state;
  }

  onTransition(listener: (transition: BreakerTransition) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** `{ servers: { <server>: { state, failures, openUntil } } }`: the shape `localmcp breakers list` reads. */
  toJSON(): { servers: Record<string, Omit<Circuit, 'trying'>> } {
    const servers: Record<string, Omit<Circuit, 'trying'>> = {};
    for (const [server, { state, failures, openUntil }] of this.#circuits) {
      servers[server] = { state, failures, openUntil };
    }
    return { servers };
  }

  reset(target?: CallTarget): void {
    const servers = target ? [target.server] : [...this.#circuits.keys()];
    for (const server of servers) {
      const circuit = this.#circuits.get(server);
      if (circuit && circuit.state !== 'CLOSED') this.#move({ server }, circuit, 'CLOSED', 'reset');
      if (circuit) circuit.failures = 0;
    }
  }

  #record(target: CallTarget, circuit: Circuit, outcome: CallOutcome): void {
    const wasTrial = circuit.state === 'HALF_OPEN' && circuit.trying;
    circuit.trying = false;
    if (outcome === 'success') {
      circuit.failures = 0;
      if (wasTrial) this.#move(target, circuit, 'CLOSED', 'trial-succeeded');
    } else if (outcome === 'failure') {
      circuit.failures += 1;
      if (wasTrial) this.#open(target, circuit, 'trial-failed');
      else if (circuit.state === 'CLOSED' && circuit.failures >= this.#settings(target.server).failureThreshold) {
        this.#open(target, circuit, 'failure-threshold');
      }
    }
    // 'ignore': neither counted nor a verdict; a HALF_OPEN circuit lets the next call be the trial.
  }

  #open(target: CallTarget, circuit: Circuit, reason: string): void {
    circuit.openUntil = this.now() + this.#settings(target.server).openMs;
    this.#move(target, circuit, 'OPEN', reason);
  }

  #move(target: CallTarget, circuit: Circuit, to: BreakerState, reason: string): void {
    const from = circuit.state;
    circuit.state = to;
    if (to === 'CLOSED') circuit.failures = 0;
    const transition: BreakerTransition = { server: target.server, from, to, reason, at: this.now() };
    for (const listener of this.#listeners) listener(transition);
  }

  #circuit(server: string): Circuit {
    let circuit = this.#circuits.get(server);
    if (!circuit) this.#circuits.set(server, (circuit = { state: 'CLOSED', failures: 0, openUntil: 0, trying: false }));
    return circuit;
  }

  #settings(server: string): { failureThreshold: number; openMs: number } {
    return { ...this.options, ...this.options.servers[server] };
  }
}
