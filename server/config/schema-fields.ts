import { z } from 'zod';
import { expected } from './format-issues.js';

// Interpolation always yields strings, so `port: ${PORT:-7420}` arrives as "7420". Numeric and boolean fields
// therefore accept the string spelling of their value; anything else reaches the inner schema unchanged and
// fails with its own message. (z.coerce was rejected: it turns "" and null into 0 and true into 1.)
const NUMERIC = /^-?\d+(\.\d+)?$/;

/** An integer in [min, max], also written as a numeric string. */
export function intField(min: number, max: number, what: string) {
  const message = expected(what);
  return z.preprocess(
    (value: number | string) => (typeof value === 'string' && NUMERIC.test(value.trim()) ? Number(value) : value),
    z.number(message).int(message).min(min, message).max(max, message),
  );
}

/** A positive number of any precision (Cline's `timeout` in seconds), also written as a numeric string. */
export function positiveNumberField(what: string) {
  const message = expected(what);
  return z.preprocess(
    (value: number | string) => (typeof value === 'string' && NUMERIC.test(value.trim()) ? Number(value) : value),
    z.number(message).positive(message),
  );
}

/** A boolean, also written "true" or "false". */
export function booleanField() {
  return z.preprocess(
    (value: boolean | string) => (value === 'true' ? true : value === 'false' ? false : value),
    z.boolean(expected('true or false')),
  );
}

/** A non-empty string. */
export function nonEmptyString(what = 'a non-empty string') {
  const message = expected(what);
  return z.string(message).min(1, message);
}

/** A list of strings; a single string is an error (not silently wrapped) since `args: "-y pkg"` is a bug. */
export function stringList(what = 'array of strings') {
  return z.array(z.string(expected('string')), expected(what));
}

/**
 * A map of environment variables or headers. YAML reads `PORT: 8080` as a number and `DEBUG: true` as a
 * boolean; both are what the user meant as text, so scalars become strings.
 */
export function stringMap(what: string) {
  const value = z.preprocess(
    (v: string | number | boolean) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v),
    z.string(expected('a string, number or boolean')),
  );
  return z.record(z.string(), value, expected(what));
}

/** Characters allowed in a namespace: they end up in tool names, which MCP clients restrict. */
export const NAMESPACE_PATTERN = /^[A-Za-z0-9_-]+$/;

/** The default namespace of a server: its key, with characters a tool name may not hold replaced by `_`. */
export function defaultNamespace(serverName: string): string {
  return serverName.replace(/[^A-Za-z0-9_-]/g, '_');
}
