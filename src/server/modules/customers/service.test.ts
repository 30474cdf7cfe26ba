import { eq, sql } from 'drizzle-orm';
import type { TCustomerListQuery } from '../../../contracts/customers.js';
import { completeVin } from '../../../contracts/validators.js';
import { vehicleModels, vehicles } from '../vehicles/schema.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../platform/errors.js';
import type { Actor } from '../../platform/rbac.js';
import { seedDemoOrg, type SeededOrg } from '../../seed/org.js';
import { createTestEnv, type TestEnv } from '../../testing/harness.js';
import { customers, customerTags, tags } from './schema.js';

let env: TestEnv;
let org: SeededOrg;
let sales1: Actor;

beforeAll(async () => {
  env = await createTestEnv();
  org = await seedDemoOrg(env.ctx.db);
  const s = org.staff.get('sales1')!;
  sales1 = { staffId: s.id, username: s.username, displayName: s.displayName, role: s.role, storeId: s.storeId };
  // Open the pool's connections up front: on a cold pool the first caller finishes on the first connection while the
  // others are still authenticating, and the race under test never happens.
  await Promise.all(Array.from({ length: 8 }, () => env.ctx.db.execute(sql`select pg_sleep(0.05)`)));
});
afterAll(() => env.close());

describe('customers service — mobile uniqueness under races', () => {
  it('turns the unique-index violation of a racing create into the same 409 naming the winner', async () => {
    const svc = env.ctx.services.customers;
    const mobile = '+8613700009999';
    // Started together, every call passes the pre-check before any insert commits: only the unique index decides.
    const results = await Promise.allSettled(Array.from({ length: 4 }, (_, i) => svc.create(sales1, { name: `并发${i}`, mobile })));
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(3);
    const winnerId = (won[0] as PromiseFulfilledResult<{ id: string }>).value.id;
    for (const l of lost) {
      expect(l.reason).toBeInstanceOf(ConflictError);
      expect((l.reason as ConflictError).extra).toEqual({ existing: { type: 'customer', id: winnerId, label: expect.stringMatching(/^并发/) } });
    }
    expect(await env.ctx.db.select().from(customers).where(eq(customers.mobile, mobile))).toHaveLength(1);
  });

  it('does the same for racing updates to one number', async () => {
    const svc = env.ctx.services.customers;
    const a = await svc.create(sales1, { name: '甲', mobile: '+8613700008881' });
    const b = await svc.create(sales1, { name: '乙', mobile: '+8613700008882' });
    const mobile = '+8613700008883';
    const results = await Promise.allSettled([svc.update(sales1, a.id, { mobile }), svc.update(sales1, b.id, { mobile })]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    expect(lost.reason).toBeInstanceOf(ConflictError);
  });
});

describe('customers service — tag and vehicle filters, whichever side drives the query', () => {
  // Under the store's candidate limit (2,500) the matching ids drive; over it the list walks the sort index and tests
  // each customer, or — for 建档时间 sorts — walks the filter's own rows in that order. Every plan must give the
  // same pages. Creation times correlate with the filters (the big tag's members are the oldest customers, as a
  // trade-in-intent tag is in real data) and come in pairs, so ties are broken by id.
  const N = 4_000;
  const BIG = 2_600;
  let store3: string;
  let manager3: Actor;
  let admin: Actor;
  let bigTag: string;
  let smallTag: string;
  let model: string;

  beforeAll(async () => {
    const db = env.ctx.db;
    store3 = org.stores[2]!.id;
    const m = org.staff.get('manager3')!;
    manager3 = { staffId: m.id, username: m.username, displayName: m.displayName, role: m.role, storeId: m.storeId };
    const a = org.staff.get('admin')!;
    admin = { staffId: a.id, username: a.username, displayName: a.displayName, role: a.role, storeId: a.storeId };
    const rows = await db
      .insert(customers)
      .values(Array.from({ length: N }, (_, i) => ({ storeId: store3, name: `批量${String(i % 97).padStart(2, '0')}`, mobile: `+86158${String(i).padStart(8, '0')}` })))
      .returning({ id: customers.id });
    const [t1, t2] = await db.insert(tags).values([{ name: '批量大标签' }, { name: '批量小标签' }]).returning();
    bigTag = t1!.id;
    smallTag = t2!.id;
    await db.insert(customerTags).values(rows.slice(0, BIG).map((r) => ({ customerId: r.id, tagId: bigTag, storeId: store3 })));
    await db.insert(customerTags).values(rows.slice(BIG, BIG + 7).map((r) => ({ customerId: r.id, tagId: smallTag, storeId: store3 })));
    const [vm] = await db
      .insert(vehicleModels)
      .values({ brand: '极光', series: 'J5', name: '批量', bodyType: 'sedan', powertrain: 'bev', seats: 5, minPriceFen: 1, maxPriceFen: 2, maintenanceIntervalMonths: 12, maintenanceIntervalKm: 10_000 })
      .returning();
    model = vm!.id;
    // Every customer owns a car; four in five are of the model; the first 3,000 bought in 2024, the others in 2022.
    await db.insert(vehicles).values(
      rows.map((r, i) => ({
        customerId: r.id,
        storeId: store3,
        vin: completeVin('LJ1EEASA', String(30_000_000 + i)),
        modelId: i % 5 ? model : null,
        purchaseDate: i < 3_000 ? '2024-05-01' : '2022-05-01',
      })),
    );
    // Created after the tags and cars on purpose: the copies of created_at must follow a change.
    await db.execute(sql`
      update customers c set created_at = timestamptz '2021-01-01 00:00:00+00' + (x.n / 2) * interval '1 hour'
        from unnest(${sql.param(rows.map((r) => r.id))}::uuid[]) with ordinality as x(id, n) where c.id = x.id`);
    await db.execute(sql`analyze customers, customer_tags, vehicles`);
  });

  const walk = async (q: Partial<TCustomerListQuery>, actor: Actor = manager3) => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 50; i++) {
      const page = await env.ctx.services.customers.list(actor, { limit: 200, sort: 'name_asc', ...q, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((x) => x.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    return seen;
  };
  const ORDER = {
    name_asc: sql`c.name asc, c.id asc`,
    name_desc: sql`c.name desc, c.id desc`,
    created_asc: sql`c.created_at asc, c.id asc`,
    created_desc: sql`c.created_at desc, c.id desc`,
  } as const;
  const expected = async (cond: ReturnType<typeof sql>, sort: keyof typeof ORDER = 'name_asc', storeOnly = true) =>
    (
      await env.ctx.db.execute<{ id: string }>(sql`
        select c.id from customers c where c.status = 'active' ${storeOnly ? sql`and c.store_id = ${store3}` : sql``} and ${cond}
        order by ${ORDER[sort]}`)
    ).rows.map((r) => r.id);
  const hasTag = (tag: string) => sql`exists (select 1 from customer_tags ct where ct.customer_id = c.id and ct.tag_id = ${tag})`;

  it('pages a big tag (index walk) and a small tag (ids drive) completely and in order', async () => {
    const big = await walk({ tagId: bigTag });
    expect(big).toHaveLength(BIG);
    expect(big).toEqual(await expected(hasTag(bigTag)));
    const small = await walk({ tagId: smallTag });
    expect(small).toHaveLength(7);
    expect(small).toEqual(await expected(hasTag(smallTag)));
  });

  it('combines a tag with vehicle conditions that one vehicle must meet together', async () => {
    const both = await walk({ tagId: bigTag, modelId: model, purchasedFrom: '2024-01-01', sort: 'created_desc' });
    const want = await expected(
      sql`${hasTag(bigTag)} and exists (select 1 from vehicles v where v.customer_id = c.id and v.model_id = ${model} and v.purchase_date >= '2024-01-01')`,
      'created_desc',
    );
    expect(want.length).toBeGreaterThan(100);
    expect(both).toEqual(want);
  });

  it('keeps the copied creation times equal to the customers’ own', async () => {
    const stale = await env.ctx.db.execute(sql`
      select 1 from customer_tags ct join customers c on c.id = ct.customer_id where ct.customer_created_at <> c.created_at
      union all select 1 from vehicles v join customers c on c.id = v.customer_id where v.customer_created_at <> c.created_at`);
    expect(stale.rows).toHaveLength(0);
  });

  const FILTERS: { name: string; q: Partial<TCustomerListQuery>; cond: () => ReturnType<typeof sql> }[] = [
    { name: 'big tag', q: {}, cond: () => hasTag(bigTag) },
    { name: 'small tag', q: {}, cond: () => hasTag(smallTag) },
    { name: 'model', q: {}, cond: () => sql`exists (select 1 from vehicles v where v.customer_id = c.id and v.model_id = ${model})` },
    { name: 'purchase year', q: { purchasedFrom: '2024-01-01', purchasedTo: '2024-12-31' }, cond: () => sql`exists (select 1 from vehicles v where v.customer_id = c.id and v.purchase_date between '2024-01-01' and '2024-12-31')` },
    {
      name: 'big tag + purchase year',
      q: { purchasedFrom: '2022-01-01', purchasedTo: '2022-12-31' },
      cond: () => sql`${hasTag(bigTag)} and exists (select 1 from vehicles v where v.customer_id = c.id and v.purchase_date between '2022-01-01' and '2022-12-31')`,
    },
  ];
  const qOf = (f: (typeof FILTERS)[number]) => ({
    ...f.q,
    ...(f.name.includes('big tag') ? { tagId: bigTag } : f.name === 'small tag' ? { tagId: smallTag } : f.name === 'model' ? { modelId: model } : {}),
  });

  for (const sort of ['created_desc', 'created_asc', 'name_asc', 'name_desc'] as const) {
    it(`pages every filter ${sort} exactly like a plain query, for a store and for the group`, async () => {
      for (const f of FILTERS) {
        const want = await expected(f.cond(), sort);
        expect(await walk({ ...qOf(f), sort }), `${f.name} ${sort} (store)`).toEqual(want);
        expect(await walk({ ...qOf(f), sort }, admin), `${f.name} ${sort} (group)`).toEqual(await expected(f.cond(), sort, false));
      }
    });
  }
});
