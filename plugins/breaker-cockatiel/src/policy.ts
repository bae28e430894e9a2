import type {
  BreakerHost,
  BreakerPolicy,
  BreakerState,
  BreakerTransition,
  CallTarget,
  HookOptions,
  PluginContext,
} from '@localmcp/plugin-api';
import { Circuit } from './circuit.js';
import type { CockatielOptions, PolicySettings } from './options.js';
import { abortReason, untilAborted } from './outcome.js';
import { PolicySnapshotSchema, type CircuitSnapshot, type PolicySnapshot, type ServerSnapshot } from './snapshot.js';

type TransitionListener = (transition: BreakerTransition) => void;

/**
 * The `breaker:cockatiel` policy: one composed cockatiel policy (bulkhead, retry, circuit breaker, timeout) per
 * upstream server, and one per tool that has settings of its own in `tools`. Calls are judged by the host's
 * classifiers; the host's `probe` is not used (a half-open trial is a real call, as in cockatiel).
 */
export class CockatielBreakerPolicy implements BreakerPolicy {
  private readonly servers = new Map<string, Circuit>();
  /** Circuits of tools with settings of their own, by server, then tool. */
  private readonly tools = new Map<string, Map<string, Circuit>>();
  private readonly listeners = new Set<TransitionListener>();
  // Maps, not the options' objects: a server may be called "constructor" without meeting Object.prototype.
  private readonly serverSettings: Map<string, PolicySettings>;
  private readonly toolSettings: Map<string, Map<string, PolicySettings>>;

  constructor(
    readonly options: CockatielOptions,
    private readonly host: BreakerHost,
    private readonly ctx?: Pick<PluginContext, 'logger' | 'metrics'>,
  ) {
    this.serverSettings = new Map(Object.entries(options.servers));
    this.toolSettings = new Map(
      Object.entries(options.tools).map(([server, tools]) => [server, new Map(Object.entries(tools))]),
    );
  }

  execute<T>(target: CallTarget, call: (signal: AbortSignal) => Promise<T>, options?: HookOptions): Promise<T> {
    const caller = options?.signal;
    if (caller?.aborted) return Promise.reject(abortReason(caller));
    const result = this.circuit(target).execute(target, call, caller);
    // cockatiel's bulkhead queue and retry backoff do not watch the signal: the caller still stops waiting at once.
    return caller ? untilAborted(result, caller) : result;
  }

  /** The state of the circuit a call to `target` passes: the tool's own when it has settings, else the server's. */
  state(target: CallTarget): BreakerState {
    return this.find(target)?.state ?? 'CLOSED';
  }

  onTransition(listener: TransitionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Each server's circuit, with the circuits of its tools that have settings of their own under `tools`. */
  toJSON(): PolicySnapshot {
    const servers: Record<string, ServerSnapshot> = {};
    for (const [server, circuit] of this.servers) servers[server] = circuit.toJSON();
    for (const [server, byTool] of this.tools) {
      const tools: Record<string, CircuitSnapshot> = {};
      for (const [tool, circuit] of byTool) tools[tool] = circuit.toJSON();
      servers[server] = { ...(servers[server] ?? { state: 'CLOSED' }), tools };
    }
    return { version: 1, at: Date.now(), servers };
  }

  /**
   * Takes over the circuits in a snapshot of toJSON(); circuits it does not mention keep their state, and tools
   * that have no settings of their own here are skipped. Throws a TypeError naming the problem for anything else.
   */
  restore(snapshot: unknown): void {
    const parsed = PolicySnapshotSchema.safeParse(snapshot);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
      throw new TypeError(`not a breaker:cockatiel snapshot: ${problems.join('; ')}`);
    }
    for (const [server, { tools = {}, ...own }] of Object.entries(parsed.data.servers)) {
      if (own.type !== undefined && own.cockatiel !== undefined) {
        this.circuit({ server }).restore({ ...own, type: own.type, cockatiel: own.cockatiel });
      }
      for (const [tool, circuit] of Object.entries(tools)) {
        if (this.toolSettings.get(server)?.has(tool)) this.circuit({ server, tool }).restore(circuit);
      }
    }
  }

  /** A tool's own circuit (else its server's), a server's circuit with its tools' circuits, or every circuit. */
  reset(target?: CallTarget): void {
    if (!target) {
      for (const circuit of this.all()) circuit.reset();
      return;
    }
    if (target.tool !== undefined) {
      this.find(target)?.reset();
      return;
    }
    this.servers.get(target.server)?.reset();
    for (const circuit of this.tools.get(target.server)?.values() ?? []) circuit.reset();
  }

  dispose(): void {
    for (const circuit of this.all()) circuit.dispose();
    this.listeners.clear();
  }

  private *all(): Iterable<Circuit> {
    yield* this.servers.values();
    for (const byTool of this.tools.values()) yield* byTool.values();
  }

  /** The circuit a call to `target` passes, if it exists yet. */
  private find(target: CallTarget): Circuit | undefined {
    if (target.tool !== undefined && this.toolSettings.get(target.server)?.has(target.tool)) {
      return this.tools.get(target.server)?.get(target.tool);
    }
    return this.servers.get(target.server);
  }

  private circuit(target: CallTarget): Circuit {
    const { server, tool } = target;
    if (tool !== undefined) {
      const settings = this.toolSettings.get(server)?.get(tool);
      if (settings) {
        let byTool = this.tools.get(server);
        if (!byTool) this.tools.set(server, (byTool = new Map()));
        let circuit = byTool.get(tool);
        if (!circuit) byTool.set(tool, (circuit = this.create({ server, tool }, settings)));
        return circuit;
      }
    }
    let circuit = this.servers.get(server);
    if (!circuit) {
      circuit = this.create({ server }, this.serverSettings.get(server) ?? this.options.defaults);
      this.servers.set(server, circuit);
    }
    return circuit;
  }

  private create(target: CallTarget, settings: PolicySettings): Circuit {
    const labels: Record<string, string> = { server: target.server };
    if (target.tool !== undefined) labels.tool = target.tool;
    return new Circuit(target, settings, this.host, {
      count: (name) => this.ctx?.metrics.increment(name, labels),
      transition: (from, to, reason) => this.emit({ ...target, from, to, reason, at: Date.now() }),
    });
  }

  private emit(transition: BreakerTransition): void {
    const { server, tool, from, to, reason } = transition;
    const target: Record<string, string> = { server };
    if (tool !== undefined) target.tool = tool;
    this.ctx?.metrics.increment('transitions', { ...target, to });
    const fields = { ...target, from, to, reason };
    const message = `circuit of ${tool === undefined ? server : `${server}/${tool}`}: ${from} → ${to} (${reason})`;
    if (to === 'OPEN') this.ctx?.logger.warn(fields, message);
    else this.ctx?.logger.info(fields, message);
    for (const listener of this.listeners) {
      try {
        listener(transition);
      } catch {
        // A metrics or UI listener must not turn a state change into a failed call.
      }
    }
  }
}
