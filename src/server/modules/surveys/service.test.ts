import { eq, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR, type Actor } from '../../platform/rbac.js';
import { seedDemoOrg, type SeededOrg } from '../../seed/org.js';
import { createTestEnv, type TestEnv } from '../../testing/harness.js';
import { complaints } from '../complaints/schema.js';
import { actorFor, seedConsent, seedCustomer } from '../messaging/fixtures.js';
import { messages } from '../messaging/schema.js';
import { tasks } from '../tasks/schema.js';
import { surveyInvitations, surveyResponses, surveyTemplates } from './schema.js';
import type { TSurveysService } from './service.js';

let env: TestEnv;
let org: SeededOrg;
let svc: TSurveysService;
let store1: string;
let serviceTpl: string;
let eventTpl: string;
const as = (u: string): Actor => actorFor(org.staff.get(u)!);
const NOW = '2026-11-23T02:00:00Z';
const HOUR = 3600_000;

beforeAll(async () => {
  env = await createTestEnv({ now: NOW });
  org = await seedDemoOrg(env.ctx.db);
  svc = env.ctx.services.surveys;
  store1 = org.stores[0]!.id;
  const tpls = await env.ctx.db.select().from(surveyTemplates);
  serviceTpl = tpls.find((t) => t.code === 'default_service')!.id;
  eventTpl = tpls.find((t) => t.code === 'default_event')!.id;
});
afterAll(() => env.close());
beforeEach(() => env.clock.set(NOW));

async function invited(templateId = serviceTpl) {
  const c = await seedCustomer(env.ctx.db, store1, { serviceAdvisorId: org.staff.get('service1')!.id });
  await seedConsent(env.ctx.db, c, 'sms', 'service');
  const inv = await svc.invite(as('cx1'), { customerId: c.id, templateId });
  return { c, token: inv.link.split('/s/')[1]!, inv };
}
const promoter = { nps: 10, csat: 5, liked: ['staff', 'speed'], comment: '很专业' };
const detractor = { nps: 2, csat: 1, low_reason: 'waiting', comment: '等了一上午' };

describe('default templates', () => {
  it('exist for delivery, service, event and complaint revisit', async () => {
    const list = await svc.listTemplates(as('cx1'));
    expect(new Set(list.map((t) => t.touchpoint))).toEqual(new Set(['delivery', 'service', 'event', 'complaint_revisit']));
  });
});

describe('invitations', () => {
  it('send one link per audience row through messaging, once per firing key (journeys)', async () => {
    const a = await seedCustomer(env.ctx.db, store1);
    const b = await seedCustomer(env.ctx.db, store1);
    for (const c of [a, b]) await seedConsent(env.ctx.db, c, 'sms', 'service');
    const audience = sql`select id as customer_id, null::uuid as vehicle_id, 'ro-next-day:' || id::text as firing_key, null::timestamptz as due_at from customers where id in (${a.id}, ${b.id})`;
    const r = await env.ctx.db.transaction((tx) => svc.inviteForAudience(tx, { audience, templateId: serviceTpl }));
    expect(r).toEqual({ invited: 2, queued: 2, suppressed: 0 });
    const again = await env.ctx.db.transaction((tx) => svc.inviteForAudience(tx, { audience, templateId: serviceTpl }));
    expect(again.invited).toBe(0);
    const [inv] = await svc.invitationsOf(env.ctx.db, a.id);
    expect(inv!.token).toMatch(/^[0-9a-f]{64}$/);
    expect(inv!.expiresAt.getTime() - inv!.sentAt.getTime()).toBe(14 * 24 * HOUR);
    const [m] = await env.ctx.db.select().from(messages).where(eq(messages.customerId, a.id));
    expect(m!.body).toContain(`/s/${inv!.token}`);
  });
});

