import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../platform/rbac.js';
import type { SeededOrg } from '../../seed/org.js';
import type { TestEnv } from '../../testing/harness.js';
import { domainEvents } from '../audit/schema.js';
import { messages } from '../messaging/schema.js';
import { addDays } from '../segments/rules.js';
import { vehicleFacts } from '../segments/schema.js';
import { insertCustomer, insertRo, insertVehicle, at } from '../segments/test-fixtures.js';
import { tasks } from '../tasks/schema.js';
import { journeyFirings, journeyRules } from './schema.js';
import type { TJourneysService } from './service.js';
import { dayRun as dayRunOf, groupRule, journeysTestEnv } from './test-fixtures.js';

let env: TestEnv;
let org: SeededOrg;
let svc: TJourneysService;
let store1: string;
let modelId: string;

beforeAll(async () => {
  ({ env, org, svc, store1, modelId } = await journeysTestEnv());
});
afterAll(() => env.close());

const ruleOf = (code: string) => groupRule(env, code);
const dayRun = (code: string, day: string, customerId: string) => dayRunOf(env, code, day, [customerId]);

async function event(type: string, customer: { id: string; storeId: string }, day: string, payload: Record<string, unknown> = {}) {
  await env.ctx.db.insert(domainEvents).values({ type, customerId: customer.id, storeId: customer.storeId, payload, createdAt: at(day) });
}

interface TCase {
  code: string;
  /** Creates the owner and returns the customer and the day the rule is due; `beforeDay` runs before that day's run. */
  setup(): Promise<{ customerId: string; day: string; beforeDay?: () => Promise<void> }>;
}

const D = '2026-12-10';
const customer = () => insertCustomer(env.ctx.db, { storeId: store1 });
const car = async (o: Parameters<typeof insertVehicle>[2] = {}) => {
  const c = await customer();
  const v = await insertVehicle(env.ctx.db, c, { modelId, ...o });
  return { c, v };
};
async function dueOf(vehicleId: string, day: string): Promise<string> {
  await env.ctx.services.segments.refreshAll(day);
  const [vf] = await env.ctx.db.select().from(vehicleFacts).where(eq(vehicleFacts.vehicleId, vehicleId));
  return vf!.nextMaintenanceDueDate!;
}

