import { EventEmitter } from 'node:events';
import {
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { ErrorCodes, LocalmcpError, errorMessage } from '@localmcp/plugin-api';
import type { UpstreamConfig } from '../config/schema.js';
import type { Logger } from '../telemetry/logger.js';
import { backoffDelay } from './backoff.js';
import { connectUpstream, type Connection } from './connect.js';
import type { SamplingHandler } from '../llm/sampling.js';
import { EMPTY_LISTS, fetchLists, type ListKind, type UpstreamLists } from './lists.js';
import { redactSecrets } from '../security/redact.js';
import { StderrTail } from './stderr-tail.js';

/** Where an upstream is in its life. `down` with a restart pending shows as `restarting`. */
export type UpstreamState = 'idle' | 'connecting' | 'ready' | 'restarting' | 'down' | 'disabled' | 'stopped';

/** A JSON-friendly snapshot for `/readyz`, `servers list` and the admin UI. */
export interface UpstreamStatus {
  name: string;
  namespace: string;
  transport: UpstreamConfig['transport'];
  connectedVia?: Connection['kind'];
  state: UpstreamState;
  pid?: number;
  toolCount: number;
  restarts: number;
  lastError?: string;
  stderrTail: string[];
  attempted: boolean;
  serverInfo?: { name: string; version: string };
  description?: string;
}

interface UpstreamEvents {
  state: [UpstreamState];
  lists: [ListKind[]];
}

/**
 * One upstream MCP server: its SDK client session, its lists, and its supervision. A crash or a lost connection
 * schedules a reconnect with bounded exponential backoff and jitter; `maxAttempts` consecutive failures give up
 * (the server then stays down until `restart()`).
 */
export class Upstream extends EventEmitter<UpstreamEvents> {
  readonly stderr = new StderrTail();
  private connection: Connection | undefined;
  private lists: UpstreamLists = EMPTY_LISTS;
  private stateValue: UpstreamState;
  private lastError: string | undefined;
  private restarts = 0;
  private failures = 0;
  private attempted = false;
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;
  /** `config.enabled` until the admin turns the server on or off at run time (not written back to the config). */
  private enabled: boolean;
  /** Answers the server's `sampling/createMessage` (set by the gateway when `llm.sampling.servers` allows it). */
  sampling: SamplingHandler | undefined;

  constructor(
    readonly config: UpstreamConfig,
    private readonly logger: Logger,
  ) {
    super();
    this.enabled = config.enabled;
    this.stateValue = config.enabled ? 'idle' : 'disabled';
  }

  /** Whether the server runs: from the config, or as the admin last set it with enable()/disable(). */
  get isEnabled(): boolean {
    return this.enabled;
  }

  get name(): string {
    return this.config.name;
  }

  get state(): UpstreamState {
    return this.stateValue;
  }

  /** The client of a ready upstream; throws a clear error otherwise. */
  client() {
    if (this.stateValue !== 'ready' || !this.connection) {
      const why = this.lastError ? `: ${this.lastError}` : '';
      throw new LocalmcpError(ErrorCodes.UPSTREAM_UNAVAILABLE, `upstream "${this.name}" is ${this.stateValue}${why}`, {
        data: { server: this.name, state: this.stateValue },
      });
    }
    return this.connection.client;
  }

  current(): UpstreamLists {
    return this.lists;
  }

  /** Connects once; failures are recorded and schedule a retry, never thrown. */
  async start(): Promise<void> {
    if (this.stateValue === 'disabled' || this.stateValue === 'stopped') return;
    const generation = ++this.generation;
    this.setState('connecting');
    try {
      const connection = await connectUpstream(this.config, this.stderr, this.sampling);
      if (generation !== this.generation) {
        await connection.transport.close().catch(() => undefined);
        return;
      }
      this.connection = connection;
      this.attach(connection, generation);
      this.lists = {
        ...EMPTY_LISTS,
        ...(await fetchLists(connection.client, this.config, ['tools', 'prompts', 'resources', 'resourceTemplates'])),
      };
      this.failures = 0;
      this.lastError = undefined;
      this.attempted = true;
      this.setState('ready');
      this.emit('lists', ['tools', 'prompts', 'resources', 'resourceTemplates']);
      this.logger.info(
        { server: this.name, via: connection.kind, pid: connection.pid, tools: this.lists.tools.length },
        'upstream ready',
      );
    } catch (error) {
      if (generation !== this.generation) return;
      this.attempted = true;
      await this.fail(error);
    }
  }

  private attach(connection: Connection, generation: number): void {
    const { client } = connection;
    client.onclose = () => {
      if (generation !== this.generation || this.stateValue === 'stopped') return;
      void this.fail(new Error(connection.kind === 'stdio' ? 'the server process exited' : 'the connection closed'));
    };
    client.onerror = (error) =>
      this.logger.debug({ server: this.name, err: errorMessage(error) }, 'upstream transport error');
    const refresh = (kinds: ListKind[]) => () => void this.refresh(kinds, generation);
    client.setNotificationHandler(ToolListChangedNotificationSchema, refresh(['tools']));
    client.setNotificationHandler(PromptListChangedNotificationSchema, refresh(['prompts']));
    client.setNotificationHandler(ResourceListChangedNotificationSchema, refresh(['resources', 'resourceTemplates']));
  }

  /** Re-reads lists after a `list_changed` notification. */
  private async refresh(kinds: ListKind[], generation: number): Promise<void> {
    if (!this.connection || generation !== this.generation) return;
    try {
      const fresh = await fetchLists(this.connection.client, this.config, kinds);
      if (generation !== this.generation) return;
      this.lists = { ...this.lists, ...fresh };
      this.emit('lists', kinds);
    } catch (error) {
      this.logger.warn({ server: this.name, err: errorMessage(error) }, 'refreshing lists failed');
    }
  }

  /**
   * Reports a call failure that suggests the connection is gone (for HTTP upstreams a dead server shows only as
   * failed requests, never as a closed transport).
   */
  connectionLost(error: unknown): void {
    if (this.stateValue === 'ready') void this.fail(error);
  }

  /**
   * The connection is gone. While a restart is pending the server keeps its last lists, so its tools stay in the
   * catalog: a call meets UPSTREAM_UNAVAILABLE (and the fallback chain) rather than "unknown tool", and clients
   * are not told to re-list on every crash. The lists go only when the server is given up.
   */
  private async fail(error: unknown): Promise<void> {
    this.lastError = errorMessage(error);
    this.failures++;
    const connection = this.connection;
    this.connection = undefined;
    this.generation++;
    await connection?.transport.close().catch(() => undefined);
    if (this.stateValue === 'stopped') return;
    const restart = this.config.restart;
    if (this.failures > restart.maxAttempts) {
      if (this.lists !== EMPTY_LISTS) {
        this.lists = EMPTY_LISTS;
        this.emit('lists', ['tools', 'prompts', 'resources', 'resourceTemplates']);
      }
      this.logger.error(
        { server: this.name, err: this.lastError, attempts: this.failures },
        'upstream down; giving up',
      );
      this.setState('down');
      return;
    }
    const delay = backoffDelay(this.failures, restart);
    this.logger.warn({ server: this.name, err: this.lastError, retryInMs: delay }, 'upstream down; restarting');
    this.setState('restarting');
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.restarts++;
      void this.start();
    }, delay);
    this.timer.unref();
  }

  /** Stops and starts again now (the admin's restart button, a config reload). */
  async restart(): Promise<void> {
    await this.stop();
    this.stateValue = this.enabled ? 'idle' : 'disabled';
    this.failures = 0;
    this.restarts++;
    await this.start();
  }

  /** Stops the server (and its process tree) and keeps it off until enable(); its tools leave the catalog. */
  async disable(): Promise<void> {
    this.enabled = false;
    await this.stop();
    this.setState('disabled');
  }

  /** Starts a disabled server; resolves after its first try (a failure schedules retries as usual). */
  async enable(): Promise<void> {
    if (this.enabled && this.stateValue !== 'disabled') return;
    this.enabled = true;
    this.failures = 0;
    this.stateValue = 'idle';
    await this.start();
  }

  /** Ends the session and the whole process tree of a stdio server. */
  async stop(): Promise<void> {
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.setState('stopped');
    const connection = this.connection;
    this.connection = undefined;
    const hadTools = this.lists.tools.length > 0;
    this.lists = EMPTY_LISTS;
    if (hadTools) this.emit('lists', ['tools', 'prompts', 'resources', 'resourceTemplates']);
    await connection?.transport.close().catch(() => undefined);
  }

  status(): UpstreamStatus {
    const info = this.connection?.client.getServerVersion();
    return {
      name: this.name,
      namespace: this.config.namespace,
      transport: this.config.transport,
      connectedVia: this.connection?.kind,
      state: this.stateValue,
      pid: this.connection?.pid,
      toolCount: this.lists.tools.length,
      restarts: this.restarts,
      // Shown in /readyz, the admin API and `servers list`: an upstream may print its own token on a failure.
      lastError: this.lastError === undefined ? undefined : redactSecrets(this.lastError),
      stderrTail: this.stderr.lines().map(redactSecrets),
      attempted: this.attempted || !this.enabled,
      serverInfo: info ? { name: info.name, version: info.version } : undefined,
      description: this.config.description ?? this.connection?.client.getInstructions()?.split('\n')[0],
    };
  }

  private setState(state: UpstreamState): void {
    if (state === this.stateValue) return;
    this.stateValue = state;
    this.emit('state', state);
  }
}
