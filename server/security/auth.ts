import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { looksLikeJwt, type JwtVerifier } from './jwt.js';
import type { KeyStore } from './key-store.js';
import { FULL_ACCESS, type Scope } from './scopes.js';

/** Who is calling. `anonymous` only when no auth method is configured (a loopback-only gateway, as today). */
export interface Principal {
  /** Stable and free of secrets: `token`, `key:<id>`, `jwt:<sub>`, `anonymous`. The rate-limit bucket key. */
  id: string;
  kind: 'token' | 'key' | 'jwt' | 'anonymous';
  /** For people and logs: the key's name, the token's subject. */
  name: string;
  scope: Scope;
}

/** A refused request, ready for the HTTP edge: status, message and the RFC 6750 challenge. */
export interface AuthError {
  reason: 'missing' | 'malformed' | 'wrong' | 'expired' | 'revoked' | 'forbidden' | 'unavailable';
  status: 400 | 401 | 403 | 503;
  message: string;
  /** The `WWW-Authenticate` value; absent for 503 (nothing the client can fix with another token). */
  wwwAuthenticate?: string;
}

export interface AuthenticatorOptions {
  /** The static gateway token (`gateway.token`): full access. */
  token?: string;
  /** API keys, when enabled. */
  keys?: KeyStore;
  jwt?: JwtVerifier;
  /** RFC 9728 section 5.1: tells a client where to learn how to get a token. */
  resourceMetadataUrl?: string;
  realm?: string;
}

export interface Authenticator {
  /** False when no method is configured: every request is `anonymous` with full access. */
  readonly required: boolean;
  authenticate(headers: IncomingHttpHeaders): Promise<Principal | AuthError>;
  /** A 403 `insufficient_scope` naming the scope needed (RFC 6750 section 3.1), e.g. `admin` for the admin API. */
  insufficientScope(scope: string, message: string): AuthError;
}

export function isAuthError(result: Principal | AuthError): result is AuthError {
  return 'reason' in result;
}

const ANONYMOUS: Principal = { id: 'anonymous', kind: 'anonymous', name: 'anonymous', scope: FULL_ACCESS };

// RFC 6750 section 3: error_description may not hold `"` or `\` (nor anything outside printable ASCII).
const quoted = (value: string) => `"${value.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, ' ')}"`;

/**
 * One authentication step over the static token, API keys (`lmk_...`) and JWTs, all as `Authorization: Bearer`.
 * A missing header gets a challenge without an error code (RFC 6750 section 3.1); a bad token gets
 * `invalid_token`; a malformed header `invalid_request` (400).
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const realm = options.realm ?? 'localmcp';
  // Hashing both sides first keeps the comparison constant-time whatever the lengths.
  const tokenDigest = options.token ? createHash('sha256').update(options.token).digest() : undefined;
  const accepted = [
    ...(options.keys ? ['an API key (lmk_...)'] : []),
    ...(options.jwt ? ['a JWT from the authorization server'] : []),
    ...(options.token ? ['the gateway token'] : []),
  ];

  const challenge = (error?: 'invalid_token' | 'invalid_request' | 'insufficient_scope', description?: string) => {
    const params = [`realm=${quoted(realm)}`];
    if (error) params.push(`error="${error}"`, `error_description=${quoted(description ?? '')}`);
    if (options.resourceMetadataUrl) params.push(`resource_metadata=${quoted(options.resourceMetadataUrl)}`);
    return `Bearer ${params.join(', ')}`;
  };
  const refuse = (reason: AuthError['reason'], message: string): AuthError => {
    if (reason === 'unavailable') return { reason, status: 503, message };
    if (reason === 'missing') return { reason, status: 401, message, wwwAuthenticate: challenge() };
    if (reason === 'malformed') {
      return { reason, status: 400, message, wwwAuthenticate: challenge('invalid_request', message) };
    }
    return { reason, status: 401, message, wwwAuthenticate: challenge('invalid_token', message) };
  };

  const required = accepted.length > 0;
  return {
    required,
    insufficientScope: (scope, message) => ({
      reason: 'forbidden',
      status: 403,
      message,
      wwwAuthenticate: `${challenge('insufficient_scope', message)}, scope=${quoted(scope)}`,
    }),
    async authenticate(headers) {
      if (!required) return ANONYMOUS;
      const header = headers.authorization;
      if (!header)
        return refuse('missing', `authentication required: Authorization: Bearer <${accepted.join(' or ')}>`);
      const match = /^Bearer +(\S+) *$/i.exec(header);
      if (!match) return refuse('malformed', 'the Authorization header must be "Bearer <token>"');
      const token = match[1]!;

      if (tokenDigest && timingSafeEqual(createHash('sha256').update(token).digest(), tokenDigest)) {
        return { id: 'token', kind: 'token', name: 'gateway token', scope: FULL_ACCESS };
      }
      if (token.startsWith('lmk_')) {
        if (!options.keys) return refuse('wrong', 'API keys are not accepted by this gateway');
        const result = await options.keys.verify(token);
        if (result.ok) return { id: `key:${result.key.id}`, kind: 'key', name: result.key.name, scope: result.scope };
        if (result.reason === 'revoked') {
          return refuse(
            'revoked',
            `API key ${result.key!.id} ("${result.key!.name}") was revoked at ${result.key!.revokedAt}`,
          );
        }
        return refuse('wrong', 'invalid API key');
      }
      if (options.jwt && looksLikeJwt(token)) {
        const result = await options.jwt.verify(token);
        if (result.ok) return { id: `jwt:${result.subject}`, kind: 'jwt', name: result.subject, scope: result.scope };
        if (result.reason === 'expired') return refuse('expired', `${result.message}; get a new token`);
        if (result.reason === 'unavailable')
          return refuse('unavailable', `cannot check the token now: ${result.message}`);
        return refuse('wrong', `invalid token: ${result.message}`);
      }
      return refuse('wrong', 'invalid bearer token');
    },
  };
}

/** The pieces of an HTTP refusal (status, headers, JSON body) for whichever adapter serves it. */
export function authErrorResponse(error: AuthError): {
  status: number;
  headers: Record<string, string>;
  body: { error: string };
} {
  return {
    status: error.status,
    headers: error.wwwAuthenticate ? { 'WWW-Authenticate': error.wwwAuthenticate } : {},
    body: { error: error.message },
  };
}
