import test from 'ava';
import { SecuritySchema } from '../../server/config/security-schema.js';
import { toConfigIssues } from '../../server/config/format-issues.js';

const issues = (input: unknown) => {
  const result = SecuritySchema.safeParse(input);
  return result.success ? [] : toConfigIssues(result.error.issues);
};

test('an empty section gets the defaults', (t) => {
  t.deepEqual(SecuritySchema.parse({}), {
    auth: { keys: 'auto' },
    rateLimit: { enabled: true, perKey: { capacity: 60, refillPerSecond: 10 } },
    poisoning: { policy: 'mark' },
    limits: { maxBodyBytes: 4 * 1024 * 1024, maxResultBytes: 10 * 1024 * 1024 },
  });
});

test('values written as strings (env interpolation) are read as numbers and booleans', (t) => {
  const parsed = SecuritySchema.parse({
    auth: { keys: 'false' },
    rateLimit: { enabled: 'false', perKey: { capacity: '5', refillPerSecond: '0.5' } },
  });
  t.false(parsed.auth.keys);
  t.false(parsed.rateLimit.enabled);
  t.deepEqual(parsed.rateLimit.perKey, { capacity: 5, refillPerSecond: 0.5 });
});

test('jwt needs exactly one of secret and jwksUrl, a long enough secret, issuer and audience', (t) => {
  const base = { issuer: 'https://auth.example.com', audience: 'http://127.0.0.1:7420/mcp' };
  t.like(SecuritySchema.parse({ auth: { jwt: { ...base, jwksUrl: 'https://auth.example.com/jwks' } } }).auth.jwt, {
    clockToleranceSec: 30,
  });
  t.deepEqual(issues({ auth: { jwt: base } }), [
    { path: 'auth.jwt', message: 'set exactly one of "secret" or "jwksUrl"' },
  ]);
  t.deepEqual(issues({ auth: { jwt: { ...base, secret: 'short' } } })[0], {
    path: 'auth.jwt.secret',
    message: 'a JWT secret needs at least 32 characters',
  });
  t.regex(
    issues({ auth: { jwt: { ...base, jwksUrl: 'not a url' } } })[0]!.message,
    /expected an http\(s\) URL of a JWKS/,
  );
  t.is(issues({ auth: { jwt: { jwksUrl: 'https://a.example/jwks' } } })[0]!.path, 'auth.jwt.issuer');
});

test('mistakes name the field and what was expected', (t) => {
  t.deepEqual(issues({ poisoning: { policy: 'block' } }), [
    { path: 'poisoning.policy', message: 'expected "mark", "hide" or "off", received string "block"' },
  ]);
  t.is(issues({ rateLimit: { perKey: { capacity: 0 } } })[0]!.path, 'rateLimit.perKey.capacity');
  t.is(
    issues({ auth: { resourceMetadata: { authorizationServers: [] } } })[0]!.path,
    'auth.resourceMetadata.authorizationServers',
  );
  t.is(issues({ auth: { keys: 'yes' } })[0]!.message, 'expected true, false or "auto", received string "yes"');
});
