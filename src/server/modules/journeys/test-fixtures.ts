import { and, eq, sql } from 'drizzle-orm';
import type { TestEnv } from '../../testing/harness.js';
import { journeyRules } from './schema.js';

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
