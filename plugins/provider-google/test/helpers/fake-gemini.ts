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

/** A model turn: text and/or function calls (`id` left out, as the Gemini API often does, when undefined). */
export interface ScriptedTurn {
  content?: string;
  toolCalls?: Array<{ id?: string; name: string; arguments: Record<string, unknown>; thoughtSignature?: string }>;
  usage?: { promptTokenCount: number; candidatesTokenCount: number };
  finishReason?: 'STOP' | 'MAX_TOKENS';
}

export type ScriptedAnswer =
  ScriptedTurn | { status: number; headers?: Record<string, string>; body?: unknown } | { hang: true };

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

const invalid = (res: ServerResponse, message: string) =>
  send(res, 400, { error: { code: 400, message, status: 'INVALID_ARGUMENT' } });

type Part = Record<string, Record<string, unknown> | string | boolean | undefined>;

/** Checks a request as the API does for what the provider sends; a problem or undefined. */
function problemOf(body: Record<string, unknown>): string | undefined {
  if (!Array.isArray(body.contents) || body.contents.length === 0) return '* contents: must not be empty';
  const calls = new Map<string, string>();
  for (const [i, content] of (body.contents as Array<{ role?: string; parts?: Part[] }>).entries()) {
    if (content.role !== 'user' && content.role !== 'model') return `contents[${i}].role: must be "user" or "model"`;
    if (!Array.isArray(content.parts) || content.parts.length === 0) return `contents[${i}].parts: must not be empty`;
    for (const part of content.parts) {
      const call = part.functionCall as Record<string, unknown> | undefined;
      const response = part.functionResponse as Record<string, unknown> | undefined;
      if (call) {
        if (content.role !== 'model') return `contents[${i}]: a functionCall belongs to the model`;
        calls.set(String(call.id ?? call.name), String(call.name));
        if (call.name === 'needs_signature' && typeof part.thoughtSignature !== 'string') {
          return `contents[${i}]: Function call is missing a thought_signature`;
        }
      }
      if (response) {
        const name = calls.get(String(response.id ?? response.name));
        if (name === undefined || name !== response.name) {
          return `contents[${i}]: functionResponse ${String(response.name)} answers no functionCall of that name`;
        }
        if (typeof response.response !== 'object') return `contents[${i}]: functionResponse.response must be an object`;
      }
    }
  }
  for (const tool of (body.tools as Array<{ functionDeclarations?: Array<Record<string, unknown>> }>) ?? []) {
    for (const declaration of tool.functionDeclarations ?? []) {
      if (typeof declaration.name !== 'string') return 'tools.functionDeclarations: name is required';
    }
  }
  return undefined;
}

/**
 * A loopback HTTP server speaking the Gemini API: `POST /v1beta/models/<model>:generateContent` (JSON) and
 * `:streamGenerateContent?alt=sse` (SSE, one GenerateContentResponse per event, text in pieces, each function call
 * whole, usage in the last). Requests are checked as the API does (roles, non-empty parts, every functionResponse
 * answering a functionCall of that name, a `needs_signature` call replayed with its thoughtSignature). Answers come
 * from `script`, first in first out.
 */
export async function startFakeGemini() {
  const requests: ReceivedRequest[] = [];
  const script: ScriptedAnswer[] = [];
  const hanging = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        return invalid(res, 'Invalid JSON payload received.');
      }
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, at: Date.now() });
      res.on('close', () => hanging.delete(res));
      const match = /^\/v1beta\/models\/([^:/]+):(generateContent|streamGenerateContent\?alt=sse)$/.exec(req.url ?? '');
      if (!match) return send(res, 404, { error: { code: 404, message: `no route ${req.url}`, status: 'NOT_FOUND' } });
      if (typeof req.headers['x-goog-api-key'] !== 'string') {
        return send(res, 403, {
          error: { code: 403, message: "Method doesn't allow unregistered callers", status: 'PERMISSION_DENIED' },
        });
      }
      const problem = problemOf(body);
      if (problem) return invalid(res, problem);
      const answer = script.shift() ?? { content: 'hello from the fake' };
      if ('hang' in answer) {
        hanging.add(res);
        return;
      }
      if ('status' in answer) {
        const error = answer.body ?? {
          error: { code: answer.status, message: `scripted ${answer.status}`, status: 'UNAVAILABLE' },
        };
        return send(res, answer.status, error, answer.headers);
      }
      const model = match[1]!;
      if (match[2] === 'generateContent')
        return send(res, 200, responseOf(body, answer, model, answer.content, answer.toolCalls ?? [], true));
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const text = answer.content ?? '';
      const pieces = text.length === 0 ? [] : text.match(/.{1,6}/gs)!;
      for (const piece of pieces)
        res.write(`data: ${JSON.stringify(responseOf(body, answer, model, piece, [], false))}\r\n\r\n`);
      res.end(
        `data: ${JSON.stringify(responseOf(body, answer, model, undefined, answer.toolCalls ?? [], true))}\r\n\r\n`,
      );
    });
  });

  function responseOf(
    body: Record<string, unknown>,
    turn: ScriptedTurn,
    model: string,
    text: string | undefined,
    calls: NonNullable<ScriptedTurn['toolCalls']>,
    last: boolean,
  ) {
    const parts: Part[] = [
      ...(text ? [{ text }] : []),
      ...calls.map((c) => ({
        functionCall: { ...(c.id ? { id: c.id } : {}), name: c.name, args: c.arguments },
        ...(c.thoughtSignature ? { thoughtSignature: c.thoughtSignature } : {}),
      })),
    ];
    const usage = turn.usage ?? {
      promptTokenCount: Math.ceil(JSON.stringify(body).length / 4),
      candidatesTokenCount: 5,
    };
    return {
      candidates: [
        {
          content: { role: 'model', parts: parts.length > 0 ? parts : [{ text: '' }] },
          ...(last ? { finishReason: turn.finishReason ?? 'STOP' } : {}),
          index: 0,
        },
      ],
      ...(last
        ? { usageMetadata: { ...usage, totalTokenCount: usage.promptTokenCount + usage.candidatesTokenCount } }
        : {}),
      modelVersion: model,
    };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    /** What to configure as `baseURL`. */
    baseURL: `http://127.0.0.1:${port}`,
    requests,
    script,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FakeGemini = Awaited<ReturnType<typeof startFakeGemini>>;
