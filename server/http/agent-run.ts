import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ErrorCodes, errorMessage, isLocalmcpError } from '@localmcp/plugin-api';
import type { Gateway } from '../gateway/gateway.js';
import type { AgentEvent, AgentRun } from '../llm/agent/agent.js';

/** What starts an agent run, over HTTP (`POST /api/v1/execute`) and over the admin socket (`agent:run`). */
export const AgentRunRequestSchema = z.strictObject({
  task: z.string().trim().min(1, 'the task must not be empty'),
  /** An alias of llm.models or `<provider>/<model>`; unset, llm.agent.model or llm.default. */
  model: z.string().min(1).optional(),
  maxSteps: z.number().int().min(1).max(200).optional(),
});
export type AgentRunRequest = z.infer<typeof AgentRunRequestSchema>;

/** Why a run did not start or did not finish, as the edge reports it: a message, an HTTP-like status, a code. */
export interface AgentRunFailure {
  error: string;
  status: number;
  code?: string;
  data?: unknown;
}

/** A started run: its id (known before the first step) and its outcome. */
export interface StartedAgentRun {
  runId: string;
  result: Promise<AgentRun>;
}

/** The status of an agent failure: the client's mistakes are 4xx, a provider outage 502. */
export function agentFailureStatus(error: unknown): number {
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
    case ErrorCodes.AGENT_CANCELLED:
      // nginx's "client closed request": the caller ended the run.
      return 499;
    default:
      return 500;
  }
}

export function describeAgentFailure(error: unknown): AgentRunFailure {
  return {
    error: errorMessage(error),
    status: agentFailureStatus(error),
    ...(isLocalmcpError(error) ? { code: error.code, ...(error.data ? { data: error.data } : {}) } : {}),
  };
}

/** `request` as a run request, or the failure that says which fields are wrong (status 400). */
export function parseAgentRunRequest<S extends z.ZodType>(
  schema: S,
  request: unknown,
): { ok: true; value: z.infer<S> } | { ok: false; failure: AgentRunFailure } {
  const parsed = schema.safeParse(request);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
  return {
    ok: false,
    failure: { error: `invalid request: ${issues.join('; ')}`, status: 400, code: 'INVALID_REQUEST' },
  };
}

/**
 * Starts an agent run on the gateway's own tools, or says why it cannot start (no model configured: 409; an unknown
 * model: 400) before anything runs. Every event goes to `onEvent` as it happens and to `gateway.events` as
 * `agent:step`, for live views. Shared by the HTTP execute route and the admin socket.
 */
export function startAgentRun(
  gateway: Gateway,
  request: AgentRunRequest,
  options: { principal: string; signal: AbortSignal; onEvent?: (event: AgentEvent, runId: string) => void },
): StartedAgentRun | AgentRunFailure {
  if (!gateway.llm.configured) {
    return {
      error: 'no model is configured: add providers and model aliases to the llm section of the config',
      status: 409,
      code: ErrorCodes.MODEL_NOT_FOUND,
    };
  }
  try {
    // Checked here so a typo is a refusal, not a run that fails after its id was handed out.
    gateway.llm.router.targetsOf(request.model ?? gateway.config.llm.agent.model);
  } catch (error) {
    return describeAgentFailure(error);
  }
  const runId = randomUUID();
  const result = gateway.llm.runAgent(gateway.discovery, {
    task: request.task,
    model: request.model,
    maxSteps: request.maxSteps,
    runId,
    signal: options.signal,
    principal: options.principal,
    onEvent: (event) => {
      gateway.events.emit('agent:step', { runId, event, at: Date.now() });
      options.onEvent?.(event, runId);
    },
  });
  return { runId, result };
}

export function isAgentRunFailure(value: StartedAgentRun | AgentRunFailure): value is AgentRunFailure {
  return 'error' in value;
}