const CASES: TCase[] = [
  { code: 'handover', setup: async () => { const c = await customer(); await event('sales_order.delivered', c, D); return { customerId: c.id, day: D }; } },
  { code: 'post_delivery_survey', setup: async () => ({ customerId: (await car({ deliveryDate: addDays(D, -7) })).c.id, day: D }) },
  { code: 'post_delivery_call', setup: async () => ({ customerId: (await car({ deliveryDate: addDays(D, -15) })).c.id, day: D }) },
  {
    code: 'first_service_reminder',
    setup: async () => {
      const { c, v } = await car({ deliveryDate: '2026-10-01', purchaseDate: '2026-10-01' });
      return { customerId: c.id, day: addDays(await dueOf(v.id, '2026-10-02'), -3) };
    },
  },
  {
    code: 'maintenance_reminder',
    setup: async () => {
      const { c, v } = await car({ deliveryDate: '2026-01-05', purchaseDate: '2026-01-05' });
      await insertRo(env.ctx.db, v, '2026-06-20', { kind: 'first_service', mileageKm: 4000 });
      return { customerId: c.id, day: addDays(await dueOf(v.id, '2026-06-21'), -7) };
    },
  },
  {
    code: 'maintenance_call',
    setup: async () => {
      const { c, v } = await car({ deliveryDate: '2026-01-06', purchaseDate: '2026-01-06' });
      await insertRo(env.ctx.db, v, '2026-06-21', { kind: 'first_service', mileageKm: 4000 });
      return { customerId: c.id, day: addDays(await dueOf(v.id, '2026-06-22'), -4) };
    },
  },
  {
    code: 'churn_after_first_service',
    setup: async () => {
      const { c, v } = await car({ deliveryDate: '2026-03-01' });
      await insertRo(env.ctx.db, v, addDays(D, -180), { kind: 'first_service', mileageKm: 3000 });
      return { customerId: c.id, day: D };
    },
  },
  {
    code: 'churn_12m',
    setup: async () => {
      const { c, v } = await car({ deliveryDate: '2024-03-01' });
      await insertRo(env.ctx.db, v, addDays(D, -365), { kind: 'maintenance', mileageKm: 30000 });
      return { customerId: c.id, day: D };
    },
  },
  { code: 'birthday', setup: async () => ({ customerId: (await insertCustomer(env.ctx.db, { storeId: store1, birthday: '1990-12-10' })).id, day: D }) },
  { code: 'seasonal_spring_festival', setup: async () => ({ customerId: (await car()).c.id, day: '2027-01-20' }) },
  { code: 'seasonal_rainy', setup: async () => ({ customerId: (await car()).c.id, day: '2027-06-01' }) },
  { code: 'seasonal_winter', setup: async () => ({ customerId: (await car()).c.id, day: '2027-11-01' }) },
  { code: 'insurance_renewal_60', setup: async () => ({ customerId: (await car({ insuranceExpiry: addDays(D, 60) })).c.id, day: D }) },
  { code: 'insurance_renewal_30', setup: async () => ({ customerId: (await car({ insuranceExpiry: addDays(D, 30) })).c.id, day: D }) },
  { code: 'warranty_end', setup: async () => ({ customerId: (await car({ warrantyEnd: addDays(D, 90) })).c.id, day: D }) },
  {
    code: 'preventive_wear',
    setup: async () => {
      const { c, v } = await car({ deliveryDate: '2023-01-01', lastMileageKm: 30_000, lastMileageAt: addDays(D, -2) });
      return { customerId: c.id, day: D, beforeDay: async () => void (await insertRo(env.ctx.db, v, addDays(D, -1), { kind: 'maintenance', mileageKm: 41_000 })) };
    },
  },
  {
    code: 'preventive_fault_code',
    setup: async () => {
      const { c, v } = await car();
      const ro = await insertRo(env.ctx.db, v, D, { kind: 'repair', faultCodes: ['P0300'] });
      await event('repair_order.closed', c, D, { roId: ro.id, roNo: ro.roNo, vehicleId: v.id });
      return { customerId: c.id, day: D };
    },
  },
  {
    code: 'post_service_survey',
    setup: async () => {
      const { c, v } = await car();
      const ro = await insertRo(env.ctx.db, v, addDays(D, -1), { kind: 'maintenance' });
      await event('repair_order.closed', c, addDays(D, -1), { roId: ro.id, roNo: ro.roNo, vehicleId: v.id });
      return { customerId: c.id, day: D };
    },
  },
  {
    code: 'trade_in',
    setup: async () => {
      const { c, v } = await car({ deliveryDate: '2025-01-01', purchaseDate: '2025-01-01' });
      await insertRo(env.ctx.db, v, addDays(D, -40), { kind: 'repair', mileageKm: 20_000 });
      await insertRo(env.ctx.db, v, addDays(D, -20), { kind: 'repair', mileageKm: 21_000 });
      return { customerId: c.id, day: D, beforeDay: async () => void (await insertRo(env.ctx.db, v, addDays(D, -1), { kind: 'repair', mileageKm: 22_000 })) };
    },
  },
  { code: 'win_back', setup: async () => { const c = await customer(); await event('lead.lost', c, addDays(D, -7)); return { customerId: c.id, day: D }; } },
  { code: 'post_event_follow_up', setup: async () => { const c = await customer(); await event('campaign_event.ended', c, D); return { customerId: c.id, day: D }; } },
  { code: 'complaint_revisit', setup: async () => { const c = await customer(); await event('complaint.resolved', c, D); return { customerId: c.id, day: D }; } },
];

describe('default rules fire on their day, not the day before or after', () => {
  it('ships every default rule', async () => {
    const codes = (await env.ctx.db.select({ code: journeyRules.code }).from(journeyRules).where(eq(journeyRules.isDefault, true))).map((r) => r.code).sort();
    expect(codes).toEqual(CASES.map((c) => c.code).sort());
    expect(await svc.ensureDefaultRules()).toBe(0); // idempotent
  });

  for (const tc of CASES) {
    it(tc.code, async () => {
      const { customerId, day, beforeDay } = await tc.setup();
      const before = await dayRun(tc.code, addDays(day, -1), customerId);
      expect(before.error).toBeNull();
      expect(before.fired, `${tc.code} on the day before`).toBe(0);
      await beforeDay?.();
      const on = await dayRun(tc.code, day, customerId);
      expect(on.error).toBeNull();
      expect(on.fired, `${tc.code} on its day ${day}`).toBe(1);
      // Marketing messages need marketing consent, which these owners never gave: held back by the gate, counted.
      if (tc.code.startsWith('seasonal_') || tc.code === 'warranty_end') expect(on.suppressed, `${tc.code} without consent`).toBe(1);
      const after = await dayRun(tc.code, addDays(day, 1), customerId);
      expect(after.fired, `${tc.code} on the day after`).toBe(0);
      const firings = await env.ctx.db.select().from(journeyFirings).where(eq(journeyFirings.customerId, customerId));
      expect(firings).toHaveLength(1);
      expect(firings[0]!.reason.length).toBeGreaterThan(3);
    });
  }
});

