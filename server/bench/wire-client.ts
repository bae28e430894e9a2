// A lean MCP client for benchmarks: JSON-RPC over stdio, Streamable HTTP and legacy SSE (raw HTTP/1.1 on kept-alive
// sockets, see http1.ts), no schema validation. The SDK client costs ~0.5-1 ms of CPU per call on a loaded 2-core
// machine (fetch, web streams, zod), more than the gateways it would measure; this one costs a tenth of that, so
// what the benchmark shows is the path behind the endpoint. The same client measures every target.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Http1Connection, type HttpResponse } from './http1.js';

export type Endpoint =
  | { transport: 'stdio'; command: string; args: string[]; env?: Record<string, string> }
  | { transport: 'streamable-http' | 'sse'; url: string };

export interface WireClient {
  /** Sends one request and resolves with its `result`; a JSON-RPC error rejects. */
  request(method: string, params?: Record<string, unknown>): Promise<unknown>;
  close(): Promise<void>;
}

const PROTOCOL_VERSION = '2025-06-18';
const CLIENT_INFO = { name: 'localmcp-bench', version: '0.1.0' };

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

/** Routes responses to their requests by id; everything else (notifications, server requests) is ignored. */
class Correlator {
  private next = 1;
  private readonly pending = new Map<number, Pending>();

  open(): { id: number; done: Promise<unknown> } {
    const id = this.next++;
    const done = new Promise<unknown>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    return { id, done };
  }

  deliver(message: { id?: unknown; result?: unknown; error?: { message?: string } }): void {
    const waiter = typeof message.id === 'number' ? this.pending.get(message.id) : undefined;
    if (!waiter || !('result' in message || 'error' in message)) return;
    this.pending.delete(message.id as number);
    if (message.error) waiter.reject(new Error(message.error.message ?? 'JSON-RPC error'));
    else waiter.resolve(message.result);
  }

  failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}

/** Connects and initializes (initialize, then notifications/initialized). */
export async function connectWireClient(endpoint: Endpoint): Promise<WireClient> {
  const client =
    endpoint.transport === 'stdio'
      ? new StdioWire(endpoint.command, endpoint.args, endpoint.env)
      : endpoint.transport === 'sse'
        ? await SseWire.open(endpoint.url)
        : new StreamableWire(endpoint.url);
  try {
    await client.request('initialize', {
      protocolVersion: endpoint.transport === 'sse' ? '2024-11-05' : PROTOCOL_VERSION,
      capabilities: {},
      clientInfo: CLIENT_INFO,
    });
    await client.notify('notifications/initialized');
  } catch (error) {
    await client.close();
    throw error;
  }
  return client;
}

function message(id: number | undefined, method: string, params?: Record<string, unknown>): string {
  return JSON.stringify({ jsonrpc: '2.0', ...(id === undefined ? {} : { id }), method, ...(params ? { params } : {}) });
}

/** The `data:` payloads of complete SSE events in `buffer`, and what is left of it. */
function takeEvents(buffer: string): { events: Array<{ event: string; data: string }>; rest: string } {
  const events: Array<{ event: string; data: string }> = [];
  let start = 0;
  for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n', start)) {
    let event = 'message';
    const data: string[] = [];
    for (const line of buffer.slice(start, end).split('\n')) {
      if (line.startsWith('data:')) data.push(line.slice(line[5] === ' ' ? 6 : 5));
      else if (line.startsWith('event:')) event = line.slice(6).trim();
    }
    if (data.length > 0) events.push({ event, data: data.join('\n') });
    start = end + 2;
  }
  return { events, rest: buffer.slice(start) };
}

class StdioWire implements WireClient {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly calls = new Correlator();

  constructor(command: string, args: string[], env?: Record<string, string>) {
    this.child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-600)));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      if (!line.trim()) return;
      try {
        this.calls.deliver(JSON.parse(line) as never);
      } catch {
        // Not JSON-RPC (a server printing to stdout): not ours to answer.
      }
    });
    this.child.once('exit', (code) =>
      this.calls.failAll(new Error(`${command} exited with ${code}${stderr ? `: ${stderr.trim().slice(-300)}` : ''}`)),
    );
  }

  request(method: string, params?: Record<string, unknown>): Promise<unknown> {
    const { id, done } = this.calls.open();
    this.child.stdin.write(`${message(id, method, params)}\n`);
    return done;
  }

  async notify(method: string): Promise<void> {
    this.child.stdin.write(`${message(undefined, method)}\n`);
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin.end();
    this.child.kill('SIGTERM');
    await exited;
  }
}

const JSON_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };

