import { createHash } from 'node:crypto';

/** What identifies one cacheable tool call. */
export interface ToolCallIdentity {
  /** The upstream server's key in `mcpServers`. */
  server: string;
  /** The tool's original (upstream) name. */
  tool: string;
  args: Record<string, unknown> | undefined;
  /**
   * Who answers: e.g. `github@github-mcp-server/1.2.0` (server name and the upstream's `serverInfo`), so an
   * upgraded upstream does not get the answers of the old one. Keep it stable while the upstream is down, or
   * `lastGood()` cannot find the results it should fall back to.
   */
  identity: string;
}

/** A call's cache key: `id` is the same in every gateway process, `server` lets one server's entries go at once. */
export interface CacheKey {
  server: string;
  /** `<server>:<hash>`; the Redis key is the configured prefix, `cache:` and this. */
  id: string;
  /** The canonical JSON of the arguments: the text L3 embeds. */
  argsJson: string;
  /** Calls of one tool of one upstream: L3 only compares vectors within a scope. */
  scope: string;
}

// Bumped when the stored value format changes, so old Redis entries are never read as new ones.
const FORMAT = 'v1';

/**
 * JSON with object keys sorted at every depth, so `{a, b}` and `{b, a}` are one key. Values JSON cannot hold
 * follow JSON.stringify (undefined members dropped, non-finite numbers as null), since that is what an upstream
 * would have received on the wire.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    return text === undefined ? 'null' : text;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return canonicalJson((value as { toJSON: () => unknown }).toJSON());
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  const members: string[] = [];
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
    members.push(`${JSON.stringify(key)}:${canonicalJson(member)}`);
  }
  return `{${members.join(',')}}`;
}

/**
 * The server part of a key. Server names are free text; percent-encoding keeps `:` out of them, so that the
 * entries of server `a` cannot be confused with those of server `a:b` when a prefix is scanned.
 */
export function encodeServer(server: string): string {
  return encodeURIComponent(server);
}

/**
 * Keys computed lately, by the text they hash: a repeated call (what a cache hit is) skips SHA-256 and the id's
 * strings, a quarter of the hit's work in the cache. Cleared whole when full: a cheap bound, and the next calls
 * refill it with what is called now.
 */
const recentKeys = new Map<string, CacheKey>();
const RECENT_KEYS_MAX = 4_096;
/** Longer arguments are hashed every time (hashing them costs little next to their call): at most ~8 MB kept. */
const RECENT_KEY_MAX_CHARS = 1_024;

export function toolCallKey(call: ToolCallIdentity): CacheKey {
  const argsJson = canonicalJson(call.args ?? {});
  const scope = `${call.server}\u0000${call.tool}\u0000${call.identity}`;
  const text = `${FORMAT}\u0000${scope}\u0000${argsJson}`;
  const recent = recentKeys.get(text);
  if (recent) return recent;
  // 128 bits of SHA-256: collisions are out of reach, and keys stay short in Redis.
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 32);
  const key: CacheKey = Object.freeze({
    server: call.server,
    id: `${encodeServer(call.server)}:${hash}`,
    argsJson,
    scope,
  });
  if (text.length > RECENT_KEY_MAX_CHARS) return key;
  if (recentKeys.size >= RECENT_KEYS_MAX) recentKeys.clear();
  recentKeys.set(text, key);
  return key;
}

/** Escapes Redis glob characters, for SCAN MATCH on a literal prefix. */
export function escapeRedisPattern(literal: string): string {
  return literal.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
