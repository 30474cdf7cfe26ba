import { and, eq, sql } from 'drizzle-orm';
import { seedDemoOrg } from '../../seed/org.js';
import { createTestEnv, type TestEnv } from '../../testing/harness.js';
import { insertModel } from '../segments/test-fixtures.js';
import { journeyRules } from './schema.js';

/**
 * The journeys tests' world: a test environment on 2026-12-01, the demo organisation, the default rules, and a model
 * serviced first after 3 months, then every 6 months or 10,000 km.
 */
export async function journeysTestEnv() {
  const env = await createTestEnv({ now: '2026-12-01T00:00:00Z' });
  const org = await seedDemoOrg(env.ctx.db);
  const svc = env.ctx.services.journeys;
  const modelId = (await insertModel(env.ctx.db, { firstServiceMonths: 3, maintenanceIntervalMonths: 6, maintenanceIntervalKm: 10_000 })).id;
  await svc.ensureDefaultRules();
  return { env, org, svc, store1: org.stores[0]!.id, modelId };
}

/** The group's rule of that code (the default rules are group rules). */
export async function groupRule(env: TestEnv, code: string) {
  const [r] = await env.ctx.db
    .select()
    .from(journeyRules)
    .where(and(eq(journeyRules.code, code), sql`store_id is null`));
  return r!;
}

/** 06:00 Beijing on a day, the daily run's hour: the facts refreshed as of that day, then the one rule for these customers. */
export async function dayRun(env: TestEnv, code: string, day: string, customerIds: string[]) {
  env.clock.set(`${day}T06:00:00+08:00`);
  await env.ctx.services.segments.refreshAll(day);
  return env.ctx.services.journeys.runRule(await groupRule(env, code), { asOf: day, runId: null, onlyStore: null, customerIds });
}
