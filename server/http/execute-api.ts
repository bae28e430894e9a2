import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { ErrorCodes, errorMessage, isLocalmcpError } from '@localmcp/plugin-api';
import type { Gateway } from '../gateway/gateway.js';
import type { AgentEvent } from '../llm/agent/agent.js';
import { BodyError, readJsonBody } from './body.js';

/** Where the execute route lives: under the admin prefix, so the admin guard in app.ts covers it. */
const PREFIX = '/api/v1';

/** The body of `POST /api/v1/execute`. */
export const ExecuteRequestSchema = z.strictObject({
  task: z.string().trim().min(1, 'the task must not be empty'),
  /** An alias of llm.models or `<provider>/<model>`; unset, llm.agent.model or llm.default. */
  model: z.string().min(1).optional(),
  maxSteps: z.number().int().min(1).max(200).optional(),
  /** Answer as NDJSON: one line per step as it happens, then `{"type":"run",...}` (or `{"type":"error",...}`). */
  stream: z.boolean().default(false),
});

/** The HTTP status of an agent failure: the client's mistakes are 4xx, a provider outage 502. */
function statusOf(error: unknown): number {
  if (!isLocalmcpError(error)) return 500;
  switch (error.code) {
    case ErrorCodes.MODEL_NOT_FOUND:
      return 400;
    case ErrorCodes.CONTEXT_TOO_LARGE:
      return 422;
    case ErrorCodes.PROVIDER_UNAVAILABLE:
    case ErrorCodes.PROVIDER_REQUEST_FAILED:
      return 502;
    case ErrorCodes.PROVIDER_TIMEOUT:
      return 504;
    default:
      return 500;
  }
}

/**
 * `POST /api/v1/execute {task, model?, maxSteps?, stream?}`: runs the agent on the gateway's own tools (it is given
 * only the discovery meta-tools) and answers with the steps and the answer. Mounted next to the admin router, so the
 * admin guard applies: an agent can reach every upstream. A client that disconnects cancels the run.
 */
export function createExecuteRouter(gateway: Gateway, maxBodyBytes: number): Router {
  const router = new Router({ prefix: PREFIX });
  router.post('/execute', async (ctx) => {
    let raw: unknown;
    try {
      raw = await readJsonBody(ctx.req, maxBodyBytes);
    } catch (error) {
      return ctx.throw(error instanceof BodyError ? error.status : 400, (error as Error).message);
    }
    const parsed = ExecuteRequestSchema.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
      return ctx.throw(400, `invalid request: ${issues.join('; ')}`);
    }
    if (!gateway.llm.configured) {
      return ctx.throw(409, 'no model is configured: add providers and model aliases to the llm section of the config');
    }
    const { task, model, maxSteps, stream } = parsed.data;
    const controller = new AbortController();
    ctx.req.once('close', () => {
      if (!ctx.res.writableEnded) controller.abort(new Error('the client closed the connection'));
    });
    const runId = randomUUID();
    const lines = stream ? new PassThrough() : undefined;
    const onEvent = (event: AgentEvent) => {
      gateway.events.emit('agent:step', { runId, event, at: Date.now() });
      lines?.write(`${JSON.stringify(event)}\n`);
    };
    const run = gateway.llm.runAgent(gateway.discovery, {
      task,
      model,
      maxSteps,
      runId,
      signal: controller.signal,
      onEvent,
      principal: 'admin-api',
    });
    if (lines) {
      ctx.status = 200;
      ctx.type = 'application/x-ndjson';
      ctx.body = lines;
      run.then(
        (result) => lines.end(`${JSON.stringify({ type: 'run', ...result })}\n`),
        (error: unknown) => lines.end(`${JSON.stringify({ type: 'error', ...describe(error) })}\n`),
      );
      return;
    }
    try {
      ctx.body = await run;
    } catch (error) {
      fail(ctx, error, controller.signal);
    }
  });
  return router;
}

function describe(error: unknown): { error: string; code?: string; status: number; data?: unknown } {
  return {
    error: errorMessage(error),
    status: statusOf(error),
    ...(isLocalmcpError(error) ? { code: error.code, ...(error.data ? { data: error.data } : {}) } : {}),
  };
}

function fail(ctx: Context, error: unknown, signal: AbortSignal): void {
  if (signal.aborted) return;
  const status = statusOf(error);
  // An unknown error is ours: the error middleware logs it and hides the message.
  if (status === 500) throw error;
  ctx.status = status;
  ctx.body = describe(error);
}
