// Helpers for the security tests: SDK clients that present a bearer token, and signed JWTs.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SignJWT } from 'jose';

export const JWT_ISSUER = 'https://auth.example.com';
export const JWT_AUDIENCE = 'localmcp-tests';
export const JWT_SECRET = 'a-shared-secret-of-at-least-32-characters!';

/** The `security.auth.jwt` section matching {@link signJwt}. */
export const JWT_CONFIG = { secret: JWT_SECRET, issuer: JWT_ISSUER, audience: JWT_AUDIENCE };

/** An HS256 JWT for {@link JWT_CONFIG}; `expiresIn` in seconds (negative: already expired). */
export function signJwt(subject: string, scope: string, expiresIn = 300): Promise<string> {
  return new SignJWT({ scope })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(JWT_ISSUER)
    .setAudience(JWT_AUDIENCE)
    .setSubject(subject)
    .setIssuedAt(Math.floor(Date.now() / 1000) - Math.max(0, -expiresIn) - 60)
    .setExpirationTime(Math.floor(Date.now() / 1000) + expiresIn)
    .sign(new TextEncoder().encode(JWT_SECRET));
}

/** A real SDK client on `<base><path>` (Streamable HTTP, or SSE for `/sse...`) sending `Authorization: Bearer`. */
export async function connectAs(base: string, token: string | undefined, path = '/mcp'): Promise<Client> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const url = new URL(`${base}${path}`);
  const transport = path.startsWith('/sse')
    ? new SSEClientTransport(url, {
        requestInit: { headers },
        eventSourceInit: {
          fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as object), ...headers } }),
        },
      })
    : new StreamableHTTPClientTransport(url, { requestInit: { headers } });
  const client = new Client({ name: 'localmcp-security-test', version: '0.0.0' });
  await client.connect(transport);
  return client;
}

/** JSON-RPC initialize, as a raw POST body. */
export const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
};

/** POSTs JSON to `url` with optional bearer and headers; returns the response. */
export function postJson(
  url: string,
  body: unknown,
  token?: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
