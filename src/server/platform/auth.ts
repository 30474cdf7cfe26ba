import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TOrgService } from '../modules/org/service.js';
import { ForbiddenError, UnauthorizedError } from './errors.js';
import type { Actor } from './rbac.js';

export const SESSION_COOKIE = 'baoke_session';
export const CSRF_COOKIE = 'baoke_csrf';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
  interface FastifyContextConfig {
    /** Routes that answer without a staff session (health, login, the owner portal's own auth). */
    public?: boolean;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Resolves the staff actor for every /api/v1 request from the session cookie or a Bearer API token, and enforces
 * CSRF (double-submit: the csrf cookie must be echoed in the X-CSRF-Token header) on unsafe cookie-authenticated
 * requests. Bearer requests carry no ambient credentials, so they need no CSRF token.
 */
export function registerAuth(app: FastifyInstance, org: TOrgService, opts: { secureCookies: boolean }) {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (req: FastifyRequest) => {
    // The owner portal (/api/v1/portal/…) has its own session; /api/v1/portal-access is a staff route.
    if (!req.url.startsWith('/api/v1/') || /^\/api\/v1\/portal(?:[/?]|$)/.test(req.url)) return;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) {
      req.actor = await org.resolveApiToken(auth.slice(7).trim(), req.ip);
      if (!req.actor && !req.routeOptions.config.public) throw new UnauthorizedError('API 令牌无效 / Invalid API token');
      return;
    }
    const token = req.cookies[SESSION_COOKIE];
    if (token) {
      const session = await org.resolveSession(token, req.ip);
      if (session) {
        req.actor = session.actor;
        if (UNSAFE.has(req.method) && !req.routeOptions.config.public && req.headers[CSRF_HEADER] !== session.csrfToken) {
          throw new ForbiddenError('请求校验失败，请刷新页面 / CSRF check failed, reload the page');
        }
      }
    }
    if (!req.actor && !req.routeOptions.config.public) throw new UnauthorizedError();
  });
  return {
    setSessionCookies(reply: FastifyReply, token: string, csrfToken: string, expiresAt: Date) {
      const base = { path: '/', sameSite: 'lax' as const, secure: opts.secureCookies, expires: expiresAt };
      reply.setCookie(SESSION_COOKIE, token, { ...base, httpOnly: true });
      reply.setCookie(CSRF_COOKIE, csrfToken, { ...base, httpOnly: false });
    },
    clearSessionCookies(reply: FastifyReply) {
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      reply.clearCookie(CSRF_COOKIE, { path: '/' });
    },
  };
}

/** The actor of an authenticated route (the onRequest hook guarantees it is set). */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new UnauthorizedError();
  return req.actor;
}
