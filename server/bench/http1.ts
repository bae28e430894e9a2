// A minimal HTTP/1.1 client connection for load generation, in the manner of wrk and autocannon: requests are
// written as raw bytes on one kept-alive TCP socket and responses parsed by hand (Content-Length or chunked). Node's
// http.request costs several times more CPU per call than the request it sends (on a loaded 2-core machine ~0.3 ms
// against ~0.05 ms here), and a benchmark's client shares the CPUs with what it measures.
import { connect, type Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';

export interface HttpResponse {
  status: number;
  /** Lowercased names; a repeated header keeps its last value. */
  headers: Record<string, string>;
  /** The body so far and from now on, decoded as UTF-8, piece by piece (an event stream is read as it comes). */
  onBody(listener: (text: string) => void): void;
  /** Resolves with the whole body (what onBody has not taken) when the response is complete. */
  text(): Promise<string>;
  /** Resolves when the response is complete. */
  ended: Promise<void>;
}

interface InFlight {
  resolve: (response: HttpResponse) => void;
  reject: (error: Error) => void;
}

const CRLF_CRLF = Buffer.from('\r\n\r\n');

/**
 * One connection; requests are sent one after another (no pipelining): each waits for the previous response. A
 * connection the server closes while nothing is under way (its keep-alive timeout: Node's servers close idle ones
 * after 5 s) is opened again for the next request, as HTTP clients do; a close with a request under way fails it.
 */
export class Http1Connection {
  private socket!: Socket;
  private connected = false;
  /** Requests not yet written: the first goes out when the connection is up and idle. */
  private readonly queue: Array<{ bytes: string; inFlight: InFlight }> = [];
  private busy = false;
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: InFlight | undefined;
  private body: BodyReader | undefined;
  private closed: Error | undefined;
  /** The server closed the connection while it was idle: the next request opens a new one. */
  private dropped = false;

  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    this.open();
  }

  private open(): void {
    const socket = connect(this.port, this.host);
    this.socket = socket;
    this.connected = false;
    this.dropped = false;
    this.buffer = Buffer.alloc(0);
    socket.setNoDelay(true);
    socket.once('connect', () => {
      this.connected = true;
      this.next();
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const fail = (error: Error) => {
      if (socket !== this.socket) return;
      if (!this.busy && !this.waiting && !this.body && this.queue.length === 0 && this.connected && !this.closed) {
        this.dropped = true;
        this.connected = false;
        return;
      }
      this.closed ??= error;
      this.waiting?.reject(error);
      this.waiting = undefined;
      this.body?.fail(error);
      this.body = undefined;
      for (const { inFlight } of this.queue.splice(0)) inFlight.reject(error);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error(`connection to ${this.host}:${this.port} closed`)));
  }

  /**
   * Sends a request and resolves at its response headers; the next request goes out once this response's body
   * has ended (read it, or wait for `ended`).
   */
  request(method: string, path: string, headers: Record<string, string>, body?: string): Promise<HttpResponse> {
    if (this.closed) return Promise.reject(this.closed);
    if (this.dropped) this.open();
    let head = `${method} ${path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\n`;
    for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
    if (body !== undefined) head += `Content-Length: ${Buffer.byteLength(body)}\r\n`;
    return new Promise((resolve, reject) => {
      this.queue.push({ bytes: `${head}\r\n${body ?? ''}`, inFlight: { resolve, reject } });
      this.next();
    });
  }

  close(): void {
    this.closed ??= new Error(`connection to ${this.host}:${this.port} closed`);
    this.socket.destroy();
  }

  private next(): void {
    if (!this.connected || this.busy || this.closed) return;
    const request = this.queue.shift();
    if (!request) return;
    this.busy = true;
    this.waiting = request.inFlight;
    this.socket.write(request.bytes);
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.body) {
        const used = this.body.take(this.buffer);
        this.buffer = this.buffer.subarray(used);
        if (!this.body.done) return;
        this.body = undefined;
        this.busy = false;
        this.next();
        continue;
      }
      if (!this.waiting) return;
      const end = this.buffer.indexOf(CRLF_CRLF);
      if (end === -1) return;
      const lines = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
      this.buffer = this.buffer.subarray(end + 4);
      const status = Number(lines[0]!.split(' ')[1]);
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length =
        status === 204 || status === 304
          ? 0
          : headers['transfer-encoding']?.includes('chunked')
            ? undefined
            : Number(headers['content-length'] ?? 0);
      this.body = new BodyReader(length);
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting.resolve(this.body.response(status, headers));
    }
  }
}

/** Reads one response body: `length` bytes, or chunked when `length` is undefined. */
class BodyReader {
  done = false;
  private remaining: number;
  private chunkLeft = 0;
  private state: 'size' | 'data' | 'crlf' | 'trailer' = 'size';
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private listener: ((text: string) => void) | undefined;
  private finish!: () => void;
  private abort!: (error: Error) => void;
  private readonly ended = new Promise<void>((resolve, reject) => ((this.finish = resolve), (this.abort = reject)));

  constructor(private readonly length: number | undefined) {
    this.remaining = length ?? 0;
    this.ended.catch(() => undefined);
    if (length === 0) this.end();
  }

  response(status: number, headers: Record<string, string>): HttpResponse {
    return {
      status,
      headers,
      onBody: (listener) => {
        this.listener = listener;
        if (this.pending) listener(this.pending);
        this.pending = '';
      },
      text: async () => {
        await this.ended;
        return this.pending;
      },
      ended: this.ended,
    };
  }

  fail(error: Error): void {
    this.abort(error);
  }

  /** Consumes what it can of `data`; returns how many bytes it used. */
  take(data: Buffer): number {
    if (this.done) return 0;
    if (this.length !== undefined) {
      const used = Math.min(this.remaining, data.length);
      this.emit(data.subarray(0, used));
      this.remaining -= used;
      if (this.remaining === 0) this.end();
      return used;
    }
    let at = 0;
    for (;;) {
      if (this.state === 'size') {
        const eol = data.indexOf('\r\n', at);
        if (eol === -1) return at;
        this.chunkLeft = parseInt(data.toString('latin1', at, eol), 16);
        at = eol + 2;
        this.state = this.chunkLeft === 0 ? 'trailer' : 'data';
      } else if (this.state === 'data') {
        const used = Math.min(this.chunkLeft, data.length - at);
        if (used > 0) this.emit(data.subarray(at, at + used));
        this.chunkLeft -= used;
        at += used;
        if (this.chunkLeft > 0) return at;
        this.state = 'crlf';
      } else {
        // The CRLF after a chunk's data, or the empty trailer section after the last chunk (no trailers here).
        if (data.length < at + 2) return at;
        at += 2;
        if (this.state === 'trailer') {
          this.end();
          return at;
        }
        this.state = 'size';
      }
    }
  }

  private emit(bytes: Buffer): void {
    const text = this.decoder.write(bytes);
    if (!text) return;
    if (this.listener) this.listener(text);
    else this.pending += text;
  }

  private end(): void {
    this.done = true;
    const rest = this.decoder.end();
    if (rest) this.emit(Buffer.from(rest));
    this.finish();
  }
}
