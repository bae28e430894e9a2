import process from 'node:process';
import type { Readable, Writable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { plainMessage } from '../util/json-rpc.js';

/** As the SDK's stdio transport: a line longer than this (10 MiB) is an error, and the session ends. */
const MAX_BUFFER_BYTES = 10 * 1024 * 1024;

/**
 * MCP over stdio (newline-delimited JSON-RPC), server side: the SDK's `StdioServerTransport` with a cheaper
 * reader. The SDK checks every line with the zod `JSONRPCMessageSchema`, about 6 µs of CPU per message here, which
 * for a cached call is a large share of the gateway's work. Lines that are plainly a request or a notification
 * (only `jsonrpc: "2.0"`, a string or integer `id`, a string `method` and an object `params` without `_meta`) are
 * taken after `JSON.parse` alone; everything else (responses, `_meta`, extra or wrong members) is checked with the
 * SDK's schema as before, so what is accepted and rejected does not change.
 *
 * Behaviour otherwise as the SDK's: a line that is not JSON-RPC goes to `onerror` and the session goes on; a line
 * over 10 MiB goes to `onerror` and closes the session; `send` resolves when stdout takes the bytes (after
 * `drain` when it is full); `close` stops reading and pauses stdin when nothing else reads it.
 */
export class LineTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private buffer: Buffer | undefined;
  private started = false;

  constructor(
    private readonly stdin: Readable = process.stdin,
    private readonly stdout: Writable = process.stdout,
  ) {}

  async start(): Promise<void> {
    if (this.started) throw new Error('LineTransport already started (Server.connect() starts it).');
    this.started = true;
    this.stdin.on('data', this.ondata);
    this.stdin.on('error', this.onStdinError);
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve) => {
      if (this.stdout.write(`${JSON.stringify(message)}\n`)) resolve();
      else this.stdout.once('drain', resolve);
    });
  }

  async close(): Promise<void> {
    this.stdin.off('data', this.ondata);
    this.stdin.off('error', this.onStdinError);
    if (this.stdin.listenerCount('data') === 0) this.stdin.pause();
    this.buffer = undefined;
    this.onclose?.();
  }

  private readonly onStdinError = (error: Error) => this.onerror?.(error);

  private readonly ondata = (chunk: Buffer) => {
    const size = (this.buffer?.length ?? 0) + chunk.length;
    if (size > MAX_BUFFER_BYTES) {
      this.buffer = undefined;
      this.onerror?.(new Error(`A message exceeded the maximum size of ${MAX_BUFFER_BYTES} bytes`));
      void this.close().catch(() => undefined);
      return;
    }
    let buffer = this.buffer ? Buffer.concat([this.buffer, chunk]) : chunk;
    let end: number;
    while ((end = buffer.indexOf(10)) !== -1) {
      const line = buffer.toString('utf8', 0, end).replace(/\r$/, '');
      buffer = buffer.subarray(end + 1);
      let message: JSONRPCMessage;
      try {
        message = parseMessage(line);
      } catch (error) {
        this.onerror?.(error instanceof Error ? error : new Error(String(error)));
        continue;
      }
      this.onmessage?.(message);
    }
    this.buffer = buffer.length > 0 ? buffer : undefined;
  };
}

/** One line as a JSON-RPC message: plain requests and notifications at once, anything else through the schema. */
export function parseMessage(line: string): JSONRPCMessage {
  const value: unknown = JSON.parse(line);
  const plain = plainMessage(value);
  return plain && plain.params?._meta === undefined ? plain : JSONRPCMessageSchema.parse(value);
}
