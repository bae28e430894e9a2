import test from 'ava';
import { redactObject, redactSecrets } from '../../server/security/redact.js';

const KEY = `lmk_3f9a1c2b7d4e_${'ab12'.repeat(16)}`;
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVz';

test('secrets in free text are redacted, keeping what identifies them', (t) => {
  const stderr = [
    `auth failed for ${KEY}`,
    'GET /mcp Authorization: Bearer s3cr3t-t0ken-value',
    `token ${JWT} rejected`,
    'connecting to redis://default:hunter2pass@cache.internal:6379/0',
    'config: GITHUB_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ012345 api_key: "abcd1234efgh" password=pa55word',
    'openai sk-proj-abcdefghijklmnopqrstuvwx slack xoxb-1234567890-abcdef aws AKIAABCDEFGHIJKLMNOP',
  ].join('\n');
  const out = redactSecrets(stderr);
  for (const secret of [
    'ab12ab12',
    's3cr3t-t0ken',
    JWT,
    'hunter2pass',
    'ghp_0123',
    'abcd1234efgh',
    'pa55word',
    'sk-proj',
    'xoxb-',
    'AKIA',
  ]) {
    t.false(out.includes(secret), `${secret} left in:\n${out}`);
  }
  t.true(out.includes('lmk_3f9a1c2b7d4e_[redacted]'), 'the key id stays');
  t.true(out.includes('Bearer [redacted]'));
  t.true(out.includes('redis://default:[redacted]@cache.internal:6379/0'), 'the user and host stay');
});

test('ordinary text is left alone', (t) => {
  const text = 'Counts tokens in a prompt (max 4096 tokens). Add password protection to a document.';
  t.is(redactSecrets(text), text);
});

test('config-like objects: secret fields masked by name, other strings redacted as text, input unchanged', (t) => {
  const config = {
    gateway: { token: 'plain-token', port: 7420 },
    security: { auth: { jwt: { secret: 'x'.repeat(40), issuer: 'https://auth.example.com' } } },
    mcpServers: {
      github: {
        env: { GITHUB_TOKEN: 'whatever', LOG_LEVEL: 'debug' },
        headers: { Authorization: 'Basic dXNlcjpwYXNz' },
        args: [`--key=${KEY}`],
      },
      llm: { clientSecret: 'abc', maxTokens: 'plenty' },
    },
  };
  const copy = structuredClone(config);
  const out = redactObject(config);
  t.deepEqual(config, copy, 'the input is not modified');
  t.is(out.gateway.token, '[redacted]');
  t.is(out.gateway.port, 7420);
  t.is(out.security.auth.jwt.secret, '[redacted]');
  t.is(out.security.auth.jwt.issuer, 'https://auth.example.com');
  t.is(out.mcpServers.github.env.GITHUB_TOKEN, '[redacted]');
  t.is(out.mcpServers.github.env.LOG_LEVEL, 'debug');
  t.is(out.mcpServers.github.headers.Authorization, '[redacted]');
  t.deepEqual(out.mcpServers.github.args, ['--key=lmk_3f9a1c2b7d4e_[redacted]']);
  t.is(out.mcpServers.llm.clientSecret, '[redacted]');
  t.is(out.mcpServers.llm.maxTokens, 'plenty');
});
