import { ErrorCodes, LocalmcpError } from '@localmcp/plugin-api';
import type { z } from 'zod';

/** One validation problem, as reported in a CONFIG_INVALID error's `data.issues`. */
export interface ConfigIssue {
  /** Dotted field path, e.g. `mcpServers.github.args[0]`; empty for the top level. */
  path: string;
  message: string;
}

// Keys that would make a dotted path ambiguous (a server called "github.com") are written in brackets.
const PLAIN_KEY = /^[^.[\]\s"']+$/;

/** Renders a field path the way a user would point at it in the file: `mcpServers.github.env.TOKEN`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && PLAIN_KEY.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/**
 * Says what a value is, for "expected X, received Y": scalars by value (a port of 99999 is clearer shown than
 * typed), strings by type and a short excerpt, containers by type.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string') {
    const excerpt = value.length > 40 ? `${value.slice(0, 37)}...` : value;
    return `string ${JSON.stringify(excerpt)}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}

/**
 * A zod `error` option producing `expected <what>, received <value>`. zod's own messages
 * ("Invalid input: expected number, received string") do not say which range or format is wanted.
 */
export function expected(what: string): { error: (issue: { input?: unknown }) => string } {
  return { error: (issue) => `expected ${what}, received ${describeValue(issue.input)}` };
}

// zod's default messages lead with "Invalid input: "; in a list of field paths that prefix is noise.
function cleanMessage(message: string): string {
  return message.replace(/^Invalid input: /, '');
}

/** Turns zod issues into our issue list. */
export function toConfigIssues(issues: readonly z.core.$ZodIssue[]): ConfigIssue[] {
  return issues.map((issue) => ({ path: formatPath(issue.path), message: cleanMessage(issue.message) }));
}

/** The CONFIG_INVALID error: names the file, then one `- path: message` line per issue. */
export function configInvalidError(file: string | undefined, issues: ConfigIssue[], cause?: unknown): LocalmcpError {
  const where = file ?? 'config';
  const lines = issues.map((issue) => `  - ${issue.path === '' ? '(top level)' : issue.path}: ${issue.message}`);
  return new LocalmcpError(ErrorCodes.CONFIG_INVALID, `Invalid config in ${where}:\n${lines.join('\n')}`, {
    cause,
    data: { file, issues },
  });
}
