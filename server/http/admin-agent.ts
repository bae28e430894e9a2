import type { Socket } from 'socket.io';
import { ErrorCodes, LocalmcpError } from '@localmcp/plugin-api';
import type { Gateway } from '../gateway/gateway.js';
import type { AdminClientToServer, AdminServerToClient, AdminSocketData, AgentRunAck } from './admin-events.js';
import {
  AgentRunRequestSchema,
  describeAgentFailure,
  isAgentRunFailure,
  parseAgentRunRequest,
  startAgentRun,
} from './agent-run.js';

type AdminSocket = Socket<AdminClientToServer, AdminServerToClient, Record<string, never>, AdminSocketData>;

/** Runs one socket may have going at once: an agent run holds a model and upstream calls. */
const MAX_RUNS_PER_SOCKET = 4;

const cancelled = (why: string) => new LocalmcpError(ErrorCodes.AGENT_CANCELLED, why);

/**
 * The agent over the admin socket: `agent:run` starts a run (same validation and run logic as
 * `POST /api/v1/execute`) and acknowledges with its id; each of its events is sent to this socket alone as
 * `agent:event` the moment the agent emits it, then `agent:done` or `agent:error`. `agent:cancel` and a disconnect
 * abort the socket's runs. Only sockets that passed the admin handshake get here (it runs before `connection`).
 */
export function serveAgentRuns(gateway: Gateway, socket: AdminSocket): void {
  const runs = new Map<string, AbortController>();

  socket.on('agent:run', (request, ack) => {
    const reply = (answer: AgentRunAck) => typeof ack === 'function' && ack(answer);
    const parsed = parseAgentRunRequest(AgentRunRequestSchema, request);
    if (!parsed.ok) return reply(parsed.failure);
    if (runs.size >= MAX_RUNS_PER_SOCKET) {
      return reply({ error: `at most ${MAX_RUNS_PER_SOCKET} runs at once per connection`, status: 429 });
    }
    const controller = new AbortController();
    const started = startAgentRun(gateway, parsed.value, {
      principal: socket.data.principal,
      signal: controller.signal,
      onEvent: (event, runId) => socket.emit('agent:event', { runId, event }),
    });
    if (isAgentRunFailure(started)) return reply(started);
    const id = started.runId;
    runs.set(id, controller);
    reply({ runId: id });
    started.result
      .then(
        (result) => socket.emit('agent:done', { runId: id, result }),
        (error: unknown) => {
          const reason: unknown = controller.signal.aborted ? controller.signal.reason : error;
          socket.emit('agent:error', { runId: id, ...describeAgentFailure(reason) });
        },
      )
      .finally(() => runs.delete(id));
  });

  socket.on('agent:cancel', (request, ack) => {
    const runId = typeof request?.runId === 'string' ? request.runId : '';
    const controller = runs.get(runId);
    controller?.abort(cancelled(`run ${runId} was cancelled`));
    if (typeof ack === 'function') ack({ cancelled: controller !== undefined });
  });

  socket.on('disconnect', () => {
    for (const controller of runs.values()) controller.abort(cancelled('the admin socket disconnected'));
    runs.clear();
  });
}
