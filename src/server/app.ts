import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { sql } from 'drizzle-orm';
import type { AppContext } from './context.js';
import { registerAuth } from './platform/auth.js';
import { AppError } from './platform/errors.js';
import { registerMetrics } from './platform/metrics.js';
import { orgRoutes } from './modules/org/routes.js';
import { auditRoutes } from './modules/audit/routes.js';
import { customersRoutes } from './modules/customers/routes.js';
import { vehiclesRoutes } from './modules/vehicles/routes.js';
import { salesRoutes } from './modules/sales/routes.js';
import { serviceRoutes } from './modules/service/routes.js';
import { importsRoutes } from './modules/imports/routes.js';
import { segmentsRoutes } from './modules/segments/routes.js';
import { tasksRoutes } from './modules/tasks/routes.js';
import { messagingRoutes } from './modules/messaging/routes.js';
import { appointmentsRoutes } from './modules/service/appointments/routes.js';
import { portalRoutes, portalStaffRoutes } from './modules/portal/routes.js';
import { journeysRoutes } from './modules/journeys/routes.js';
import { portalScope } from './modules/portal/session.js';
import { loyaltyPortalRoutes, loyaltyRoutes } from './modules/loyalty/routes.js';
import { complaintsPortalRoutes, complaintsRoutes } from './modules/complaints/routes.js';
import { publicSurveyRoutes, surveysRoutes } from './modules/surveys/routes.js';

export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/web');

type PgError = Error & { code?: string; constraint?: string; detail?: string };

/** Builds the Fastify app: platform plugins, one route plugin per module, the built console and portal. */
export async function buildApp(ctx: AppContext, opts: { logger?: boolean | object } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    trustProxy: true,
    bodyLimit: 2 * 1024 * 1024,
    genReqId: () => crypto.randomUUID(),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
      },
    },
  });
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(multipart, { limits: { fileSize: ctx.config.BAOKE_IMPORT_MAX_BYTES, files: 1 } });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Baoke 保客 API', version: '1.0.0', description: 'Customer-lifecycle and loyalty platform for car dealerships. Staff auth: session cookie (+ X-CSRF-Token header) or `Authorization: Bearer <api token>`.' },
      servers: [],
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'baoke_session' },
          bearer: { type: 'http', scheme: 'bearer' },
          owner: { type: 'apiKey', in: 'cookie', name: 'baoke_owner_session' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  app.setErrorHandler((err: FastifyError | AppError | PgError, req, reply) => {
    const problem = (status: number, type: string, title: string, extra: Record<string, unknown> = {}) =>
      reply.status(status).type('application/problem+json').send({ type: `https://baoke.dev/problems/${type}`, title, status, detail: title, ...extra });
    if (err instanceof AppError) return problem(err.status, err.code, err.message, { ...(err.errors ? { errors: err.errors } : {}), ...(err.extra ?? {}) });
    if (hasZodFastifySchemaValidationErrors(err)) {
      const errors = err.validation.map((v) => ({ path: [err.validationContext, ...String(v.instancePath).split('/').filter(Boolean)].join('.'), message: v.message ?? 'invalid' }));
      return problem(400, 'validation', '输入有误，请检查标红的字段 / Some fields are invalid', { errors });
    }
    if (isResponseSerializationError(err)) {
      req.log.error({ err }, 'response serialization failed');
      return problem(500, 'internal', '服务器内部错误 / Internal error');
    }
    // Drizzle wraps driver errors; the PostgreSQL error code is on the cause.
    const pg = ((err as { cause?: unknown }).cause ?? err) as PgError;
    if (pg.code === '23505') return problem(409, 'conflict', `记录已存在 / Duplicate record (${pg.constraint ?? ''})`);
    if (pg.code === '22P02' || pg.code === '22007' || pg.code === '22008') return problem(400, 'validation', '输入格式有误 / Malformed input');
    const fe = err as FastifyError;
    if (fe.statusCode === 429) return problem(429, 'rate-limited', '操作太频繁，请稍后再试 / Too many requests');
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return problem(fe.statusCode, fe.code ?? 'bad-request', fe.message);
    req.log.error({ err }, 'unhandled error');
    return problem(500, 'internal', '服务器内部错误 / Internal error');
  });

  registerMetrics(app);
  const auth = registerAuth(app, ctx.services.org, { secureCookies: ctx.config.BAOKE_SECURE_COOKIES ?? false });

  app.get(
    '/api/v1/health',
    { config: { public: true }, schema: { operationId: 'health', tags: ['platform'], response: { 200: z.object({ status: z.literal('ok') }), 503: z.object({ status: z.literal('unavailable') }) } } },
    async (_req, reply) => {
      try {
        await ctx.db.execute(sql`select 1`);
        return { status: 'ok' as const };
      } catch {
        return reply.status(503).send({ status: 'unavailable' as const });
      }
    },
  );

  await app.register(orgRoutes(ctx, auth), { prefix: '/api/v1' });
  await app.register(auditRoutes(ctx), { prefix: '/api/v1' });
  await app.register(customersRoutes(ctx), { prefix: '/api/v1' });
  await app.register(vehiclesRoutes(ctx), { prefix: '/api/v1' });
  await app.register(salesRoutes(ctx), { prefix: '/api/v1' });
  await app.register(serviceRoutes(ctx), { prefix: '/api/v1' });
  await app.register(importsRoutes(ctx), { prefix: '/api/v1' });
  await app.register(segmentsRoutes(ctx), { prefix: '/api/v1' });
  await app.register(tasksRoutes(ctx), { prefix: '/api/v1' });
  await app.register(messagingRoutes(ctx), { prefix: '/api/v1' });
  await app.register(appointmentsRoutes(ctx), { prefix: '/api/v1' });
  await app.register(portalStaffRoutes(ctx), { prefix: '/api/v1' });
  await app.register(journeysRoutes(ctx), { prefix: '/api/v1' });
  await app.register(loyaltyRoutes(ctx), { prefix: '/api/v1' });
  await app.register(complaintsRoutes(ctx), { prefix: '/api/v1' });
  await app.register(surveysRoutes(ctx), { prefix: '/api/v1' });
  await app.register(publicSurveyRoutes(ctx), { prefix: '/api/v1' });
  // The owner portal: one scope with its own session (cookie, CSRF); later modules add their owner-facing plugins here.
  await app.register(portalScope(ctx.services.portal, ctx.config.BAOKE_SECURE_COOKIES ?? false, [portalRoutes(ctx), loyaltyPortalRoutes(ctx), complaintsPortalRoutes(ctx)]), { prefix: '/api/v1/portal' });

  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/')) {
      return reply.status(404).type('application/problem+json').send({ type: 'https://baoke.dev/problems/not-found', title: '接口不存在 / No such endpoint', status: 404 });
    }
    // The console and portal are single-page apps: any other path serves index.html.
    if (fs.existsSync(path.join(WEB_DIST, 'index.html'))) return reply.sendFile('index.html', WEB_DIST);
    return reply.status(503).type('text/plain; charset=utf-8').send('The web console is not built: run `npm run build:web`.');
  });
  if (fs.existsSync(WEB_DIST)) await app.register(fastifyStatic, { root: WEB_DIST, prefix: '/', wildcard: false, index: ['index.html'] });

  return app;
}
