import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TRole } from '../../platform/rbac.js';
import { seedDemoOrg, type SeededOrg } from '../../seed/org.js';
import { createTestEnv, login, type TestEnv } from '../../testing/harness.js';
import { describeAccessMatrix, type TMatrixUser } from '../../testing/matrix.js';
import { seedConsent, seedCustomer } from '../messaging/fixtures.js';
import { surveyTemplates } from './schema.js';

const MANAGE: TRole[] = ['group_admin', 'store_manager', 'cx'];
const REPORTS: TRole[] = ['group_admin', 'store_manager', 'cx', 'service', 'sales'];

const template = {
  name: '试驾满意度',
  touchpoint: 'other',
  questions: [
    { id: 'nps', kind: 'nps', label: '推荐意愿' },
    { id: 'why', kind: 'text', label: '为什么？', required: false, showIf: { questionId: 'nps', values: [0, 1, 2, 3, 4, 5, 6] } },
  ],
};

describe('surveys routes', () => {
  let env: TestEnv;
  let org: SeededOrg;
  beforeAll(async () => {
    env = await createTestEnv();
    org = await seedDemoOrg(env.ctx.db);
  });
  afterAll(() => env.close());

  it('rejects a questionnaire whose condition points at a later question', async () => {
    const h = await login(env.app, 'cx1');
    const bad = await env.app.inject({ method: 'POST', url: '/api/v1/survey-templates', headers: h, payload: { ...template, questions: [...template.questions].reverse() } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('body.questions.0');
    expect((await env.app.inject({ method: 'POST', url: '/api/v1/survey-templates', headers: h, payload: template })).statusCode).toBe(201);
  });

  it('a detractor answers over HTTP without login; the NPS report and drill-down show it', async () => {
    const h = await login(env.app, 'cx1');
    const c = await seedCustomer(env.ctx.db, org.stores[0]!.id, { name: '调查客户' });
    await seedConsent(env.ctx.db, c, 'sms', 'service');
    const tpl = (await env.app.inject({ url: '/api/v1/survey-templates', headers: h })).json().find((t: { code: string }) => t.code === 'default_service');
    const inv = await env.app.inject({ method: 'POST', url: '/api/v1/survey-invitations', headers: h, payload: { customerId: c.id, templateId: tpl.id } });
    expect(inv.statusCode).toBe(201);
    const token = inv.json().link.split('/s/')[1];
    const page = await env.app.inject({ url: `/api/v1/s/${token}` });
    expect(page.statusCode).toBe(200);
    expect(page.json().storeName).toBeTruthy();
    const ans = await env.app.inject({ method: 'POST', url: `/api/v1/s/${token}/answers`, payload: { answers: { nps: 4, csat: 2, low_reason: 'attitude', comment: '顾问不耐烦' } } });
    expect(ans.statusCode).toBe(201);
    expect((await env.app.inject({ method: 'POST', url: `/api/v1/s/${token}/answers`, payload: { answers: { nps: 10, csat: 5 } } })).statusCode).toBe(410);
    const r = (await env.app.inject({ url: '/api/v1/surveys/nps?groupBy=touchpoint', headers: h })).json();
    expect(r.overall).toMatchObject({ n: 1, detractors: 1, nps: -100 });
    expect(r.target).toBe(40);
    // Response rate: one invitation sent and answered in the period (a second, unanswered one halves it).
    expect(r.invitations).toEqual({ sent: 1, answered: 1, rate: 100 });
    const c2 = await seedCustomer(env.ctx.db, org.stores[0]!.id, { name: '未回复客户' });
    await seedConsent(env.ctx.db, c2, 'sms', 'service');
    expect((await env.app.inject({ method: 'POST', url: '/api/v1/survey-invitations', headers: h, payload: { customerId: c2.id, templateId: tpl.id } })).statusCode).toBe(201);
    const r2 = (await env.app.inject({ url: '/api/v1/surveys/nps?groupBy=touchpoint', headers: h })).json();
    expect(r2.invitations).toEqual({ sent: 2, answered: 1, rate: 50 });
    expect(r.verbatims[0].verbatim).toBe('顾问不耐烦');
    const drill = (await env.app.inject({ url: '/api/v1/survey-responses?group=detractor', headers: h })).json();
    expect(drill[0]).toMatchObject({ nps: 4, customer: { name: '调查客户' } });
    expect(drill[0].complaintId).toBeTruthy();
    expect(drill[0].answers).toContainEqual({ question: '最让您不满意的是哪一方面？', answer: '服务态度' });
  });

  it('lists the voice routes in the OpenAPI document', async () => {
    const res = await env.app.inject({ url: '/api/docs/json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(res.json().paths);
    expect(paths).toEqual(
      expect.arrayContaining(['/api/v1/complaints', '/api/v1/complaints/{id}/revisit', '/api/v1/complaints/weekly', '/api/v1/surveys/nps', '/api/v1/s/{token}/answers', '/api/v1/survey-templates/{id}', '/api/v1/portal/complaints']),
    );
  });

  it('unknown tokens answer 404, malformed ones 400, and the endpoint is rate-limited per address', async () => {
    expect((await env.app.inject({ url: `/api/v1/s/${'a'.repeat(64)}` })).statusCode).toBe(404);
    expect((await env.app.inject({ url: '/api/v1/s/guess' })).statusCode).toBe(400);
    let last = 0;
    for (let i = 0; i < env.ctx.config.BAOKE_SURVEY_RATE_LIMIT + 2; i++) last = (await env.app.inject({ url: `/api/v1/s/${'b'.repeat(64)}`, remoteAddress: '10.9.9.9' })).statusCode;
    expect(last).toBe(429);
  });
});

interface Ctx {
  store1: string;
  customerId: string;
  templateId: string;
}
const storeQ = (c: Ctx, u: TMatrixUser) => (u.store === null ? `?storeId=${c.store1}` : '');

describeAccessMatrix<Ctx>('surveys', {
  async setup(env, org) {
    const store1 = org.stores[0]!.id;
    const customerId = (await seedCustomer(env.ctx.db, store1)).id;
    const [t] = await env.ctx.db.insert(surveyTemplates).values({ storeId: store1, name: '门店问卷', touchpoint: 'other', questions: [{ id: 'nps', kind: 'nps', label: '推荐', required: true, options: [], showIf: null }] }).returning();
    return { store1, customerId, templateId: t!.id };
  },
  rows: [
    { method: 'GET', path: '/survey-templates', allowed: REPORTS, target: 'none', request: () => ({ url: '/survey-templates' }) },
    { method: 'POST', path: '/survey-templates', allowed: MANAGE, target: 'none', request: (c, u) => ({ url: `/survey-templates${storeQ(c, u)}`, body: template }) },
    { method: 'GET', path: '/survey-templates/{id}', allowed: REPORTS, request: (c) => ({ url: `/survey-templates/${c.templateId}` }) },
    { method: 'PUT', path: '/survey-templates/{id}', allowed: MANAGE, request: (c) => ({ url: `/survey-templates/${c.templateId}`, body: { ...template, name: '门店问卷' } }) },
    { method: 'POST', path: '/survey-invitations', allowed: MANAGE, request: (c) => ({ url: '/survey-invitations', body: { customerId: c.customerId, templateId: c.templateId } }) },
    { method: 'GET', path: '/survey-responses', allowed: REPORTS, target: 'none', request: () => ({ url: '/survey-responses' }) },
    { method: 'GET', path: '/surveys/nps', allowed: REPORTS, target: 'none', request: () => ({ url: '/surveys/nps?groupBy=advisor&interval=month' }) },
  ],
});
