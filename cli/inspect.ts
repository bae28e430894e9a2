import { Gateway, silentLogger, type Setup } from '../server/index.js';

/**
 * Connects to the configured upstreams without serving anything, runs `use`, then ends every upstream process.
 * Used by the listing commands, which want one try per server and no restarts.
 */
export async function withUpstreams<T>(setup: Setup, use: (gateway: Gateway) => T | Promise<T>): Promise<T> {
  const upstreams = setup.upstreams.map((u) => ({ ...u, restart: { ...u.restart, maxAttempts: 0 } }));
  const gateway = new Gateway({ config: setup.config, upstreams, logger: silentLogger() });
  try {
    await gateway.start();
    return await use(gateway);
  } finally {
    await gateway.stop(0);
  }
}
