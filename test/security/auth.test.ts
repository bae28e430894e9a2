import test from 'ava';
import { SignJWT } from 'jose';
import { authErrorResponse, createAuthenticator, isAuthError, type AuthError } from '../../server/security/auth.js';
import { createJwtVerifier } from '../../server/security/jwt.js';
import { keyFilePath, KeyStore } from '../../server/security/key-store.js';
import { tempDir } from '../helpers/gateway.js';

const ISSUER = 'https://auth.example.com';
const AUDIENCE = 'http://127.0.0.1:7420/mcp';
const SECRET = 'a-shared-secret-of-at-least-32-characters!';
const METADATA = 'http://127.0.0.1:7420/.well-known/oauth-protected-resource/mcp';

async function setup() {
  const keys = new KeyStore(keyFilePath(await tempDir('localmcp-auth-')));
  const auth = createAuthenticator({
    token: 'static-gateway-token',
    keys,
    jwt: createJwtVerifier({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE }),
    resourceMetadataUrl: METADATA,
  });
  return { keys, auth };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const jwt = (claims: Record<string, unknown>, expiresAt = Math.floor(Date.now() / 1000) + 300) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject('alice@example.com')
    .setExpirationTime(expiresAt)
    .sign(new TextEncoder().encode(SECRET));

function refusal(result: Awaited<ReturnType<ReturnType<typeof createAuthenticator>['authenticate']>>): AuthError {
  if (!isAuthError(result)) throw new Error(`expected a refusal, got principal ${result.id}`);
  return result;
}

test('the static token, an API key and a JWT each yield a principal with its scope', async (t) => {
  const { keys, auth } = await setup();
  t.true(auth.required);
  t.like(await auth.authenticate(bearer('static-gateway-token')), {
    id: 'token',
    kind: 'token',
    scope: { admin: true },
  });

  const { key, info } = await keys.create({ name: 'github-bot', scopes: ['server:github'] });
  t.deepEqual(await auth.authenticate(bearer(key)), {
    id: `key:${info.id}`,
    kind: 'key',
    name: 'github-bot',
    scope: { servers: ['github'], tools: [], admin: false },
  });

  t.like(await auth.authenticate(bearer(await jwt({ scope: 'tool:slack/*' }))), {
    id: 'jwt:alice@example.com',
    kind: 'jwt',
    scope: { servers: [], tools: ['slack/*'], admin: false },
  });
  // The scheme is case-insensitive (RFC 7235 section 2.1).
  t.like(await auth.authenticate({ authorization: 'bearer static-gateway-token' }), { kind: 'token' });
});

test('missing credentials: 401 with a challenge that has no error code and points at the metadata', async (t) => {
  const { auth } = await setup();
  const error = refusal(await auth.authenticate({}));
  t.like(error, { reason: 'missing', status: 401 });
  t.regex(error.message, /Authorization: Bearer/);
  t.is(error.wwwAuthenticate, `Bearer realm="localmcp", resource_metadata="${METADATA}"`);
});

test('a wrong token, key or JWT: 401 invalid_token', async (t) => {
  const { keys, auth } = await setup();
  const { key } = await keys.create({ name: 'k', scopes: ['server:*'] });
  for (const presented of [
    'static-gateway-tokeN',
    `${key.slice(0, -1)}${key.endsWith('0') ? '1' : '0'}`,
    await jwt({}).then((j) => `${j}x`),
  ]) {
    const error = refusal(await auth.authenticate(bearer(presented)));
    t.like(error, { reason: 'wrong', status: 401 });
    t.regex(error.wwwAuthenticate!, /^Bearer realm="localmcp", error="invalid_token", error_description="[^"]+"/);
    t.false(error.message.includes(presented), 'the presented secret is not echoed');
  }
});

test('an expired JWT and a revoked key say so', async (t) => {
  const { keys, auth } = await setup();
  const expired = refusal(await auth.authenticate(bearer(await jwt({}, Math.floor(Date.now() / 1000) - 3600))));
  t.like(expired, { reason: 'expired', status: 401 });
  t.regex(expired.message, /expired at .*get a new token/);
  t.regex(expired.wwwAuthenticate!, /error="invalid_token", error_description="the token expired at/);

  const { key, info } = await keys.create({ name: 'old-ci', scopes: ['server:*'] });
  await keys.revoke(info.id);
  const revoked = refusal(await auth.authenticate(bearer(key)));
  t.like(revoked, { reason: 'revoked', status: 401 });
  t.regex(revoked.message, new RegExp(`API key ${info.id} \\("old-ci"\\) was revoked at \\d{4}-`));
  // RFC 6750: no double quotes inside error_description; the name's quotes are replaced.
  t.regex(
    revoked.wwwAuthenticate!,
    /error_description="API key \w+ \( old-ci \) was revoked at [^"]+", resource_metadata=/,
  );
});

test('a malformed Authorization header is a 400 invalid_request', async (t) => {
  const { auth } = await setup();
  for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer two tokens']) {
    const error = refusal(await auth.authenticate({ authorization }));
    t.like(error, { reason: 'malformed', status: 400 });
    t.regex(error.wwwAuthenticate!, /error="invalid_request"/);
  }
});

test('with nothing configured every request is anonymous with full access', async (t) => {
  const auth = createAuthenticator({});
  t.false(auth.required);
  t.like(await auth.authenticate({}), { kind: 'anonymous', scope: { admin: true } });
});

test('API keys are refused when key auth is off; insufficient scope is a 403 naming the scope', async (t) => {
  const auth = createAuthenticator({ token: 't0ken', resourceMetadataUrl: METADATA });
  const error = refusal(await auth.authenticate(bearer(`lmk_abc_${'0'.repeat(64)}`)));
  t.like(error, { reason: 'wrong', message: 'API keys are not accepted by this gateway' });

  const forbidden = auth.insufficientScope('admin', 'the admin API needs the admin scope');
  t.like(forbidden, { status: 403, reason: 'forbidden' });
  t.regex(forbidden.wwwAuthenticate!, /error="insufficient_scope".*scope="admin"/);
  t.deepEqual(authErrorResponse(forbidden), {
    status: 403,
    headers: { 'WWW-Authenticate': forbidden.wwwAuthenticate! },
    body: { error: 'the admin API needs the admin scope' },
  });
});
