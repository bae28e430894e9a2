import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCodes, LocalmcpError } from '@localmcp/plugin-api';
import type { Gateway } from '../gateway/gateway.js';
import { attachAdminSocket } from './admin-socket.js';
import { createHttpApp } from './app.js';
import { isLoopback } from './guards.js';

export interface RunningHttpServer {
  url: string;
  port: number;
  server: HttpServer;
  /** Stops accepting connections and refuses new requests; requests in flight go on. */
  stopAccepting(): void;
  /** Waits for POSTs in flight to be answered, up to `timeoutMs`. */
  drain(timeoutMs: number): Promise<void>;
  /** Stops accepting, ends sessions and closes open sockets. */
  close(): Promise<void>;
}

/**
 * Listens for downstream clients. Refuses a non-loopback bind without a bearer token: a gateway holds the keys
 * to every tool behind it, and an open one on a LAN would hand them out.
 */
export async function listenHttp(gateway: Gateway, host: string, port: number): Promise<RunningHttpServer> {
  const { auth } = gateway.config.security;
  const authenticated = Boolean(
    gateway.config.gateway.token || auth.jwt || (auth.keys === true && gateway.security.keys),
  );
  if (!isLoopback(host) && !authenticated) {
    throw new LocalmcpError(
      ErrorCodes.INSECURE_BIND,
      `refusing to listen on ${host} without a bearer token: set --token or LOCALMCP_TOKEN, security.auth.jwt or ` +
        'security.auth.keys: true (or bind to 127.0.0.1)',
    );
  }
  const http = createHttpApp(gateway, { host });
  const server = createServer(http.handler);
  // The admin panel's live channel (Socket.IO at /admin/socket.io) shares the server; it handles its own path.
  const adminSocket = attachAdminSocket(gateway, server, { host });
  // Streamable HTTP keeps GET streams open for a long time; Node's default request timeout would cut them.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    server,
    stopAccepting: () => {
      http.startDraining();
      if (server.listening) server.close();
    },
    drain: (timeoutMs) => http.drain(timeoutMs),
    close: async () => {
      http.startDraining();
      adminSocket.close();
      const closed = server.listening
        ? new Promise<void>((resolve) => server.close(() => resolve()))
        : Promise.resolve();
      await http.closeSessions();
      server.closeIdleConnections();
      // SSE streams that did not end with their session would hold close() forever.
      setTimeout(() => server.closeAllConnections(), 1000).unref();
      await closed;
    },
  };
}
