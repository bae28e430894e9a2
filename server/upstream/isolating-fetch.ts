import { setMaxListeners } from 'node:events';
import { withTraceHeaders } from '../telemetry/trace-context.js';

/**
 * The MCP SDK's HTTP client transports pass one connection-wide AbortSignal to every fetch. undici adds an abort
 * listener to that signal per request and drops it only on abort or garbage collection, so a busy upstream piles
 * up thousands of listeners (MaxListenersExceededWarning, and memory). This fetch gives each request a private
 * signal bridged from the shared one, and removes the bridge when the response body ends (a streamed body keeps
 * it, so closing the transport still ends an open SSE stream).
 */
const raised = new WeakSet<AbortSignal>();

export async function isolatingFetch(url: string | URL, requestInit?: RequestInit): Promise<Response> {
  // A traced call carries its W3C trace context (traceparent) to the upstream; otherwise `init` is unchanged.
  const init = withTraceHeaders(requestInit);
  const parent = init?.signal;
  if (!parent || parent.aborted) return fetch(url, init);
  // One bridge per request in flight: many concurrent calls (or calls a hung upstream never answers, whose stream
  // stays open until the transport closes) are legitimate, so the warning threshold sits above that.
  if (!raised.has(parent)) {
    setMaxListeners(1_000, parent);
    raised.add(parent);
  }
  const controller = new AbortController();
  const forward = () => controller.abort(parent.reason);
  parent.addEventListener('abort', forward, { once: true });
  const release = () => parent.removeEventListener('abort', forward);
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: controller.signal });
  } catch (error) {
    release();
    throw error;
  }
  if (!response.body) {
    release();
    return response;
  }
  const body = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      flush: release,
    }),
  );
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}
