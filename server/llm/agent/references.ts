import { ErrorCodes, LocalmcpError } from '@localmcp/plugin-api';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/**
 * A reference to an earlier call's result inside a later call's arguments: a string value that is exactly
 * `$<callId>` (the whole result) or `$<callId>.<path>` with `.field` and `[index]` steps (`$call_1.items[0].id`).
 * The value replaces the string with its own type (a number stays a number). `$$` at the start escapes a literal
 * `$`. Only whole strings are references: text that merely contains a `$` is left alone.
 */
export interface Reference {
  callId: string;
  path: Array<string | number>;
  /** The string as written. */
  raw: string;
}

const REFERENCE = /^\$([A-Za-z_][\w-]*)((?:\.[^.[\]\s]+|\[\d+\])*)$/;
const STEP = /\.([^.[\]\s]+)|\[(\d+)\]/g;

/** The reference a string is, or undefined. */
export function parseReference(value: string): Reference | undefined {
  const match = REFERENCE.exec(value);
  if (!match) return undefined;
  const path: Array<string | number> = [];
  for (const step of match[2]!.matchAll(STEP)) path.push(step[1] !== undefined ? step[1] : Number(step[2]));
  return { callId: match[1]!, path, raw: value };
}

/** Every reference in a value (arguments objects, nested arrays and objects), in document order. */
export function findReferences(value: unknown): Reference[] {
  const found: Reference[] = [];
  const walk = (node: unknown) => {
    if (typeof node === 'string') {
      const reference = parseReference(node);
      if (reference) found.push(reference);
    } else if (Array.isArray(node)) node.forEach(walk);
    else if (typeof node === 'object' && node !== null) Object.values(node).forEach(walk);
  };
  walk(value);
  return found;
}

/**
 * `value` with every reference replaced by the referenced result (through `lookup`) and `$$` unescaped. A path that
 * does not exist in the result is REFERENCE_UNRESOLVED, naming the reference and what is there instead.
 */
export function resolveReferences(value: unknown, lookup: (callId: string) => unknown): unknown {
  if (typeof value === 'string') {
    if (value.startsWith('$$')) return value.slice(1);
    const reference = parseReference(value);
    return reference ? follow(reference, lookup(reference.callId)) : value;
  }
  if (Array.isArray(value)) return value.map((item) => resolveReferences(item, lookup));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveReferences(item, lookup)]));
  }
  return value;
}

function follow(reference: Reference, root: unknown): unknown {
  let node = root;
  for (const [i, step] of reference.path.entries()) {
    const container = node as Record<string | number, unknown> | null;
    const has =
      typeof container === 'object' &&
      container !== null &&
      (Array.isArray(container) ? typeof step === 'number' && step < container.length : Object.hasOwn(container, step));
    if (!has) {
      const at = `$${reference.callId}${formatPath(reference.path.slice(0, i))}`;
      throw new LocalmcpError(
        ErrorCodes.REFERENCE_UNRESOLVED,
        `${reference.raw}: ${at} has no ${typeof step === 'number' ? `item [${step}]` : `field "${step}"`} ` +
          `(it is ${describe(node)})`,
        { data: { reference: reference.raw } },
      );
    }
    node = container[step];
  }
  return node;
}

function formatPath(path: ReadonlyArray<string | number>): string {
  return path.map((step) => (typeof step === 'number' ? `[${step}]` : `.${step}`)).join('');
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object with ${Object.keys(value).join(', ') || 'no fields'}`;
  const text = JSON.stringify(value) ?? String(value);
  return `${typeof value} ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}

/**
 * What a reference sees of a tool result: its `structuredContent` when it has one; else its text, parsed when the
 * text is JSON (search_tools and many tools answer JSON as text); else the text itself.
 */
export function resultValue(result: CallToolResult): unknown {
  if (result.structuredContent !== undefined) return result.structuredContent;
  const text = result.content
    .filter((c): c is { type: 'text'; text: string } => c.type === 'text')
    .map((c) => c.text)
    .join('\n');
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}
