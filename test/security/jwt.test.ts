// Real tokens signed in the test, a real JWKS served over loopback HTTP: the verifier fetches it as it would an
// authorization server's.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import test, { type ExecutionContext } from 'ava';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type CryptoKey } from 'jose';
import { createJwtVerifier, looksLikeJwt, type JwtVerification } from '../../server/security/jwt.js';

const ISSUER = 'https://auth.example.com';
const AUDIENCE = 'http://127.0.0.1:7420/mcp';
const SECRET = 'a-shared-secret-of-at-least-32-characters!';

interface SigningKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: CryptoKey;
  jwk: JWK;
}

async function signingKey(alg: 'RS256' | 'ES256', kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

async function serveJwks(keys: () => JWK[]): Promise<{ url: string; server: Server; fetches: () => number }> {
  let fetches = 0;
  const server = createServer((_req, res) => {
    fetches += 1;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: keys() }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`,
    server,
    fetches: () => fetches,
  };
}

const now = () => Math.floor(Date.now() / 1000);

/** Asserts a refusal with its reason and, when given, a message pattern. */
function refused(
  t: ExecutionContext,
  result: JwtVerification,
  reason: 'expired' | 'invalid' | 'unavailable',
  message?: RegExp,
) {
  t.false(result.ok);
  if (result.ok) return;
  t.is(result.reason, reason, result.message);
  if (message) t.regex(result.message, message);
}

function token(claims: JWTPayload, key: SigningKey | Uint8Array, overrides: { exp?: number; nbf?: number } = {}) {
  const jwt = new SignJWT(claims)
    .setProtectedHeader(key instanceof Uint8Array ? { alg: 'HS256' } : { alg: key.alg, kid: key.kid })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject('alice')
    .setIssuedAt()
    .setExpirationTime(overrides.exp ?? now() + 300);
  if (overrides.nbf !== undefined) jwt.setNotBefore(overrides.nbf);
  return jwt.sign(key instanceof Uint8Array ? key : key.privateKey);
}

test('RS256 and ES256 tokens from the JWKS verify; scopes come from the claim', async (t) => {
  const rsa = await signingKey('RS256', 'rsa-1');
  const ec = await signingKey('ES256', 'ec-1');
  const jwks = await serveJwks(() => [rsa.jwk, ec.jwk]);
  t.teardown(() => jwks.server.close());
  const verifier = createJwtVerifier({ jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE });

  const spaced = await verifier.verify(await token({ scope: 'openid server:github tool:slack/post_*' }, rsa));
  t.like(spaced, { ok: true, subject: 'alice' });
  if (spaced.ok) t.deepEqual(spaced.scope, { servers: ['github'], tools: ['slack/post_*'], admin: false });

  const listed = await verifier.verify(await token({ scopes: ['admin'] }, ec));
  t.true(listed.ok && listed.scope.admin);
  t.is(jwks.fetches(), 1, 'the JWKS is cached');
});

test('issuer, audience, expiry and not-before are checked, with clock tolerance', async (t) => {
  const rsa = await signingKey('RS256', 'rsa-1');
  const jwks = await serveJwks(() => [rsa.jwk]);
  t.teardown(() => jwks.server.close());
  const verifier = createJwtVerifier({ jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE, clockToleranceSec: 30 });

  const wrongIssuer = await new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
    .setIssuer('https://evil.example')
    .setAudience(AUDIENCE)
    .setExpirationTime(now() + 60)
    .sign(rsa.privateKey);
  refused(t, await verifier.verify(wrongIssuer), 'invalid', /"iss"/);

  const wrongAudience = await new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
    .setIssuer(ISSUER)
    .setAudience('https://other.example/mcp')
    .setExpirationTime(now() + 60)
    .sign(rsa.privateKey);
  refused(t, await verifier.verify(wrongAudience), 'invalid', /"aud"/);

  refused(t, await verifier.verify(await token({}, rsa, { exp: now() - 120 })), 'expired', /expired at \d{4}-/);
  t.true((await verifier.verify(await token({}, rsa, { exp: now() - 10 }))).ok, 'within the tolerance');
  refused(t, await verifier.verify(await token({}, rsa, { nbf: now() + 300 })), 'invalid', /"nbf"/);

  const noExpiry = await new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .sign(rsa.privateKey);
  refused(t, await verifier.verify(noExpiry), 'invalid', /"exp"/);
});

test('a token signed by a key outside the JWKS, or with HS256 or alg none, is refused', async (t) => {
  const rsa = await signingKey('RS256', 'rsa-1');
  const stranger = await signingKey('RS256', 'rsa-1');
  const jwks = await serveJwks(() => [rsa.jwk]);
  t.teardown(() => jwks.server.close());
  const verifier = createJwtVerifier({ jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE });

  refused(t, await verifier.verify(await token({}, stranger)), 'invalid', /signature/);
  // Algorithm confusion: an HMAC token keyed with something public must not pass a JWKS verifier.
  const hmac = await token({}, new TextEncoder().encode(JSON.stringify(rsa.jwk)));
  refused(t, await verifier.verify(hmac), 'invalid', /algorithm/);
  const payload = (await token({}, rsa)).split('.')[1];
  const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${payload}.`;
  refused(t, await verifier.verify(none), 'invalid');
});

test('a rotated key is picked up by refetching the JWKS', async (t) => {
  const first = await signingKey('ES256', 'k1');
  const second = await signingKey('ES256', 'k2');
  let keys = [first.jwk];
  const jwks = await serveJwks(() => keys);
  t.teardown(() => jwks.server.close());
  const verifier = createJwtVerifier({ jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE, jwksCooldownMs: 0 });
  t.true((await verifier.verify(await token({}, first))).ok);
  keys = [first.jwk, second.jwk];
  t.true((await verifier.verify(await token({}, second))).ok);
  t.is(jwks.fetches(), 2);
});

test('an unreachable JWKS is "unavailable", not the token\'s fault', async (t) => {
  const rsa = await signingKey('RS256', 'rsa-1');
  const jwks = await serveJwks(() => [rsa.jwk]);
  jwks.server.close();
  await once(jwks.server, 'close');
  const verifier = createJwtVerifier({ jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE, jwksTimeoutMs: 2000 });
  refused(t, await verifier.verify(await token({}, rsa)), 'unavailable', /could not be fetched/);
});

test('HS256 with a shared secret; a custom scopes claim', async (t) => {
  const secret = new TextEncoder().encode(SECRET);
  const verifier = createJwtVerifier({
    secret: SECRET,
    issuer: ISSUER,
    audience: AUDIENCE,
    scopesClaim: 'permissions',
  });
  const result = await verifier.verify(await token({ permissions: ['server:memory'], scope: 'admin' }, secret));
  t.true(result.ok);
  if (result.ok) t.deepEqual(result.scope, { servers: ['memory'], tools: [], admin: false });
  const other = await token({}, new TextEncoder().encode(`${SECRET}-but-another-one`));
  refused(t, await verifier.verify(other), 'invalid');
  t.true(looksLikeJwt(await token({}, secret)));
  t.false(looksLikeJwt('lmk_abc_def'));
});
