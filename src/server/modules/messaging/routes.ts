import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZId, ZOk, zPage } from '../../../contracts/common.js';
import {
  MESSAGE_CHANNELS,
  ZMessage,
  ZMessageListQuery,
  ZMessageSend,
  ZMessageTemplate,
  ZMessageTemplateCreate,
  ZMessageTemplateListQuery,
  ZMessageTemplateUpdate,
  ZMessagingSettings,
  ZMessagingSettingsInput,
  ZMessagingSettingsQuery,
  ZTemplatePreview,
  ZTemplatePreviewRequest,
} from '../../../contracts/messaging.js';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/auth.js';
import { NotFoundError } from '../../platform/errors.js';

const tags = ['messaging'];
const ZIdParams = z.object({ id: ZId });
const ZIdempotencyHeaders = z.object({ 'idempotency-key': z.string().trim().min(1).max(200).optional() }).loose();

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page an owner sees after following an unsubscribe link: plain, bilingual, no script. */
function page(title: string, lines: string[]): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;max-width:32rem;margin:3rem auto;padding:0 1.25rem;color:#1f2329;line-height:1.6}h1{font-size:1.4rem}p{color:#4e5969}</style></head>
<body><h1>${escapeHtml(title)}</h1>${lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('')}</body></html>`;
}

export function messagingRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const messaging = ctx.services.messaging;
  return async (app) => {
    app.get(
      '/messages',
      { schema: { operationId: 'listMessages', tags, summary: 'The outbox: every message asked for, with its status (addresses masked)', querystring: ZMessageListQuery, response: { 200: zPage(ZMessage) } } },
      async (req) => messaging.listMessages(actorOf(req), req.query),
    );
    app.get('/messages/:id', { schema: { operationId: 'getMessage', tags, params: ZIdParams, response: { 200: ZMessage } } }, async (req) => messaging.getMessage(actorOf(req), req.params.id));
    app.post(
      '/messages',
      {
        schema: {
          operationId: 'sendMessage',
          tags,
          summary: 'Send one message to a customer through the consent / quiet-hours / frequency gate (a suppressed message is kept with its reason)',
          headers: ZIdempotencyHeaders,
          body: ZMessageSend,
          response: { 200: ZMessage, 201: ZMessage },
        },
      },
      async (req, reply) => {
        const r = await messaging.sendMessage(actorOf(req), req.body, req.headers['idempotency-key']);
        return reply.status(r.duplicate ? 200 : 201).send(r.message);
      },
    );
    app.post(
      '/messages/:id/retry',
      { schema: { operationId: 'retryMessage', tags, summary: 'Queue a failed message again with fresh attempts', params: ZIdParams, response: { 200: ZMessage } } },
      async (req) => messaging.retryMessage(actorOf(req), req.params.id),
    );

    app.get(
      '/message-templates',
      { schema: { operationId: 'listMessageTemplates', tags, summary: "Group templates and the store's own", querystring: ZMessageTemplateListQuery, response: { 200: z.object({ items: z.array(ZMessageTemplate) }) } } },
      async (req) => ({ items: await messaging.listTemplates(actorOf(req), req.query) }),
    );
    app.post(
      '/message-templates/preview',
      { schema: { operationId: 'previewMessageTemplate', tags, summary: 'Render a template or unsaved text for a customer or with sample values', body: ZTemplatePreviewRequest, response: { 200: ZTemplatePreview } } },
      async (req) => messaging.previewTemplate(actorOf(req), req.body),
    );
    app.get('/message-templates/:id', { schema: { operationId: 'getMessageTemplate', tags, params: ZIdParams, response: { 200: ZMessageTemplate } } }, async (req) =>
      messaging.getTemplate(actorOf(req), req.params.id),
    );
    app.post('/message-templates', { schema: { operationId: 'createMessageTemplate', tags, body: ZMessageTemplateCreate, response: { 201: ZMessageTemplate } } }, async (req, reply) =>
      reply.status(201).send(await messaging.createTemplate(actorOf(req), req.body)),
    );
    app.patch('/message-templates/:id', { schema: { operationId: 'updateMessageTemplate', tags, params: ZIdParams, body: ZMessageTemplateUpdate, response: { 200: ZMessageTemplate } } }, async (req) =>
      messaging.updateTemplate(actorOf(req), req.params.id, req.body),
    );
    app.delete(
      '/message-templates/:id',
      { schema: { operationId: 'deleteMessageTemplate', tags, summary: 'Delete a template no message used (409 otherwise: deactivate it)', params: ZIdParams, response: { 200: ZOk } } },
      async (req) => {
        await messaging.deleteTemplate(actorOf(req), req.params.id);
        return { ok: true as const };
      },
    );

    app.get(
      '/message-settings',
      { schema: { operationId: 'getMessagingSettings', tags, summary: "A store's quiet hours, frequency cap and send attempts", querystring: ZMessagingSettingsQuery, response: { 200: ZMessagingSettings } } },
      async (req) => messaging.getSettings(actorOf(req), req.query.storeId),
    );
    app.put(
      '/message-settings',
      { schema: { operationId: 'putMessagingSettings', tags, querystring: ZMessagingSettingsQuery, body: ZMessagingSettingsInput, response: { 200: ZMessagingSettings } } },
      async (req) => messaging.putSettings(actorOf(req), req.query.storeId, req.body),
    );

    // The link in every marketing message. Public: the random token is the credential. GET records the withdrawal
    // (SMS links are opened, not submitted); POST is the RFC 8058 one-click form mail clients use.
    const unsubscribeSchema = {
      tags,
      params: z.object({ token: z.string().min(16).max(200) }),
    };
    const channelName = (c: string) => MESSAGE_CHANNELS.find((x) => x.key === c);
    // Mail clients post `List-Unsubscribe=One-Click` form-encoded; the body carries nothing we need.
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, _body, done) => done(null, {}));
    app.get(
      '/public/unsubscribe/:token',
      {
        config: { public: true, rateLimit: { max: 30, timeWindow: '1 minute' } },
        schema: { ...unsubscribeSchema, operationId: 'unsubscribePage', summary: 'Unsubscribe from marketing messages (HTML page for the owner)', response: { 200: z.string(), 404: z.string() } },
      },
      async (req, reply) => {
        reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
        try {
          const r = await messaging.unsubscribe(req.params.token, ctx.services.customers);
          const ch = channelName(r.channel);
          return page('退订成功 / Unsubscribed', [
            `您将不再通过${ch?.zh ?? r.channel}收到${r.storeName}的营销信息。服务通知（如维修进度、预约提醒）不受影响。`,
            `You will no longer receive marketing messages from ${r.storeName} by ${ch?.en ?? r.channel}. Service notices (repair progress, appointments) continue.`,
          ]);
        } catch (err) {
          if (!(err instanceof NotFoundError)) throw err;
          return reply.status(404).send(page('链接无效 / Link not valid', ['该退订链接无效或已失效。', 'This unsubscribe link is not valid or has expired.']));
        }
      },
    );
    app.post(
      '/public/unsubscribe/:token',
      {
        config: { public: true, rateLimit: { max: 30, timeWindow: '1 minute' } },
        schema: { ...unsubscribeSchema, operationId: 'unsubscribeOneClick', summary: 'One-click unsubscribe (RFC 8058)', response: { 200: ZOk } },
      },
      async (req) => {
        await messaging.unsubscribe(req.params.token, ctx.services.customers);
        return { ok: true as const };
      },
    );
  };
}
