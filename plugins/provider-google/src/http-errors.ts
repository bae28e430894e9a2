import { parseRetryAfter } from '@localmcp/plugin-api';

/**
 * A non-2xx answer of the Gemini API, with what the SDK's own ApiError leaves out: the response headers'
 * `retry-after`, and the body's google.rpc.RetryInfo `retryDelay` ("30s"), which is how the API asks to wait.
 */
export class GoogleHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
    this.name = 'GoogleHttpError';
  }
}

function retryDelayOf(body: unknown): number | undefined {
  const details = (body as { error?: { details?: unknown } } | null)?.error?.details;
  if (!Array.isArray(details)) return undefined;
  for (const detail of details as Array<Record<string, unknown>>) {
    const delay = detail.retryDelay;
    if (typeof delay === 'string' && /^\d+(\.\d+)?s$/.test(delay)) return Number.parseFloat(delay) * 1000;
  }
  return undefined;
}

/**
 * A fetch for the SDK's `httpOptions.fetch` that turns an error answer into a {@link GoogleHttpError} before the
 * SDK reads it: the SDK's own error keeps only the status and the body as a string.
 */
export const fetchWithErrors: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  if (response.ok) return response;
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const message = (body as { error?: { message?: unknown } } | undefined)?.error?.message;
  const retryAfterMs = parseRetryAfter(response.headers) ?? retryDelayOf(body);
  throw new GoogleHttpError(
    response.status,
    `${response.status} ${typeof message === 'string' ? message : text.slice(0, 300) || response.statusText}`,
    retryAfterMs,
  );
};
