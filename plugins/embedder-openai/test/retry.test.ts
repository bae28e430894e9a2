import test from 'ava';
import { APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { parseRetryAfter } from '@localmcp/plugin-api';
import { MAX_RETRY_AFTER_MS, retryDecision } from '../src/retry.js';

const headers = (entries: Record<string, string>) => new Headers(entries);
const status = (code: number, entries: Record<string, string> = {}) =>
  APIError.generate(code, { error: { message: 'x' } }, undefined, headers(entries));

test('retry-after is read in milliseconds, seconds or as an HTTP date', (t) => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  t.is(parseRetryAfter(headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now), 250);
  t.is(parseRetryAfter(headers({ 'retry-after': '2' }), now), 2000);
  t.is(parseRetryAfter(headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }), now), 3000);
  t.is(parseRetryAfter(headers({ 'retry-after': 'soon' }), now), undefined);
  t.is(parseRetryAfter(undefined, now), undefined);
});

test('what is retried: timeouts, 408, 409, 429, 5xx, x-should-retry; not 4xx, aborts or long waits', (t) => {
  const noJitter = () => 0;
  t.deepEqual(retryDecision(new APIConnectionTimeoutError(), 0, noJitter), { retry: true, delayMs: 500 });
  t.deepEqual(retryDecision(status(503), 2, noJitter), { retry: true, delayMs: 2000 });
  t.deepEqual(retryDecision(status(500), 9, noJitter), { retry: true, delayMs: 8000 }, 'backoff is capped');
  for (const code of [408, 409, 429]) t.true(retryDecision(status(code), 0).retry, String(code));
  for (const code of [400, 401, 403, 404, 422]) t.false(retryDecision(status(code), 0).retry, String(code));
  t.false(retryDecision(status(500, { 'x-should-retry': 'false' }), 0).retry);
  t.true(retryDecision(status(400, { 'x-should-retry': 'true' }), 0).retry);
  t.deepEqual(retryDecision(status(429, { 'retry-after': '1' }), 0), { retry: true, delayMs: 1000 });
  t.false(retryDecision(status(429, { 'retry-after-ms': String(MAX_RETRY_AFTER_MS + 1) }), 0).retry);
  t.false(retryDecision(new APIUserAbortError(), 0).retry);
  t.false(retryDecision(new Error('not from the SDK'), 0).retry);
});
