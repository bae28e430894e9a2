// The admin API (/api/v1) over fetch, with the admin token as a bearer token when there is one.

/** A refused or failed request: its HTTP status and the gateway's message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export class Api {
  constructor(private readonly token: () => string | undefined) {}

  get<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query))
      if (value !== undefined && value !== '') params.set(key, String(value));
    const search = params.size > 0 ? `?${params}` : '';
    return this.request<T>('GET', `${path}${search}`);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  /**
   * The body of a 2xx answer; for others an ApiError, except for `accept` statuses whose body is returned as well
   * (a tool call that failed upstream is still an answer to show).
   */
  async request<T>(method: string, path: string, body?: unknown, accept: number[] = []): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = this.token();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`/api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    if (!response.ok && !accept.includes(response.status)) {
      const message =
        typeof parsed === 'object' && parsed !== null && 'error' in parsed
          ? String((parsed as { error: unknown }).error)
          : `${response.status} ${response.statusText}`;
      throw new ApiError(response.status, message, parsed);
    }
    return parsed as T;
  }
}
