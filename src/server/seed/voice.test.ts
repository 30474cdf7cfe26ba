import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../platform/rbac.js';
import { createTestEnv, type TestEnv } from '../testing/harness.js';
import { seedDemo } from './demo.js';
import { seedDemoVoice } from './voice.js';

let env: TestEnv;
const AS_OF = new Date('2026-11-23T02:00:00Z');

beforeAll(async () => {
  env = await createTestEnv();
  await seedDemo(env.ctx.db, { size: 400, seed: 3, asOf: '2026-11-23' });
  await seedDemoVoice(env.ctx.db, env.ctx.services, { asOf: AS_OF });
});
afterAll(() => env?.close());

describe('demo voice data', () => {
  it('fills the NPS report and the weekly review', async () => {
    const nps = await env.ctx.services.surveyReports.nps(SYSTEM_ACTOR, { groupBy: 'store', interval: 'week' });
    expect(nps.overall.n).toBeGreaterThan(100);
    expect(nps.overall.nps).toBeGreaterThan(0);
    expect(nps.verbatims.length).toBeGreaterThan(5);
    const w = await env.ctx.services.complaintReports.weekly(SYSTEM_ACTOR, { weeks: 8, week: '2026-11-16' });
    expect(w.totals.received).toBeGreaterThan(5);
    expect(w.compliance).not.toBeNull();
    const { rows } = await env.ctx.db.execute<{ n: number }>(sql`select count(*)::int as n from complaints where status <> 'closed'`);
    expect(rows[0]!.n).toBe(6);
  });
});
