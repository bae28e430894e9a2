// The agent runs started from this panel, over the admin socket: `agent:run` is acknowledged with the run's id, each
// step and piece of streamed text follows as `agent:event`, and `agent:done` or `agent:error` ends it. Kept here
// rather than in the page, so a run goes on being shown when the page is left and opened again.
import { untrack } from 'svelte';
import type { Socket } from 'socket.io-client';
import type {
  AdminClientToServer,
  AdminServerToClient,
  AgentEvent,
  AgentRun,
  AgentRunFailure,
  AgentRunRequest,
} from '../../../server/http/admin-events.js';

type AdminSocket = Socket<AdminServerToClient, AdminClientToServer>;

/** A step of a run (every event but streamed text). */
export type AgentStep = Exclude<AgentEvent, { type: 'text' }>;

export type RunStatus = 'starting' | 'running' | 'cancelling' | 'done' | 'failed' | 'cancelled';

/** Runs kept on the page, newest first. */
const MAX_RUNS = 10;
/** An `agent:run` the gateway does not acknowledge by then is reported as failed. */
const ACK_TIMEOUT_MS = 15_000;
const NO_ANSWER: AgentRunFailure = { error: `the gateway did not answer within ${ACK_TIMEOUT_MS / 1000} s`, status: 0 };
const DISCONNECTED: AgentRunFailure = {
  error: 'the connection to the gateway dropped, and the gateway cancels the runs of a connection that goes',
  status: 0,
  code: 'DISCONNECTED',
};

export class AgentRunState {
  status = $state<RunStatus>('starting');
  runId = $state<string | undefined>();
  steps = $state<AgentStep[]>([]);
  /** Text streamed in the model turn still going; its `model` step replaces it when the turn ends. */
  streaming = $state<{ turn: number; text: string } | undefined>();
  result = $state<AgentRun | undefined>();
  failure = $state<AgentRunFailure | undefined>();
  endedAt = $state<number | undefined>();
  readonly startedAt = Date.now();
  /** Cancel was pressed (before the acknowledgement brought the id to cancel, it waits for that). */
  cancelPressed = false;

  constructor(
    readonly key: number,
    readonly request: AgentRunRequest,
  ) {}

  get active(): boolean {
    return this.status === 'starting' || this.status === 'running' || this.status === 'cancelling';
  }

  apply(event: AgentEvent): void {
    if (!this.active) return;
    if (event.type === 'text') {
      const same = this.streaming?.turn === event.turn;
      this.streaming = { turn: event.turn, text: (same ? this.streaming!.text : '') + event.text };
      return;
    }
    if (event.type === 'model') this.streaming = undefined;
    this.steps.push(event);
  }

  finish(result: AgentRun): void {
    if (!this.active) return;
    this.result = result;
    // The result has every step: it makes up for any event missed while the socket was briefly away.
    if (result.steps.length > this.steps.length) this.steps = result.steps;
    this.end('done');
  }

  fail(failure: AgentRunFailure): void {
    if (!this.active) return;
    this.failure = failure;
    this.end(failure.code === 'AGENT_CANCELLED' ? 'cancelled' : 'failed');
  }

  private end(status: RunStatus): void {
    this.status = status;
    this.streaming = undefined;
    this.endedAt = Date.now();
  }
}

export class AgentRuns {
  runs = $state<AgentRunState[]>([]);
  private socket: AdminSocket | undefined;
  private nextKey = 1;
  /**
   * What came for a run id not yet acknowledged. The gateway acknowledges before the first event, so this stays
   * empty; it is here so an order change on the server could not lose a run's first steps.
   */
  private early = new Map<string, Array<(run: AgentRunState) => void>>();

  get current(): AgentRunState | undefined {
    return this.runs[0];
  }

  /** Listens on a new admin socket (Live calls this on every connect). */
  attach(socket: AdminSocket): void {
    this.socket = socket;
    socket.on('agent:event', ({ runId, event }) => this.deliver(runId, (run) => run.apply(event)));
    socket.on('agent:done', ({ runId, result }) => this.deliver(runId, (run) => run.finish(result)));
    socket.on('agent:error', ({ runId, ...failure }) => this.deliver(runId, (run) => run.fail(failure)));
    // The gateway cancels a socket's runs when it goes; say so rather than leave them spinning.
    socket.on('disconnect', () => this.dropAll());
  }

  detach(): void {
    this.dropAll();
    this.socket = undefined;
  }

  start(request: AgentRunRequest): AgentRunState {
    const run = new AgentRunState(this.nextKey++, request);
    this.runs = [run, ...this.runs].slice(0, MAX_RUNS);
    const socket = this.socket;
    if (!socket?.connected) {
      run.fail({ error: 'not connected to the gateway: wait until the header says live, then run again', status: 0 });
      return run;
    }
    socket.timeout(ACK_TIMEOUT_MS).emit('agent:run', request, (unanswered, reply) => {
      // Socket.IO calls back with an error on a timeout, and at once when the socket disconnects.
      if (unanswered) return run.fail(socket.connected ? NO_ANSWER : DISCONNECTED);
      if (!('runId' in reply)) return run.fail(reply);
      run.runId = reply.runId;
      run.status = 'running';
      for (const apply of this.early.get(reply.runId) ?? []) apply(run);
      this.early.delete(reply.runId);
      if (run.cancelPressed) this.cancel(run);
    });
    return run;
  }

  cancel(run: AgentRunState): void {
    if (!run.active) return;
    run.cancelPressed = true;
    run.status = 'cancelling';
    if (run.runId === undefined) return;
    // The outcome comes as `agent:error` (AGENT_CANCELLED), or `agent:done` if the run had just finished.
    this.socket?.emit('agent:cancel', { runId: run.runId });
  }

  private deliver(runId: string, apply: (run: AgentRunState) => void): void {
    const run = this.runs.find((r) => r.runId === runId);
    if (run) return apply(run);
    if (!this.runs.some((r) => r.status === 'starting' || (r.status === 'cancelling' && !r.runId))) return;
    this.early.set(runId, [...(this.early.get(runId) ?? []), apply]);
  }

  /**
   * Untracked: Live connects and disconnects inside the shell's effect, which must not come to depend on the runs
   * (it would reconnect, and so cancel, whenever a run starts).
   */
  private dropAll(): void {
    untrack(() => {
      for (const run of this.runs) run.fail(DISCONNECTED);
    });
    this.early.clear();
  }
}
