/**
 * The one way the console talks to the API: same-origin fetch with the session cookie, the CSRF double-submit
 * header on unsafe requests, RFC 9457 problems turned into {@link ApiError}, and a redirect to /login on 401.
 */
export const API_BASE = '/api/v1';
const CSRF_COOKIE = 'baoke_csrf';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface FieldError {
  path: string;
  message: string;
}

/** A failed API call, carrying the problem document's fields. `title` is the bilingual message for the user. */
export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail?: string;
  readonly errors: FieldError[];
  readonly existing?: { type: string; id: string; label?: string };

  constructor(p: { status: number; type?: string; title: string; detail?: string; errors?: FieldError[]; existing?: ApiError['existing'] }) {
    super(p.title);
    this.name = 'ApiError';
    this.status = p.status;
    this.type = p.type ?? 'about:blank';
    this.title = p.title;
    this.detail = p.detail;
    this.errors = p.errors ?? [];
    this.existing = p.existing;
  }
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** multipart upload; sent as-is (the browser sets the boundary). */
  form?: FormData;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Answer 401 by throwing instead of leaving for /login (used by the login form and the session probe). */
  allowUnauthorized?: boolean;
}

let onUnauthorized: () => void = () => {
  if (window.location.pathname !== '/login') {
    const next = window.location.pathname + window.location.search;
    window.location.assign(`/login?next=${encodeURIComponent(next)}`);
  }
};

/** The shell installs a handler that clears the cache and navigates inside the SPA instead of reloading. */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

export function readCookie(name: string): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/** `/customers` + `{q: 'x', limit: 50, cursor: undefined}` → `/api/v1/customers?q=x&limit=50` (empty values dropped). */
export function apiUrl(path: string, query?: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const qs = params.toString();
  return `${API_BASE}${path}${qs ? `?${qs}` : ''}`;
}

/** An error response as an {@link ApiError} (the problem document's fields, or a generic message by status). */
export async function toError(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => '');
  try {
    const p = JSON.parse(text) as Partial<ApiError> & { title?: string; message?: string };
    const title = p.title ?? p.message;
    if (title) return new ApiError({ status: res.status, type: p.type, title, detail: p.detail, errors: p.errors, existing: p.existing });
  } catch {
    /* not JSON: fall through to a generic message */
  }
  return new ApiError({ status: res.status, title: genericMessage(res.status) });
}

function genericMessage(status: number): string {
  if (status === 401) return '请先登录 / Please sign in';
  if (status === 403) return '您的角色无权执行此操作 / Your role may not do this';
  if (status === 404) return '记录不存在或无权查看 / Not found';
  if (status === 413) return '文件太大 / The file is too large';
  if (status === 429) return '操作太频繁，请稍后再试 / Too many requests';
  if (status >= 500) return '服务器暂时无法处理，请稍后再试 / The server could not handle this, try again later';
  return `请求失败（${status}） / Request failed (${status})`;
}

/** Calls the API and returns the parsed JSON body (or undefined for 204). Throws {@link ApiError}. */
export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  let body: BodyInit | undefined;
  if (opts.form) body = opts.form;
  else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (UNSAFE.has(method)) {
    const csrf = readCookie(CSRF_COOKIE);
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  let res: Response;
  try {
    res = await fetch(apiUrl(path, opts.query), { method, headers, body, credentials: 'same-origin', signal: opts.signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError({ status: 0, title: '网络连接失败，请检查网络后重试 / Network error, check the connection and retry' });
  }
  if (res.status === 401 && !opts.allowUnauthorized) onUnauthorized();
  if (!res.ok) throw await toError(res);
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  if (!type.includes('json')) return (await res.text()) as T;
  return (await res.json()) as T;
}

/** Fields of a validation problem keyed by form field path (`body.mobile` → `mobile`). */
export function fieldErrors(err: unknown): FieldError[] {
  if (!(err instanceof ApiError)) return [];
  return err.errors.map((e) => ({ path: e.path.replace(/^(body|query|params|querystring)\./, ''), message: e.message }));
}
