import { createServer } from 'node:http';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake server received. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** Date.now() when the body was read. */
  at: number;
  /** Set when the client went away before the answer was complete (it aborted the request). */
  aborted?: boolean;
}

/** A model turn to answer with: text and/or tool calls (arguments as an object; sent as a JSON string). */
export interface ScriptedTurn {
  content?: string;
  toolCalls?: Array<{ id: string; name: string; arguments: Record<string, unknown> }>;
  usage?: { prompt_tokens: number; completion_tokens: number };
  finishReason?: 'stop' | 'tool_calls' | 'length';
  /** Wait this long before answering (or before the first chunk when streaming). */
  delayMs?: number;
  /** Answer only once this settles (and `delayMs` has passed): a test holds the turn until it has looked. */
  until?: Promise<unknown>;
}

/** A scripted answer: a model turn, an HTTP error, or no answer at all (until the client gives up). */
export type ScriptedAnswer =
  ScriptedTurn | { status: number; headers?: Record<string, string>; body?: unknown } | { hang: true };

/** A script entry: a fixed answer, or one computed from the request (to read what the model was sent). */
export type ScriptEntry = ScriptedAnswer | ((request: ReceivedRequest) => ScriptedAnswer);

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

const invalid = (res: ServerResponse, message: string) =>
  send(res, 400, { error: { message, type: 'invalid_request_error', param: null, code: null } });

/** Checks a request as the chat completions API does, as far as the wire format goes; a problem or undefined. */
function problemOf(body: Record<string, unknown>): string | undefined {
  if (typeof body.model !== 'string' || body.model === '') return 'you must provide a model parameter';
  if (!Array.isArray(body.messages) || body.messages.length === 0) return "'messages' must be a non-empty array";
  const open = new Set<string>();
  for (const [i, raw] of (body.messages as Array<Record<string, unknown>>).entries()) {
    const role = raw.role;
    if (!['system', 'developer', 'user', 'assistant', 'tool'].includes(String(role))) {
      return `messages[${i}].role: invalid value ${JSON.stringify(role)}`;
    }
    if (role === 'assistant' && Array.isArray(raw.tool_calls)) {
      for (const call of raw.tool_calls as Array<Record<string, unknown>>) {
        const fn = call.function as Record<string, unknown> | undefined;
        if (call.type !== 'function' || typeof call.id !== 'string' || typeof fn?.arguments !== 'string') {
          return `messages[${i}].tool_calls: each needs id, type "function" and function.arguments as a string`;
        }
        open.add(call.id);
      }
    }
    if (role === 'tool') {
      if (typeof raw.tool_call_id !== 'string' || !open.has(raw.tool_call_id)) {
        return `messages[${i}]: messages with role 'tool' must be a response to a preceding message with 'tool_calls'`;
      }
      open.delete(raw.tool_call_id);
    } else if (role !== 'assistant' && open.size > 0) {
      return `an assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'`;
    }
  }
  if (body.tools !== undefined) {
    if (!Array.isArray(body.tools)) return "'tools' must be an array";
    for (const tool of body.tools as Array<Record<string, unknown>>) {
      const fn = tool.function as Record<string, unknown> | undefined;
      if (tool.type !== 'function' || typeof fn?.name !== 'string' || typeof fn.parameters !== 'object') {
        return 'each tool needs type "function" and function.name and function.parameters';
      }
    }
  }
  return undefined;
}

/** A rough token count of a request, for `usage` when the script gives none (4 characters a token). */
function roughTokens(body: Record<string, unknown>): number {
  return (
    Math.ceil(JSON.stringify(body.messages ?? []).length / 4) + Math.ceil(JSON.stringify(body.tools ?? []).length / 4)
  );
}

/**
 * A loopback HTTP server speaking OpenAI's `POST /v1/chat/completions` wire format, plain JSON and SSE streaming
 * (`stream: true`: content in pieces, tool-call arguments in fragments, usage in a last chunk when asked, then
 * `data: [DONE]`). It checks requests as the API does (roles, tool-call pairing, tool shape) and answers from
 * `script`, first in first out; with the script empty it answers `echo: <last user message>`.
 */