describe('answering', () => {
  it('shows the questionnaire without login and takes one answer per invitation', async () => {
    const { token } = await invited();
    const s = await svc.getPublic(token);
    expect(s.questions.map((q) => q.kind)).toContain('nps');
    await expect(svc.answer(token, promoter)).resolves.toMatchObject({ ok: true });
    await expect(svc.answer(token, promoter)).rejects.toMatchObject({ status: 410, code: 'survey-used' });
    await expect(svc.getPublic(token)).rejects.toMatchObject({ status: 410 });
  });

  it('an answered survey earns the survey points once (loyalty picks the answers up in its minute job)', async () => {
    const { token, c } = await invited();
    const balance = async () => (await env.ctx.services.loyalty.getAccount(SYSTEM_ACTOR, c.id)).balance;
    const before = await balance();
    await svc.answer(token, promoter);
    await env.ctx.services.loyalty.processEvents();
    await env.ctx.services.loyalty.processEvents();
    expect(await balance()).toBe(before + 100); // the default survey earn rule: 100 points
    expect(await env.ctx.services.loyalty.reconcile([c.id])).toEqual([]);
  });

  it('concurrent answers to one link store exactly one response', async () => {
    const { token, inv } = await invited();
    const rs = await Promise.allSettled(Array.from({ length: 6 }, () => svc.answer(token, promoter)));
    expect(rs.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rows = await env.ctx.db.select().from(surveyResponses).where(eq(surveyResponses.invitationId, inv.id));
    expect(rows).toHaveLength(1);
  });

  it('unknown or altered tokens answer 404; expired ones 410', async () => {
    const { token } = await invited();
    await expect(svc.getPublic('0'.repeat(64))).rejects.toMatchObject({ status: 404 });
    const altered = token.slice(0, -1) + (token.endsWith('0') ? '1' : '0');
    await expect(svc.answer(altered, promoter)).rejects.toMatchObject({ status: 404 });
    env.clock.advance(14 * 24 * HOUR);
    await expect(svc.answer(token, promoter)).rejects.toMatchObject({ status: 410, code: 'survey-expired' });
  });

  it('checks answers: required, ranges, conditional questions only when shown', async () => {
    const { token, inv } = await invited();
    await expect(svc.answer(token, { nps: 11, csat: 5 })).rejects.toMatchObject({ status: 400 });
    // the low-score reason is asked only of detractors
    await expect(svc.answer(token, { nps: 3, csat: 2 })).rejects.toMatchObject({ status: 400 });
    await expect(svc.answer(token, { nps: 9, csat: 5, low_reason: 'fee' })).resolves.toMatchObject({ ok: true });
    const [r] = await env.ctx.db.select().from(surveyResponses).where(eq(surveyResponses.invitationId, inv.id));
    expect(r!.answers).toEqual({ nps: 9, csat: 5 });
  });

  it('a detractor opens a complaint with the answers attached', async () => {
    const { c, token } = await invited();
    await svc.answer(token, detractor);
    const [cp] = await env.ctx.db.select().from(complaints).where(eq(complaints.customerId, c.id));
    expect(cp).toMatchObject({ channel: 'survey', severity: 'urgent', status: 'received' });
    const d = await env.ctx.services.complaints.get(SYSTEM_ACTOR, cp!.id);
    expect(d.surveyAnswers).toContainEqual({ question: '最让您不满意的是哪一方面？', answer: '等待时间' });
    const [r] = await env.ctx.db.select().from(surveyResponses).where(eq(surveyResponses.customerId, c.id));
    expect(r!.complaintId).toBe(cp!.id);
  });

  it('a detractor of a template set to care tasks gets a task for their advisor', async () => {
    const { c, token } = await invited(eventTpl);
    await svc.answer(token, { ...detractor, low_reason: 'venue' });
    const [t] = await env.ctx.db.select().from(tasks).where(eq(tasks.customerId, c.id));
    expect(t).toMatchObject({ kind: 'survey_follow_up', assigneeStaffId: org.staff.get('service1')!.id });
  });
});

describe('the reminder', () => {
  it('goes once, only to unanswered and unexpired invitations past their reminder time', async () => {
    await env.ctx.db.update(surveyInvitations).set({ remindedAt: new Date(NOW) }).where(sql`reminded_at is null`);
    const a = await invited();
    const b = await invited();
    await svc.answer(b.token, promoter);
    env.clock.advance(47 * HOUR);
    expect(await svc.remindDue()).toBe(0);
    env.clock.advance(2 * HOUR);
    const [n1, n2] = await Promise.all([svc.remindDue(), svc.remindDue()]);
    expect(n1 + n2).toBe(1);
    expect(await svc.remindDue()).toBe(0);
    const ms = await env.ctx.db.select().from(messages).where(like(messages.firingKey, 'survey-remind:%'));
    expect(ms.map((m) => m.customerId)).toEqual([a.c.id]);
  });
});