describe('at most once per occurrence', () => {
  async function birthdayCrowd(n: number, mmdd: string) {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await insertCustomer(env.ctx.db, { storeId: store1, birthday: `1985-${mmdd}`, serviceAdvisorId: org.staff.get('service1')!.id })).id);
    return ids;
  }
  async function customRule(code: string, actions: { kind: string; params: Record<string, unknown> }[], mmdd: string) {
    const [m, d] = mmdd.split('-').map(Number) as [number, number];
    return svc.createRule(SYSTEM_ACTOR, {
      code,
      storeId: store1,
      nameZh: `测试 ${code}`,
      nameEn: '',
      descriptionZh: '',
      descriptionEn: '',
      enabled: true,
      trigger: { kind: 'date_offset', field: 'customer.birthday', offsetDays: 0 },
      audience: { rule: { op: 'and', children: [{ field: 'customer.birthday_month', cmp: 'eq', value: m }] } },
      conditions: [],
      actions,
    }).then(async (r) => ({ r, day: `2027-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` }));
  }
  const taskAction = { kind: 'create_task', params: { title: '生日回访', kind: 'care', assignTo: 'owner_advisor', dueInDays: 1 } };
  const countTasks = async (ruleId: string) => (await env.ctx.db.select({ id: tasks.id }).from(tasks).where(eq(tasks.sourceRuleId, ruleId))).length;

  it('a re-run of the same day fires nothing new and writes no second task or message', async () => {
    const ids = await birthdayCrowd(5, '03-03');
    const { r, day } = await customRule('rerun', [taskAction, { kind: 'send_message', params: { templateCode: 'journeys.birthday', channel: 'sms', purpose: 'service' } }], '03-03');
    env.clock.set(`${day}T06:00:00+08:00`);
    const first = await svc.run({ kind: 'manual', asOf: day, ruleId: r.id });
    expect(first.report[0]).toMatchObject({ fired: 5, error: null });
    const again = await svc.run({ kind: 'manual', asOf: day, ruleId: r.id });
    expect(again.report[0]).toMatchObject({ fired: 0, evaluated: 5 });
    expect(await countTasks(r.id)).toBe(5);
    expect((await env.ctx.db.select({ id: messages.id }).from(messages).where(eq(messages.sourceRuleId, r.id))).length).toBe(5);
    const c360 = await env.ctx.services.customers.get360(SYSTEM_ACTOR, ids[0]!);
    const journey = c360.timeline.find((e) => e.kind === 'journey');
    expect(journey?.title).toContain('测试 rerun');
    expect(journey?.detail).toContain('生日');
    expect(c360.timeline.some((e) => e.kind === 'task' && e.title.includes('生日回访'))).toBe(true);
  });

  it('a run killed halfway (its transaction gone) fires everything once when resumed', async () => {
    await birthdayCrowd(4, '04-04');
    // The second action fails after the firings and the tasks were written: the whole rule rolls back.
    const { r, day } = await customRule('killed', [taskAction, { kind: 'send_message', params: { templateCode: 'no.such.template', channel: 'sms', purpose: 'service' } }], '04-04');
    env.clock.set(`${day}T06:00:00+08:00`);
    const killed = await svc.run({ kind: 'manual', asOf: day, ruleId: r.id });
    expect(killed.report[0]!.error).toBeTruthy();
    expect(await countTasks(r.id)).toBe(0);
    expect((await env.ctx.db.select().from(journeyFirings).where(eq(journeyFirings.ruleId, r.id))).length).toBe(0);
    await svc.updateRule(SYSTEM_ACTOR, r.id, { version: r.version, actions: [taskAction] });
    const resumed = await svc.run({ kind: 'manual', asOf: day, ruleId: r.id });
    expect(resumed.report[0]).toMatchObject({ fired: 4, error: null });
    const again = await svc.run({ kind: 'manual', asOf: day, ruleId: r.id });
    expect(again.report[0]!.fired).toBe(0);
    expect(await countTasks(r.id)).toBe(4);
  });

  it('two workers running the same day at once fire each customer once', async () => {
    await birthdayCrowd(30, '05-05');
    const { r, day } = await customRule('parallel', [taskAction], '05-05');
    env.clock.set(`${day}T06:00:00+08:00`);
    const runs = await Promise.all([1, 2, 3].map(() => svc.run({ kind: 'manual', asOf: day, ruleId: r.id })));
    expect(runs.map((x) => x.report[0]!.error)).toEqual([null, null, null]);
    expect(runs.reduce((a, x) => a + x.report[0]!.fired, 0)).toBe(30);
    expect(await countTasks(r.id)).toBe(30);
    expect((await env.ctx.db.select().from(journeyFirings).where(eq(journeyFirings.ruleId, r.id))).length).toBe(30);
  });

  it('previews the next 31 days set-based, without what has fired', async () => {
    env.clock.set('2027-06-01T06:00:00+08:00');
    await birthdayCrowd(2, '06-03');
    await birthdayCrowd(3, '06-20');
    const { r } = await customRule('preview', [taskAction], '06-03');
    const p = await svc.preview(SYSTEM_ACTOR, { ruleId: r.id, rule: { ...r, audience: null, actions: [taskAction] } });
    expect(p.days).toHaveLength(31);
    expect(p.days.find((d) => d.day === '2027-06-03')!.count).toBe(2);
    expect(p.days.find((d) => d.day === '2027-06-20')!.count).toBe(3);
    expect(p.total).toBe(5);
    expect(p.sample[0]).toMatchObject({ day: '2027-06-03' });
    await svc.run({ kind: 'manual', asOf: '2027-06-03', ruleId: r.id });
    const after = await svc.preview(SYSTEM_ACTOR, { ruleId: r.id });
    expect(after.days.find((d) => d.day === '2027-06-03')!.count).toBe(0); // audience (June birthdays) and fired keys applied
  });

  it('a 29 February birthday falls on 28 February in common years, and on the 29th in leap years', async () => {
    const rule = await ruleOf('birthday');
    const c = await insertCustomer(env.ctx.db, { storeId: store1, birthday: '2000-02-29' });
    for (const [day, n] of [['2027-02-27', 0], ['2027-02-28', 1], ['2027-03-01', 0], ['2028-02-28', 0], ['2028-02-29', 1]] as const) {
      env.clock.set(`${day}T06:00:00+08:00`);
      const rep = await svc.runRule(rule, { asOf: day, runId: null, onlyStore: null, customerIds: [c.id] });
      expect(rep.fired, day).toBe(n);
    }
  });

  it('the incremental run fires event rules on new domain events once, with its own receipts', async () => {
    env.clock.set('2027-08-08T10:30:00+08:00');
    const c = await insertCustomer(env.ctx.db, { storeId: store1 });
    await env.ctx.db.insert(domainEvents).values({ type: 'sales_order.delivered', customerId: c.id, storeId: store1, payload: { orderNo: 'SO-INC-1' }, createdAt: new Date('2027-08-08T02:00:00Z') });
    const first = await svc.incremental();
    expect(first.customers).toBeGreaterThanOrEqual(1);
    expect(first.run?.report.find((r) => r.code === 'handover')?.fired).toBeGreaterThanOrEqual(1);
    const handover = await ruleOf('handover');
    const f = await env.ctx.db.select().from(journeyFirings).where(and(eq(journeyFirings.ruleId, handover.id), eq(journeyFirings.customerId, c.id)));
    expect(f).toHaveLength(1);
    expect(f[0]!.reason).toContain('SO-INC-1');
    expect((await svc.incremental()).events).toBe(0);
  });

  it('a store switch turns a group rule off for that store only', async () => {
    const rule = await ruleOf('birthday');
    const store2 = org.stores[1]!.id;
    const a = await insertCustomer(env.ctx.db, { storeId: store1, birthday: '1970-07-07' });
    const b = await insertCustomer(env.ctx.db, { storeId: store2, birthday: '1970-07-07' });
    await svc.switchRule(SYSTEM_ACTOR, rule.id, { enabled: false, storeId: store2 });
    env.clock.set('2027-07-07T06:00:00+08:00');
    const rep = await svc.runRule(rule, { asOf: '2027-07-07', runId: null, onlyStore: null, customerIds: [a.id, b.id] });
    expect(rep.fired).toBe(1);
    const f = await env.ctx.db.select().from(journeyFirings).where(eq(journeyFirings.ruleId, rule.id));
    expect(f.map((x) => x.customerId)).toContain(a.id);
    expect(f.map((x) => x.customerId)).not.toContain(b.id);
  });
});

