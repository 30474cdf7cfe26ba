import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../platform/rbac.js';
import type { TestEnv } from '../../testing/harness.js';
import { domainEvents } from '../audit/schema.js';
import { addDays } from '../segments/rules.js';
import { insertCustomer, insertRo, insertVehicle, at } from '../segments/test-fixtures.js';
import { journeyRules } from './schema.js';
import type { TJourneysService } from './service.js';
import { dayRun, journeysTestEnv } from './test-fixtures.js';

/** The actions other modules contribute to the journeys registry: loyalty's coupon and points, the surveys' invitation. */
let env: TestEnv;
let svc: TJourneysService;
let store1: string;
let modelId: string;

beforeAll(async () => {
  ({ env, svc, store1, modelId } = await journeysTestEnv());
});
afterAll(() => env.close());

const run = (code: string, day: string, customerIds: string[]) => dayRun(env, code, day, customerIds);

const count = async (q: ReturnType<typeof sql>) => Number((await env.ctx.db.execute<{ n: number }>(q)).rows[0]!.n);

describe('journey actions from loyalty and surveys', () => {
  it('the birthday rule gives its ¥500 maintenance coupon once, however often the day is run', async () => {
    const c = await insertCustomer(env.ctx.db, { storeId: store1, birthday: '1988-12-12' });
    const first = await run('birthday', '2026-12-12', [c.id]);
    expect(first.error).toBeNull();
    expect(first.fired).toBe(1);
    // The same day again, and two workers at once.
    await run('birthday', '2026-12-12', [c.id]);
    await Promise.all([run('birthday', '2026-12-12', [c.id]), run('birthday', '2026-12-12', [c.id])]);
    const coupons = await env.ctx.db.execute<{ title: string; value_fen: number; source: string; status: string }>(
      sql`select title, value_fen::int as value_fen, source, status from coupons where customer_id = ${c.id}`,
    );
    expect(coupons.rows).toEqual([{ title: '生日保养券', value_fen: 50_000, source: 'journey', status: 'issued' }]);
  });

  it('send_survey invites the owner the day after an RO closes, once, with a link through messaging', async () => {
    const c = await insertCustomer(env.ctx.db, { storeId: store1, mobile: '13912340001' });
    const v = await insertVehicle(env.ctx.db, c, { modelId, deliveryDate: '2025-03-01', purchaseDate: '2025-03-01' });
    const day = '2026-12-15';
    const ro = await insertRo(env.ctx.db, v, addDays(day, -1), { kind: 'maintenance' });
    await env.ctx.db.insert(domainEvents).values({ type: 'repair_order.closed', customerId: c.id, storeId: store1, payload: { roId: ro.id, roNo: ro.roNo, vehicleId: v.id }, createdAt: at(addDays(day, -1)) });
    expect((await run('post_service_survey', addDays(day, -1), [c.id])).fired).toBe(0);
    const on = await run('post_service_survey', day, [c.id]);
    expect(on.error).toBeNull();
    expect(on.fired).toBe(1);
    await run('post_service_survey', day, [c.id]);
    expect(await count(sql`select count(*)::int as n from survey_invitations i join survey_templates t on t.id = i.template_id where i.customer_id = ${c.id} and t.code = 'default_service'`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from messages where customer_id = ${c.id}`)).toBe(1);
  });

  it('award_points credits the ledger once per firing, however often the day is run', async () => {
    const c = await insertCustomer(env.ctx.db, { storeId: store1, birthday: '1991-12-20' });
    const rule = await svc.createRule(SYSTEM_ACTOR, {
        code: 'birthday_points',
        storeId: store1,
        nameZh: '生日积分',
        nameEn: 'Birthday points',
        descriptionZh: '',
        descriptionEn: '',
        enabled: true,
        trigger: { kind: 'date_offset', field: 'customer.birthday', offsetDays: 0 },
        audience: { rule: { op: 'and', children: [{ field: 'customer.birthday_month', cmp: 'eq', value: 12 }] } },
        conditions: [],
        actions: [{ kind: 'award_points', params: { points: 200, reason: '生日积分' } }],
    });
    env.clock.set('2026-12-20T06:00:00+08:00');
    await env.ctx.services.segments.refreshAll('2026-12-20');
    const [stored] = await env.ctx.db.select().from(journeyRules).where(eq(journeyRules.id, rule.id));
    for (let i = 0; i < 2; i++) await svc.runRule(stored!, { asOf: '2026-12-20', runId: null, onlyStore: null, customerIds: [c.id] });
    expect(await count(sql`select coalesce(sum(points), 0)::int as n from loyalty_ledger where customer_id = ${c.id}`)).toBe(200);
  });
});
