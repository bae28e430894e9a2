import { randomUUID } from 'node:crypto';
import { closeRedis, type RedisConnection } from '../redis/connection.js';
import type { Logger } from '../telemetry/logger.js';
import type { RedisLayer } from './redis-layer.js';

/**
 * One invalidation, as published. `invalidate`: entries of `server` from before `at` are no longer served (they
 * stay as fallbacks); `clear`: entries of `server` (or all, without one) are dropped.
 */
export interface InvalidationMessage {
  op: 'invalidate' | 'clear';
  server?: string;
  /** The sender's clock (ms since the epoch) when it invalidated. */
  at: number;
}

interface Envelope extends InvalidationMessage {
  origin: string;
}

/**
 * Tells the other gateway processes to drop their L1 entries of a server, over Redis pub/sub on
 * `<keyPrefix>cache:invalidate`. Delivery is best effort: a process whose subscriber is reconnecting misses the
 * message and serves its L1 copy until the TTL ends, which bounds the harm.
 */
export class InvalidationChannel {
  readonly origin = randomUUID();
  readonly channel: string;
  received = 0;
  private subscribedNow = false;

  constructor(
    private readonly publisher: RedisLayer,
    /** Its own connection: a subscribed connection can do nothing else. */
    private readonly subscriber: RedisConnection,
    keyPrefix: string,
    private readonly onMessage: (message: InvalidationMessage) => void,
    private readonly logger: Logger,
  ) {
    this.channel = `${keyPrefix}cache:invalidate`;
    subscriber.on('message', (channel: string, text: string) => {
      if (channel === this.channel) this.deliver(text);
    });
    // With no offline queue a SUBSCRIBE sent before the connection is ready fails, so subscribe on every ready
    // (ioredis also resubscribes on reconnect; SUBSCRIBE twice is harmless).
    subscriber.on('ready', () => void this.subscribe());
    subscriber.on('close', () => (this.subscribedNow = false));
    if (subscriber.status === 'ready') void this.subscribe();
  }

  /** True while the subscription is live. */
  get subscribed(): boolean {
    return this.subscribedNow && this.subscriber.status === 'ready';
  }

  publish(message: InvalidationMessage): Promise<boolean> {
    const envelope: Envelope = { ...message, origin: this.origin };
    return this.publisher.publish(this.channel, JSON.stringify(envelope));
  }

  close(): Promise<void> {
    return closeRedis(this.subscriber);
  }

  private async subscribe(): Promise<void> {
    try {
      await this.subscriber.subscribe(this.channel);
      this.subscribedNow = true;
    } catch (error) {
      this.logger.debug({ err: error instanceof Error ? error.message : String(error) }, 'cache subscribe failed');
    }
  }

  private deliver(text: string): void {
    let envelope: Partial<Envelope>;
    try {
      envelope = JSON.parse(text) as Partial<Envelope>;
    } catch {
      return;
    }
    if (envelope.origin === this.origin) return; // our own, already applied
    if (envelope.op !== 'invalidate' && envelope.op !== 'clear') return;
    if (typeof envelope.at !== 'number') return;
    if (envelope.server !== undefined && typeof envelope.server !== 'string') return;
    this.received++;
    this.onMessage({ op: envelope.op, server: envelope.server, at: envelope.at });
  }
}
