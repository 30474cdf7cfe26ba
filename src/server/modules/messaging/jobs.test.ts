import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJobs } from '../../platform/jobs.js';
import { SYSTEM_ACTOR } from '../../platform/rbac.js';
import { seedDemoOrg, type SeededOrg } from '../../seed/org.js';
import { createTestEnv, type TestEnv } from '../../testing/harness.js';
import { tasksJobs } from '../tasks/jobs.js';
import { tasks } from '../tasks/schema.js';
import { seedCustomer, seedVehicle } from './fixtures.js';
import { messagingJobs } from './jobs.js';
import { messages } from './schema.js';

/** The job definitions run on a real pg-boss worker: a nudge sends the outbox, the escalation job escalates. */
describe('messaging and tasks jobs on pg-boss', () => {
  let env: TestEnv;
  let org: SeededOrg;
  beforeAll(async () => {
    env = await createTestEnv({ jobs: (url) => startJobs(url) });
    org = await seedDemoOrg(env.ctx.db);
    await env.ctx.jobs!.work([...messagingJobs(env.ctx), ...tasksJobs(env.ctx)]);
  });
  afterAll(() => env.close());

  const eventually = async (check: () => Promise<boolean>, ms = 15_000) => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (await check()) return true;
      await new Promise((r) => setTimeout(r, 200));
    }
    return false;
  };

  it('sends a manual message right away through the worker', async () => {
    const c = await seedCustomer(env.ctx.db, org.stores[0]!.id);
    await seedVehicle(env.ctx.db, c);
    const { message } = await env.ctx.services.messaging.sendMessage(SYSTEM_ACTOR, { customerId: c.id, channel: 'sms', purpose: 'service', body: '您的爱车已完工' });
    const sent = await eventually(async () => (await env.ctx.db.select().from(messages).where(eq(messages.id, message.id)))[0]!.status === 'sent');
    expect(sent).toBe(true);
  });

  it('escalates overdue tasks when the job runs', async () => {
    const c = await seedCustomer(env.ctx.db, org.stores[0]!.id);
    const t = await env.ctx.services.tasks.createTask(env.ctx.db, SYSTEM_ACTOR, {
      customerId: c.id,
      title: '回访',
      kind: 'follow_up_call',
      dueAt: new Date(env.clock.now().getTime() - 48 * 3600_000),
      assigneeStaffId: org.staff.get('service1')!.id,
    });
    await env.ctx.jobs!.send('tasks.escalate-overdue', {});
    const escalated = await eventually(async () => (await env.ctx.db.select().from(tasks).where(eq(tasks.id, t.id)))[0]!.escalationLevel === 1);
    expect(escalated).toBe(true);
  });

  // Last: it leaves the worker without schedules.
  it('drops the schedule of a cron job the release no longer has (a renamed job stops firing under its old name)', async () => {
    const boss = env.ctx.jobs!.boss;
    await boss.createQueue('segments.refresh-all');
    await boss.schedule('segments.refresh-all', '0 5 * * *', {}, { tz: 'Asia/Shanghai' });
    expect((await boss.getSchedules()).map((x) => x.name)).toContain('segments.refresh-all');
    const cronIds = [...messagingJobs(env.ctx), ...tasksJobs(env.ctx)].filter((d) => d.cron).map((d) => d.id);
    await env.ctx.jobs!.work([]);
    const left = (await boss.getSchedules()).map((x) => x.name);
    expect(left).not.toContain('segments.refresh-all');
    for (const id of cronIds) expect(left).not.toContain(id);
  });
});
