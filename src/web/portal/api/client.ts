import { ApiError, apiUrl, readCookie, toError, type QueryValue } from '../../api/client';

/**
 * The portal's way to the owner API (`/api/v1/portal/…`): same-origin fetch with the owner's session cookie, the
 * owner CSRF double-submit header on unsafe requests, problems as {@link ApiError}, and a 401 sending the owner to
 * the sign-in screen (the staff console's client and cookies are not involved).
 */
const CSRF_COOKIE = 'baoke_owner_csrf';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

let onUnauthorized: () => void = () => {
  if (!window.location.pathname.startsWith('/portal/login')) {
    window.location.assign(`/portal/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
  }
};

/** The shell installs a handler that clears the cache and navigates inside the SPA. */
export function setPortalUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

export interface TPortalRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  query?: Record<string, QueryValue>;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Answer 401 by throwing (sign-in form, session probe) instead of leaving for the sign-in screen. */
  allowUnauthorized?: boolean;
}

export async function portalApi<T>(path: string, opts: TPortalRequest = {}): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (UNSAFE.has(method)) {
    const csrf = readCookie(CSRF_COOKIE);
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  let res: Response;
  try {
    res = await fetch(apiUrl(`/portal${path}`, opts.query), { method, headers, body, credentials: 'same-origin', signal: opts.signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError({ status: 0, title: '网络连接失败，请检查网络后重试 / Network error, check the connection and retry' });
  }
  if (res.status === 401 && !opts.allowUnauthorized) onUnauthorized();
  if (!res.ok) throw await toError(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export { ApiError };
