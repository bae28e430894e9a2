// Raw Streamable HTTP for tests that look at the wire: status, Content-Type and body as sent, SSE parsed by hand.

export interface Posted {
  status: number;
  /** The media type without parameters (`application/json`, `text/event-stream`), or '' without a body type. */
  type: string;
  headers: Headers;
  text: string;
}

/** JSON-RPC initialize (protocol 2025-06-18) as a raw POST body. */
export const INITIALIZE = {
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
};

/** POSTs `body` as JSON with the Accept header the spec requires; `headers` override the defaults. */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Posted> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    type: (response.headers.get('content-type') ?? '').split(';')[0]!.trim(),
    headers: response.headers,
    text: await response.text(),
  };
}

/** initialize + notifications/initialized; returns the session id. */
export async function openSession(url: string, token?: string): Promise<string> {
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const opened = await post(url, INITIALIZE, auth);
  const session = opened.headers.get('mcp-session-id');
  if (opened.status !== 200 || !session) throw new Error(`initialize failed: ${opened.status} ${opened.text}`);
  const headers = { ...auth, 'mcp-session-id': session, 'mcp-protocol-version': INITIALIZE.params.protocolVersion };
  const initialized = await post(url, { jsonrpc: '2.0', method: 'notifications/initialized' }, headers);
  if (initialized.status !== 202) throw new Error(`notifications/initialized got ${initialized.status}`);
  return session;
}

/** The JSON-RPC messages in an event stream's `data:` lines, in order. */
export function sseMessages(posted: Posted): unknown[] {
  return posted.text
    .split('\n\n')
    .flatMap((event) => event.split('\n').filter((line) => line.startsWith('data: ')))
    .map((line) => JSON.parse(line.slice('data: '.length)) as unknown);
}
