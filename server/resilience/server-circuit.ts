import { backoffDelay } from '../upstream/backoff.js';
import { ClassicBreaker, type CircuitSnapshot } from './classic-breaker.js';
import type { Clock, ClockTimer } from './clock.js';
import type { BreakerState, TransitionReason } from './events.js';
import type { CircuitOptions, ElasticServerOptions } from './options.js';

/** Checks that a server answers at all (MCP `ping`, or a configured probe tool). Rejects or hangs when not. */
export type ServerProbe = (server: string, signal: AbortSignal) => Promise<unknown>;

/** A server circuit's snapshot: the classic state plus trip history and the per-tool circuits. */
export interface ServerSnapshot extends CircuitSnapshot {
  /** When the recent trips happened (clock ms), for the deconstruction count. */
  tripTimes: number[];
  /** HALF_OPEN entered from DECONSTRUCTED: a failed trial goes back there, not to OPEN. */
  recovering?: boolean;
  tools: Record<string, CircuitSnapshot>;
}

/** The key of the circuit for calls that name no tool (prompts/get, resources/read). */
const NO_TOOL = '';

export interface ServerCircuitDeps {
  clock: Clock;
  probe: ServerProbe;
  random: () => number;
  /** A tool's own circuit options (`tools: { '<server>/<tool>': ... }`), when it has some. */
  toolOptions?: (tool: string) => CircuitOptions | undefined;
  /** Reports a state change of the server (tool undefined) or of one of its tool circuits. */
  transition: (tool: string | undefined, from: BreakerState, to: BreakerState, reason: TransitionReason) => void;
}

/**
 * One server under the elastic policy: a classic circuit whose trips are also counted over `tripWindowMs`.
 * Reaching `deconstructAfterTrips` there turns it DECONSTRUCTED instead of OPEN: calls then go through per-tool
 * circuits while a background probe, spaced by the upstream supervisor's backoff, waits for the server to
 * answer; a passing probe leads to HALF_OPEN, whose trials close the circuit or send it back.
 *
 * The trip history is kept across a recovery on purpose: a server that trips again soon after coming back
 * (one tool still broken, or flapping) goes straight back to DECONSTRUCTED, so its healthy tools never sit
 * behind a whole-server OPEN wait. Only `reset` forgets it.
 */
export class ServerCircuit extends ClassicBreaker {
  private tripTimes: number[] = [];
  private isRecovering = false;
  private readonly tools = new Map<string, ClassicBreaker>();
  private probeTimer: ClockTimer | undefined;
  private probeRun: AbortController | undefined;
  private probeAttempt = 0;

  constructor(
    readonly name: string,
    private readonly elastic: ElasticServerOptions,
    private readonly deps: ServerCircuitDeps,
  ) {
    super(elastic.server, deps.clock, (from, to, reason) => deps.transition(undefined, from, to, reason));
  }

  /** True in a HALF_OPEN that came from DECONSTRUCTED (calls still go through the tool circuits). */
  get recovering(): boolean {
    return this.state === 'HALF_OPEN' && this.isRecovering;
  }

  /** The circuit of one tool (created on first use). */
  tool(tool: string | undefined): ClassicBreaker {
    const key = tool ?? NO_TOOL;
    let circuit = this.tools.get(key);
    if (!circuit) {
      const options = (tool !== undefined && this.deps.toolOptions?.(tool)) || this.elastic.tool;
      circuit = new ClassicBreaker(options, this.clock, (from, to, reason) =>
        this.deps.transition(tool, from, to, reason),
      );
      this.tools.set(key, circuit);
    }
    return circuit;
  }

  /** The state of a tool's circuit, if it has one. */
  toolState(tool: string | undefined): BreakerState | undefined {
    return this.tools.get(tool ?? NO_TOOL)?.state;
  }

  /** Resets one tool's circuit, or (no tool) the whole server and its trip history. */
  resetTarget(tool?: string): void {
    if (tool !== undefined) {
      this.tools.get(tool)?.reset();
      return;
    }
    this.tripTimes = [];
    this.probeAttempt = 0;
    this.reset();
  }

