import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TRuleCreate } from '../../../contracts/journeys.js';
import { SYSTEM_ACTOR, type TRole } from '../../platform/rbac.js';
import { seedDemoOrg, type SeededOrg } from '../../seed/org.js';
import { createTestEnv, login, type TestEnv } from '../../testing/harness.js';
import { ALL_ROLES, describeAccessMatrix, type TMatrixUser } from '../../testing/matrix.js';
import { seedCustomer } from '../messaging/fixtures.js';
import { journeyRules, journeyRuns } from './schema.js';

const MANAGE: TRole[] = ['group_admin', 'store_manager', 'marketing', 'cx'];

const draft = (o: Partial<TRuleCreate> = {}) => ({
  nameZh: '生日当天回访',
  nameEn: 'Birthday call',
  trigger: { kind: 'date_offset', field: 'customer.birthday', offsetDays: 0 },
  audience: null,
  conditions: [],
  actions: [{ kind: 'create_task', params: { title: '生日回访', assignTo: 'owner_advisor', dueInDays: 1 } }],
  ...o,
});

describe('journeys routes', () => {
  const sessions = new Map<string, Awaited<ReturnType<typeof login>>>();
  const as = async (username: string) => {
    if (!sessions.has(username)) sessions.set(username, await login(env.app, username));
    return sessions.get(username)!;
  };
  let env: TestEnv;
  let org: SeededOrg;
  beforeAll(async () => {
    env = await createTestEnv({ now: '2026-12-01T02:00:00Z' });
    org = await seedDemoOrg(env.ctx.db);
  });
  afterAll(() => env.close());

  it('lists the default rules with their switches and the action registry', async () => {
    const h = await as('manager1');
    const res = await env.app.inject({ url: '/api/v1/journeys/rules', headers: h });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { code: string; isDefault: boolean; enabledHere: boolean }[];
    expect(items.filter((r) => r.isDefault).length).toBeGreaterThanOrEqual(20);
    expect(items.find((r) => r.code === 'birthday')).toMatchObject({ enabledHere: true });
    const cat = await env.app.inject({ url: '/api/v1/journeys/catalogue', headers: h });
    expect(cat.json().actions.map((a: { kind: string }) => a.kind)).toEqual(['create_task', 'send_message', 'add_tag', 'remove_tag', 'issue_coupon', 'award_points', 'send_survey']);
  });

  it('documents every journeys route in the OpenAPI document', async () => {
    const docs = await env.app.inject({ url: '/api/docs/json' });
    expect(Object.keys(docs.json().paths)).toEqual(expect.arrayContaining(['/api/v1/journeys/rules', '/api/v1/journeys/rules/{id}/enabled', '/api/v1/journeys/runs/{id}', '/api/v1/customers/{id}/journey-firings']));
  });

  it('creates a store rule, previews it, switches it on, runs it and shows the firing', async () => {
    const h = await as('marketing1');
    const c = await seedCustomer(env.ctx.db, org.stores[0]!.id, { name: '生日客户', birthday: '1990-12-03' });
    const bad = await env.app.inject({ method: 'POST', url: '/api/v1/journeys/rules', headers: h, payload: draft({ actions: [{ kind: 'create_task', params: { dueInDays: -1 } }] }) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { path: string }) => e.path)).toContain('actions.0.params.title');
    const created = await env.app.inject({ method: 'POST', url: '/api/v1/journeys/rules', headers: h, payload: draft() });
    expect(created.statusCode).toBe(201);
    const rule = created.json();
    expect(rule).toMatchObject({ storeId: org.stores[0]!.id, enabled: false, isDefault: false, version: 1 });
    const p = await env.app.inject({ method: 'POST', url: '/api/v1/journeys/rules/preview', headers: h, payload: { ruleId: rule.id } });
    expect(p.statusCode).toBe(200);
    expect(p.json().days.find((d: { day: string }) => d.day === '2026-12-03').count).toBe(1);
    expect(p.json().sample[0]).toMatchObject({ customerId: c.id, customerName: '生日客户' });
    const on = await env.app.inject({ method: 'PUT', url: `/api/v1/journeys/rules/${rule.id}/enabled`, headers: h, payload: { enabled: true } });
    expect(on.json()).toMatchObject({ enabled: true, enabledHere: true });
    const stale = await env.app.inject({ method: 'PATCH', url: `/api/v1/journeys/rules/${rule.id}`, headers: h, payload: { version: 7, nameZh: 'x' } });
    expect(stale.statusCode).toBe(409);
    const run = await env.app.inject({ method: 'POST', url: '/api/v1/journeys/runs', headers: h, payload: { ruleId: rule.id, asOf: '2026-12-03' } });
    expect(run.statusCode).toBe(202);
    let report;
    for (let i = 0; i < 50; i++) {
      report = (await env.app.inject({ url: `/api/v1/journeys/runs/${run.json().id}`, headers: h })).json();
      if (report.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(report).toMatchObject({ status: 'succeeded', progress: { done: 1, total: 1 } });
    expect(report.report[0]).toMatchObject({ code: rule.code, fired: 1, actions: { create_task: 1 } });
    const firings = await env.app.inject({ url: `/api/v1/customers/${c.id}/journey-firings`, headers: await as('service1') });
    expect(firings.json().items[0]).toMatchObject({ ruleId: rule.id, occurredOn: '2026-12-03' });
    expect((await env.app.inject({ url: `/api/v1/customers/${c.id}/journey-firings`, headers: await as('service2') })).statusCode).toBe(404);
  });

  it('keeps group rules for group admins; stores switch them for themselves; defaults cannot be deleted', async () => {
    const [birthday] = await env.ctx.db.select().from(journeyRules).where(eq(journeyRules.code, 'birthday'));
    const m = await as('manager1');
    expect((await env.app.inject({ method: 'PATCH', url: `/api/v1/journeys/rules/${birthday!.id}`, headers: m, payload: { version: birthday!.version, nameZh: '改名' } })).statusCode).toBe(403);
    const off = await env.app.inject({ method: 'PUT', url: `/api/v1/journeys/rules/${birthday!.id}/enabled`, headers: m, payload: { enabled: false } });
    expect(off.json()).toMatchObject({ enabled: true, enabledHere: false });
    const list2 = await env.app.inject({ url: '/api/v1/journeys/rules', headers: await as('manager2') });
    expect(list2.json().items.find((r: { code: string }) => r.code === 'birthday').enabledHere).toBe(true);
    expect((await env.app.inject({ method: 'DELETE', url: `/api/v1/journeys/rules/${birthday!.id}`, headers: await as('admin') })).statusCode).toBe(422);
  });
});

interface Ctx {
  env: TestEnv;
  store1: string;
  customerId: string;
  ruleId: string;
  runId: string;
  freshRule(): Promise<string>;
}

const storeFor = (c: Ctx, u: TMatrixUser) => (u.store === null ? { storeId: c.store1 } : {});

describeAccessMatrix<Ctx>('journeys', {
  async setup(env, org) {
    const store1 = org.stores[0]!.id;
    const svc = env.ctx.services.journeys;
    const freshRule = async () => (await svc.createRule(SYSTEM_ACTOR, { ...(draft() as TRuleCreate), storeId: store1, enabled: false })).id;
    const ruleId = await freshRule();
    const [run] = await env.ctx.db.insert(journeyRuns).values({ kind: 'manual', asOf: '2026-12-01', status: 'succeeded', storeId: store1, startedAt: new Date(), finishedAt: new Date() }).returning();
    return { env, store1, customerId: (await seedCustomer(env.ctx.db, store1)).id, ruleId, runId: run!.id, freshRule };
  },
  rows: [
    { method: 'GET', path: '/journeys/catalogue', allowed: ALL_ROLES, target: 'none', request: () => ({ url: '/journeys/catalogue' }) },
    { method: 'GET', path: '/journeys/rules', allowed: ALL_ROLES, target: 'none', request: () => ({ url: '/journeys/rules' }) },
    { method: 'POST', path: '/journeys/rules', allowed: MANAGE, target: 'none', request: (c, u) => ({ url: '/journeys/rules', body: { ...draft(), ...storeFor(c, u) } }) },
    { method: 'POST', path: '/journeys/rules/preview', allowed: ALL_ROLES, target: 'none', request: () => ({ url: '/journeys/rules/preview', body: { rule: draft() } }) },
    { method: 'GET', path: '/journeys/rules/{id}', allowed: ALL_ROLES, request: (c) => ({ url: `/journeys/rules/${c.ruleId}` }) },
    {
      method: 'PATCH',
      path: '/journeys/rules/{id}',
      allowed: MANAGE,
      request: async (c) => {
        const [r] = await c.env.ctx.db.select({ version: journeyRules.version }).from(journeyRules).where(eq(journeyRules.id, c.ruleId));
        return { url: `/journeys/rules/${c.ruleId}`, body: { version: r!.version, descriptionZh: '矩阵' } };
      },
    },
    { method: 'PUT', path: '/journeys/rules/{id}/enabled', allowed: MANAGE, request: (c) => ({ url: `/journeys/rules/${c.ruleId}/enabled`, body: { enabled: false } }) },
    { method: 'DELETE', path: '/journeys/rules/{id}', allowed: MANAGE, request: async (c) => ({ url: `/journeys/rules/${await c.freshRule()}` }) },
    { method: 'POST', path: '/journeys/runs', allowed: MANAGE, request: (c) => ({ url: '/journeys/runs', body: { ruleId: c.ruleId } }) },
    { method: 'GET', path: '/journeys/runs', allowed: ALL_ROLES, target: 'none', request: () => ({ url: '/journeys/runs' }) },
    { method: 'GET', path: '/journeys/runs/{id}', allowed: ALL_ROLES, request: (c) => ({ url: `/journeys/runs/${c.runId}` }) },
    { method: 'GET', path: '/customers/{id}/journey-firings', allowed: ALL_ROLES, request: (c) => ({ url: `/customers/${c.customerId}/journey-firings` }) },
  ],
});
