import type { BreakerPolicy, CallTarget, HookOptions } from '@localmcp/plugin-api';
import { countResultsAsSuccess, defaultClassify } from './classify.js';
import { systemClock, type Clock } from './clock.js';
import { circuitOpenError } from './errors.js';
import { TransitionEmitter, type BreakerState, type TransitionListener } from './events.js';
import { NEVER_ABORTED, runLeased, type Classifiers, type Lease } from './guard.js';
import { ElasticOptionsSchema, type ElasticOptions, type ElasticOptionsInput } from './options.js';
import type { PolicyDeps } from './classic-policy.js';
import { ServerCircuit, type ServerProbe, type ServerSnapshot } from './server-circuit.js';

/** What the elastic policy is given besides its options. */
export interface ElasticDeps extends PolicyDeps {
  /**
   * The background probe of a DECONSTRUCTED server (the router passes MCP `ping`). Without one, the probe
   * passes at once and the HALF_OPEN trial calls are the only test.
   */
  probe?: ServerProbe;
  /** The jitter source of the probe backoff (tests pin it). */
  random?: () => number;
}

/** The `elastic` policy's snapshot. */
export interface ElasticSnapshot {
  version: 1;
  at: number;
  servers: Record<string, ServerSnapshot>;
}

/**
 * The Elastic Circuit De-Constructor (issue 4): per server, a circuit with CLOSED, OPEN, HALF_OPEN and
 * DECONSTRUCTED. Repeated trips split a server into per-tool circuits, so its working tools stay callable
 * while failing ones are isolated; a background probe leads it back through HALF_OPEN to CLOSED.
 */
export class ElasticBreaker implements BreakerPolicy {
  readonly options: ElasticOptions;
  private readonly servers = new Map<string, ServerCircuit>();
  private readonly events = new TransitionEmitter();
  private readonly clock: Clock;
  private readonly classifiers: Classifiers;
  private readonly probe: ServerProbe;
  private readonly random: () => number;

  constructor(options: ElasticOptionsInput = {}, deps: ElasticDeps = {}) {
    this.options = ElasticOptionsSchema.parse(options);
    this.clock = deps.clock ?? systemClock;
    this.classifiers = {
      classify: deps.classify ?? defaultClassify,
      classifyResult: deps.classifyResult ?? countResultsAsSuccess,
    };
    this.probe = deps.probe ?? (() => Promise.resolve());
    this.random = deps.random ?? Math.random;
  }

  /** Subscribes to state changes of servers and tools; returns the unsubscribe function. */
  onTransition(listener: TransitionListener): () => void {
    return this.events.on(listener);
  }

  /**
   * The state a call to `target` meets: the server's, or for a tool of a DECONSTRUCTED (or recovering) server,
   * the tool circuit's. What `tools/list` marks as degraded.
   */
  state(target: CallTarget): BreakerState {
    const server = this.servers.get(target.server);
    if (!server) return 'CLOSED';
    const state = server.state;
    if (target.tool === undefined || !(state === 'DECONSTRUCTED' || server.recovering)) return state;
    return server.toolState(target.tool) ?? 'CLOSED';
  }

  execute<T>(target: CallTarget, call: (signal: AbortSignal) => Promise<T>, options?: HookOptions): Promise<T> {
    const signal = options?.signal ?? NEVER_ABORTED;
    const server = this.circuit(target.server);
    const state = server.state;
    if (state !== 'DECONSTRUCTED' && !server.recovering) {
      const permit = server.acquire();
      if (!permit) {
        return Promise.reject(circuitOpenError({ server: target.server, state, retryAfterMs: server.retryAfterMs() }));
      }
      return runLeased([[server, permit]], call, signal, this.classifiers);
    }
    // Deconstructed (or recovering from it): the tool's own circuit decides; while recovering, a call the tool
    // circuit admits is also a server trial when a trial slot is free.
    const tool = server.tool(target.tool);
    const permit = tool.acquire();
    if (!permit) {
      return Promise.reject(
        circuitOpenError({
          server: target.server,
          ...(target.tool === undefined ? {} : { tool: target.tool }),
          state: tool.state,
          retryAfterMs: tool.retryAfterMs(),
        }),
      );
    }
    const leases: Lease[] = [[tool, permit]];
    const trial = state === 'HALF_OPEN' ? server.acquire() : undefined;
    if (trial) leases.push([server, trial]);
    return runLeased(leases, call, signal, this.classifiers);
  }

  /**
   * The server's restarted process is ready: an OPEN server circuit goes to HALF_OPEN at once, and a
   * DECONSTRUCTED one probes now instead of at its next scheduled probe.
   */
  recovered(target: CallTarget): void {
    this.servers.get(target.server)?.recovered();
  }

  /** Resets a tool's circuit, a server, or (no target) every server. */
  reset(target?: CallTarget): void {
    if (target) this.servers.get(target.server)?.resetTarget(target.tool);
    else for (const server of this.servers.values()) server.resetTarget();
  }

  toJSON(): ElasticSnapshot {
    const servers: Record<string, ServerSnapshot> = {};
    for (const [name, server] of this.servers) servers[name] = server.toJSON();
    return { version: 1, at: this.clock.now(), servers };
  }

  /** Takes over the servers in the snapshot; servers it does not mention keep their state. */
  restore(snapshot: ElasticSnapshot): void {
    for (const [name, state] of Object.entries(snapshot.servers)) this.circuit(name).restore(state);
  }

  /** Stops every background probe (gateway shutdown). */
  dispose(): void {
    for (const server of this.servers.values()) server.dispose();
  }

  private circuit(name: string): ServerCircuit {
    let server = this.servers.get(name);
    if (!server) {
      server = new ServerCircuit(name, this.options.servers[name] ?? this.options, {
        clock: this.clock,
        toolOptions: (tool) => this.options.tools[`${name}/${tool}`],
        probe: this.probe,
        random: this.random,
        transition: (tool, from, to, reason) =>
          this.events.emit({
            server: name,
            ...(tool === undefined ? {} : { tool }),
            from,
            to,
            reason,
            at: this.clock.now(),
          }),
      });
      this.servers.set(name, server);
    }
    return server;
  }
}
