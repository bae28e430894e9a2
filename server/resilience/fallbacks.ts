import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { errorMessage } from '@localmcp/plugin-api';
import picomatch from 'picomatch';
import type { FallbackKind, ResilienceConfig } from '../config/resilience-schema.js';
import type { Scope } from '../security/scopes.js';
import { isCircuitOpenError } from './errors.js';

/** A tool call that failed, as the fallback chain sees it. */
export interface FailedToolCall {
  /** The gateway's (namespaced) tool name. */
  name: string;
  server: string;
  /** The upstream's own tool name. */
  tool: string;
  args: Record<string, unknown>;
  error: unknown;
  /** The caller's scope: an equivalent tool must be one the caller could call itself. */
  scope?: Scope;
}

/** A tool that might answer instead of a failing one. `similarity` is 0..1 relative to the failing tool. */
export interface SimilarTool {
  name: string;
  server: string;
  similarity: number;
}

/** Where fallbacks come from; the gateway wires them to the cache, discovery and the router. */
export interface FallbackSources {
  /** The last good result of the same call (same server, tool and arguments), with its age. */
  lastGood?(call: FailedToolCall): Promise<{ result: CallToolResult; ageMs: number } | undefined>;
  /** Tools of other, healthy servers that are like the failing one, best first. */
  similar(call: FailedToolCall, limit: number): Promise<SimilarTool[]>;
  /** True when `args` are valid for tool `name` (its inputSchema). */
  accepts(name: string, args: Record<string, unknown>): boolean;
  /** Calls tool `name` with no fallback of its own. */
  call(name: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<CallToolResult>;
}

/** What a fallback answer carries in `_meta`, under this key. */
export const FALLBACK_META = 'localmcp/fallback';

/** What a served fallback reports, for events and metrics. */
export interface FallbackServed {
  call: FailedToolCall;
  kind: FallbackKind;
}

/**
 * The fallback chain of issue 4: when a tool call fails for the upstream's sake (an open circuit, a timeout, a
 * transport error, a crash), try in the configured order the last good result (stale-if-error), an equivalent
 * tool on another healthy server (opt-in), and a structured degraded answer telling the model what failed and
 * what it can do instead. The caller's own mistakes (bad arguments, unknown tool, cancellation) never get here.
 */
export class FallbackChain {
  private readonly perTool: Array<{ match: (key: string) => boolean; chain: FallbackKind[] }>;

  constructor(
    private readonly config: ResilienceConfig['fallbacks'],
    private readonly sources: FallbackSources,
    private readonly onServed: (served: FallbackServed) => void = () => {},
  ) {
    this.perTool = Object.entries(config.tools).map(([glob, chain]) => ({ match: picomatch(glob), chain }));
  }

  /** The chain for one tool: the first matching `tools` glob on `<server>/<tool>`, else the default. */
  chainFor(server: string, tool: string): FallbackKind[] {
    const key = `${server}/${tool}`;
    return this.perTool.find((entry) => entry.match(key))?.chain ?? this.config.chain;
  }

  /** A fallback answer for the failed call, or undefined when the chain has none (the caller rethrows). */
  async answer(call: FailedToolCall, signal?: AbortSignal): Promise<CallToolResult | undefined> {
    for (const kind of this.chainFor(call.server, call.tool)) {
      if (signal?.aborted) return undefined;
      const result = await this.tryKind(kind, call, signal).catch(() => undefined);
      if (result) {
        this.onServed({ call, kind });
        return result;
      }
    }
    return undefined;
  }

  private tryKind(kind: FallbackKind, call: FailedToolCall, signal?: AbortSignal): Promise<CallToolResult | undefined> {
    switch (kind) {
      case 'stale':
        return this.stale(call);
      case 'equivalent':
        return this.equivalent(call, signal);
      case 'degraded':
        return this.degraded(call);
    }
  }

  private async stale(call: FailedToolCall): Promise<CallToolResult | undefined> {
    const hit = await this.sources.lastGood?.(call);
    if (!hit || hit.ageMs > this.config.staleMaxAgeMs) return undefined;
    return withMeta(hit.result, {
      kind: 'stale',
      stale: true,
      ageMs: Math.round(hit.ageMs),
      server: call.server,
      reason: reasonOf(call.error),
    });
  }

  private async equivalent(call: FailedToolCall, signal?: AbortSignal): Promise<CallToolResult | undefined> {
    const candidates = (await this.sources.similar(call, 5)).filter(
      (tool) => tool.similarity >= this.config.equivalentMinScore && this.sources.accepts(tool.name, call.args),
    );
    for (const candidate of candidates) {
      try {
        const result = await this.sources.call(candidate.name, call.args, signal);
        if (result.isError === true) continue;
        return withMeta(result, {
          kind: 'equivalent',
          instead: call.name,
          tool: candidate.name,
          server: candidate.server,
          reason: reasonOf(call.error),
        });
      } catch {
        // The next candidate, or the next kind of fallback.
      }
    }
    return undefined;
  }

  private async degraded(call: FailedToolCall): Promise<CallToolResult> {
    const alternatives = (await this.sources.similar(call, 3).catch(() => [])).map((tool) => tool.name);
    const retryAfterMs = isCircuitOpenError(call.error) ? call.error.data.retryAfterMs : undefined;
    const when = retryAfterMs === undefined ? '' : ` It may be back in about ${Math.ceil(retryAfterMs / 1000)} s.`;
    const instead = alternatives.length > 0 ? ` use one of these tools instead: ${alternatives.join(', ')};` : '';
    const text =
      `Tool "${call.name}" is unavailable right now, so nothing was run: ${reasonOf(call.error)}.${when} ` +
      `What you can do:${instead} retry later; or carry on without it and tell the user this step could not be done.`;
    return {
      content: [{ type: 'text', text }],
      isError: true,
      _meta: {
        [FALLBACK_META]: {
          kind: 'degraded',
          server: call.server,
          tool: call.name,
          reason: reasonOf(call.error),
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
          alternatives,
        },
      },
    };
  }
}

function withMeta(result: CallToolResult, fallback: Record<string, unknown>): CallToolResult {
  return { ...result, _meta: { ...result._meta, [FALLBACK_META]: fallback } };
}

function reasonOf(error: unknown): string {
  return errorMessage(error).replace(/\s+/g, ' ').slice(0, 300);
}
