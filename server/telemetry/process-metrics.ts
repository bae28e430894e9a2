import { collectDefaultMetrics, Registry } from 'prom-client';

let registry: Registry | undefined;

/**
 * prom-client's process metrics (CPU, resident memory, heap, event loop lag, GC, handles) under their standard
 * names, which dashboards expect. They describe the process, not a gateway, so there is one registry per process
 * (created on first use; not prom-client's global default), shared by every gateway in it: collecting them per
 * gateway would start one event-loop monitor and one GC observer per gateway and never stop them.
 */
export function processRegistry(): Registry {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry });
  }
  return registry;
}
