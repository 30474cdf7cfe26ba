import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.js';
import { seedDemoOrg, type SeededOrg } from '../../seed/org.js';
import { createTestEnv, type TestEnv } from '../../testing/harness.js';
import { seedCustomer } from '../messaging/fixtures.js';
import { credit, debit, evaluateTiers, expireDue, reconcile } from './ledger.js';

let env: TestEnv;
let org: SeededOrg;
let store1: string;

beforeAll(async () => {
  env = await createTestEnv();
  org = await seedDemoOrg(env.ctx.db);
  store1 = org.stores[0]!.id;
});
afterAll(() => env.close());

const at = (iso: string) => new Date(iso);

async function balanceOf(customerId: string): Promise<number> {
  const r = await env.ctx.db.execute<{ balance: number }>(sql`select balance from loyalty_accounts where customer_id = ${customerId}`);
  return r.rows[0]?.balance ?? 0;
}

describe('ledger', () => {
  it('is append-only', async () => {
    const c = await seedCustomer(env.ctx.db, store1);
    await credit(env.ctx.db, { customerId: c.id, points: 10, reason: 'test', idempotencyKey: `t:${c.id}`, at: at('2026-01-05T00:00:00Z') });
    await expect(env.ctx.db.execute(sql`update loyalty_ledger set points = 99 where customer_id = ${c.id}`)).rejects.toMatchObject({ cause: { message: expect.stringMatching(/append-only/) as unknown } });
    await expect(env.ctx.db.execute(sql`delete from loyalty_ledger where customer_id = ${c.id}`)).rejects.toMatchObject({ cause: { message: expect.stringMatching(/append-only/) as unknown } });
  });

  it('replays an idempotency key without a second effect', async () => {
    const c = await seedCustomer(env.ctx.db, store1);
    const a = await credit(env.ctx.db, { customerId: c.id, points: 100, reason: 'RO', idempotencyKey: `ro:${c.id}`, at: at('2026-03-01T00:00:00Z') });
    const b = await credit(env.ctx.db, { customerId: c.id, points: 100, reason: 'RO', idempotencyKey: `ro:${c.id}`, at: at('2026-03-01T00:00:00Z') });
    expect(b).toMatchObject({ entryId: a.entryId, duplicate: true, balance: 100 });
    const d1 = await debit(env.ctx.db, { customerId: c.id, points: 30, kind: 'redeem', reason: 'r', idempotencyKey: `r:${c.id}`, at: at('2026-03-02T00:00:00Z') });
    const d2 = await debit(env.ctx.db, { customerId: c.id, points: 30, kind: 'redeem', reason: 'r', idempotencyKey: `r:${c.id}`, at: at('2026-03-02T00:00:00Z') });
    expect(d2).toMatchObject({ entryId: d1.entryId, duplicate: true });
    expect(await balanceOf(c.id)).toBe(70);
  });

  it('consumes the oldest lots first and expires at the end of the year after earning (store time)', async () => {
    const c = await seedCustomer(env.ctx.db, store1);
    // 2025-12-31 20:00 UTC is already 2026-01-01 in Shanghai: that lot lives until the end of 2027.
    await credit(env.ctx.db, { customerId: c.id, points: 50, reason: 'a', idempotencyKey: `a:${c.id}`, at: at('2025-06-01T00:00:00Z') });
    await credit(env.ctx.db, { customerId: c.id, points: 40, reason: 'b', idempotencyKey: `b:${c.id}`, at: at('2025-12-31T20:00:00Z') });
    const lots = await env.ctx.db.execute<{ points: number; expires_at: Date }>(sql`select points, expires_at from loyalty_lots where customer_id = ${c.id} order by earned_at`);
    expect(lots.rows.map((l) => new Date(l.expires_at).toISOString())).toEqual(['2026-12-31T16:00:00.000Z', '2027-12-31T16:00:00.000Z']);
    await debit(env.ctx.db, { customerId: c.id, points: 60, kind: 'redeem', reason: 'r', idempotencyKey: `r:${c.id}`, at: at('2026-02-01T00:00:00Z') });
    const rem = await env.ctx.db.execute<{ remaining: number }>(sql`select remaining from loyalty_lots where customer_id = ${c.id} order by earned_at`);
    expect(rem.rows.map((r) => r.remaining)).toEqual([0, 30]);
    await env.ctx.db.transaction((tx) => expireDue(tx, at('2028-01-01T00:00:00Z')));
    expect(await balanceOf(c.id)).toBe(0);
    expect(await reconcile(env.ctx.db, [c.id])).toEqual([]);
  });

  it('refuses to overspend', async () => {
    const c = await seedCustomer(env.ctx.db, store1);
    await credit(env.ctx.db, { customerId: c.id, points: 10, reason: 'a', idempotencyKey: `o:${c.id}`, at: at('2026-01-05T00:00:00Z') });
    await expect(debit(env.ctx.db, { customerId: c.id, points: 11, kind: 'redeem', reason: 'r', idempotencyKey: `x:${c.id}`, at: at('2026-01-06T00:00:00Z') })).rejects.toMatchObject({
      code: 'insufficient-points',
    });
  });

  it('never goes negative under 40 parallel redemptions', async () => {
    const c = await seedCustomer(env.ctx.db, store1);
    for (let i = 0; i < 5; i++) await credit(env.ctx.db, { customerId: c.id, points: 100, reason: 'lot', idempotencyKey: `p${i}:${c.id}`, at: at(`2026-0${i + 1}-01T00:00:00Z`) });
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        env.ctx.db.transaction((tx) => debit(tx, { customerId: c.id, points: 30, kind: 'redeem', reason: 'r', idempotencyKey: `par${i}:${c.id}`, at: at('2026-06-01T00:00:00Z') })),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    expect(ok).toBe(16); // 500 / 30
    for (const r of results) if (r.status === 'rejected') expect((r.reason as AppError).code).toBe('insufficient-points');
    expect(await balanceOf(c.id)).toBe(20);
    expect(await reconcile(env.ctx.db, [c.id])).toEqual([]);
  });

  it('keeps its invariants over random sequences of earn / redeem / expire / adjust / donate (parallel too)', async () => {
    const op = fc.oneof(
      fc.record({ t: fc.constant('earn' as const), points: fc.integer({ min: 1, max: 500 }), day: fc.integer({ min: 0, max: 1500 }) }),
      fc.record({ t: fc.constantFrom('redeem' as const, 'donate' as const, 'adjust-' as const), points: fc.integer({ min: 1, max: 400 }), day: fc.integer({ min: 0, max: 1500 }) }),
      fc.record({ t: fc.constant('adjust+' as const), points: fc.integer({ min: 1, max: 200 }), day: fc.integer({ min: 0, max: 1500 }) }),
      fc.record({ t: fc.constant('expire' as const), points: fc.constant(0), day: fc.integer({ min: 0, max: 1500 }) }),
      fc.record({ t: fc.constant('replay' as const), points: fc.constant(0), day: fc.constant(0) }),
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), fc.boolean(), async (ops, parallel) => {
        const c = await seedCustomer(env.ctx.db, store1);
        run++;
        let lastKey: string | null = null;
        const exec = async (o: (typeof ops)[number], i: number) => {
          const when = new Date(Date.UTC(2025, 0, 1) + o.day * 86_400_000);
          const key = `prop${run}:${i}:${c.id}`;
          try {
            await env.ctx.db.transaction(async (tx) => {
              if (o.t === 'earn' || o.t === 'adjust+') await credit(tx, { customerId: c.id, points: o.points, kind: o.t === 'earn' ? 'earn' : 'adjust', reason: o.t, idempotencyKey: key, at: when });
              else if (o.t === 'expire') await expireDue(tx, when);
              else if (o.t === 'replay') {
                if (lastKey) await credit(tx, { customerId: c.id, points: 1, reason: 'replay', idempotencyKey: lastKey, at: when });
              } else await debit(tx, { customerId: c.id, points: o.points, kind: o.t === 'adjust-' ? 'adjust' : o.t, reason: o.t, idempotencyKey: key, at: when });
            });
            if (o.t === 'earn') lastKey = key;
          } catch (err) {
            if (!(err instanceof AppError && err.code === 'insufficient-points')) throw err;
          }
        };
        if (parallel) await Promise.all(ops.map((o, i) => exec(o, i)));
        else for (const [i, o] of ops.entries()) await exec(o, i);
        expect(await reconcile(env.ctx.db, [c.id])).toEqual([]);
        const sums = await env.ctx.db.execute<{ earned: number; consumed: number; outstanding: number; balance: number }>(sql`
          select (select coalesce(sum(points), 0) from loyalty_ledger where customer_id = ${c.id} and points > 0)::int as earned,
                 (select coalesce(sum(-points), 0) from loyalty_ledger where customer_id = ${c.id} and points < 0)::int as consumed,
                 (select coalesce(sum(remaining), 0) from loyalty_lots where customer_id = ${c.id})::int as outstanding,
                 (select coalesce(max(balance), 0) from loyalty_accounts where customer_id = ${c.id})::int as balance`);
        const s = sums.rows[0]!;
        expect(s.earned).toBe(s.consumed + s.outstanding);
        expect(s.balance).toBe(s.outstanding);
        expect(s.balance).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 25 },
    );
  });

  it('upgrades on crossing a threshold; the yearly review downgrades', async () => {
    const c = await seedCustomer(env.ctx.db, store1);
    const now = at('2026-05-01T00:00:00Z');
    await credit(env.ctx.db, { customerId: c.id, points: 3500, reason: 'big RO', idempotencyKey: `tier:${c.id}`, at: now });
    await evaluateTiers(env.ctx.db, { customerIds: [c.id], mode: 'upgrade', now, reason: 'earn' });
    let a = await env.ctx.db.execute<{ tier_code: string }>(sql`select tier_code from loyalty_accounts where customer_id = ${c.id}`);
    expect(a.rows[0]!.tier_code).toBe('companion');
    await evaluateTiers(env.ctx.db, { customerIds: [c.id], mode: 'upgrade', now: at('2027-06-01T00:00:00Z'), reason: 'earn' });
    a = await env.ctx.db.execute<{ tier_code: string }>(sql`select tier_code from loyalty_accounts where customer_id = ${c.id}`);
    expect(a.rows[0]!.tier_code).toBe('companion');
    await evaluateTiers(env.ctx.db, { customerIds: [c.id], mode: 'review', now: at('2027-06-01T00:00:00Z'), reason: 'review' });
    a = await env.ctx.db.execute<{ tier_code: string }>(sql`select tier_code from loyalty_accounts where customer_id = ${c.id}`);
    expect(a.rows[0]!.tier_code).toBe('explorer');
    const h = await env.ctx.db.execute<{ from_code: string; to_code: string }>(sql`select from_code, to_code from loyalty_tier_history where customer_id = ${c.id} order by at`);
    expect(h.rows).toEqual([
      { from_code: 'explorer', to_code: 'companion' },
      { from_code: 'companion', to_code: 'explorer' },
    ]);
  });
});
