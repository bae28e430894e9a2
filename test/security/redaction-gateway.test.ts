// Secrets kept out of what the gateway shows and logs: an upstream's stderr tail and last error in /readyz are
// redacted, and the logger masks the security layer's fields (SECRET_LOG_PATHS).
import { PassThrough } from 'node:stream';
import test from 'ava';
import { createLogger } from '../../server/telemetry/logger.js';
import { startGateway } from '../helpers/gateway.js';

const GITHUB_TOKEN = `ghp_${'A1b2C3d4'.repeat(5)}`;
const API_KEY = `lmk_abc123_${'f'.repeat(64)}`;

test('an upstream printing its secrets on stderr: /readyz shows the tail redacted', async (t) => {
  const script = `console.error('auth failed for token=${GITHUB_TOKEN}'); console.error('using ${API_KEY}'); process.exit(1)`;
  const gateway = await startGateway({
    mcpServers: { leaky: { command: process.execPath, args: ['-e', script], restart: { maxAttempts: 0 } } },
  });
  try {
    const body = await (await fetch(`${gateway.url}/readyz`)).text();
    const leaky = (JSON.parse(body) as { upstreams: Array<{ name: string; stderrTail: string[] }> }).upstreams.find(
      (u) => u.name === 'leaky',
    )!;
    t.true(
      leaky.stderrTail.some((line) => line.includes('token=[redacted]')),
      leaky.stderrTail.join('\n'),
    );
    t.true(leaky.stderrTail.some((line) => line.includes('lmk_abc123_[redacted]')));
    t.false(body.includes(GITHUB_TOKEN));
    t.false(body.includes(API_KEY));
  } finally {
    await gateway.close();
  }
});

test('the logger masks request headers, JWT secrets and passwords', (t) => {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const logger = createLogger({ level: 'info', destination: out });
  logger.info(
    {
      req: { headers: { authorization: `Bearer ${API_KEY}`, cookie: 'session=abc' } },
      config: { jwt: { secret: 'jwt-secret-value-that-is-long-enough!!' } },
      password: 'hunter2',
    },
    'request',
  );
  t.false(text.includes(API_KEY));
  t.false(text.includes('session=abc'));
  t.false(text.includes('jwt-secret-value'));
  t.false(text.includes('hunter2'));
  t.true(text.includes('[redacted]'));
});
