import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZId, ZOk, ZRole } from '../../../contracts/common.js';
import { ZLogin, ZMe, ZStaff, ZStaffCreate, ZStaffUpdate, ZStore, ZStoreCreate, ZStoreUpdate } from '../../../contracts/org.js';
import type { AppContext } from '../../context.js';
import { actorOf, CSRF_COOKIE, SESSION_COOKIE, type registerAuth } from '../../platform/auth.js';
import { permissionsOf } from '../../platform/rbac.js';
import type { TStaff } from './service.js';

const staffOut = (s: TStaff) => ({
  id: s.id,
  username: s.username,
  displayName: s.displayName,
  role: s.role,
  storeId: s.storeId,
  mobile: s.mobile,
  email: s.email,
  active: s.active,
  lastLoginAt: s.lastLoginAt,
});

export function orgRoutes(ctx: AppContext, auth: ReturnType<typeof registerAuth>): FastifyPluginAsyncZod {
  const org = ctx.services.org;
  return async (app) => {
    app.post(
      '/auth/login',
      {
        config: {
          public: true,
          // 10 tries a minute per account and address: guessing one account's password is slow, while a store's
          // staff signing in at opening time from the same Wi-Fi are not locked out by each other. (After the body
          // is parsed, so the key can name the account.)
          rateLimit: {
            max: 10,
            timeWindow: '1 minute',
            hook: 'preHandler',
            keyGenerator: (req) => `${req.ip}:${String((req.body as { username?: unknown } | undefined)?.username ?? '').trim().toLowerCase()}`,
          },
        },
        schema: { operationId: 'login', tags: ['auth'], summary: 'Sign in (sets the session and CSRF cookies)', body: ZLogin, response: { 200: ZMe } },
      },
      async (req, reply) => {
        const s = await org.login(req.body.username, req.body.password, { ip: req.ip, userAgent: req.headers['user-agent'] });
        auth.setSessionCookies(reply, s.token, s.csrfToken, s.expiresAt);
        return { ...staffOut(s.staff), permissions: permissionsOf(s.staff.role), csrfToken: s.csrfToken };
      },
    );

    app.post('/auth/logout', { config: { public: true }, schema: { operationId: 'logout', tags: ['auth'], response: { 200: ZOk } } }, async (req, reply) => {
      const token = req.cookies[SESSION_COOKIE];
      if (token) await org.logout(token);
      auth.clearSessionCookies(reply);
      return { ok: true as const };
    });

    app.get('/auth/me', { schema: { operationId: 'me', tags: ['auth'], response: { 200: ZMe } } }, async (req) => {
      const s = await org.me(actorOf(req));
      return { ...staffOut(s), permissions: permissionsOf(s.role), csrfToken: req.cookies[CSRF_COOKIE] };
    });

    app.post(
      '/api-tokens',
      { schema: { operationId: 'createApiToken', tags: ['auth'], summary: 'Create an integration token (shown once)', body: z.object({ name: z.string().trim().min(1).max(100) }), response: { 201: z.object({ id: ZId, name: z.string(), token: z.string(), createdAt: z.date() }) } } },
      async (req, reply) => reply.status(201).send(await org.createApiToken(actorOf(req), req.body.name)),
    );

    app.get('/stores', { schema: { operationId: 'listStores', tags: ['org'], response: { 200: z.object({ items: z.array(ZStore) }) } } }, async (req) => ({ items: await org.listStores(actorOf(req)) }));
    app.get('/stores/:id', { schema: { operationId: 'getStore', tags: ['org'], params: z.object({ id: ZId }), response: { 200: ZStore } } }, async (req) => org.getStore(actorOf(req), req.params.id));
    app.post('/stores', { schema: { operationId: 'createStore', tags: ['org'], body: ZStoreCreate, response: { 201: ZStore } } }, async (req, reply) =>
      reply.status(201).send(await org.createStore(actorOf(req), req.body)),
    );
    app.patch('/stores/:id', { schema: { operationId: 'updateStore', tags: ['org'], params: z.object({ id: ZId }), body: ZStoreUpdate, response: { 200: ZStore } } }, async (req) =>
      org.updateStore(actorOf(req), req.params.id, req.body),
    );

    app.get(
      '/staff',
      { schema: { operationId: 'listStaff', tags: ['org'], querystring: z.object({ storeId: ZId.optional(), role: ZRole.optional() }), response: { 200: z.object({ items: z.array(ZStaff) }) } } },
      async (req) => ({ items: (await org.listStaff(actorOf(req), req.query)).map(staffOut) }),
    );
    app.post('/staff', { schema: { operationId: 'createStaff', tags: ['org'], body: ZStaffCreate, response: { 201: ZStaff } } }, async (req, reply) =>
      reply.status(201).send(staffOut(await org.createStaff(actorOf(req), req.body))),
    );
    app.patch('/staff/:id', { schema: { operationId: 'updateStaff', tags: ['org'], params: z.object({ id: ZId }), body: ZStaffUpdate, response: { 200: ZStaff } } }, async (req) =>
      staffOut(await org.updateStaff(actorOf(req), req.params.id, req.body)),
    );
  };
}
