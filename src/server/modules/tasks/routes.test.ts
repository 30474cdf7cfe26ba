import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TRole } from '../../platform/rbac.js';
import { SYSTEM_ACTOR } from '../../platform/rbac.js';
import { seedDemoOrg, type SeededOrg } from '../../seed/org.js';
import { createTestEnv, login, type TestEnv } from '../../testing/harness.js';
import { ALL_ROLES, describeAccessMatrix, type TMatrixUser } from '../../testing/matrix.js';
import { seedCustomer } from '../messaging/fixtures.js';

const MANAGE: TRole[] = ['group_admin', 'store_manager'];
const DUE = '2026-11-24T02:00:00Z';

describe('tasks routes', () => {
  // One session per user for the whole file: the login route allows 10 sign-ins a minute per address.
  const sessions = new Map<string, Awaited<ReturnType<typeof login>>>();
  const as = async (username: string) => {
    if (!sessions.has(username)) sessions.set(username, await login(env.app, username));
    return sessions.get(username)!;
  };
  let env: TestEnv;
  let org: SeededOrg;
  let customerId: string;
  beforeAll(async () => {
    env = await createTestEnv();
    org = await seedDemoOrg(env.ctx.db);
    customerId = (await seedCustomer(env.ctx.db, org.stores[0]!.id, { name: '路由客户' })).id;
  });
  afterAll(() => env.close());

  it('answers 401 without a session', async () => {
    expect((await env.app.inject({ url: '/api/v1/tasks' })).statusCode).toBe(401);
    expect((await env.app.inject({ method: 'POST', url: '/api/v1/tasks', payload: {} })).statusCode).toBe(401);
  });

  it('answers 400 for bad input, naming the fields', async () => {
    const h = await as('service1');
    const bad = await env.app.inject({ method: 'POST', url: '/api/v1/tasks', headers: h, payload: { customerId, title: '', dueAt: 'tomorrow', priority: 'asap' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.dueAt', 'body.priority', 'body.title']);
    expect((await env.app.inject({ url: '/api/v1/tasks?bucket=someday', headers: h })).statusCode).toBe(400);
    expect((await env.app.inject({ url: '/api/v1/tasks?cursor=bm9wZQ', headers: h })).statusCode).toBe(400);
    expect((await env.app.inject({ url: '/api/v1/tasks/not-a-uuid', headers: h })).statusCode).toBe(400);
    const reassign = await env.app.inject({ method: 'POST', url: '/api/v1/tasks/reassign', headers: h, payload: { ids: [], staffId: org.staff.get('service1')!.id } });
    expect(reassign.statusCode).toBe(400);
  });

  it('runs a task from creation to completion and shows it on the board', async () => {
    const h = await as('service1');
    const created = await env.app.inject({ method: 'POST', url: '/api/v1/tasks', headers: h, payload: { customerId, title: '提醒取车', dueAt: DUE, priority: 'high' } });
    expect(created.statusCode).toBe(201);
    const t = created.json();
    expect(t).toMatchObject({ title: '提醒取车', kind: 'manual', priority: 'high', status: 'open', customer: { id: customerId, name: '路由客户' }, assignee: { id: org.staff.get('service1')!.id } });
    const list = await env.app.inject({ url: '/api/v1/tasks?bucket=upcoming', headers: h });
    expect(list.json().items.map((x: { id: string }) => x.id)).toContain(t.id);
    const done = await env.app.inject({ method: 'POST', url: `/api/v1/tasks/${t.id}/complete`, headers: h, payload: { outcome: 'not_reached', note: '关机' } });
    expect(done.statusCode).toBe(200);
    expect(done.json().retryTask).toMatchObject({ attempt: 2, retryOfTaskId: t.id });
    expect((await env.app.inject({ method: 'POST', url: `/api/v1/tasks/${t.id}/complete`, headers: h, payload: { outcome: 'reached' } })).statusCode).toBe(409);
    const board = await env.app.inject({ url: '/api/v1/tasks/board', headers: await as('manager1') });
    expect(board.statusCode).toBe(200);
    expect(board.json().rows.find((r: { staff: { id: string } }) => r.staff.id === org.staff.get('service1')!.id)).toMatchObject({ open: 1 });
  });

  it("refuses to reassign to another store's staff (400) and another store's tasks (404)", async () => {
    const t = await env.ctx.services.tasks.createTask(env.ctx.db, SYSTEM_ACTOR, { customerId, title: 'x', kind: 'care', dueAt: new Date(DUE), assigneeStaffId: org.staff.get('service1')!.id });
    const m1 = await as('manager1');
    const toOther = await env.app.inject({ method: 'POST', url: '/api/v1/tasks/reassign', headers: m1, payload: { ids: [t.id], staffId: org.staff.get('service2')!.id } });
    expect(toOther.statusCode).toBe(400);
    expect(toOther.json().errors[0].path).toBe('body.staffId');
    const m2 = await as('manager2');
    expect((await env.app.inject({ method: 'POST', url: '/api/v1/tasks/reassign', headers: m2, payload: { ids: [t.id], staffId: org.staff.get('service2')!.id } })).statusCode).toBe(404);
  });

  it('counts open tasks per bucket in the store time zone, for the caller unless a manager names someone', async () => {
    const sales1 = org.staff.get('sales1')!.id;
    // The clock is 2026-11-23 10:00 in Shanghai: "today" runs to 24:00 local (16:00 UTC).
    for (const dueAt of ['2026-11-22T02:00:00Z', '2026-11-23T01:59:00Z', '2026-11-23T02:30:00Z', '2026-11-23T15:59:00Z', '2026-11-23T16:00:00Z', '2026-12-01T00:00:00Z']) {
      await env.ctx.services.tasks.createTask(env.ctx.db, SYSTEM_ACTOR, { customerId, title: `计数 ${dueAt}`, kind: 'care', dueAt: new Date(dueAt), assigneeStaffId: sales1 });
    }
    const done = await env.ctx.services.tasks.createTask(env.ctx.db, SYSTEM_ACTOR, { customerId, title: '已完成', kind: 'care', dueAt: new Date('2026-11-22T00:00:00Z'), assigneeStaffId: sales1 });
    const h = await as('sales1');
    expect((await env.app.inject({ method: 'POST', url: `/api/v1/tasks/${done.id}/complete`, headers: h, payload: { outcome: 'reached' } })).statusCode).toBe(200);

    const mine = await env.app.inject({ url: '/api/v1/tasks/counts', headers: h });
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toEqual({ overdue: 2, today: 2, upcoming: 2 });
    // the counts agree with the lists the tabs show
    for (const bucket of ['overdue', 'today', 'upcoming'] as const) {
      const list = await env.app.inject({ url: `/api/v1/tasks?bucket=${bucket}`, headers: h });
      expect(list.json().items).toHaveLength(mine.json()[bucket]);
    }
    expect((await env.app.inject({ url: '/api/v1/tasks/counts?kind=handover', headers: h })).json()).toEqual({ overdue: 0, today: 0, upcoming: 0 });

    const m1 = await as('manager1');
    expect((await env.app.inject({ url: `/api/v1/tasks/counts?assigneeId=${sales1}`, headers: m1 })).json()).toEqual({ overdue: 2, today: 2, upcoming: 2 });
    expect((await env.app.inject({ url: `/api/v1/tasks/counts?assigneeId=${org.staff.get('service1')!.id}`, headers: h })).statusCode).toBe(403);
    expect((await env.app.inject({ url: `/api/v1/tasks/counts?assigneeId=${sales1}`, headers: await as('manager2') })).json()).toEqual({ overdue: 0, today: 0, upcoming: 0 });
    expect((await env.app.inject({ url: '/api/v1/tasks/counts?assigneeId=nope', headers: h })).statusCode).toBe(400);
    expect((await env.app.inject({ url: '/api/v1/tasks/counts' })).statusCode).toBe(401);
  });

  it('lets every employee read their store policy (the completion drawer shows the retry), only managers change it', async () => {
    const h = await as('service1');
    const got = await env.app.inject({ url: '/api/v1/task-settings', headers: h });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual({ storeId: org.stores[0]!.id, escalateAfterHours: 24, retryDelayHours: 24, maxAttempts: 3 });
    const put = await env.app.inject({ method: 'PUT', url: '/api/v1/task-settings', headers: h, payload: { escalateAfterHours: 8, retryDelayHours: 4, maxAttempts: 2 } });
    expect(put.statusCode).toBe(403);
  });

  it('lists its routes in the OpenAPI document', async () => {
    const paths = Object.keys((await env.app.inject({ url: '/api/docs/json' })).json().paths);
    expect(paths).toEqual(expect.arrayContaining(['/api/v1/tasks', '/api/v1/tasks/{id}', '/api/v1/tasks/{id}/complete', '/api/v1/tasks/reassign', '/api/v1/tasks/board', '/api/v1/tasks/counts', '/api/v1/task-settings']));
  });
});

interface Ctx {
  store1: string;
  customerId: string;
  taskId: string;
  /** An open task of store 1 for the user to act on: their own when they work there, else service1's. */
  freshTask(u: TMatrixUser): Promise<string>;
  staffId(username: string): string;
}

describeAccessMatrix<Ctx>('tasks', {
  setup: async (env, org) => {
    const store1 = org.stores[0]!.id;
    const customerId = (await seedCustomer(env.ctx.db, store1)).id;
    const staffId = (u: string) => org.staff.get(u)!.id;
    const freshTask = async (u: TMatrixUser) => {
      const assignee = u.store === 1 ? staffId(u.username) : staffId('service1');
      return (await env.ctx.services.tasks.createTask(env.ctx.db, SYSTEM_ACTOR, { customerId, title: '矩阵任务', kind: 'manual', dueAt: new Date(DUE), assigneeStaffId: assignee })).id;
    };
    return { store1, customerId, staffId, freshTask, taskId: await freshTask({ username: 'service1', role: 'service', store: 1 }) };
  },
  rows: [
    { method: 'GET', path: '/tasks', allowed: ALL_ROLES, target: 'none', request: () => ({ url: '/tasks?bucket=today' }) },
    { method: 'GET', path: '/tasks/counts', allowed: ALL_ROLES, target: 'none', request: () => ({ url: '/tasks/counts' }) },
    { method: 'GET', path: '/tasks/counts?storeId=', allowed: MANAGE, request: (c) => ({ url: `/tasks/counts?storeId=${c.store1}` }) },
    { method: 'GET', path: '/tasks/{id}', allowed: ALL_ROLES, request: (c) => ({ url: `/tasks/${c.taskId}` }) },
    {
      method: 'POST',
      path: '/tasks',
      allowed: ALL_ROLES,
      request: (c, u) => ({ url: '/tasks', body: { customerId: c.customerId, title: '手动', dueAt: DUE, ...(u.store === null ? { assigneeId: c.staffId('service1') } : {}) } }),
    },
    { method: 'POST', path: '/tasks/{id}/complete', allowed: ALL_ROLES, request: async (c, u) => ({ url: `/tasks/${await c.freshTask(u)}/complete`, body: { outcome: 'reached' } }) },
    { method: 'POST', path: '/tasks/reassign', allowed: ALL_ROLES, request: async (c, u) => ({ url: '/tasks/reassign', body: { ids: [await c.freshTask(u)], staffId: c.staffId('service1') } }) },
    { method: 'GET', path: '/tasks/board', allowed: MANAGE, request: (c) => ({ url: `/tasks/board?storeId=${c.store1}` }) },
    { method: 'GET', path: '/task-settings', allowed: ALL_ROLES, request: (c) => ({ url: `/task-settings?storeId=${c.store1}` }) },
    {
      method: 'PUT',
      path: '/task-settings',
      allowed: MANAGE,
      request: (c) => ({ url: `/task-settings?storeId=${c.store1}`, body: { escalateAfterHours: 24, retryDelayHours: 24, maxAttempts: 3 } }),
    },
  ],
});
