/**
 * A daily rule whose audience is the facts alone reads, after its first complete evaluation, only what can be new
 * (the facts written since, the cars whose estimate crossed the mark). Property: day after day on generated data,
 * with records changing on the way, it fires exactly what a twin rule evaluating everyone fires.
 */
import fc from 'fast-check';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TRuleCreate } from '../../../contracts/journeys.js';
import { SYSTEM_ACTOR } from '../../platform/rbac.js';
import { seedDemo } from '../../seed/demo.js';
import { createTestEnv, type TestEnv } from '../../testing/harness.js';
import { addDays } from '../segments/rules.js';
import { insertRo, insertVehicle } from '../segments/test-fixtures.js';
import { journeyFirings, journeyRuleMarks, journeyRules } from './schema.js';

const START = '2026-11-23';
let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv({ now: `${START}T06:00:00+08:00` });
  await seedDemo(env.ctx.db, { size: 300, seed: 7, asOf: START });
}, 120_000);
afterAll(() => env?.close());

const db = () => env.ctx.db;
const journeys = () => env.ctx.services.journeys;

async function rule(code: string, def: Pick<TRuleCreate, 'trigger' | 'conditions'>) {
  const r = await journeys().createRule(SYSTEM_ACTOR, {
    code,
    nameZh: code,
    nameEn: code,
    descriptionZh: '',
    descriptionEn: '',
    enabled: true,
    audience: null,
    actions: [{ kind: 'add_tag', params: { tag: code } }],
    ...def,
  });
  return (await db().select().from(journeyRules).where(eq(journeyRules.id, r.id)))[0]!;
}

const keysOf = async (ruleId: string) =>
  (await db().select({ k: journeyFirings.firingKey }).from(journeyFirings).where(eq(journeyFirings.ruleId, ruleId))).map((x) => x.k).sort();

describe('a daily rule over the facts alone', () => {
  it('fires day after day exactly what a full evaluation fires', async () => {
    const mileage: Pick<TRuleCreate, 'trigger' | 'conditions'> = { trigger: { kind: 'daily', scope: 'vehicle', period: 'once' }, conditions: [{ kind: 'mileage_over', km: 60_000 }] };
    const tradeIn: Pick<TRuleCreate, 'trigger' | 'conditions'> = { trigger: { kind: 'daily', scope: 'customer', period: 'quarter' }, conditions: [{ kind: 'trade_in_candidate' }] };
    const pairs = [
      [await rule('marks_km', mileage), await rule('full_km', mileage)],
      [await rule('marks_trade', tradeIn), await rule('full_trade', tradeIn)],
    ] as const;
    let day = START;
    let usedMarks = 0;
    let fired = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 4 }), async (step, change) => {
        day = addDays(day, step);
        env.clock.set(`${day}T06:00:00+08:00`);
        // Records change on some days; the event path refreshes those owners' facts at once on some, not on others.
        const [v] = (await db().execute<{ id: string; customer_id: string; store_id: string }>(sql`
          select v.id, v.customer_id, v.store_id from vehicles v where v.status = 'in_use' order by md5(v.id::text || ${day}) limit 1`)).rows;
        if (v && change === 1) {
          await insertRo(db(), { id: v.id, customerId: v.customer_id, storeId: v.store_id }, addDays(day, -1), { kind: 'repair', mileageKm: 58_000 + step * 500 });
          await env.ctx.services.segments.refreshFacts({ asOf: day, customerIds: [v.customer_id] });
        } else if (v && change === 2) {
          await insertVehicle(db(), { id: v.customer_id, storeId: v.store_id }, { purchaseDate: addDays(day, -1500), deliveryDate: addDays(day, -1500), lastMileageKm: 59_500, lastMileageAt: addDays(day, -20) });
        } else if (v && change === 3) {
          await db().execute(sql`update vehicles set status = 'sold' where id = ${v.id}`);
        }
        await env.ctx.services.segments.refreshDaily(day);
        for (const [withMarks, everyone] of pairs) {
          const mark = (await db().select().from(journeyRuleMarks).where(eq(journeyRuleMarks.ruleId, withMarks.id)))[0];
          if (mark && mark.asOf < day) usedMarks++;
          await db().delete(journeyRuleMarks).where(eq(journeyRuleMarks.ruleId, everyone.id));
          for (const r of [withMarks, everyone]) {
            const rep = await journeys().runRule(r, { asOf: day, runId: null, onlyStore: null });
            expect(rep.error).toBeNull();
            fired += rep.fired;
          }
          expect({ day, rule: withMarks.code, keys: await keysOf(withMarks.id) }).toEqual({ day, rule: withMarks.code, keys: await keysOf(everyone.id) });
        }
      }),
      { numRuns: 30, seed: 20261202 },
    );
    // Meaningful only if the marks were used and things fired on the way.
    expect(usedMarks).toBeGreaterThan(20);
    expect(fired).toBeGreaterThan(40);
  }, 300_000);

  it('evaluates everyone again after a switch, or for an earlier day; only what changed otherwise', async () => {
    const r = await rule('marks_reset', { trigger: { kind: 'daily', scope: 'customer', period: 'once' }, conditions: [{ kind: 'owners' }] });
    const run = async (day: string, row = r) => {
      env.clock.set(`${day}T06:00:00+08:00`);
      await env.ctx.services.segments.refreshDaily(day);
      const rep = await journeys().runRule(row, { asOf: day, runId: null, onlyStore: null });
      expect(rep.error).toBeNull();
      return rep.fired;
    };
    const d0 = '2027-09-01';
    expect(await run(d0)).toBeGreaterThan(100);
    expect((await db().select().from(journeyRuleMarks).where(eq(journeyRuleMarks.ruleId, r.id)))[0]).toMatchObject({ asOf: d0, ruleVersion: r.version });
    expect(await run(addDays(d0, 3))).toBe(0);
    // A member whose facts were not written since is not read again: take one of its firings away
    // (as if it had never fired) and only an evaluation of everyone finds it.
    const forget = async () => {
      const [f] = (await db().execute<{ id: string }>(sql`delete from journey_firings where id = (
          select jf.id from journey_firings jf join customer_facts cf on cf.customer_id = jf.customer_id
          where jf.rule_id = ${r.id} and cf.computed_at < ${`${d0}T12:00:00+08:00`}::timestamptz limit 1) returning id`)).rows;
      expect(f).toBeDefined();
    };
    await forget();
    const d6 = addDays(d0, 6);
    expect(await run(d6)).toBe(0);
    const [store] = (await db().execute<{ id: string }>(sql`select id from stores order by id limit 1`)).rows;
    await journeys().switchRule(SYSTEM_ACTOR, r.id, { enabled: true, storeId: store!.id });
    expect(await run(d6)).toBe(1);
    await forget();
    expect(await run(addDays(d0, 7))).toBe(0);
    expect(await run(addDays(d0, 5))).toBe(1);
  }, 120_000);
});
