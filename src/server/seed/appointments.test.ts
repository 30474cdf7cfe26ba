import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customers } from '../modules/customers/schema.js';
import { createTestEnv, type TestEnv } from '../testing/harness.js';
import { seedDemo, seedDemoService } from './demo.js';
import { DEMO_OWNER_MOBILE } from './portal-owner.js';

let env: TestEnv;
const AS_OF = '2026-11-23'; // 10:00 Beijing = the harness clock

beforeAll(async () => {
  env = await createTestEnv();
  await seedDemo(env.ctx.db, { size: 400, seed: 3, asOf: AS_OF });
  await seedDemoService(env.ctx.db, { asOf: AS_OF, seed: 3 });
});
afterAll(() => env?.close());

describe('demo appointments', () => {
  it('fill the stores’ slots without exceeding any capacity, with believable states around today', async () => {
    const { rows } = await env.ctx.db.execute<{ over: number; total: number; future_done: number; past_open: number; stores: number; settings: number }>(sql`
      select
        (select count(*)::int from (
          select a.store_id, a.slot_start, count(*) n, min(least(s.bays, s.technicians)) cap from appointments a
          join appointment_settings s on s.store_id = a.store_id where a.status in ('booked', 'checked_in') group by 1, 2) x where n > cap) as over,
        (select count(*)::int from appointments) as total,
        (select count(*)::int from appointments where slot_start > '2026-11-23T02:00:00Z' and status in ('checked_in', 'no_show')) as future_done,
        (select count(*)::int from appointments where slot_end < '2026-11-23T01:00:00Z' and status = 'booked') as past_open,
        (select count(distinct store_id)::int from appointments) as stores,
        (select count(*)::int from appointment_settings) as settings`);
    expect(rows[0]).toMatchObject({ over: 0, future_done: 0, past_open: 0, stores: 3, settings: 3 });
    expect(rows[0]!.total).toBeGreaterThan(100);
    const byStatus = await env.ctx.db.execute<{ status: string; n: number }>(sql`select status::text, count(*)::int as n from appointments group by 1`);
    const n = Object.fromEntries(byStatus.rows.map((r) => [r.status, r.n]));
    for (const s of ['booked', 'checked_in', 'no_show', 'cancelled']) expect(n[s], s).toBeGreaterThan(0);
  });

  it('give the portal demo owner a car in the workshop, a booked service and a new car on its way', async () => {
    const [c] = await env.ctx.db.select().from(customers).where(eq(customers.mobile, DEMO_OWNER_MOBILE));
    expect(c).toBeTruthy();
    const owner = { customerId: c!.id, storeId: c!.storeId, sessionId: 'seed' };
    const home = await env.ctx.services.portal.home(owner);
    expect(home).toMatchObject({ name: '林晓峰', unreadCount: 2 });
    const inShop = home.garage.vehicles.find((v) => v.openRepairOrder);
    expect(inShop?.openRepairOrder).toMatchObject({ stage: 'repair' });
    expect(inShop!.openRepairOrder!.stages.map((s) => s.stage)).toEqual(['booked', 'received', 'diagnosis', 'repair']);
    expect(home.garage.vehicles.find((v) => v.openSalesOrder)?.openSalesOrder).toMatchObject({ milestone: 'transport' });
    expect(home.nextAppointment).toMatchObject({ kind: 'maintenance', status: 'booked', localDate: '2026-11-25' });
    // seeding again changes nothing
    await seedDemoService(env.ctx.db, { asOf: AS_OF, seed: 3 });
    const again = await env.ctx.db.select({ n: sql<number>`count(*)::int` }).from(customers).where(eq(customers.mobile, DEMO_OWNER_MOBILE));
    expect(again[0]!.n).toBe(1);
  });
});
