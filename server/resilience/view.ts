import type { BreakerPolicy, BreakerState } from '@localmcp/plugin-api';

/** One server's circuit as the admin API, `breakers list` and the admin UI show it. */
export interface BreakerView {
  server: string;
  state: BreakerState;
  /** Tools whose own circuit is not CLOSED (a deconstructed server's isolated tools). */
  tools: Array<{ tool: string; state: BreakerState }>;
  /** Milliseconds until an OPEN circuit lets a trial through, when the policy says. */
  retryAfterMs?: number;
  /** Trips since the circuit last closed, when the policy counts them. */
  trips?: number;
}

interface SnapshotServer {
  state?: BreakerState;
  trips?: number;
  openUntil?: number;
  tools?: Record<string, { state?: BreakerState }>;
}

/** The per-server part of a policy snapshot, for policies whose toJSON() has `servers` (elastic, classic). */
export function snapshotServers(policy: BreakerPolicy | undefined): Record<string, unknown> {
  if (!policy) return {};
  const snapshot = policy.toJSON() as { servers?: Record<string, unknown> } | null;
  return snapshot && typeof snapshot.servers === 'object' ? snapshot.servers : { policy: snapshot };
}

/**
 * The circuits of `servers` in one shape, whatever the policy: the state from `state()`, and tool circuits and
 * trip counts from the snapshot when it has them.
 */
export function breakerViews(policy: BreakerPolicy | undefined, servers: readonly string[]): BreakerView[] {
  if (!policy) return [];
  const snapshot = snapshotServers(policy) as Record<string, SnapshotServer | undefined>;
  const now = Date.now();
  return servers.map((server) => {
    const entry = snapshot[server];
    const state = policy.state?.({ server }) ?? entry?.state ?? 'CLOSED';
    const tools = Object.entries(entry?.tools ?? {})
      .filter(([tool, circuit]) => tool !== '' && circuit.state !== undefined && circuit.state !== 'CLOSED')
      .map(([tool]) => ({ tool, state: policy.state?.({ server, tool }) ?? entry!.tools![tool]!.state! }));
    return {
      server,
      state,
      tools,
      ...(state === 'OPEN' && entry?.openUntil !== undefined
        ? { retryAfterMs: Math.max(0, entry.openUntil - now) }
        : {}),
      ...(entry?.trips !== undefined ? { trips: entry.trips } : {}),
    };
  });
}
