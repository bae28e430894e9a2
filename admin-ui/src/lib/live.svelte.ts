// The live view of the gateway: one Socket.IO connection, the latest overview, the request log and the breaker
// timeline, updated by the server's events. Pages read these fields; nothing here polls.
import { io, type Socket } from 'socket.io-client';
import type {
  AdminClientToServer,
  AdminServerToClient,
  AdminSocketPath,
  BreakerTransition,
  Overview,
  RequestRecord,
  UpstreamStateEvent,
} from '../../../server/http/admin-events.js';
import { AgentRuns } from './agent.svelte.js';
import type { Session } from './session.svelte.js';

const SOCKET_PATH: AdminSocketPath = '/admin/socket.io';
const MAX_REQUESTS = 500;

export type ConnectionState = 'connecting' | 'live' | 'offline';

export class Live {
  connection = $state<ConnectionState>('connecting');
  overview = $state<Overview | undefined>();
  requests = $state<RequestRecord[]>([]);
  transitions = $state<BreakerTransition[]>([]);
  /** Bumped when the catalog's tools change, so pages showing tools fetch them again. */
  toolsVersion = $state(0);
  /** Bumped on every upstream state change (pages showing one server's details refetch). */
  upstreamsVersion = $state(0);
  /** Agent runs started from the panel, streamed over this socket. */
  readonly agent = new AgentRuns();
  private socket: Socket<AdminServerToClient, AdminClientToServer> | undefined;

  constructor(private readonly session: Session) {}

  connect(): void {
    this.disconnect();
    const socket: Socket<AdminServerToClient, AdminClientToServer> = io({
      path: SOCKET_PATH,
      auth: this.session.token ? { token: this.session.token } : {},
      transports: ['websocket', 'polling'],
    });
    this.socket = socket;
    this.connection = 'connecting';
    this.agent.attach(socket);
    socket.on('connect', () => {
      this.connection = 'live';
      socket.emit('requests', MAX_REQUESTS, (records) => (this.requests = records));
      void this.session.api
        .get<{ transitions: BreakerTransition[] }>('/breakers/timeline')
        .then(({ transitions }) => (this.transitions = transitions))
        .catch(() => undefined);
    });
    socket.on('disconnect', () => (this.connection = 'offline'));
    socket.on('connect_error', (error) => {
      this.connection = 'offline';
      // Refused by the handshake (not a network failure): the token is no longer good.
      if (!socket.active) this.session.expired(error.message);
    });
    socket.on('overview', (overview) => (this.overview = overview));
    socket.on('upstream:state', (event) => this.upstreamChanged(event));
    socket.on('request', (record) => {
      this.requests = [record, ...this.requests].slice(0, MAX_REQUESTS);
    });
    socket.on('breaker:transition', (transition) => {
      this.transitions = [...this.transitions, transition].slice(-500);
      this.refresh();
    });
    socket.on('catalog:changed', () => this.toolsVersion++);
  }

  /** Asks for a fresh overview now (after an action, rather than waiting for the next tick). */
  refresh(): void {
    this.socket?.emit('overview', (overview) => (this.overview = overview));
  }

  disconnect(): void {
    this.agent.detach();
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = undefined;
    this.connection = 'offline';
  }

  private upstreamChanged(event: UpstreamStateEvent): void {
    this.upstreamsVersion++;
    const overview = this.overview;
    if (!overview) return;
    overview.upstreams = overview.upstreams.map((u) =>
      u.name !== event.server ? u : (event.upstream ?? { ...u, state: event.state }),
    );
  }
}
