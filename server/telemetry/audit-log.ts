import { createHash } from 'node:crypto';
import { mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AuditConfig } from '../config/telemetry-schema.js';
import type { Logger } from './logger.js';

/** One audited tool call, one JSON line. */
export interface AuditRecord {
  /** ISO 8601, when the call arrived. */
  time: string;
  /** Who called: `key:<id>`, `jwt:<sub>`, `token` (the static token) or `anonymous`. */
  principal: string;
  /** The MCP client's `clientInfo` (`name/version`), when it sent one. */
  client?: string;
  session?: string;
  /** The name the client called; for `call_tool`, the tool it ran is `target`. */
  tool: string;
  target?: string;
  /** The upstream server that owns the tool, when the name resolved. */
  server?: string;
  status: 'ok' | 'tool_error' | 'error' | 'cancelled' | 'closed';
  /** The JSON-RPC error code, for `error`. */
  code?: number;
  durationMs: number;
  /** SHA-256 of the arguments as canonical JSON (keys sorted): which calls were identical, not what they said. */
  argsSha256: string;
}

/** SHA-256 (hex) of `value` as JSON with object keys sorted at every level. */
export function argumentsHash(value: unknown): string {
  return createHash('sha256')
    .update(canonicalJson(value ?? {}))
    .digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The audit trail of tool calls: JSON lines appended to `file` (mode 0600: it names principals), rotated before a
 * line would take it past `maxBytes` (`audit.jsonl` → `audit.jsonl.1` → ... → `audit.jsonl.<maxFiles>`, the
 * oldest dropped). Writes are queued and batched off the call path; a write error is logged once per outage and
 * never reaches a client. One process per file: `--workers` gives each worker its own (see `auditFileFor`).
 */
export class AuditLog {
  private queue: string[] = [];
  private handle: FileHandle | undefined;
  private size = 0;
  private writing: Promise<void> | undefined;
  private failing = false;
  private closed = false;

  constructor(
    private readonly config: AuditConfig,
    private readonly logger: Logger,
  ) {}

  get file(): string {
    return this.config.file;
  }

  write(record: AuditRecord): void {
    if (this.closed) return;
    this.queue.push(`${JSON.stringify(record)}\n`);
    this.writing ??= this.drain().finally(() => (this.writing = undefined));
  }

  /** Resolves once every record written so far is on disk. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    await this.handle?.close();
    this.handle = undefined;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const lines = this.queue;
      this.queue = [];
      try {
        await this.append(lines);
        if (this.failing) this.logger.info({ file: this.file }, 'audit log writable again');
        this.failing = false;
      } catch (error) {
        if (!this.failing) {
          this.logger.error({ file: this.file, err: (error as Error).message }, 'audit log write failed; records lost');
        }
        this.failing = true;
        await this.handle?.close().catch(() => undefined);
        this.handle = undefined;
      }
    }
  }

  /** Writes `lines` in as few writes as the size limit allows, rotating in between. */
  private async append(lines: string[]): Promise<void> {
    let chunk = '';
    let chunkBytes = 0;
    for (const line of lines) {
      const bytes = Buffer.byteLength(line);
      const handle = await this.open();
      if (this.size + chunkBytes + bytes > this.config.maxBytes && this.size + chunkBytes > 0) {
        if (chunk) await handle.write(chunk);
        await this.rotate();
        chunk = '';
        chunkBytes = 0;
      }
      chunk += line;
      chunkBytes += bytes;
    }
    if (chunk) {
      await (await this.open()).write(chunk);
      this.size += chunkBytes;
    }
  }

  private async open(): Promise<FileHandle> {
    if (this.handle) return this.handle;
    await mkdir(dirname(this.file), { recursive: true });
    this.handle = await open(this.file, 'a', 0o600);
    this.size = (await stat(this.file)).size;
    return this.handle;
  }

  private async rotate(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
    const { maxFiles } = this.config;
    if (maxFiles === 0) {
      await rm(this.file, { force: true });
    } else {
      await rm(`${this.file}.${maxFiles}`, { force: true });
      for (let i = maxFiles - 1; i >= 1; i--) {
        await rename(`${this.file}.${i}`, `${this.file}.${i + 1}`).catch(ignoreMissing);
      }
      await rename(this.file, `${this.file}.1`);
    }
    this.size = 0;
  }
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}

/** With `--workers`, each worker writes its own file: `audit.jsonl` → `audit.worker2.jsonl` for worker slot 2. */
export function auditFileFor(file: string, workerSlot: string | undefined): string {
  if (!workerSlot) return file;
  const match = /^(.*?)(\.[^./\\]+)?$/.exec(file)!;
  return `${match[1]}.worker${workerSlot}${match[2] ?? ''}`;
}
