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

/** A model turn to answer with: text and/or tool_use blocks. */
export interface ScriptedTurn {
  content?: string;
  toolCalls?: Array<{ id: string; name: string; arguments: Record<string, unknown> }>;
  usage?: { input_tokens: number; output_tokens: number };
  stopReason?: 'end_turn' | 'tool_use' | 'max_tokens';
  delayMs?: number;
}

export type ScriptedAnswer =
  | ScriptedTurn
  | { status: number; headers?: Record<string, string>; body?: unknown }
  | { hang: true }
  /** A stream that starts and then reports an `overloaded_error` event, as the API does mid-stream. */
  | { streamError: string };

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

const invalid = (res: ServerResponse, message: string) =>
  send(res, 400, { type: 'error', error: { type: 'invalid_request_error', message } });

type Block = Record<string, unknown>;

/** Checks a request as the Messages API does for the parts the provider produces; a problem or undefined. */
function problemOf(headers: IncomingHttpHeaders, body: Record<string, unknown>): string | undefined {
  if (typeof headers['anthropic-version'] !== 'string') return 'anthropic-version: header is required';
  if (typeof body.model !== 'string') return 'model: Field required';
  if (typeof body.max_tokens !== 'number') return 'max_tokens: Field required';
  if (body.system !== undefined && typeof body.system !== 'string' && !Array.isArray(body.system)) {
    return 'system: Input should be a valid string or list';
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0) return 'messages: at least one message is required';
  let pending = new Set<string>();
  for (const [i, message] of (body.messages as Array<{ role: string; content: unknown }>).entries()) {
    if (message.role !== 'user' && message.role !== 'assistant') {
      return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    }
    if (i === 0 && message.role !== 'user') return 'messages: first message must use the "user" role';
    const blocks: Block[] =
      typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : (message.content as Block[]);
    if (!Array.isArray(blocks) || blocks.length === 0) return `messages.${i}.content: must not be empty`;
    const results = blocks.filter((b) => b.type === 'tool_result').map((b) => String(b.tool_use_id));
    if (pending.size > 0) {
      const missing = [...pending].filter((id) => !results.includes(id));
      if (message.role !== 'user' || missing.length > 0) {
        return `messages.${i}: tool_use ids were found without tool_result blocks immediately after: ${[...pending].join(', ')}`;
      }
    } else if (results.length > 0) {
      return `messages.${i}.content: unexpected tool_use_id found in tool_result blocks: ${results[0]}`;
    }
    pending = new Set(blocks.filter((b) => b.type === 'tool_use').map((b) => String(b.id)));
    if (message.role === 'user' && pending.size > 0) return `messages.${i}: tool_use blocks belong to the assistant`;
    for (const block of blocks) {
      if (block.type === 'text' && (typeof block.text !== 'string' || block.text === '')) {
        return `messages.${i}: text content blocks must be non-empty`;
      }
    }
  }
  if (body.tools !== undefined) {
    for (const tool of body.tools as Block[]) {
      const schema = tool.input_schema as Block | undefined;
      if (typeof tool.name !== 'string' || schema?.type !== 'object')
        return 'tools: each needs name and input_schema of type object';
    }
  }
  return undefined;
}

/**
 * A loopback HTTP server speaking Anthropic's `POST /v1/messages` wire format: JSON, and with `stream: true` the
 * SSE events (message_start, content_block_start/delta/stop with text_delta and input_json_delta, message_delta,
 * message_stop). Requests are checked as the API checks them (version header, max_tokens, user first, every
 * tool_use answered by a tool_result in the next user message). Answers come from `script`, first in first out.
 */
export async function startFakeAnthropic() {
  const requests: ReceivedRequest[] = [];
  const script: ScriptedAnswer[] = [];
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
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, at: Date.now() });
      res.on('close', () => hanging.delete(res));
      if (req.url !== '/v1/messages')
        return send(res, 404, { type: 'error', error: { type: 'not_found_error', message: 'Not found' } });
      const problem = problemOf(req.headers, body);
      if (problem) return invalid(res, problem);
      const answer = script.shift() ?? { content: 'hello from the fake' };
      if ('hang' in answer) {
        hanging.add(res);
        return;
      }
      if ('status' in answer) {
        const error = answer.body ?? {
          type: 'error',
          error: { type: 'api_error', message: `scripted ${answer.status}` },
        };
        return send(res, answer.status, error, answer.headers);
      }
      if ('streamError' in answer) return streamError(res, body, answer.streamError);
      const reply = () => (body.stream === true ? streamTurn(res, body, answer) : sendTurn(res, body, answer));
      if (answer.delayMs) setTimeout(reply, answer.delayMs);
      else reply();
    });
  });

  function message(body: Record<string, unknown>, turn: ScriptedTurn, content: Block[]) {
    return {
      id: `msg_${++serial}`,
      type: 'message',
      role: 'assistant',
      model: body.model,
      content,
      stop_reason: turn.stopReason ?? (turn.toolCalls?.length ? 'tool_use' : 'end_turn'),
      stop_sequence: null,
      usage: turn.usage ?? { input_tokens: Math.ceil(JSON.stringify(body).length / 4), output_tokens: 5 },
    };
  }

  function blocksOf(turn: ScriptedTurn): Block[] {
    return [
      ...(turn.content ? [{ type: 'text', text: turn.content }] : []),
      ...(turn.toolCalls ?? []).map((c) => ({ type: 'tool_use', id: c.id, name: c.name, input: c.arguments })),
    ];
  }

  function sendTurn(res: ServerResponse, body: Record<string, unknown>, turn: ScriptedTurn): void {
    send(res, 200, message(body, turn, blocksOf(turn)));
  }

  function sse(res: ServerResponse) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    return (type: string, data: Record<string, unknown>) =>
      res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  }

  function streamTurn(res: ServerResponse, body: Record<string, unknown>, turn: ScriptedTurn): void {
    const event = sse(res);
    const full = message(body, turn, []);
    event('message_start', { message: { ...full, stop_reason: null, usage: { ...full.usage, output_tokens: 1 } } });
    event('ping', {});
    for (const [index, block] of blocksOf(turn).entries()) {
      if (block.type === 'text') {
        event('content_block_start', { index, content_block: { type: 'text', text: '' } });
        const text = String(block.text);
        for (let i = 0; i < text.length; i += 5) {
          event('content_block_delta', { index, delta: { type: 'text_delta', text: text.slice(i, i + 5) } });
        }
      } else {
        event('content_block_start', { index, content_block: { ...block, input: {} } });
        const json = JSON.stringify(block.input);
        for (let i = 0; i < json.length; i += 6) {
          event('content_block_delta', {
            index,
            delta: { type: 'input_json_delta', partial_json: json.slice(i, i + 6) },
          });
        }
      }
      event('content_block_stop', { index });
    }
    event('message_delta', {
      delta: { stop_reason: full.stop_reason, stop_sequence: null },
      usage: { output_tokens: full.usage.output_tokens },
    });
    event('message_stop', {});
    res.end();
  }

  function streamError(res: ServerResponse, body: Record<string, unknown>, text: string): void {
    const event = sse(res);
    event('message_start', { message: { ...message(body, {}, []), stop_reason: null } });
    event('error', { error: { type: 'overloaded_error', message: text } });
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    /** What to configure as `baseURL` (the SDK appends /v1/messages). */
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

export type FakeAnthropic = Awaited<ReturnType<typeof startFakeAnthropic>>;
