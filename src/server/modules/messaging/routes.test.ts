import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR, type TRole } from '../../platform/rbac.js';
import { seedDemoOrg, type SeededOrg } from '../../seed/org.js';
import { createTestEnv, login, type TestEnv } from '../../testing/harness.js';
import { ALL_ROLES, describeAccessMatrix } from '../../testing/matrix.js';
import { seedConsent, seedCustomer, seedVehicle } from './fixtures.js';
import { messages } from './schema.js';

const TEMPLATES: TRole[] = ['group_admin', 'store_manager', 'marketing', 'cx'];
const SETTINGS: TRole[] = ['group_admin', 'store_manager'];

describe('messaging routes', () => {
  // One session per user for the whole file: the login route allows 10 sign-ins a minute per address.
  const sessions = new Map<string, Awaited<ReturnType<typeof login>>>();
  const as = async (username: string) => {
    if (!sessions.has(username)) sessions.set(username, await login(env.app, username));
    return sessions.get(username)!;
  };
  let env: TestEnv;
  let org: SeededOrg;
  let customerId: string;
  beforeAll(async () => {
    env = await createTestEnv();
    org = await seedDemoOrg(env.ctx.db);
    const c = await seedCustomer(env.ctx.db, org.stores[0]!.id, { name: '刘女士', mobile: '+8613812345678', email: 'liu.nvshi@example.com' });
    await seedVehicle(env.ctx.db, c, { plate: '京A·D12345' });
    await seedConsent(env.ctx.db, c, 'email', 'marketing');
    customerId = c.id;
  });
  afterAll(() => env.close());

  it('answers 401 without a session, but the unsubscribe link is public', async () => {
    expect((await env.app.inject({ url: '/api/v1/messages' })).statusCode).toBe(401);
    expect((await env.app.inject({ url: '/api/v1/message-templates' })).statusCode).toBe(401);
    const link = await env.app.inject({ url: '/api/v1/public/unsubscribe/ffffffffffffffffffffffffffffffff' });
    expect(link.statusCode).toBe(404);
    expect(link.headers['content-type']).toContain('text/html');
  });

  it('answers 400 for bad input', async () => {
    const h = await as('marketing1');
    const both = await env.app.inject({ method: 'POST', url: '/api/v1/messages', headers: h, payload: { customerId, channel: 'sms', templateCode: 'x', body: 'y', purpose: 'service' } });
    expect(both.statusCode).toBe(400);
    const noSubject = await env.app.inject({ method: 'POST', url: '/api/v1/message-templates', headers: h, payload: { code: 'mail', name: '邮件', channel: 'email', purpose: 'marketing', body: 'hi' } });
    expect(noSubject.statusCode).toBe(400);
    expect(noSubject.json().errors[0].path).toBe('body.subject');
    const badCode = await env.app.inject({ method: 'POST', url: '/api/v1/message-templates', headers: h, payload: { code: 'Bad Code', name: 'x', channel: 'sms', purpose: 'service', body: 'hi' } });
    expect(badCode.statusCode).toBe(400);
    const badTime = await env.app.inject({ method: 'PUT', url: '/api/v1/message-settings', headers: await as('manager1'), payload: { quietStart: '25:00', quietEnd: '08:00', marketingCap: 2, capWindowDays: 7, maxAttempts: 5 } });
    expect(badTime.statusCode).toBe(400);
    expect((await env.app.inject({ url: '/api/v1/messages?status=lost', headers: h })).statusCode).toBe(400);
  });

  it('sends through the gate with an Idempotency-Key, masks the address, and keeps a suppressed message with its reason', async () => {
    const h = await as('marketing1');
    const tpl = await env.app.inject({
      method: 'POST',
      url: '/api/v1/message-templates',
      headers: h,
      payload: { code: 'winter', name: '冬季关怀', channel: 'email', purpose: 'marketing', subject: '{{ 客户姓名 }}，冬季关怀', body: '{{客户姓名}}您好，{{车牌}}冬季检测免费。{{门店名称}}' },
    });
    expect(tpl.statusCode).toBe(201);
    expect(tpl.json()).toMatchObject({ storeId: org.stores[0]!.id, subject: '{{客户姓名}}，冬季关怀', variables: ['客户姓名', '车牌', '门店名称'] });
    const dup = await env.app.inject({ method: 'POST', url: '/api/v1/message-templates', headers: h, payload: { code: 'winter', name: '再来', channel: 'email', purpose: 'marketing', subject: 's', body: 'b' } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().existing.id).toBe(tpl.json().id);

    const send = () => env.app.inject({ method: 'POST', url: '/api/v1/messages', headers: { ...h, 'idempotency-key': 'k-1' }, payload: { customerId, channel: 'email', templateCode: 'winter' } });
    const first = await send();
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ status: 'queued', toAddressMasked: 'l***@example.com', subject: '刘女士，冬季关怀', template: { code: 'winter' } });
    expect(first.json().body).toMatch(/^刘女士您好，京A·D12345冬季检测免费。华辰领航北京亦庄店\n退订请点击 /);
    expect(JSON.stringify(first.json())).not.toContain('liu.nvshi');
    const again = await send();
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);

    const sms = await env.app.inject({ method: 'POST', url: '/api/v1/messages', headers: h, payload: { customerId, channel: 'sms', purpose: 'marketing', body: '{{客户姓名}}，到店有礼' } });
    expect(sms.statusCode).toBe(201);
    expect(sms.json()).toMatchObject({ status: 'suppressed', suppressionReason: 'no_consent', toAddressMasked: '138****5678', body: '刘女士，到店有礼' });

    const list = await env.app.inject({ url: `/api/v1/messages?status=suppressed&customerId=${customerId}`, headers: h });
    expect(list.json().items.map((m: { id: string }) => m.id)).toEqual([sms.json().id]);
    // another store sees none of it
    const other = await as('marketing2');
    expect((await env.app.inject({ url: '/api/v1/messages', headers: other })).json().items).toEqual([]);
    expect((await env.app.inject({ url: `/api/v1/messages/${sms.json().id}`, headers: other })).statusCode).toBe(404);

    // a used template cannot be deleted, only deactivated
    expect((await env.app.inject({ method: 'DELETE', url: `/api/v1/message-templates/${tpl.json().id}`, headers: h })).statusCode).toBe(409);
    const off = await env.app.inject({ method: 'PATCH', url: `/api/v1/message-templates/${tpl.json().id}`, headers: h, payload: { active: false } });
    expect(off.json().active).toBe(false);
    expect((await send()).statusCode).toBe(200); // the idempotent replay still answers
    const after = await env.app.inject({ method: 'POST', url: '/api/v1/messages', headers: h, payload: { customerId, channel: 'email', templateCode: 'winter' } });
    expect(after.statusCode).toBe(400);
  });

  it('previews a template for a customer and lists the variables without a value', async () => {
    const h = await as('service1');
    const res = await env.app.inject({ method: 'POST', url: '/api/v1/message-templates/preview', headers: h, payload: { customerId, body: '{{客户姓名}} {{车牌}} {{到期日期}} {{积分}}' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ subject: '', body: '刘女士 京A·D12345  ', missing: ['到期日期', '积分'] });
    const sample = await env.app.inject({ method: 'POST', url: '/api/v1/message-templates/preview', headers: h, payload: { body: '{{customerName}}: {{dueDate}}', vars: { dueDate: '2027-01-01' }, purpose: 'marketing' } });
    expect(sample.json()).toMatchObject({ body: expect.stringMatching(/^张先生: 2027-01-01\n退订请点击 /), missing: [] });
  });

  it('filters the outbox by when a message was asked for (from inclusive, to exclusive)', async () => {
    const svc = env.ctx.services.messaging;
    const c = await seedCustomer(env.ctx.db, org.stores[0]!.id, { name: '日期筛选' });
    const at = async (iso: string) => {
      env.clock.set(iso);
      return (await svc.enqueueMessage(env.ctx.db, { customerId: c.id, channel: 'sms', purpose: 'service', body: iso })).id;
    };
    const [d20, d21, d22] = [await at('2026-11-20T03:00:00Z'), await at('2026-11-21T03:00:00Z'), await at('2026-11-22T03:00:00Z')];
    env.clock.set('2026-11-23T02:00:00Z');
    const h = await as('service1');
    const ids = async (qs: string) => (await env.app.inject({ url: `/api/v1/messages?customerId=${c.id}&${qs}`, headers: h })).json().items.map((m: { id: string }) => m.id);
    // 2026-11-21 00:00 in Shanghai is 2026-11-20 16:00 UTC
    expect(await ids('createdFrom=2026-11-20T16:00:00%2B00:00')).toEqual([d22, d21]);
    expect(await ids('createdFrom=2026-11-21T00:00:00%2B08:00&createdTo=2026-11-22T00:00:00%2B08:00')).toEqual([d21]);
    expect(await ids('createdTo=2026-11-21T03:00:00Z')).toEqual([d20]);
    expect((await env.app.inject({ url: '/api/v1/messages?createdFrom=yesterday', headers: h })).statusCode).toBe(400);
  });

  it('retries a failed message from the console', async () => {
    const svc = env.ctx.services.messaging;
    const r = await svc.enqueueMessage(env.ctx.db, { customerId, channel: 'sms', purpose: 'service', body: '您的车已修好' });
    await env.ctx.db.update(messages).set({ status: 'failed', attempts: 5, lastError: 'gateway down', nextAttemptAt: null }).where(eq(messages.id, r.id));
    const h = await as('service1');
    const res = await env.app.inject({ method: 'POST', url: `/api/v1/messages/${r.id}/retry`, headers: h });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'queued', attempts: 0, lastError: 'gateway down' });
    expect((await env.app.inject({ method: 'POST', url: `/api/v1/messages/${r.id}/retry`, headers: h })).statusCode).toBe(422);
  });

  it('keeps store settings per store and group templates for the group admin', async () => {
    const m1 = await as('manager1');
    const put = await env.app.inject({ method: 'PUT', url: '/api/v1/message-settings', headers: m1, payload: { quietStart: '22:00', quietEnd: '07:30', marketingCap: 3, capWindowDays: 7, maxAttempts: 4 } });
    expect(put.json()).toEqual({ storeId: org.stores[0]!.id, quietStart: '22:00', quietEnd: '07:30', marketingCap: 3, capWindowDays: 7, maxAttempts: 4 });
    expect((await env.app.inject({ url: '/api/v1/message-settings', headers: m1 })).json().quietEnd).toBe('07:30');
    expect((await env.app.inject({ url: `/api/v1/message-settings?storeId=${org.stores[1]!.id}`, headers: await as('manager2') })).json()).toMatchObject({ quietStart: '21:00', marketingCap: 2 });
    const mk = await as('marketing1');
    const group = await env.app.inject({ method: 'POST', url: '/api/v1/message-templates', headers: mk, payload: { storeId: null, code: 'g', name: 'g', channel: 'sms', purpose: 'service', body: 'x' } });
    expect(group.statusCode).toBe(403);
    const g = await env.ctx.services.messaging.createTemplate(SYSTEM_ACTOR, { code: 'group-care', name: '集团关怀', channel: 'sms', purpose: 'service', locale: 'zh-CN', body: 'x' });
    expect((await env.app.inject({ method: 'PATCH', url: `/api/v1/message-templates/${g.id}`, headers: mk, payload: { body: 'y' } })).statusCode).toBe(403);
    const listed = await env.app.inject({ url: '/api/v1/message-templates?code=group-care', headers: await as('sales2') });
    expect(listed.json().items.map((t: { id: string }) => t.id)).toEqual([g.id]);
  });

  it('records a one-click unsubscribe (RFC 8058 form post)', async () => {
    const svc = env.ctx.services.messaging;
    const c = await seedCustomer(env.ctx.db, org.stores[0]!.id, { email: 'oneclick@example.com' });
    await seedConsent(env.ctx.db, c, 'email', 'marketing');
    const m = await svc.enqueueMessage(env.ctx.db, { customerId: c.id, channel: 'email', purpose: 'marketing', subject: '活动', body: '周末试驾' });
    const [row] = await env.ctx.db.select().from(messages).where(eq(messages.id, m.id));
    const path = /(\/api\/v1\/public\/unsubscribe\/[0-9a-f]+)$/.exec(row!.body)![1]!;
    const res = await env.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    expect(res.statusCode).toBe(200);
    const again = await svc.enqueueMessage(env.ctx.db, { customerId: c.id, channel: 'email', purpose: 'marketing', subject: '活动', body: '再来' });
    expect(again.suppressionReason).toBe('unsubscribed');
  });

  it('lists its routes in the OpenAPI document', async () => {
    const paths = Object.keys((await env.app.inject({ url: '/api/docs/json' })).json().paths);
    expect(paths).toEqual(
      expect.arrayContaining(['/api/v1/messages', '/api/v1/messages/{id}', '/api/v1/messages/{id}/retry', '/api/v1/message-templates', '/api/v1/message-templates/{id}', '/api/v1/message-templates/preview', '/api/v1/message-settings', '/api/v1/public/unsubscribe/{token}']),
    );
  });
});

