import {
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyOptions,
  type JWTVerifyResult,
} from 'jose';
import { parseScopes, type Scope } from './scopes.js';

export interface JwtVerifierOptions {
  /** HS256 shared secret (at least 32 characters). Exactly one of `secret` and `jwksUrl`. */
  secret?: string;
  /** The authorization server's JWKS (RS256/ES256 keys); fetched on first use and when an unknown `kid` shows up. */
  jwksUrl?: string;
  issuer: string;
  audience: string | string[];
  /** The claim holding scopes; default: `scope` (space-separated, RFC 8693/9068), then `scopes`, then `scp`. */
  scopesClaim?: string;
  /** Leeway for exp/nbf/iat between our clock and the issuer's (default 30 s). */
  clockToleranceSec?: number;
  /** Algorithms accepted; default HS256 with a secret, RS256 and ES256 with a JWKS. */
  algorithms?: string[];
  /** Minimum time between JWKS refetches (default 30 s); tests set 0 to see a key rotation at once. */
  jwksCooldownMs?: number;
  jwksTimeoutMs?: number;
}

export type JwtVerification =
  | { ok: true; subject: string; scope: Scope; claims: JWTPayload }
  /** `expired`, `invalid` (any other fault of the token), `unavailable` (the JWKS could not be fetched: ours). */
  | { ok: false; reason: 'expired' | 'invalid' | 'unavailable'; message: string };

export interface JwtVerifier {
  verify(token: string): Promise<JwtVerification>;
}

const DEFAULT_CLAIMS = ['scope', 'scopes', 'scp'];

/** Three base64url parts: worth handing to the JWT verifier rather than calling it a wrong token. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}

function scopesOf(claims: JWTPayload, claim: string | undefined): string[] {
  for (const name of claim ? [claim] : DEFAULT_CLAIMS) {
    const value = claims[name];
    if (typeof value === 'string') return value.split(/\s+/);
    if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  }
  return [];
}

function failure(error: unknown): JwtVerification {
  if (error instanceof errors.JWTExpired) {
    const exp = typeof error.payload.exp === 'number' ? new Date(error.payload.exp * 1000).toISOString() : 'unknown';
    return { ok: false, reason: 'expired', message: `the token expired at ${exp}` };
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return { ok: false, reason: 'invalid', message: `claim "${error.claim}" ${error.reason}: ${error.message}` };
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return { ok: false, reason: 'invalid', message: 'no key of the issuer matches the token (kid/alg)' };
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return { ok: false, reason: 'invalid', message: 'the token signature does not verify' };
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return {
      ok: false,
      reason: 'invalid',
      message: 'the token is signed with an algorithm this gateway does not accept',
    };
  }
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSENotSupported
  ) {
    return { ok: false, reason: 'invalid', message: `malformed token: ${error.message}` };
  }
  // JWKS fetch failures (timeout, connection refused, non-200, not a JWKS): the token may well be fine.
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, reason: 'unavailable', message: `the issuer's keys could not be fetched: ${message}` };
}

/**
 * Bearer JWTs from an OAuth authorization server (JWKS) or signed with a shared secret. Signature, `iss`, `aud`,
 * `exp` (required), `nbf` and `iat` are checked; scope strings in the token use the API-key syntax
 * (`server:github tool:slack/* admin`), other scopes in the claim are ignored.
 */
export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  if ((options.secret === undefined) === (options.jwksUrl === undefined)) {
    throw new Error('a JWT verifier needs exactly one of "secret" and "jwksUrl"');
  }
  // Pinning algorithms per key type is what stops the "alg: none" and HS256-with-the-public-key confusions.
  const algorithms = options.algorithms ?? (options.secret !== undefined ? ['HS256'] : ['RS256', 'ES256']);
  const verifyOptions: JWTVerifyOptions = {
    issuer: options.issuer,
    audience: options.audience,
    algorithms,
    clockTolerance: options.clockToleranceSec ?? 30,
    requiredClaims: ['exp'],
  };
  let verifyToken: (token: string) => Promise<JWTVerifyResult>;
  if (options.secret !== undefined) {
    const secret = new TextEncoder().encode(options.secret);
    verifyToken = (token) => jwtVerify(token, secret, verifyOptions);
  } else {
    const jwks = createRemoteJWKSet(new URL(options.jwksUrl!), {
      cooldownDuration: options.jwksCooldownMs ?? 30_000,
      timeoutDuration: options.jwksTimeoutMs ?? 5_000,
    });
    verifyToken = (token) => jwtVerify(token, jwks, verifyOptions);
  }
  return {
    async verify(token) {
      try {
        const { payload } = await verifyToken(token);
        const subject = payload.sub ?? payload.jti ?? 'unknown';
        return { ok: true, subject, scope: parseScopes(scopesOf(payload, options.scopesClaim)).scope, claims: payload };
      } catch (error) {
        return failure(error);
      }
    },
  };
}