export async function startFakeOpenAIChat() {
  const requests: ReceivedRequest[] = [];
  const script: ScriptEntry[] = [];
  const hanging = new Set<ServerResponse>();
  let serial = 0;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        return invalid(res, 'invalid JSON body');
      }
      const request: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        at: Date.now(),
      };
      requests.push(request);
      res.on('close', () => {
        hanging.delete(res);
        if (!res.writableEnded) request.aborted = true;
      });
      if (req.url !== '/v1/chat/completions') return send(res, 404, { error: { message: `no route ${req.url}` } });
      const problem = problemOf(body);
      if (problem) return invalid(res, problem);
      const entry = script.shift();
      const answer: ScriptedAnswer = typeof entry === 'function' ? entry(request) : (entry ?? echo(body));
      if ('hang' in answer) {
        hanging.add(res);
        return;
      }
      if ('status' in answer) {
        const error = answer.body ?? { error: { message: `scripted status ${answer.status}`, type: 'server_error' } };
        return send(res, answer.status, error, answer.headers);
      }
      const reply = () => (body.stream === true ? streamTurn(res, body, answer) : sendTurn(res, body, answer));
      const delayed = answer.delayMs ? () => setTimeout(reply, answer.delayMs) : reply;
      if (answer.until) void answer.until.then(delayed, delayed);
      else delayed();
    });
  });

  function echo(body: Record<string, unknown>): ScriptedTurn {
    const users = (body.messages as Array<{ role: string; content: unknown }>).filter((m) => m.role === 'user');
    return { content: `echo: ${String(users.at(-1)?.content ?? '')}` };
  }

  function usageOf(body: Record<string, unknown>, turn: ScriptedTurn) {
    const usage = turn.usage ?? {
      prompt_tokens: roughTokens(body),
      completion_tokens: Math.ceil((turn.content ?? '').length / 4) + 10 * (turn.toolCalls?.length ?? 0),
    };
    return { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens };
  }

  function finishOf(turn: ScriptedTurn): string {
    return turn.finishReason ?? (turn.toolCalls?.length ? 'tool_calls' : 'stop');
  }

  function sendTurn(res: ServerResponse, body: Record<string, unknown>, turn: ScriptedTurn): void {
    const toolCalls = turn.toolCalls?.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: JSON.stringify(call.arguments) },
    }));
    send(res, 200, {
      id: `chatcmpl-${++serial}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: turn.content ?? null,
            refusal: null,
            ...(toolCalls ? { tool_calls: toolCalls } : {}),
          },
          logprobs: null,
          finish_reason: finishOf(turn),
        },
      ],
      usage: usageOf(body, turn),
    });
  }

  function streamTurn(res: ServerResponse, body: Record<string, unknown>, turn: ScriptedTurn): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const id = `chatcmpl-${++serial}`;
    const base = { id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: body.model };
    const event = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      res.write(`data: ${JSON.stringify({ ...base, choices, ...extra })}\n\n`);
    event([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
    const text = turn.content ?? '';
    // Pieces of 5 characters: a client that keeps only the last piece, or drops one, fails the tests.
    for (let i = 0; i < text.length; i += 5) {
      event([{ index: 0, delta: { content: text.slice(i, i + 5) }, finish_reason: null }]);
    }
    for (const [index, call] of (turn.toolCalls ?? []).entries()) {
      const json = JSON.stringify(call.arguments);
      const head = { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } };
      event([{ index: 0, delta: { tool_calls: [head] }, finish_reason: null }]);
      for (let i = 0; i < json.length; i += 7) {
        const piece = { index, function: { arguments: json.slice(i, i + 7) } };
        event([{ index: 0, delta: { tool_calls: [piece] }, finish_reason: null }]);
      }
    }
    event([{ index: 0, delta: {}, finish_reason: finishOf(turn) }]);
    const options = body.stream_options as { include_usage?: boolean } | undefined;
    if (options?.include_usage) event([], { usage: usageOf(body, turn) });
    res.end('data: [DONE]\n\n');
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    /** What to configure as `baseURL`. */
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    script,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A running fake server. */
export type FakeOpenAIChat = Awaited<ReturnType<typeof startFakeOpenAIChat>>;
