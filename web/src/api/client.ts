import { ApiError, errorFromResponse } from './errors';

/** Where the client gets its bearer token, and what it does when the API rejects it. */
export interface TokenSource {
  accessToken(): Promise<string | undefined>;
  /** Renew the tokens; false when the session cannot be renewed (the user is then signed out). */
  refresh(): Promise<boolean>;
}

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  signal?: AbortSignal;
  /** Extra request headers (Idempotency-Key, If-Match). */
  headers?: Record<string, string>;
}

/** A small JSON client for the public API: bearer auth, one refresh-and-retry on 401, typed errors. */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly tokens: TokenSource,
  ) {}

  get<T>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('GET', path, options);
  }

  post<T>(path: string, body: unknown, options?: RequestOptions): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }

  patch<T>(path: string, body: unknown, options?: RequestOptions): Promise<T> {
    return this.request<T>('PATCH', path, { ...options, body });
  }

  put<T>(path: string, body: unknown, options?: RequestOptions): Promise<T> {
    return this.request<T>('PUT', path, { ...options, body });
  }

  delete(path: string, options?: RequestOptions): Promise<void> {
    return this.request<undefined>('DELETE', path, options);
  }

  /** A GET whose answer is not JSON (an export): its text and headers. */
  async getText(path: string, options: RequestOptions = {}): Promise<{ text: string; headers: Headers }> {
    const response = await this.respond('GET', path, options);
    return { text: await response.text(), headers: response.headers };
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.respond(method, path, options);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(response.status, 'INVALID_RESPONSE', 'The server sent a response the console could not read.');
    }
  }

  private async respond(method: string, path: string, options: RequestOptions): Promise<Response> {
    const url = this.url(path, options.query);
    let response = await this.send(method, url, options, await this.tokens.accessToken());
    if (response.status === 401) {
      // The token may have expired or been revoked since it was issued: renew once and retry.
      if (await this.tokens.refresh()) response = await this.send(method, url, options, await this.tokens.accessToken());
    }
    if (!response.ok) throw await errorFromResponse(response);
    return response;
  }

  private url(path: string, query: RequestOptions['query']): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) params.set(key, String(value));
    }
    const qs = params.toString();
    return `${this.baseUrl}${path}${qs === '' ? '' : `?${qs}`}`;
  }

  private async send(method: string, url: string, options: RequestOptions, token: string | undefined): Promise<Response> {
    const headers: Record<string, string> = { ...options.headers, Accept: 'application/json' };
    if (token !== undefined) headers.Authorization = `Bearer ${token}`;
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    try {
      return await fetch(url, {
        method,
        headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') throw e;
      throw new ApiError(0, 'NETWORK_ERROR', 'The server could not be reached. Check your connection and try again.');
    }
  }
}
