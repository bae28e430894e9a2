import { ErrorCodes, LocalmcpError } from '@localmcp/plugin-api';
import type { GatewayConfig } from './schema.js';

/** Settings that command-line flags and LOCALMCP_* variables may override. Undefined leaves a value alone. */
export interface GatewayOverrides {
  host?: string;
  port?: number;
  token?: string;
  adminToken?: string;
  stateless?: boolean;
}

function checkPort(port: number, source: string): number {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new LocalmcpError(
      ErrorCodes.CONFIG_INVALID,
      `${source} must be an integer between 0 and 65535, received ${String(port)}`,
      { data: { field: source, value: port } },
    );
  }
  return port;
}

/**
 * A copy of `config` with the defined overrides applied to `gateway`. Precedence is the caller's: apply
 * env overrides first, then flags, so flags win.
 */
export function applyOverrides(config: GatewayConfig, overrides: GatewayOverrides): GatewayConfig {
  const gateway = { ...config.gateway };
  if (overrides.host !== undefined) gateway.host = overrides.host;
  if (overrides.port !== undefined) gateway.port = checkPort(overrides.port, 'port');
  if (overrides.token !== undefined) gateway.token = overrides.token;
  if (overrides.adminToken !== undefined) gateway.adminToken = overrides.adminToken;
  if (overrides.stateless !== undefined) gateway.stateless = overrides.stateless;
  return { ...config, gateway };
}

/**
 * Overrides from LOCALMCP_HOST, LOCALMCP_PORT, LOCALMCP_TOKEN and LOCALMCP_ADMIN_TOKEN. Empty values count as unset, so
 * `LOCALMCP_PORT= localmcp serve` does not fail. A port that is not a whole number in 0-65535 is an error
 * rather than being ignored: a typo should not silently start the gateway on another port.
 */
export function envOverrides(env: NodeJS.ProcessEnv): {
  host?: string;
  port?: number;
  token?: string;
  adminToken?: string;
} {
  const result: { host?: string; port?: number; token?: string; adminToken?: string } = {};
  const host = env.LOCALMCP_HOST?.trim();
  if (host) result.host = host;
  const port = env.LOCALMCP_PORT?.trim();
  if (port) {
    if (!/^\d+$/.test(port)) {
      throw new LocalmcpError(
        ErrorCodes.CONFIG_INVALID,
        `LOCALMCP_PORT must be an integer between 0 and 65535, received ${JSON.stringify(port)}`,
        { data: { field: 'LOCALMCP_PORT', value: port } },
      );
    }
    result.port = checkPort(Number(port), 'LOCALMCP_PORT');
  }
  if (env.LOCALMCP_TOKEN) result.token = env.LOCALMCP_TOKEN;
  if (env.LOCALMCP_ADMIN_TOKEN) result.adminToken = env.LOCALMCP_ADMIN_TOKEN;
  return result;
}