/** A connection to the host of `url`, and the path to request on it. */
function open(url: string): { conn: Http1Connection; path: string } {
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return { conn: new Http1Connection(host, Number(parsed.port || 80)), path: `${parsed.pathname}${parsed.search}` };
}

const mediaType = (response: HttpResponse) => (response.headers['content-type'] ?? '').split(';')[0]!.trim();

class StreamableWire implements WireClient {
  private readonly conn: Http1Connection;
  private readonly path: string;
  private readonly calls = new Correlator();
  private headers: Record<string, string> = JSON_HEADERS;

  constructor(url: string) {
    ({ conn: this.conn, path: this.path } = open(url));
  }

  async request(method: string, params?: Record<string, unknown>): Promise<unknown> {
    const { id, done } = this.calls.open();
    const response = await this.conn.request('POST', this.path, this.headers, message(id, method, params));
    if (method === 'initialize') {
      const session = response.headers['mcp-session-id'];
      this.headers = {
        ...JSON_HEADERS,
        ...(session ? { 'Mcp-Session-Id': session } : {}),
        'Mcp-Protocol-Version': PROTOCOL_VERSION,
      };
    }
    if (response.status !== 200) {
      const text = await response.text();
      throw new Error(`${method}: HTTP ${response.status} ${text.slice(0, 200)}`);
    }
    if (mediaType(response) === 'application/json') {
      const body = JSON.parse(await response.text()) as unknown;
      for (const item of Array.isArray(body) ? body : [body]) this.calls.deliver(item as never);
    } else {
      // An event stream: events are handled as they come; the response ends the wait (the stream may outlive it).
      let buffer = '';
      response.onBody((text) => {
        const { events, rest } = takeEvents(buffer + text);
        buffer = rest;
        for (const event of events) this.calls.deliver(JSON.parse(event.data) as never);
      });
      const unanswered = (why: string) => this.calls.deliver({ id, error: { message: `${method}: ${why}` } });
      response.ended.then(
        () => unanswered('the stream ended unanswered'),
        (error: Error) => unanswered(error.message),
      );
    }
    return done;
  }

  async notify(method: string): Promise<void> {
    const response = await this.conn.request('POST', this.path, this.headers, message(undefined, method));
    await response.text();
    if (response.status !== 202 && response.status !== 200) throw new Error(`${method}: HTTP ${response.status}`);
  }

  async close(): Promise<void> {
    if (this.headers['Mcp-Session-Id']) {
      await this.conn
        .request('DELETE', this.path, this.headers)
        .then((response) => response.ended)
        .catch(() => undefined);
    }
    this.conn.close();
  }
}

class SseWire implements WireClient {
  private readonly calls = new Correlator();

  private constructor(
    private readonly stream: Http1Connection,
    private readonly posts: Http1Connection,
    private readonly postPath: string,
  ) {}

  /** GET the stream and wait for its `endpoint` event, which names the URL to POST messages to. */
  static async open(url: string): Promise<SseWire> {
    const { conn, path } = open(url);
    const response = await conn.request('GET', path, { Accept: 'text/event-stream' });
    if (response.status !== 200) {
      conn.close();
      throw new Error(`GET ${url}: HTTP ${response.status}`);
    }
    return new Promise((resolve, reject) => {
      let client: SseWire | undefined;
      let buffer = '';
      response.onBody((text) => {
        const { events, rest } = takeEvents(buffer + text);
        buffer = rest;
        for (const event of events) {
          if (event.event === 'endpoint' && !client) {
            const target = open(new URL(event.data, url).href);
            client = new SseWire(conn, target.conn, target.path);
            resolve(client);
          } else if (event.event === 'message') {
            client?.calls.deliver(JSON.parse(event.data) as never);
          }
        }
      });
      response.ended.then(
        () =>
          client
            ? client.calls.failAll(new Error(`the SSE stream of ${url} ended`))
            : reject(new Error('no endpoint event')),
        (error: Error) => (client ? client.calls.failAll(error) : reject(error)),
      );
    });
  }

  async request(method: string, params?: Record<string, unknown>): Promise<unknown> {
    const { id, done } = this.calls.open();
    await this.send(message(id, method, params));
    return done;
  }

  async notify(method: string): Promise<void> {
    await this.send(message(undefined, method));
  }

  private async send(body: string): Promise<void> {
    const response = await this.posts.request('POST', this.postPath, JSON_HEADERS, body);
    const text = await response.text();
    if (response.status !== 202 && response.status !== 200) throw new Error(`POST: HTTP ${response.status} ${text}`);
  }

  async close(): Promise<void> {
    this.stream.close();
    this.posts.close();
  }
}
