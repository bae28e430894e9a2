import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import picomatch from 'picomatch';
import type { CacheConfig } from '../config/cache-schema.js';

/** Whether and how long one tool's results may be kept, and why (for logs, `tools info` and the admin UI). */
export interface CacheDecision {
  cacheable: boolean;
  ttlMs: number;
  /** Whether similar (not only identical) arguments may be answered from the cache (L3). */
  semantic: boolean;
  reason:
    'disabled' | 'server-disabled' | 'denied' | 'allowed' | 'read-only' | 'idempotent' | 'side-effects' | 'zero-ttl';
}

/**
 * Decides per tool from its MCP annotations and the `cache` config. Annotations are hints from the upstream, so
 * the config has the last word: `tools.deny` wins over everything, `tools.allow` admits a tool whose annotations
 * do not. Without either, a tool is cached only when it says it is read-only, or idempotent and not explicitly
 * destructive: a tool that may have side effects must reach the upstream every time.
 */
export class CachePolicy {
  private readonly allow: (name: string) => boolean;
  private readonly deny: (name: string) => boolean;
  private readonly ttlGlobs: Array<[(name: string) => boolean, number]>;

  constructor(
    private readonly config: CacheConfig,
    /** Whether L3 can run at all (enabled and an embedder is present). */
    private readonly semanticAvailable = false,
  ) {
    const { allow, deny, ttl } = config.tools;
    this.allow = allow.length > 0 ? picomatch(allow) : () => false;
    this.deny = deny.length > 0 ? picomatch(deny) : () => false;
    this.ttlGlobs = Object.entries(ttl)
      .filter(([pattern]) => picomatch.scan(pattern).isGlob)
      .map(([pattern, ms]) => [picomatch(pattern), ms]);
  }

  decide(server: string, tool: string, annotations?: ToolAnnotations): CacheDecision {
    const name = `${server}/${tool}`;
    const ttlMs = this.ttlOf(server, name);
    const no = (reason: CacheDecision['reason']): CacheDecision => ({
      cacheable: false,
      ttlMs,
      semantic: false,
      reason,
    });
    if (!this.config.enabled) return no('disabled');
    if (this.config.servers[server]?.enabled === false) return no('server-disabled');
    if (this.deny(name)) return no('denied');
    const reason = this.allow(name)
      ? 'allowed'
      : annotations?.readOnlyHint === true
        ? 'read-only'
        : annotations?.idempotentHint === true && annotations.destructiveHint !== true
          ? 'idempotent'
          : undefined;
    if (reason === undefined) return no('side-effects');
    if (ttlMs <= 0) return no('zero-ttl');
    // Similar-argument reuse only for tools that promise not to change anything: a near miss on a write is a bug.
    const semantic = this.semanticAvailable && annotations?.readOnlyHint === true;
    return { cacheable: true, ttlMs, semantic, reason };
  }

  /** Per-tool TTL (exact name, then the first matching glob), then per-server, then the default. */
  private ttlOf(server: string, name: string): number {
    const exact = this.config.tools.ttl[name];
    if (exact !== undefined) return exact;
    for (const [matches, ms] of this.ttlGlobs) if (matches(name)) return ms;
    return this.config.servers[server]?.ttlMs ?? this.config.ttlMs;
  }
}
