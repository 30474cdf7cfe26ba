import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthorizedError } from '../../platform/errors.js';
import type { PortalActor } from '../../platform/owner.js';
import type { TPortalService } from './service.js';

/** The owner's session cookie: httpOnly, sent only to the portal API. */
export const OWNER_SESSION_COOKIE = 'baoke_owner_session';
/** The owner's CSRF cookie, readable by the portal page (double submit in `X-CSRF-Token`). */
export const OWNER_CSRF_COOKIE = 'baoke_owner_csrf';
export const OWNER_SESSION_PATH = '/api/v1/portal';
const CSRF_HEADER = 'x-csrf-token';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in owner on /api/v1/portal routes (null on the public sign-in routes without a session). */
    owner: PortalActor | null;
    ownerCsrf: string | null;
  }
  interface FastifyContextConfig {
    /** Portal routes that answer without an owner session (requesting and checking a sign-in code). */
    ownerPublic?: boolean;
  }
}

/**
 * The owner of an owner-facing route. Every route registered in the portal scope (see {@link portalScope}) gets the
 * session checked before its handler runs; this returns its owner or answers 401.
 */
export function ownerOf(req: FastifyRequest): PortalActor {
  if (!req.owner) throw new UnauthorizedError('请先登录车主端 / Please sign in');
  return req.owner;
}

export interface TOwnerCookies {
  set(reply: FastifyReply, token: string, csrfToken: string, expiresAt: Date): void;
  clear(reply: FastifyReply): void;
}

function ownerCookies(secure: boolean): TOwnerCookies {
  return {
    set(reply, token, csrfToken, expiresAt) {
      reply.setCookie(OWNER_SESSION_COOKIE, token, { path: OWNER_SESSION_PATH, sameSite: 'lax', secure, httpOnly: true, expires: expiresAt });
      reply.setCookie(OWNER_CSRF_COOKIE, csrfToken, { path: '/', sameSite: 'lax', secure, httpOnly: false, expires: expiresAt });
    },
    clear(reply) {
      reply.clearCookie(OWNER_SESSION_COOKIE, { path: OWNER_SESSION_PATH });
      reply.clearCookie(OWNER_CSRF_COOKIE, { path: '/' });
    },
  };
}

/** Resolves the owner session of every request in this scope and enforces CSRF on its unsafe requests. */
function registerOwnerSession(app: FastifyInstance, portal: TPortalService) {
  app.decorateRequest('owner', null);
  app.decorateRequest('ownerCsrf', null);
  app.addHook('onRequest', async (req: FastifyRequest) => {
    const token = req.cookies[OWNER_SESSION_COOKIE];
    if (token) {
      const s = await portal.resolveSession(token, req.ip);
      if (s) {
        req.owner = s.owner;
        req.ownerCsrf = s.csrfToken;
        if (UNSAFE.has(req.method) && !req.routeOptions.config.ownerPublic && req.headers[CSRF_HEADER] !== s.csrfToken) {
          throw new ForbiddenError('请求校验失败，请刷新页面 / CSRF check failed, reload the page');
        }
      }
    }
    if (!req.owner && !req.routeOptions.config.ownerPublic) throw new UnauthorizedError('请先登录车主端 / Please sign in');
  });
}

/** An owner-facing route plugin: gets the owner through {@link ownerOf}; the cookies helper signs in and out. */
export type TPortalPlugin = (cookies: TOwnerCookies) => FastifyPluginAsync;

/**
 * The one encapsulated scope all owner-facing routes live in, under `/api/v1/portal` (staff sessions are not read
 * there: the staff auth hook skips the prefix). Register it once in `app.ts` with every module's portal plugin:
 *
 *   await app.register(portalScope(ctx.services.portal, secure, [portalRoutes(ctx), loyaltyPortalRoutes(ctx)]), { prefix: '/api/v1/portal' });
 */
export function portalScope(portal: TPortalService, secureCookies: boolean, plugins: TPortalPlugin[]): FastifyPluginAsync {
  const cookies = ownerCookies(secureCookies);
  return async (app) => {
    registerOwnerSession(app, portal);
    for (const p of plugins) await app.register(p(cookies));
  };
}
