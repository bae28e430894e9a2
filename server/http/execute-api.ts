import { PassThrough } from 'node:stream';
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import type { Gateway } from '../gateway/gateway.js';
import type { AgentEvent } from '../llm/agent/agent.js';
import {
  AgentRunRequestSchema,
  agentFailureStatus,
  describeAgentFailure,
  isAgentRunFailure,
  parseAgentRunRequest,
  startAgentRun,
} from './agent-run.js';
import { BodyError, readJsonBody } from './body.js';

/** Where the execute route lives: under the admin prefix, so the admin guard in app.ts covers it. */
const PREFIX = '/api/v1';

/** The body of `POST /api/v1/execute`: a run request (as the admin socket's `agent:run`) and `stream`. */
export const ExecuteRequestSchema = AgentRunRequestSchema.extend({
  /** Answer as NDJSON: one line per step as it happens, then `{"type":"run",...}` (or `{"type":"error",...}`). */
  stream: z.boolean().default(false),
});

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
    const parsed = parseAgentRunRequest(ExecuteRequestSchema, raw);
    if (!parsed.ok) return ctx.throw(400, parsed.failure.error);
    const { stream, ...request } = parsed.value;
    const controller = new AbortController();
    ctx.req.once('close', () => {
      if (!ctx.res.writableEnded) controller.abort(new Error('the client closed the connection'));
    });
    const lines = stream ? new PassThrough() : undefined;
    const started = startAgentRun(gateway, request, {
      principal: 'admin-api',
      signal: controller.signal,
      onEvent: (event: AgentEvent) => lines?.write(`${JSON.stringify(event)}\n`),
    });
    if (isAgentRunFailure(started)) {
      ctx.status = started.status;
      ctx.body = started;
      return;
    }
    const run = started.result;
    if (lines) {
      ctx.status = 200;
      ctx.type = 'application/x-ndjson';
      ctx.body = lines;
      run.then(
        (result) => lines.end(`${JSON.stringify({ type: 'run', ...result })}\n`),
        (error: unknown) => lines.end(`${JSON.stringify({ type: 'error', ...describeAgentFailure(error) })}\n`),
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

function fail(ctx: Context, error: unknown, signal: AbortSignal): void {
  if (signal.aborted) return;
  const status = agentFailureStatus(error);
  // An unknown error is ours: the error middleware logs it and hides the message.
  if (status === 500) throw error;
  ctx.status = status;
  ctx.body = describeAgentFailure(error);
}
