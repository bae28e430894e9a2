import Router from '@koa/router';
import type { Context } from 'koa';
import { ErrorCodes, isLocalmcpError } from '@localmcp/plugin-api';
import type { Gateway } from '../gateway/gateway.js';
import { bareMessage, WireError } from '../gateway/mcp-errors.js';
import { redactSecrets } from '../security/redact.js';
import { activityOf } from '../telemetry/gateway-activity.js';
import type { LlmView, SearchHit, ToolCallOutcome } from './admin-events.js';
import { ADMIN_PREFIX } from './admin-api.js';
import {
  configView,
  overview,
  pluginsView,
  serverDetail,
  toolViews,
  upstreamView,
  upstreamViews,
} from './admin-views.js';
import { BodyError, readJsonBody } from './body.js';

const STATUSES = new Set(['ok', 'tool-error', 'error']);

/**
 * The admin panel's part of `/api/v1` (issue 8), next to the breaker and cache endpoints of admin-api.ts and behind
 * the same guard (app.ts applies it to every path under the prefix): the overview, servers (enable, disable,
 * restart), tools (list, search, call), the request log, the breaker timeline, plugins, LLM providers and the
 * masked config.
 */
export function createAdminUiRouter(gateway: Gateway, maxBodyBytes: number): Router {
  const router = new Router({ prefix: ADMIN_PREFIX });
  const activity = activityOf(gateway.events);

  const readBody = async (ctx: Context): Promise<Record<string, unknown>> => {
    let body: unknown;
    try {
      body = await readJsonBody(ctx.req, maxBodyBytes);
    } catch (error) {
      ctx.throw(error instanceof BodyError ? error.status : 400, (error as Error).message);
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) ctx.throw(400, 'the body must be an object');
    return body as Record<string, unknown>;
  };
  const upstreamOr404 = (ctx: Context) => {
    const upstream = gateway.upstreams.get(ctx.params.name ?? '');
    if (!upstream) return ctx.throw(404, `no upstream server "${ctx.params.name}"`);
    return upstream;
  };

  router.get('/overview', (ctx) => {
    ctx.body = overview(gateway, activity);
  });

  router.get('/servers', (ctx) => {
    ctx.body = { servers: upstreamViews(gateway, activity) };
  });

  router.get('/servers/:name', (ctx) => {
    ctx.body = serverDetail(gateway, activity, ctx.params.name ?? '') ?? ctx.throw(404, `no upstream server`);
  });

  // Each action answers once the server has had its try, with its new view (state changes also go out as events).
  for (const action of ['restart', 'enable', 'disable'] as const) {
    router.post(`/servers/:name/${action}`, async (ctx) => {
      const upstream = upstreamOr404(ctx);
      if (action === 'restart' && !upstream.isEnabled) ctx.throw(409, `"${upstream.name}" is disabled; enable it`);
      await upstream[action]();
      ctx.body = { action, server: upstreamView(upstream, activity) };
    });
  }

  router.get('/tools', (ctx) => {
    ctx.body = { tools: toolViews(gateway) };
  });

  router.get('/tools/search', async (ctx) => {
    const query = String(ctx.query.q ?? '').trim();
    if (!query) ctx.throw(400, 'the query "q" is empty');
    const limit = Number(ctx.query.limit ?? 10);
    const server = typeof ctx.query.server === 'string' && ctx.query.server ? [ctx.query.server] : undefined;
    const results = await gateway.discovery.search(query, {
      limit: Number.isFinite(limit) ? limit : 10,
      servers: server,
    });
    const hits: SearchHit[] = results.map(({ inputSchema: _schema, ...hit }) => hit);
    ctx.body = { query, results: hits };
  });

  router.post('/tools/call', async (ctx) => {
    const body = await readBody(ctx);
    const name = body.name;
    if (typeof name !== 'string' || name === '') return ctx.throw(400, '"name" must be a tool name');
    const args = body.arguments ?? {};
    if (typeof args !== 'object' || args === null || Array.isArray(args)) {
      return ctx.throw(400, '"arguments" must be an object');
    }
    const started = performance.now();
    const controller = new AbortController();
    ctx.req.once('close', () => {
      if (!ctx.res.writableEnded) controller.abort();
    });
    let outcome: ToolCallOutcome;
    try {
      const result = await gateway.discovery.callTool(name, args as Record<string, unknown>, 'all', {
        principal: 'admin-ui',
        signal: controller.signal,
      });
      outcome = { durationMs: performance.now() - started, result };
    } catch (error) {
      const [status, detail] = describeCallError(error);
      ctx.status = status;
      outcome = { durationMs: performance.now() - started, error: detail };
    }
    ctx.body = outcome;
  });

  router.get('/requests', (ctx) => {
    const { server, status, q, limit } = ctx.query;
    ctx.body = {
      requests: activity.requests({
        server: typeof server === 'string' && server ? server : undefined,
        status: typeof status === 'string' && STATUSES.has(status) ? (status as 'ok') : undefined,
        text: typeof q === 'string' && q ? q : undefined,
        limit: Number.isFinite(Number(limit)) && Number(limit) > 0 ? Number(limit) : 200,
      }),
    };
  });

  router.get('/breakers/timeline', (ctx) => {
    ctx.body = { transitions: activity.transitions() };
  });

  router.get('/plugins', (ctx) => {
    ctx.body = pluginsView(gateway);
  });

  // Providers with their state, calls, tokens and spend, and the model aliases (`llm`, issue 6).
  router.get('/llm', (ctx) => {
    const view = gateway.llm.view();
    ctx.body = {
      ...view,
      providers: view.providers.map((p) => (p.error === undefined ? p : { ...p, error: redactSecrets(p.error) })),
    } satisfies LlmView;
  });

  router.get('/config', (ctx) => {
    ctx.body = configView(gateway.config);
  });
  return router;
}

/** A failed call's HTTP status and what the panel shows: the caller's mistakes are 4xx, the upstream's 502. */
function describeCallError(error: unknown): [number, NonNullable<ToolCallOutcome['error']>] {
  const message = redactSecrets(bareMessage(error));
  if (isLocalmcpError(error)) {
    const data = error.data as { problems?: unknown } | undefined;
    if (error.code === ErrorCodes.TOOL_NOT_FOUND) return [404, { code: error.code, message }];
    if (error.code === ErrorCodes.INVALID_ARGUMENTS) {
      return [400, { code: error.code, message, problems: data?.problems }];
    }
    return [502, { code: error.code, message }];
  }
  if (error instanceof WireError) return [502, { code: error.code, message }];
  return [502, { message }];
}
