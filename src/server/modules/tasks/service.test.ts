import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { SYSTEM_ACTOR, type Actor } from '../../platform/rbac.js';
import { seedDemoOrg, type SeededOrg } from '../../seed/org.js';
import { createTestEnv, type TestEnv } from '../../testing/harness.js';
import { auditLog, domainEvents } from '../audit/schema.js';
import { actorFor, seedCustomer, seedVehicle } from '../messaging/fixtures.js';
import { staff } from '../org/schema.js';
import { tasks } from './schema.js';
import type { TNewTask, TTasksService } from './service.js';

let env: TestEnv;
let org: SeededOrg;
let svc: TTasksService;
let store1: string;
let store2: string;
const id = (username: string) => org.staff.get(username)!.id;
const as = (username: string): Actor => actorFor(org.staff.get(username)!);
const HOUR = 3600_000;
const NOW = '2026-11-23T02:00:00Z'; // 10:00 in Shanghai

beforeAll(async () => {
  env = await createTestEnv({ now: NOW });
  org = await seedDemoOrg(env.ctx.db, { extraSalesPerStore: 1 });
  svc = env.ctx.services.tasks;
  store1 = org.stores[0]!.id;
  store2 = org.stores[1]!.id;
});
afterAll(() => env.close());
beforeEach(async () => {
  env.clock.set(NOW);
  // each test starts from empty workloads
  await env.ctx.db.execute(sql`update tasks set status = 'cancelled' where status = 'open'`);
});

const task = (customerId: string, o: Partial<TNewTask> = {}): TNewTask => ({ customerId, title: '回访', kind: 'follow_up_call', dueAt: new Date(Date.parse(NOW) + 2 * HOUR), ...o });

