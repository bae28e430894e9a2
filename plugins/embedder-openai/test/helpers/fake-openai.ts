import { createServer } from 'node:http';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake server received. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  at: number;
}

/** A scripted answer for the next request, instead of embeddings. */
export type ScriptedAnswer =
  | { status: number; headers?: Record<string, string>; body?: unknown }
  /** Never answers (until the client gives up). */
  | { hang: true };

/** How the fake server behaves besides its script. */
export interface FakeOpenAIOptions {
  /** The vector length when the request has no `dimensions`. */
  defaultDimensions?: number;
  /** Send numbers even when base64 was asked for, as some compatible servers do. */
  ignoreEncodingFormat?: boolean;
  /** Return a different length than `dimensions` asked for, as models without that parameter do. */
  ignoreDimensions?: boolean;
  /** List the embeddings last to first (each still carries its `index`). */
  reverse?: boolean;
}

/**
 * The vector the fake server returns for a text: deterministic, not normalised (the plugin must normalise it),
 * and texts sharing words share components.
 */
export function fakeVector(text: string, dimensions: number): Float32Array {
  const vector = new Float32Array(dimensions).fill(0.5);
  for (const word of text.toLowerCase().split(/\W+/).filter(Boolean)) {
    let h = 2166136261;
    for (const char of word) h = Math.imul(h ^ char.charCodeAt(0), 16777619) >>> 0;
    vector[h % dimensions]! += 3;
    vector[(h >>> 8) % dimensions]! -= 1;
  }
  return vector;
}

function base64Of(vector: Float32Array): string {
  const bytes = new Uint8Array(vector.length * 4);
  const view = new DataView(bytes.buffer);
  vector.forEach((x, i) => view.setFloat32(i * 4, x, true));
  return Buffer.from(bytes).toString('base64');
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(text);
}

/**
 * A loopback HTTP server speaking OpenAI's `POST /v1/embeddings` wire format: it checks the request as OpenAI
 * would (model, input as a string or an array of strings, encoding_format, dimensions) and answers in the asked
 * format. `script` holds answers for the next requests, taken first in first out.
 */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}) {
  const { defaultDimensions = 12 } = options;
  const requests: ReceivedRequest[] = [];
  const script: ScriptedAnswer[] = [];
  const hanging = new Set<ServerResponse>();
  let closedConnections = 0;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        send(res, 400, { error: { message: 'invalid JSON body', type: 'invalid_request_error' } });
        return;
      }
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, at: Date.now() });
      res.on('close', () => {
        if (!res.writableFinished) closedConnections++;
        hanging.delete(res);
      });
      const next = script.shift();
      if (next && 'hang' in next) {
        hanging.add(res);
        return;
      }
      if (next) {
        send(res, next.status, next.body ?? { error: { message: `status ${next.status}` } }, next.headers);
        return;
      }
      answer(body, res);
    });
  });

  function answer(body: Record<string, unknown>, res: ServerResponse): void {
    const invalid = (message: string) => send(res, 400, { error: { message, type: 'invalid_request_error' } });
    if (typeof body.model !== 'string' || body.model === '') return invalid('you must provide a model parameter');
    const inputs = typeof body.input === 'string' ? [body.input] : body.input;
    if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((i) => typeof i === 'string')) {
      return invalid("'input' must be a string or an array of strings");
    }
    const format = body.encoding_format ?? 'float';
    if (format !== 'float' && format !== 'base64') return invalid(`unknown encoding_format ${String(format)}`);
    if (body.dimensions !== undefined && (typeof body.dimensions !== 'number' || body.dimensions < 1)) {
      return invalid('dimensions must be a positive integer');
    }
    const dimensions =
      typeof body.dimensions === 'number' && !options.ignoreDimensions ? body.dimensions : defaultDimensions;
    const asBase64 = format === 'base64' && !options.ignoreEncodingFormat;
    const data = (inputs as string[]).map((text, index) => {
      const vector = fakeVector(text, dimensions);
      return { object: 'embedding', index, embedding: asBase64 ? base64Of(vector) : Array.from(vector) };
    });
    if (options.reverse) data.reverse();
    const tokens = (inputs as string[]).reduce((n, text) => n + text.split(/\s+/).length, 0);
    send(res, 200, { object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    /** What to configure as `baseURL`. */
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    script,
    /** Requests whose connection the client closed before an answer. */
    get closedConnections() {
      return closedConnections;
    },
    /** Only the embeddings requests' inputs, in order. */
    inputs: () => requests.map((r) => r.body.input as string[]),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A running fake server. */
export type FakeOpenAI = Awaited<ReturnType<typeof startFakeOpenAI>>;
