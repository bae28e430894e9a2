import { EventEmitter } from 'node:events';
import type { UpstreamConfig } from '../config/schema.js';
import type { Logger } from '../telemetry/logger.js';
import type { ListKind } from './lists.js';
import { Upstream, type UpstreamState, type UpstreamStatus } from './upstream.js';

interface SupervisorEvents {
  state: [Upstream, UpstreamState];
  lists: [Upstream, ListKind[]];
}

/** All upstreams of the gateway: starts them together, forwards their events, stops every process tree. */
export class UpstreamSupervisor extends EventEmitter<SupervisorEvents> {
  private readonly upstreams = new Map<string, Upstream>();

  constructor(configs: UpstreamConfig[], logger: Logger) {
    super();
    for (const config of configs) {
      const upstream = new Upstream(config, logger.child({ component: 'upstream' }));
      upstream.on('state', (state) => this.emit('state', upstream, state));
      upstream.on('lists', (kinds) => this.emit('lists', upstream, kinds));
      this.upstreams.set(config.name, upstream);
    }
  }

  get(name: string): Upstream | undefined {
    return this.upstreams.get(name);
  }

  all(): Upstream[] {
    return [...this.upstreams.values()];
  }

  /** Starts every enabled upstream in parallel; resolves when each has had its first try. */
  async startAll(): Promise<void> {
    await Promise.all(this.all().map((upstream) => upstream.start()));
  }

  /** True once every enabled upstream has tried to start (the readiness condition). */
  allAttempted(): boolean {
    return this.all().every((upstream) => upstream.status().attempted);
  }

  statuses(): UpstreamStatus[] {
    return this.all().map((upstream) => upstream.status());
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.all().map((upstream) => upstream.stop()));
  }
}
