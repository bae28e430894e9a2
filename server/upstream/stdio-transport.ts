import { spawn, type ChildProcess } from 'node:child_process';
import { getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { endGroup, trackGroup } from './process-group.js';
import type { StderrTail } from './stderr-tail.js';

export interface ProcessStdioOptions {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  stderrTail: StderrTail;
  /** How long a graceful close waits between stdin EOF, SIGTERM and SIGKILL. */
  graceMs?: number;
}

/**
 * An MCP client transport over a child process's stdin/stdout, like the SDK's StdioClientTransport, but the
 * child leads its own process group so that close() ends the whole tree (see process-group.ts), and stderr is
 * kept as a bounded tail for `/readyz` and `servers list` instead of being inherited.
 */
export class ProcessStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private child: ChildProcess | undefined;
  private readonly buffer = new ReadBuffer();
  private exited: Promise<void> = Promise.resolve();
  private closing = false;

  constructor(private readonly options: ProcessStdioOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): Promise<void> {
    const { command, args, env, cwd } = this.options;
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, {
        // The SDK's choice of inherited variables (HOME, PATH, ...) keeps the gateway's own secrets out of
        // upstream processes; the server's configured env comes on top.
        env: { ...getDefaultEnvironment(), ...env },
        cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
        shell: false,
      });
      this.child = child;
      this.exited = new Promise((done) => child.once('exit', () => done()));
      child.once('error', (error) => {
        reject(error);
        this.onerror?.(error);
      });
      child.once('spawn', () => {
        if (child.pid !== undefined) trackGroup(child.pid);
        resolve();
      });
      // 'exit', not 'close': 'close' waits until every holder of the pipes has exited, and a background
      // process the server left (or a stuck grandchild) would hold them forever. When the leader exits, the
      // rest of its group goes too, and only then is the session reported closed.
      child.once('exit', (code, signal) => {
        if (!this.closing) {
          this.options.stderrTail.push(`[localmcp] process exited (${signal ?? `code ${code}`})\n`);
        }
        this.child = undefined;
        const ended = child.pid !== undefined ? endGroup(child.pid, 500) : Promise.resolve();
        void ended.then(() => this.onclose?.());
      });
      child.stdin?.on('error', (error) => this.onerror?.(error));
      child.stdout?.on('data', (chunk: Buffer) => {
        this.buffer.append(chunk);
        for (;;) {
          let message: JSONRPCMessage | null;
          try {
            message = this.buffer.readMessage();
          } catch (error) {
            // A line that is not JSON-RPC (a stray console.log in the server): report it, keep reading.
            this.onerror?.(error as Error);
            continue;
          }
          if (message === null) break;
          this.onmessage?.(message);
        }
      });
      child.stderr?.on('data', (chunk: Buffer) => this.options.stderrTail.push(chunk.toString('utf8')));
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      const stdin = this.child?.stdin;
      if (!stdin || stdin.destroyed) {
        reject(new Error('the server process is not running'));
        return;
      }
      if (stdin.write(serializeMessage(message))) resolve();
      else stdin.once('drain', resolve);
    });
  }

  /** Ends the server: stdin EOF first (the MCP way to ask a stdio server to exit), then the group's signals. */
  async close(): Promise<void> {
    const child = this.child;
    if (!child || child.pid === undefined) return;
    this.closing = true;
    const graceMs = this.options.graceMs ?? 2000;
    child.stdin?.end();
    const exitedInTime = await Promise.race([
      this.exited.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), Math.min(graceMs, 500)).unref()),
    ]);
    // Even when the leader exited on EOF, its group may still hold children: end the group either way.
    await endGroup(child.pid, exitedInTime ? 200 : graceMs);
    await this.exited;
  }
}
