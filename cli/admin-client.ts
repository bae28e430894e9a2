import { Flags } from '@oclif/core';
import { errorMessage } from '@localmcp/plugin-api';
import type { Setup } from '../server/index.js';

/** Flags of every command that talks to a running gateway's admin API. */
export const adminFlags = {
  url: Flags.string({
    summary: 'Base URL of the running gateway (default: http://<gateway.host>:<gateway.port> from the config).',
    env: 'LOCALMCP_URL',
  }),
  'admin-token': Flags.string({
    summary: 'Admin token of the running gateway (default: gateway.adminToken, else gateway.token).',
    env: 'LOCALMCP_ADMIN_TOKEN',
  }),
};

/** Why an admin request failed: `unreachable` (no gateway there) or `refused` (an HTTP error status). */
export class AdminRequestError extends Error {
  constructor(
    message: string,
    readonly kind: 'unreachable' | 'refused',
  ) {
    super(message);
  }
}

/** The admin API of a running gateway, found from flags or the config. */
export class AdminClient {
  readonly base: string;
  private readonly token: string | undefined;

  constructor(setup: Setup, flags: { url?: string; 'admin-token'?: string }) {
    const { host, port } = setup.config.gateway;
    const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    this.base = (flags.url ?? `http://${shownHost}:${port}`).replace(/\/+$/, '');
    this.token = flags['admin-token'] ?? setup.config.gateway.adminToken ?? setup.config.gateway.token;
  }

  /** GET or POST `/api/v1<path>`; resolves with the JSON body, rejects with an {@link AdminRequestError}. */
  async request<T>(path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.base}/api/v1${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new AdminRequestError(
        `no gateway answered at ${this.base} (${errorMessage(error)}); start one with \`localmcp serve\` or pass --url`,
        'unreachable',
      );
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const reason = (json as { error?: string } | undefined)?.error ?? (text.slice(0, 200) || response.statusText);
      throw new AdminRequestError(`${this.base} answered ${response.status}: ${reason}`, 'refused');
    }
    return json as T;
  }
}