describe('assignment', () => {
  it("gives the task to the customer's own service advisor", async () => {
    const c = await seedCustomer(env.ctx.db, store1, { serviceAdvisorId: id('service1-2') });
    const t = await svc.createTask(env.ctx.db, SYSTEM_ACTOR, task(c.id, { assignTo: 'owner_advisor' }));
    expect(t.assignee.id).toBe(id('service1-2'));
    expect(t).toMatchObject({ status: 'open', storeId: store1, createdBy: null, attempt: 1 });
  });

  it('falls back to the least-loaded active advisor of the store when the owner is missing or has left', async () => {
    const db = env.ctx.db;
    const busy = await seedCustomer(db, store1);
    for (let i = 0; i < 2; i++) await svc.createTask(db, SYSTEM_ACTOR, task(busy.id, { assigneeStaffId: id('service1') }));
    const c = await seedCustomer(db, store1);
    expect((await svc.createTask(db, SYSTEM_ACTOR, task(c.id, { assignTo: 'owner_advisor' }))).assignee.id).toBe(id('service1-2'));
    // service1-2 now has 1, service1 has 2: still service1-2
    expect((await svc.createTask(db, SYSTEM_ACTOR, task(c.id, { assignTo: 'owner_advisor' }))).assignee.id).toBe(id('service1-2'));
    // an owner who left does not get it
    await db.update(staff).set({ active: false }).where(eq(staff.id, id('service1-2')));
    try {
      const owned = await seedCustomer(db, store1, { serviceAdvisorId: id('service1-2') });
      expect((await svc.createTask(db, SYSTEM_ACTOR, task(owned.id, { assignTo: 'owner_advisor' }))).assignee.id).toBe(id('service1'));
    } finally {
      await db.update(staff).set({ active: true }).where(eq(staff.id, id('service1-2')));
    }
  });

  it("assigns by the sales consultant for consultant rules, and never to another store's staff", async () => {
    const c = await seedCustomer(env.ctx.db, store1, { salesConsultantId: id('sales2') }); // a stale owner from store 2
    const t = await svc.createTask(env.ctx.db, SYSTEM_ACTOR, task(c.id, { assignTo: 'owner_consultant' }));
    expect(['sales1', 'sales1-2'].map(id)).toContain(t.assignee.id);
    await expect(svc.createTask(env.ctx.db, SYSTEM_ACTOR, task(c.id, { assigneeStaffId: id('sales2') }))).rejects.toBeInstanceOf(ValidationError);
  });

  it('spreads a bulk run evenly over the advisors, owners first, and a re-run adds nothing', async () => {
    const db = env.ctx.db;
    const owned = await seedCustomer(db, store1, { serviceAdvisorId: id('service1') });
    const others = await Promise.all(Array.from({ length: 6 }, () => seedCustomer(db, store1)));
    const ids = [owned, ...others].map((c) => c.id);
    const audience = sql`select u.id as customer_id, null::uuid as vehicle_id, 'churn:2026:' || u.id as firing_key, null::timestamptz as due_at
      from unnest(${`{${ids.join(',')}}`}::uuid[]) as u(id)`;
    const input = { audience, assignTo: 'owner_advisor' as const, title: '流失预警关怀', kind: 'care' as const, dueAt: new Date(Date.parse(NOW) + 24 * HOUR), sourceRuleId: '0190a0a0-0000-7000-8000-000000000002' };
    expect(await svc.createTasksForAudience(db, input)).toEqual({ created: 7 });
    expect(await svc.createTasksForAudience(db, input)).toEqual({ created: 0 });
    const rows = await db.select({ customerId: tasks.customerId, assignee: tasks.assigneeStaffId }).from(tasks).where(eq(tasks.sourceRuleId, input.sourceRuleId));
    expect(rows.find((r) => r.customerId === owned.id)!.assignee).toBe(id('service1'));
    const counts = new Map<string, number>();
    for (const r of rows.filter((r) => r.customerId !== owned.id)) counts.set(r.assignee, (counts.get(r.assignee) ?? 0) + 1);
    expect([...counts.values()].sort()).toEqual([3, 3]);
  });

  it('returns the first task for a firing key used twice, also when two run at once', async () => {
    const c = await seedCustomer(env.ctx.db, store1);
    const key = `handover:${c.id}`;
    const [a, b] = await Promise.all([0, 1].map(() => svc.createTask(env.ctx.db, SYSTEM_ACTOR, task(c.id, { assignTo: 'owner_advisor', firingKey: key }))));
    expect(a!.id).toBe(b!.id);
    expect([a!.duplicate, b!.duplicate].sort()).toEqual([false, true]);
  });

  it('lets staff create their own tasks, and only managers name someone else', async () => {
    const c = await seedCustomer(env.ctx.db, store1);
    const own = await svc.createManualTask(as('sales1'), { customerId: c.id, title: '约试驾', kind: 'manual', priority: 'high', dueAt: new Date(Date.parse(NOW) + HOUR) });
    expect(own.assignee.id).toBe(id('sales1'));
    await expect(svc.createManualTask(as('sales1'), { customerId: c.id, assigneeId: id('service1'), title: 'x', kind: 'manual', priority: 'normal', dueAt: new Date() })).rejects.toBeInstanceOf(ForbiddenError);
    const byManager = await svc.createManualTask(as('manager1'), { customerId: c.id, assigneeId: id('service1'), title: 'x', kind: 'manual', priority: 'normal', dueAt: new Date() });
    expect(byManager.assignee.id).toBe(id('service1'));
    await expect(svc.createManualTask(as('sales2'), { customerId: c.id, title: 'x', kind: 'manual', priority: 'normal', dueAt: new Date() })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('my tasks', () => {
  it('buckets by the store’s local day, across local midnight', async () => {
    const db = env.ctx.db;
    const c = await seedCustomer(db, store1);
    const me = as('service1');
    env.clock.set('2026-11-23T15:30:00Z'); // 23:30 in Shanghai; still the 23rd in UTC until 00:00Z
    const mk = (due: string, title: string) => svc.createTask(db, SYSTEM_ACTOR, task(c.id, { assigneeStaffId: me.staffId, dueAt: new Date(due), title }));
    await mk('2026-11-23T15:00:00Z', 'past'); // 23:00 local
    await mk('2026-11-23T15:45:00Z', 'tonight'); // 23:45 local
    await mk('2026-11-23T16:30:00Z', 'after-midnight'); // 00:30 local on the 24th
    await mk('2026-11-25T02:00:00Z', 'later');
    const titles = async (bucket: 'overdue' | 'today' | 'upcoming') => (await svc.listMyTasks(me, { bucket, limit: 50 })).items.map((t) => t.title);
    expect(await titles('overdue')).toEqual(['past']);
    expect(await titles('today')).toEqual(['tonight']);
    expect(await titles('upcoming')).toEqual(['after-midnight', 'later']);
    env.clock.set('2026-11-23T16:10:00Z'); // 00:10 on the 24th in Shanghai
    expect(await titles('overdue')).toEqual(['past', 'tonight']);
    expect(await titles('today')).toEqual(['after-midnight']);
    expect(await titles('upcoming')).toEqual(['later']);
    const page1 = await svc.listMyTasks(me, { bucket: 'overdue', limit: 1 });
    expect(page1.items[0]!.overdue).toBe(true);
    const page2 = await svc.listMyTasks(me, { bucket: 'overdue', limit: 1, cursor: page1.nextCursor! });
    expect(page2.items.map((t) => t.title)).toEqual(['tonight']);
    expect(page2.nextCursor).toBeNull();
  });
});

describe('completing', () => {
  it('schedules a retry a day later for a missed call, up to 3 tries in all', async () => {
    const db = env.ctx.db;
    const c = await seedCustomer(db, store1);
    const v = await seedVehicle(db, c);
    const me = as('service1');
    const first = await svc.createTask(db, SYSTEM_ACTOR, task(c.id, { vehicleId: v.id, assigneeStaffId: me.staffId, kind: 'insurance_renewal', title: '续保提醒' }));
    const r1 = await svc.completeTask(me, first.id, { outcome: 'not_reached', note: '无人接听' });
    expect(r1.task).toMatchObject({ status: 'done', outcome: 'not_reached', outcomeNote: '无人接听', completedBy: { id: me.staffId } });
    expect(r1.retryTask).toMatchObject({ status: 'open', attempt: 2, retryOfTaskId: first.id, title: '续保提醒', kind: 'insurance_renewal', assignee: { id: me.staffId }, vehicle: { id: v.id } });
    expect(r1.retryTask!.dueAt.toISOString()).toBe(new Date(Date.parse(NOW) + 24 * HOUR).toISOString());
    const at = new Date(Date.parse(NOW) + 3 * HOUR);
    const r2 = await svc.completeTask(me, r1.retryTask!.id, { outcome: 'not_reached', retryAt: at });
    expect(r2.retryTask).toMatchObject({ attempt: 3, dueAt: at });
    const r3 = await svc.completeTask(me, r2.retryTask!.id, { outcome: 'not_reached' });
    expect(r3.retryTask).toBeNull();
    // a closed task cannot be completed twice
    await expect(svc.completeTask(me, first.id, { outcome: 'reached' })).rejects.toMatchObject({ status: 409 });
  });

  it('emits task.completed (complaints pick up complaint_raised) and audits; others may not complete my task', async () => {
    const db = env.ctx.db;
    const c = await seedCustomer(db, store1);
    const t = await svc.createTask(db, SYSTEM_ACTOR, task(c.id, { assigneeStaffId: id('service1') }));
    await expect(svc.completeTask(as('sales1'), t.id, { outcome: 'reached' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(svc.completeTask(as('service2'), t.id, { outcome: 'reached' })).rejects.toBeInstanceOf(NotFoundError);
    const r = await svc.completeTask(as('manager1'), t.id, { outcome: 'complaint_raised', note: '对收费不满' });
    expect(r.retryTask).toBeNull();
    const [e] = await db.select().from(domainEvents).where(and(eq(domainEvents.type, 'task.completed'), eq(domainEvents.customerId, c.id)));
    expect(e!.payload).toMatchObject({ taskId: t.id, outcome: 'complaint_raised', note: '对收费不满' });
    const [a] = await db.select().from(auditLog).where(and(eq(auditLog.action, 'task.complete'), eq(auditLog.entityId, t.id)));
    expect(a!.actorStaffId).toBe(id('manager1'));
  });
});

describe('reassigning', () => {
  it('moves tasks in bulk within the store, audited; refuses staff of another store and tasks of another store', async () => {
    const db = env.ctx.db;
    const c = await seedCustomer(db, store1);
    const ts = await Promise.all([0, 1, 2].map(() => svc.createTask(db, SYSTEM_ACTOR, task(c.id, { assigneeStaffId: id('service1') }))));
    const ids = ts.map((t) => t.id);
    await expect(svc.reassign(as('manager1'), ids, id('service2'))).rejects.toBeInstanceOf(ValidationError);
    await expect(svc.reassign(as('manager2'), ids, id('service2'))).rejects.toBeInstanceOf(NotFoundError);
    await expect(svc.reassign(as('sales1'), ids, id('sales1'))).rejects.toBeInstanceOf(ForbiddenError);
    expect(await svc.reassign(as('manager1'), ids, id('service1-2'))).toEqual({ updated: 3 });
    const rows = await db.select({ a: tasks.assigneeStaffId }).from(tasks).where(sql`${tasks.id} in ${ids}`);
    expect(rows.every((r) => r.a === id('service1-2'))).toBe(true);
    expect(await db.select().from(auditLog).where(and(eq(auditLog.action, 'task.reassign'), sql`${auditLog.entityId} in ${ids}`))).toHaveLength(3);
    // staff may hand on their own
    expect(await svc.reassign(as('service1-2'), [ids[0]!], id('service1'))).toEqual({ updated: 1 });
  });
});

describe('escalation and the team board', () => {
  it('escalates only tasks overdue by more than the threshold, once, to the store manager', async () => {
    const db = env.ctx.db;
    const c = await seedCustomer(db, store1);
    const now = Date.parse(NOW);
    const mk = (hoursAgo: number) => svc.createTask(db, SYSTEM_ACTOR, task(c.id, { assigneeStaffId: id('service1'), dueAt: new Date(now - hoursAgo * HOUR) }));
    const old = await mk(25);
    const recent = await mk(23);
    const future = await mk(-5);
    const closed = await mk(30);
    await svc.completeTask(as('service1'), closed.id, { outcome: 'reached' });
    const c2 = await seedCustomer(db, store2);
    const other = await svc.createTask(db, SYSTEM_ACTOR, task(c2.id, { assigneeStaffId: id('service2'), dueAt: new Date(now - 48 * HOUR) }));
    await svc.putSettings(as('manager2'), undefined, { escalateAfterHours: 72, retryDelayHours: 24, maxAttempts: 3 });
    expect(await svc.escalateOverdue()).toEqual({ escalated: 1 });
    const level = async (tid: string) => (await db.select().from(tasks).where(eq(tasks.id, tid)))[0]!;
    expect(await level(old.id)).toMatchObject({ escalationLevel: 1, escalatedTo: id('manager1') });
    for (const t of [recent, future, closed, other]) expect((await level(t.id)).escalationLevel).toBe(0);
    expect(await svc.escalateOverdue()).toEqual({ escalated: 0 });
    const [a] = await db.select().from(auditLog).where(and(eq(auditLog.action, 'task.escalate'), eq(auditLog.storeId, store1)));
    expect(a!.detail).toMatchObject({ count: 1, managerId: id('manager1'), taskIds: [old.id] });
    // the manager finds it
    const mine = await svc.listTasks(as('manager1'), { storeId: store1, escalated: true, limit: 50 });
    expect(mine.items.map((t) => t.id)).toEqual([old.id]);
    expect(mine.items[0]!.escalatedTo).toEqual({ id: id('manager1'), displayName: org.staff.get('manager1')!.displayName });
  });

  it('shows open, overdue, done this week and completion rate per staff member', async () => {
    const db = env.ctx.db;
    const c = await seedCustomer(db, store1);
    const now = Date.parse(NOW); // Monday 23 Nov 2026, 10:00 local
    const mk = (hours: number, who = 'service1-2') => svc.createTask(db, SYSTEM_ACTOR, task(c.id, { assigneeStaffId: id(who), dueAt: new Date(now + hours * HOUR) }));
    const a = await mk(-1); // due this week, done
    await mk(-2); // due this week, still open: overdue
    await mk(5); // open, not yet due
    await mk(-24 * 5); // due last week, open
    await svc.completeTask(as('service1-2'), a.id, { outcome: 'reached' });
    const board = await svc.teamBoard(as('manager1'), {});
    expect(board.weekStart.toISOString()).toBe('2026-11-22T16:00:00.000Z'); // Monday 00:00 in Shanghai
    const row = board.rows.find((r) => r.staff.id === id('service1-2'))!;
    expect(row).toMatchObject({ open: 3, overdue: 2, doneThisWeek: 1, dueThisWeek: 2, completionRate: 0.5 });
    expect(board.rows.find((r) => r.staff.id === id('cx1'))).toMatchObject({ open: 0, completionRate: null });
    await expect(svc.teamBoard(as('manager1'), { storeId: store2 })).rejects.toBeInstanceOf(NotFoundError);
    await expect(svc.teamBoard(as('service1'), {})).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('customer merge', () => {
  it("moves a merged customer's tasks and messages to the survivor", async () => {
    const db = env.ctx.db;
    const from = await seedCustomer(db, store1);
    const to = await seedCustomer(db, store1);
    await seedVehicle(db, from);
    const t = await svc.createTask(db, SYSTEM_ACTOR, task(from.id, { assigneeStaffId: id('service1') }));
    const m = await env.ctx.services.messaging.enqueueMessage(db, { customerId: from.id, channel: 'sms', purpose: 'service', body: '您好' });
    await db.transaction(async (tx) => {
      expect(await svc.reassignCustomer(tx, from.id, to.id)).toBe(1);
      expect(await env.ctx.services.messaging.reassignCustomer(tx, from.id, to.id)).toBe(1);
    });
    expect((await svc.getTask(as('manager1'), t.id)).customer.id).toBe(to.id);
    expect((await env.ctx.services.messaging.getMessage(as('manager1'), m.id)).customer.id).toBe(to.id);
  });
});