describe('daily rules', () => {
  it('a mileage rule fires once per car, only for a car still in use and still this owner\'s', async () => {
    const rule = await ruleOf('preventive_wear');
    const day = '2027-04-06';
    const over = { deliveryDate: '2023-01-01', lastMileageKm: 50_000, lastMileageAt: addDays(day, -3) };
    const a = await car(over);
    const sold = await car(over);
    const moved = await car(over);
    const newOwner = await customer();
    const ids = [a.c.id, sold.c.id, moved.c.id, newOwner.id];
    env.clock.set(`${day}T06:00:00+08:00`);
    await env.ctx.services.segments.refreshAll(day);
    // Changed after the facts were computed: the rule must not trust the facts' owner or status.
    await env.ctx.db.execute(sql`update vehicles set status = 'sold' where id = ${sold.v.id}`);
    await env.ctx.db.execute(sql`update vehicles set customer_id = ${newOwner.id} where id = ${moved.v.id}`);
    const first = await svc.runRule(rule, { asOf: day, runId: null, onlyStore: null, customerIds: ids });
    expect(first).toMatchObject({ evaluated: 1, fired: 1, error: null });
    const next = addDays(day, 1);
    const second = await dayRunOf(env, 'preventive_wear', next, ids);
    // The moved car fires for its new owner; the first car has fired already and is no longer a candidate.
    expect(second).toMatchObject({ evaluated: 1, fired: 1, error: null });
    const firings = await env.ctx.db.select().from(journeyFirings).where(eq(journeyFirings.ruleId, rule.id));
    const mine = firings.filter((f) => ids.includes(f.customerId)).map((f) => [f.customerId, f.vehicleId]);
    expect(mine.sort()).toEqual([[a.c.id, a.v.id], [newOwner.id, moved.v.id]].sort());
    expect(await dayRunOf(env, 'preventive_wear', addDays(day, 2), ids)).toMatchObject({ evaluated: 0, fired: 0 });
  });

  it('a weekly rule fires once in each ISO week', async () => {
    const c = await customer();
    const r = await svc.createRule(SYSTEM_ACTOR, {
      code: 'weekly_check',
      storeId: store1,
      nameZh: '每周检查',
      nameEn: 'Weekly check',
      descriptionZh: '',
      descriptionEn: '',
      enabled: true,
      trigger: { kind: 'daily', scope: 'customer', period: 'week' },
      audience: null,
      conditions: [],
      actions: [{ kind: 'add_tag', params: { tag: '每周' } }],
    });
    const row = (await env.ctx.db.select().from(journeyRules).where(eq(journeyRules.id, r.id)))[0]!;
    await env.ctx.services.segments.refreshAll('2027-01-04');
    const fired: Record<string, number> = {};
    // 2027-01-04 is the Monday of ISO week 1; the 10th its Sunday; the 11th starts week 2.
    for (const day of ['2027-01-04', '2027-01-05', '2027-01-10', '2027-01-11', '2027-01-12']) {
      env.clock.set(`${day}T06:00:00+08:00`);
      fired[day] = (await svc.runRule(row, { asOf: day, runId: null, onlyStore: null, customerIds: [c.id] })).fired;
    }
    expect(fired).toEqual({ '2027-01-04': 1, '2027-01-05': 0, '2027-01-10': 0, '2027-01-11': 1, '2027-01-12': 0 });
    const keys = (await env.ctx.db.select().from(journeyFirings).where(eq(journeyFirings.ruleId, r.id))).map((f) => f.firingKey).sort();
    expect(keys).toEqual([`daily:2027-W01:${c.id}`, `daily:2027-W02:${c.id}`]);
  });
});

describe('loyalty actions', () => {
  it('the birthday rule gives its ¥500 maintenance coupon once', async () => {
    const c = await insertCustomer(env.ctx.db, { storeId: store1, birthday: '1988-12-12' });
    const day = '2026-12-12';
    const on = await dayRun('birthday', day, c.id);
    expect(on.fired).toBe(1);
    await svc.runRule(await ruleOf('birthday'), { asOf: day, runId: null, onlyStore: null, customerIds: [c.id] });
    const mine = await env.ctx.db.execute<{ title: string; value_fen: number; source: string }>(sql`select title, value_fen::int as value_fen, source::text from coupons where customer_id = ${c.id}`);
    expect(mine.rows).toEqual([{ title: '生日保养券', value_fen: 50_000, source: 'journey' }]);
  });
});