interface Ctx {
  store1: string;
  customerId: string;
  messageId: string;
  templateId: string;
  next(): number;
  failedMessage(): Promise<string>;
  freshTemplate(): Promise<string>;
}

describeAccessMatrix<Ctx>('messaging', {
  setup: async (env, org) => {
    const store1 = org.stores[0]!.id;
    const c = await seedCustomer(env.ctx.db, store1);
    await seedVehicle(env.ctx.db, c);
    const svc = env.ctx.services.messaging;
    let n = 0;
    const next = () => ++n;
    const failedMessage = async () => {
      const r = await svc.enqueueMessage(env.ctx.db, { customerId: c.id, channel: 'sms', purpose: 'service', body: '取车提醒' });
      await env.ctx.db.update(messages).set({ status: 'failed' }).where(eq(messages.id, r.id));
      return r.id;
    };
    const freshTemplate = async () => (await svc.createTemplate(SYSTEM_ACTOR, { storeId: store1, code: `m${next()}`, name: '矩阵', channel: 'sms', purpose: 'service', locale: 'zh-CN', body: 'x' })).id;
    return { store1, customerId: c.id, next, failedMessage, freshTemplate, messageId: await failedMessage(), templateId: await freshTemplate() };
  },
  rows: [
    { method: 'GET', path: '/messages', allowed: ALL_ROLES, target: 'none', request: () => ({ url: '/messages' }) },
    { method: 'GET', path: '/messages/{id}', allowed: ALL_ROLES, request: (c) => ({ url: `/messages/${c.messageId}` }) },
    { method: 'POST', path: '/messages', allowed: ALL_ROLES, request: (c) => ({ url: '/messages', body: { customerId: c.customerId, channel: 'sms', purpose: 'service', body: '您好' } }) },
    { method: 'POST', path: '/messages/{id}/retry', allowed: ALL_ROLES, request: async (c) => ({ url: `/messages/${await c.failedMessage()}/retry` }) },
    { method: 'GET', path: '/message-templates', allowed: ALL_ROLES, target: 'none', request: () => ({ url: '/message-templates' }) },
    { method: 'GET', path: '/message-templates/{id}', allowed: ALL_ROLES, request: (c) => ({ url: `/message-templates/${c.templateId}` }) },
    {
      method: 'POST',
      path: '/message-templates',
      allowed: TEMPLATES,
      target: 'none',
      request: (c) => ({ url: '/message-templates', body: { code: `new-${c.next()}`, name: '新模板', channel: 'sms', purpose: 'marketing', body: '{{客户姓名}}' } }),
    },
    { method: 'PATCH', path: '/message-templates/{id}', allowed: TEMPLATES, request: (c) => ({ url: `/message-templates/${c.templateId}`, body: { name: `改名${c.next()}` } }) },
    { method: 'DELETE', path: '/message-templates/{id}', allowed: TEMPLATES, request: async (c) => ({ url: `/message-templates/${await c.freshTemplate()}` }) },
    { method: 'POST', path: '/message-templates/preview', allowed: ALL_ROLES, target: 'none', request: () => ({ url: '/message-templates/preview', body: { body: '{{客户姓名}}您好' } }) },
    { method: 'GET', path: '/message-settings', allowed: ALL_ROLES, request: (c) => ({ url: `/message-settings?storeId=${c.store1}` }) },
    {
      method: 'PUT',
      path: '/message-settings',
      allowed: SETTINGS,
      request: (c) => ({ url: `/message-settings?storeId=${c.store1}`, body: { quietStart: '21:00', quietEnd: '08:00', marketingCap: 2, capWindowDays: 7, maxAttempts: 5 } }),
    },
  ],
});
