import { randomUUID } from 'node:crypto';
import type { BreakerPolicy, BreakerTransition } from '@localmcp/plugin-api';
import { errorMessage } from '@localmcp/plugin-api';
import { redisReady, waitReady, type RedisConnection } from '../redis/connection.js';
import type { Logger } from '../telemetry/logger.js';

/** A policy snapshot with per-server parts (elastic, classic); other shapes are shared whole. */
interface ServersSnapshot {
  version?: number;
  at?: number;
  servers: Record<string, unknown>;
}

interface SharedMessage {
  origin: string;
  server: string;
  snapshot: unknown;
}

export interface SharedBreakerOptions {
  policyName: string;
  keyPrefix: string;
  ttlMs: number;
  logger: Logger;
}

const hasServers = (value: unknown): value is ServersSnapshot =>
  typeof value === 'object' && value !== null && typeof (value as ServersSnapshot).servers === 'object';

/**
 * Shares a breaker policy's state between workers and gateway instances through Redis. Each state change of a
 * server (or of one of its tool circuits) stores that server's snapshot under `<prefix>breaker:<policy>:<server>`
 * with a TTL and publishes it on `<prefix>breaker:<policy>`; every other process restores it, so a trip seen by
 * one is honoured by all. A process that starts later loads the stored snapshots. Snapshots carry wall-clock
 * deadlines, so an OPEN wait ends at the same moment everywhere.
 *
 * Shared: states, open deadlines, trip counts and history, per-tool circuits. Not merged: the failure counts
 * inside a window that has not tripped yet, which stay per process (summing rolling windows across processes
 * would need a write per call). Redis trouble never reaches a call: writes are fire-and-forget and each process
 * keeps its local state; ioredis re-subscribes when Redis returns.
 */
export class SharedBreakerState {
  private readonly origin = randomUUID();
  private readonly channel: string;
  private unsubscribe: (() => void) | undefined;
  private restoring = false;

  constructor(
    private readonly policy: BreakerPolicy,
    private readonly commands: RedisConnection,
    private readonly subscriber: RedisConnection,
    private readonly options: SharedBreakerOptions,
  ) {
    this.channel = `${options.keyPrefix}breaker:${options.policyName}`;
  }

  /**
   * Loads what other processes stored, then follows their changes and publishes ours. Waits up to `waitMs` for
   * Redis at start; a Redis that comes later (or comes back) is subscribed to and read then.
   */
  async start(waitMs: number): Promise<void> {
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.receive(message);
    });
    let subscribed = false;
    const subscribe = async () => {
      if (subscribed) return; // ioredis re-subscribes by itself after a reconnect
      try {
        await this.subscriber.subscribe(this.channel);
        subscribed = true;
        await this.loadStored();
      } catch (error) {
        this.warn('subscribe', error);
      }
    };
    this.subscriber.on('ready', () => void subscribe());
    this.unsubscribe = this.policy.onTransition?.((transition) => this.share(transition));
    await Promise.all([waitReady(this.subscriber, waitMs), waitReady(this.commands, waitMs)]);
    await subscribe();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private key(server: string): string {
    return `${this.channel}:${server}`;
  }

  private share(transition: BreakerTransition): void {
    // A restore from another process reports transitions too; sending them back would echo forever.
    if (this.restoring || transition.reason === 'restore') return;
    const snapshot = this.serverSnapshot(transition.server);
    const message = JSON.stringify({
      origin: this.origin,
      server: transition.server,
      snapshot,
    } satisfies SharedMessage);
    if (!redisReady(this.commands)) return;
    void this.commands
      .set(this.key(transition.server), message, 'PX', this.options.ttlMs)
      .then(() => this.commands.publish(this.channel, message))
      .catch((error: unknown) => this.warn('publish', error));
  }

  private serverSnapshot(server: string): unknown {
    const whole = this.policy.toJSON();
    if (!hasServers(whole)) return whole;
    return { ...whole, servers: { [server]: whole.servers[server] } };
  }

  private receive(raw: string): void {
    let message: SharedMessage;
    try {
      message = JSON.parse(raw) as SharedMessage;
    } catch {
      return;
    }
    if (message.origin === this.origin || !this.policy.restore) return;
    this.restoring = true;
    try {
      this.policy.restore(message.snapshot);
    } catch (error) {
      this.warn('restore', error);
    } finally {
      this.restoring = false;
    }
  }

  private async loadStored(): Promise<void> {
    if (!redisReady(this.commands)) return;
    try {
      let cursor = '0';
      do {
        const [next, keys] = await this.commands.scan(cursor, 'MATCH', `${this.channel}:*`, 'COUNT', 200);
        cursor = next;
        const values = keys.length > 0 ? await this.commands.mget(...keys) : [];
        for (const value of values) if (value) this.receive(value);
      } while (cursor !== '0');
    } catch (error) {
      this.warn('load', error);
    }
  }

  private warn(step: string, error: unknown): void {
    this.options.logger.debug({ step, err: errorMessage(error) }, 'shared breaker state: Redis step failed');
  }
}