  override toJSON(): ServerSnapshot {
    const tools: Record<string, CircuitSnapshot> = {};
    for (const [name, circuit] of this.tools) tools[name] = circuit.toJSON();
    return {
      ...super.toJSON(),
      tripTimes: [...this.tripTimes],
      ...(this.recovering ? { recovering: true } : {}),
      tools,
    };
  }

  override restore(snapshot: CircuitSnapshot): void {
    const server = snapshot as Partial<ServerSnapshot>;
    this.tripTimes = [...(server.tripTimes ?? [])];
    this.isRecovering = server.recovering === true;
    super.restore(snapshot);
    this.tools.clear();
    for (const [name, tool] of Object.entries(server.tools ?? {})) this.tool(name || undefined).restore(tool);
    if (this.current === 'DECONSTRUCTED') {
      if (this.probeTimer === undefined && this.probeRun === undefined) this.scheduleProbe();
    } else {
      this.stopProbe();
    }
  }

  override recovered(): void {
    if (this.current === 'DECONSTRUCTED') {
      if (this.probeRun === undefined) {
        this.stopProbe();
        void this.runProbe();
      }
      return;
    }
    super.recovered();
  }

  /** Stops the background probe (gateway shutdown). */
  dispose(): void {
    this.stopProbe();
  }

  protected override onTrip(reason: TransitionReason): void {
    const now = this.clock.now();
    this.tripTimes = this.tripTimes.filter((at) => at > now - this.elastic.tripWindowMs);
    this.tripTimes.push(now);
    if (this.current === 'HALF_OPEN' && this.isRecovering) this.moveTo('DECONSTRUCTED', reason);
    else if (this.tripTimes.length >= this.elastic.deconstructAfterTrips)
      this.moveTo('DECONSTRUCTED', 'repeated-trips');
    else super.onTrip(reason);
  }

  protected override moveTo(to: BreakerState, reason: TransitionReason): void {
    const from = this.current;
    this.isRecovering = to === 'HALF_OPEN' && from === 'DECONSTRUCTED';
    if (to === 'CLOSED') {
      this.tools.clear();
      this.probeAttempt = 0;
    }
    super.moveTo(to, reason);
    if (to === 'DECONSTRUCTED') this.scheduleProbe();
    else this.stopProbe();
  }

  private scheduleProbe(): void {
    this.stopProbe();
    const delay = backoffDelay(
      ++this.probeAttempt,
      {
        initialDelayMs: this.elastic.probeIntervalMs,
        maxDelayMs: this.elastic.maxProbeIntervalMs,
        maxAttempts: Number.POSITIVE_INFINITY,
      },
      this.deps.random,
    );
    this.probeTimer = this.clock.setTimeout(() => void this.runProbe(), delay);
  }

  private async runProbe(): Promise<void> {
    this.probeTimer = undefined;
    const run = new AbortController();
    this.probeRun = run;
    // The race bounds a probe that ignores its signal: a hung server must not stall recovery forever.
    const timeout = this.clock.setTimeout(
      () => run.abort(new Error(`probe of "${this.name}" timed out`)),
      this.elastic.probeTimeoutMs,
    );
    let passed = false;
    try {
      await Promise.race([this.deps.probe(this.name, run.signal), rejectOnAbort(run.signal)]);
      passed = true;
    } catch {
      // A failed or timed-out probe: passed stays false.
    } finally {
      this.clock.clearTimeout(timeout);
    }
    // A reset, a restore or dispose() while the probe ran has taken over.
    if (this.probeRun !== run) return;
    this.probeRun = undefined;
    if (this.current !== 'DECONSTRUCTED') return;
    if (passed) this.moveTo('HALF_OPEN', 'probe-succeeded');
    else this.scheduleProbe();
  }

  private stopProbe(): void {
    if (this.probeTimer !== undefined) this.clock.clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
    this.probeRun?.abort(new Error('probe cancelled'));
    this.probeRun = undefined;
  }
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
  });
}
