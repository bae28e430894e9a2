import test from 'ava';
import { ErrorCodes, LocalmcpError } from '@localmcp/plugin-api';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { WireError } from '../../server/gateway/mcp-errors.js';
import { countToolErrorsAsFailures, defaultClassify, type ErrorClassifier } from '../../server/resilience/classify.js';
import { ClassicBreakerPolicy } from '../../server/resilience/classic-policy.js';
import { ElasticBreaker } from '../../server/resilience/elastic-breaker.js';
import { circuitOpenError } from '../../server/resilience/errors.js';
import { failTimes } from './helpers.js';
import { ManualClock } from './manual-clock.js';

const local = (code: (typeof ErrorCodes)[keyof typeof ErrorCodes], cause?: unknown) =>
  new LocalmcpError(code, 'x', cause === undefined ? {} : { cause });
const abortError = () => Object.assign(new Error('aborted'), { name: 'AbortError' });

const cases: Array<[string, unknown, 'failure' | 'ignore']> = [
  ['SDK request timeout', new McpError(ErrorCode.RequestTimeout, 'Request timed out'), 'failure'],
  ['SDK connection closed (crashed process)', new McpError(ErrorCode.ConnectionClosed, 'Connection closed'), 'failure'],
  ['upstream internal error', new McpError(ErrorCode.InternalError, 'boom'), 'failure'],
  ['upstream invalid params (argument validation)', new McpError(ErrorCode.InvalidParams, 'bad'), 'ignore'],
  ['upstream unknown method', new McpError(ErrorCode.MethodNotFound, 'no'), 'ignore'],
  ['router: wire error with invalid params', new WireError(ErrorCode.InvalidParams, '[s] bad'), 'ignore'],
  ['router: UPSTREAM_TIMEOUT', local(ErrorCodes.UPSTREAM_TIMEOUT), 'failure'],
  ['router: UPSTREAM_UNAVAILABLE', local(ErrorCodes.UPSTREAM_UNAVAILABLE), 'failure'],
  ['router: UPSTREAM_ERROR (transport)', local(ErrorCodes.UPSTREAM_ERROR, new TypeError('fetch failed')), 'failure'],
  [
    'router: UPSTREAM_ERROR of HTTP 503',
    local(ErrorCodes.UPSTREAM_ERROR, new StreamableHTTPError(503, 'x')),
    'failure',
  ],
  ['router: UPSTREAM_ERROR of HTTP 401', local(ErrorCodes.UPSTREAM_ERROR, new StreamableHTTPError(401, 'x')), 'ignore'],
  ['gateway: INVALID_ARGUMENTS', local(ErrorCodes.INVALID_ARGUMENTS), 'ignore'],
  ['gateway: TOOL_NOT_FOUND', local(ErrorCodes.TOOL_NOT_FOUND), 'ignore'],
  ['HTTP 502', new StreamableHTTPError(502, 'Bad Gateway'), 'failure'],
  ['HTTP 404', new StreamableHTTPError(404, 'Not Found'), 'ignore'],
  ['socket reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 'failure'],
  ['a thrown string', 'kaput', 'failure'],
  ['the caller’s abort', abortError(), 'ignore'],
  ['another circuit’s refusal', circuitOpenError({ server: 'b', state: 'OPEN' }), 'ignore'],
];

for (const [name, error, expected] of cases) {
  test(`default classification: ${name} → ${expected}`, (t) => {
    t.is(defaultClassify(error), expected);
  });
}

test('an isError tool result counts as success by default, and as failure when configured', async (t) => {
  const clock = new ManualClock();
  const toolError = () => Promise.resolve({ isError: true, content: [{ type: 'text', text: 'no such file' }] });
  const lenient = new ElasticBreaker({ server: { failureThreshold: 1 } }, { clock });
  const strict = new ElasticBreaker(
    { server: { failureThreshold: 1 } },
    { clock, classifyResult: countToolErrorsAsFailures },
  );
  for (let i = 0; i < 3; i++) t.like(await lenient.execute({ server: 's' }, toolError), { isError: true });
  t.is(lenient.state({ server: 's' }), 'CLOSED');
  await strict.execute({ server: 's' }, toolError);
  t.is(strict.state({ server: 's' }), 'OPEN');
});

test('a custom classifier decides what trips', async (t) => {
  const clock = new ManualClock();
  const seen: unknown[] = [];
  const onlyTimeouts: ErrorClassifier = (error) => {
    seen.push(error);
    return error instanceof McpError && error.code === ErrorCode.RequestTimeout ? 'failure' : 'ignore';
  };
  const policy = new ClassicBreakerPolicy({ failureThreshold: 2 }, { clock, classify: onlyTimeouts });
  for (let i = 0; i < 3; i++) {
    await policy.execute({ server: 's' }, () => Promise.reject(new Error('transport'))).catch(() => undefined);
  }
  t.is(seen.length, 3);
  t.is(policy.state({ server: 's' }), 'CLOSED');
  for (let i = 0; i < 2; i++) {
    await policy
      .execute({ server: 's' }, () => Promise.reject(new McpError(ErrorCode.RequestTimeout, 't')))
      .catch(() => undefined);
  }
  t.is(policy.state({ server: 's' }), 'OPEN');
});

test('a classifier that throws counts as a failure and frees the trial slot', async (t) => {
  const clock = new ManualClock();
  const policy = new ClassicBreakerPolicy(
    { failureThreshold: 1, openMs: 1_000 },
    {
      clock,
      classify: () => {
        throw new Error('bad classifier');
      },
    },
  );
  await failTimes(policy, { server: 's' }, 1);
  t.is(policy.state({ server: 's' }), 'OPEN');
  await clock.advance(1_000);
  await failTimes(policy, { server: 's' }, 1);
  t.is(policy.state({ server: 's' }), 'OPEN', 'the trial was judged, not leaked');
});
