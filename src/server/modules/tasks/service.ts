import { and, asc, desc, eq, gt, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type {
  TTask,
  TTaskBoard,
  TTaskComplete,
  TTaskCompleteResult,
  TTaskCounts,
  TTaskCountsQuery,
  TTaskCreate,
  TTaskKind,
  TTaskListQuery,
  TTaskPriority,
  TTaskSettings,
  TTaskSettingsInput,
} from '../../../contracts/tasks.js';
import type { TConfig } from '../../config.js';
import type { TDb, TDbOrTx } from '../../db/index.js';
import type { Clock } from '../../platform/clock.js';
import { BusinessRuleError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import type { Jobs } from '../../platform/jobs.js';
import { encodeCursor, type Page } from '../../platform/pagination.js';
import { assertCan, assertStoreAccess, can, storeScope, SYSTEM_ACTOR, type Actor } from '../../platform/rbac.js';
import { emitEvent, recordAudit } from '../audit/service.js';
import { customers } from '../customers/schema.js';
import { uuidv7Sql } from '../messaging/gate.js';
import { staff, stores } from '../org/schema.js';
import { vehicles } from '../vehicles/schema.js';
import { decodeKeyset, staffIdOf } from '../vehicles/service.js';
import { DEFAULT_TASK_SETTINGS, fallbackRole, retryPlan, type TAssignTo } from './rules.js';
import { tasks, taskSettings } from './schema.js';

export type { TAssignTo } from './rules.js';

export interface TTasksDeps {
  db: TDb;
  clock: Clock;
  jobs: Jobs | null;
  config: TConfig;
}

/** A task as journeys (and the console) ask for it. */
export interface TNewTask {
  customerId: string;
  vehicleId?: string | null;
  /** A named assignee (must be active staff of the customer's store); or `assignTo`. */
  assigneeStaffId?: string;
  assignTo?: Exclude<TAssignTo, { staffId: string }>;
  title: string;
  description?: string;
  kind: TTaskKind;
  priority?: TTaskPriority;
  dueAt: Date;
  sourceRuleId?: string | null;
  /** One task per key, ever: a second create with the same key returns the first task. */
  firingKey?: string | null;
}

/** Tasks for a whole audience in one statement (journeys' daily run). */
export interface TNewTasksForAudience {
  /** A SELECT with columns `customer_id uuid, vehicle_id uuid, firing_key text, due_at timestamptz` (all but customer_id may be null). */
  audience: SQL;
  assignTo: Exclude<TAssignTo, { staffId: string }>;
  title: string;
  description?: string;
  kind: TTaskKind;
  priority?: TTaskPriority;
  /** Due time of rows whose `due_at` is null. */
  dueAt?: Date;
  sourceRuleId?: string | null;
}

const assignee = alias(staff, 'assignee');
const completer = alias(staff, 'completer');
const escalatee = alias(staff, 'escalatee');
const creator = alias(staff, 'creator');

const ref = (id: string | null, name: string | null) => (id && name !== null ? { id, displayName: name } : null);

function selectTasks(db: TDbOrTx) {
  return db
    .select({
      t: tasks,
      customerName: customers.name,
      plate: vehicles.plate,
      vin: vehicles.vin,
      assigneeName: assignee.displayName,
      completerName: completer.displayName,
      escalateeName: escalatee.displayName,
      creatorName: creator.displayName,
    })
    .from(tasks)
    .innerJoin(customers, eq(customers.id, tasks.customerId))
    .innerJoin(assignee, eq(assignee.id, tasks.assigneeStaffId))
    .innerJoin(stores, eq(stores.id, tasks.storeId))
    .leftJoin(vehicles, eq(vehicles.id, tasks.vehicleId))
    .leftJoin(completer, eq(completer.id, tasks.completedBy))
    .leftJoin(escalatee, eq(escalatee.id, tasks.escalatedTo))
    .leftJoin(creator, eq(creator.id, tasks.createdBy));
}

type TTaskRow = Awaited<ReturnType<ReturnType<typeof selectTasks>['execute']>>[number];

function toTask(r: TTaskRow, now: Date): TTask {
  const t = r.t;
  return {
    id: t.id,
    storeId: t.storeId,
    customer: { id: t.customerId, name: r.customerName },
    vehicle: t.vehicleId && r.vin !== null ? { id: t.vehicleId, plate: r.plate, vin: r.vin } : null,
    assignee: { id: t.assigneeStaffId, displayName: r.assigneeName },
    title: t.title,
    description: t.description,
    kind: t.kind,
    priority: t.priority,
    dueAt: t.dueAt,
    status: t.status,
    overdue: t.status === 'open' && t.dueAt < now,
    outcome: t.outcome,
    outcomeNote: t.outcomeNote,
    completedAt: t.completedAt,
    completedBy: ref(t.completedBy, r.completerName),
    attempt: t.attempt,
    retryOfTaskId: t.retryOfTaskId,
    escalationLevel: t.escalationLevel,
    escalatedAt: t.escalatedAt,
    escalatedTo: ref(t.escalatedTo, r.escalateeName),
    sourceRuleId: t.sourceRuleId,
    createdBy: ref(t.createdBy, r.creatorName),
    createdAt: t.createdAt,
  };
}

/**
 * One INSERT … SELECT that assigns and stores a task per audience row. Owners come first; the rows without one are
 * dealt round the store's staff of the fallback role, least-loaded (open tasks) first, so a big run spreads evenly
 * instead of piling on whoever was least busy before it; with nobody of that role, the store manager. Rows whose
 * firing key exists already are skipped. Returns the ids written.
 */
function assignAndInsertSql(o: {
  audience: SQL;
  assignTo: TAssignTo;
  title: string;
  description: string;
  kind: TTaskKind;
  priority: TTaskPriority;
  dueAt: Date | null;
  sourceRuleId: string | null;
  createdBy: string | null;
  retryOfTaskId?: string | null;
  attempt?: number;
  now: Date;
}): SQL {
  const a = o.assignTo;
  const owner =
    a === 'owner_advisor'
      ? sql`(select o.id from staff o where o.id = c.service_advisor_id and o.active and o.store_id = c.store_id)`
      : a === 'owner_consultant'
        ? sql`(select o.id from staff o where o.id = c.sales_consultant_id and o.active and o.store_id = c.store_id)`
        : 'staffId' in a
          ? sql`${a.staffId}::uuid`
          : sql`null::uuid`;
  const now = sql`${o.now.toISOString()}::timestamptz`;
  return sql`
    with aud as (
      select distinct on (a.customer_id, a.firing_key) a.customer_id::uuid as customer_id, a.vehicle_id::uuid as vehicle_id,
        a.firing_key::text as firing_key, a.due_at::timestamptz as due_at
      from (${o.audience}) a
      order by a.customer_id, a.firing_key
    ),
    base as (
      select aud.customer_id, aud.firing_key, aud.due_at, c.store_id,
        case when exists (select 1 from vehicles v where v.id = aud.vehicle_id and v.customer_id = c.id) then aud.vehicle_id end as vehicle_id,
        ${owner} as owner_id
      from aud join customers c on c.id = aud.customer_id and c.status = 'active'
    ),
    pool as (
      select s.id, s.store_id,
        row_number() over (partition by s.store_id order by count(t.id), s.id) - 1 as rank,
        count(*) over (partition by s.store_id) as n
      from staff s
      left join tasks t on t.assignee_staff_id = s.id and t.status = 'open'
      where s.role = ${fallbackRole(a)}::staff_role and s.active and s.store_id in (select store_id from base where owner_id is null)
      group by s.id, s.store_id
    ),
    mgr as (
      select distinct on (s.store_id) s.store_id, s.id from staff s
      where s.role = 'store_manager' and s.active and s.store_id in (select store_id from base where owner_id is null)
      order by s.store_id, s.created_at, s.id
    ),
    numbered as (
      select b.*, row_number() over (partition by b.store_id order by b.customer_id, b.firing_key) - 1 as i
      from base b where b.owner_id is null
    ),
    assigned as (
      select b.customer_id, b.vehicle_id, b.firing_key, b.due_at, b.store_id, b.owner_id as assignee from base b where b.owner_id is not null
      union all
      select nb.customer_id, nb.vehicle_id, nb.firing_key, nb.due_at, nb.store_id, coalesce(p.id, m.id)
      from numbered nb
      left join pool p on p.store_id = nb.store_id and p.rank = nb.i % p.n
      left join mgr m on m.store_id = nb.store_id
    )
    insert into tasks (id, store_id, customer_id, vehicle_id, assignee_staff_id, title, description, kind, priority, due_at,
      source_rule_id, firing_key, retry_of_task_id, attempt, created_by, created_at, updated_at)
    select ${uuidv7Sql(sql`row_number() over ()`, o.now.getTime())}, x.store_id, x.customer_id, x.vehicle_id, x.assignee, ${o.title}, ${o.description},
      ${o.kind}::task_kind, ${o.priority}::task_priority, coalesce(x.due_at, ${o.dueAt?.toISOString() ?? null}::timestamptz),
      ${o.sourceRuleId}::uuid, x.firing_key, ${o.retryOfTaskId ?? null}::uuid, ${o.attempt ?? 1}, ${o.createdBy}::uuid, ${now}, ${now}
    from assigned x
    where x.assignee is not null
    order by x.customer_id
    on conflict (firing_key) where firing_key is not null do nothing
    returning id`;
}

/**
 * The tasks service: "my tasks" by bucket, manual tasks, completion with outcomes (a missed call schedules its
 * retry), reassigning, the team board, overdue escalation, and `createTask` / `createTasksForAudience` for the
 * journeys engine. Every read is store-scoped; a task of another store answers 404.
 */
export function createTasksService(deps: TTasksDeps) {
  const { db, clock } = deps;

  async function loadTask(exec: TDbOrTx, actor: Actor, id: string): Promise<TTask> {
    const [row] = await selectTasks(exec).where(and(eq(tasks.id, id), storeScope(actor, tasks.storeId)));
    if (!row) throw new NotFoundError('任务');
    return toTask(row, clock.now());
  }

  async function settingsOf(exec: TDbOrTx, storeId: string): Promise<TTaskSettingsInput> {
    const [s] = await exec.select().from(taskSettings).where(eq(taskSettings.storeId, storeId));
    return s
      ? {
          escalateAfterHours: s.escalateAfterHours,
          retryDelayHours: s.retryDelayHours,
          maxAttempts: s.maxAttempts,
        }
      : DEFAULT_TASK_SETTINGS;
  }

  /** The store a manager call is about: group admins name one, store staff get their own (another answers 404). */
  async function storeParam(exec: TDbOrTx, actor: Actor, storeId: string | undefined) {
    const id = storeId ?? actor.storeId;
    if (!id) throw new ValidationError('请选择门店 / Choose a store', [{ path: 'querystring.storeId', message: 'required' }]);
    assertStoreAccess(actor, id, '门店');
    const [s] = await exec.select({ id: stores.id, timezone: stores.timezone }).from(stores).where(eq(stores.id, id));
    if (!s) throw new NotFoundError('门店');
    return s;
  }

  async function assertActiveStaffOf(exec: TDbOrTx, staffId: string, storeId: string, path: string) {
    const [s] = await exec
      .select({ id: staff.id })
      .from(staff)
      .where(and(eq(staff.id, staffId), eq(staff.storeId, storeId), eq(staff.active, true)));
    // One message whether the person does not exist or works elsewhere: other stores' staff are not for us to list.
    if (!s) throw new ValidationError('负责人必须是该门店的在职员工 / The assignee must be an active employee of the task’s store', [{ path, message: 'not staff of this store' }]);
  }

  /**
   * Creates one task in the caller's transaction. The assignee is named, or found by `assignTo` (the owner, else
   * the least-loaded staff of the role, in one SQL); a staff actor without either gets the task themselves. A
   * firing key already used returns the earlier task (`duplicate`). The system actor skips permission checks.
   */
  async function createTask(exec: TDbOrTx, actor: Actor, input: TNewTask): Promise<TTask & { duplicate: boolean }> {
    const system = actor.username === SYSTEM_ACTOR.username;
    if (!system) assertCan(actor, 'tasks.write');
    return exec.transaction(async (tx) => {
      const [c] = await tx
        .select({
          id: customers.id,
          storeId: customers.storeId,
          status: customers.status,
        })
        .from(customers)
        .where(and(eq(customers.id, input.customerId), storeScope(actor, customers.storeId)));
      if (!c) throw new NotFoundError('客户');
      if (c.status !== 'active') throw new BusinessRuleError('customer-inactive', '该客户已合并或已注销 / This customer was merged or erased');
      if (input.vehicleId) {
        const [v] = await tx
          .select({ id: vehicles.id })
          .from(vehicles)
          .where(and(eq(vehicles.id, input.vehicleId), eq(vehicles.customerId, c.id)));
        if (!v)
          throw new ValidationError('车辆不属于该客户 / The vehicle is not this customer’s', [
            {
              path: 'body.vehicleId',
              message: 'not this customer’s vehicle',
            },
          ]);
      }
      let assignTo: TAssignTo;
      const named = input.assigneeStaffId ?? (input.assignTo || system ? undefined : actor.staffId);
      if (named) {
        if (!system && named !== actor.staffId) assertCan(actor, 'tasks.manage');
        await assertActiveStaffOf(tx, named, c.storeId, 'body.assigneeId');
        assignTo = { staffId: named };
      } else if (input.assignTo) {
        assignTo = input.assignTo;
      } else {
        throw new ValidationError('请指定负责人 / Choose an assignee', [{ path: 'body.assigneeId', message: 'required' }]);
      }
      const now = clock.now();
      const res = await tx.execute<{ id: string }>(
        assignAndInsertSql({
          audience: sql`select ${c.id}::uuid as customer_id, ${input.vehicleId ?? null}::uuid as vehicle_id, ${input.firingKey ?? null}::text as firing_key, null::timestamptz as due_at`,
          assignTo,
          title: input.title,
          description: input.description ?? '',
          kind: input.kind,
          priority: input.priority ?? 'normal',
          dueAt: input.dueAt,
          sourceRuleId: input.sourceRuleId ?? null,
          createdBy: staffIdOf(actor),
          now,
        }),
      );
      let id = res.rows[0]?.id;
      let duplicate = false;
      if (!id && input.firingKey) {
        const [dup] = await tx.select({ id: tasks.id }).from(tasks).where(eq(tasks.firingKey, input.firingKey));
        id = dup?.id;
        duplicate = Boolean(id);
      }
      if (!id) throw new BusinessRuleError('no-assignee', '门店没有可分配的在职员工 / Nobody in the store can take this task');
      if (!duplicate && !system) {
        await recordAudit(tx, actor, {
          action: 'task.create',
          entityType: 'task',
          entityId: id,
          storeId: c.storeId,
          customerId: c.id,
          detail: { kind: input.kind, title: input.title },
        });
      }
      return { ...(await loadTask(tx, SYSTEM_ACTOR, id)), duplicate };
    });
  }

  /** Whose tasks a list or count is about (see {@link listTasks}), as WHERE conditions; checks the permissions. */
  function whoseTasks(actor: Actor, q: TTaskCountsQuery): (SQL | undefined)[] {
    assertCan(actor, 'tasks.read');
    const conds: (SQL | undefined)[] = [storeScope(actor, tasks.storeId)];
    if (q.assigneeId && q.assigneeId !== actor.staffId) assertCan(actor, 'tasks.manage');
    if (q.storeId) {
      assertCan(actor, 'tasks.manage');
      assertStoreAccess(actor, q.storeId, '门店');
      conds.push(eq(tasks.storeId, q.storeId));
    }
    if (q.assigneeId) conds.push(eq(tasks.assigneeStaffId, q.assigneeId));
    if (q.customerId) conds.push(eq(tasks.customerId, q.customerId));
    if (!q.assigneeId && !q.storeId && !q.customerId) conds.push(eq(tasks.assigneeStaffId, actor.staffId));
    if (q.kind) conds.push(eq(tasks.kind, q.kind));
    if (q.escalated !== undefined) conds.push(q.escalated ? gt(tasks.escalationLevel, 0) : eq(tasks.escalationLevel, 0));
    return conds;
  }

  /** The store's next local midnight after `now`: where "today" ends and "upcoming" begins. */
  const endOfTodaySql = (nowSql: SQL) => sql`(((${nowSql} at time zone ${stores.timezone})::date + 1)::timestamp at time zone ${stores.timezone})`;

  /**
   * Tasks for a list: the actor's own by default; another assignee's or the whole store's for `tasks.manage`;
   * one customer's for anyone who can see the customer. Buckets use the store's time zone: `today` runs to the
   * store's local midnight, `overdue` is anything open past due.
   */
  async function listTasks(actor: Actor, q: TTaskListQuery): Promise<Page<TTask>> {
    const conds = whoseTasks(actor, q);
    const now = clock.now();
    const nowSql = sql`${now.toISOString()}::timestamptz`;
    const endOfToday = endOfTodaySql(nowSql);
    const done = q.bucket === 'done';
    if (done) conds.push(eq(tasks.status, 'done'));
    else {
      conds.push(eq(tasks.status, 'open'));
      if (q.bucket === 'overdue') conds.push(lt(tasks.dueAt, now));
      if (q.bucket === 'today') conds.push(sql`${tasks.dueAt} >= ${nowSql} and ${tasks.dueAt} < ${endOfToday}`);
      if (q.bucket === 'upcoming') conds.push(sql`${tasks.dueAt} >= ${endOfToday}`);
    }
    const c = decodeKeyset(q.cursor, ['instant', 'uuid'] as const);
    if (c) {
      conds.push(
        done ? or(lt(tasks.completedAt, c[0]), and(eq(tasks.completedAt, c[0]), lt(tasks.id, c[1]))) : or(gt(tasks.dueAt, c[0]), and(eq(tasks.dueAt, c[0]), gt(tasks.id, c[1]))),
      );
    }
    const rows = await selectTasks(db)
      .where(and(...conds))
      .orderBy(...(done ? [desc(tasks.completedAt), desc(tasks.id)] : [asc(tasks.dueAt), asc(tasks.id)]))
      .limit(q.limit + 1);
    const items = rows.slice(0, q.limit).map((r) => toTask(r, now));
    const last = items.at(-1);
    const key = last && (done ? last.completedAt : last.dueAt);
    return {
      items,
      nextCursor: rows.length > q.limit && last && key ? encodeCursor([key.toISOString(), last.id]) : null,
    };
  }

  return {
    createTask,

    /**
     * Customer merge: moves one customer's tasks to the survivor in the caller's transaction (the customers module's
     * `TCustomerReassigner` shape). A task keeps its store and assignee: that is where and by whom the work is owed.
     */
    async reassignCustomer(tx: TDbOrTx, fromCustomerId: string, toCustomerId: string): Promise<number> {
      const moved = await tx.update(tasks).set({ customerId: toCustomerId, updatedAt: clock.now() }).where(eq(tasks.customerId, fromCustomerId)).returning({ id: tasks.id });
      return moved.length;
    },

    listTasks,

    /**
     * Open tasks per bucket (overdue / today / upcoming, in each store's time zone) for the same people as
     * `listTasks`: the caller's own by default. One aggregate over the open-tasks index.
     */
    async countTasks(actor: Actor, q: TTaskCountsQuery): Promise<TTaskCounts> {
      const conds = whoseTasks(actor, q);
      const nowSql = sql`${clock.now().toISOString()}::timestamptz`;
      const endOfToday = endOfTodaySql(nowSql);
      const [r] = await db
        .select({
          overdue: sql<number>`count(*) filter (where ${tasks.dueAt} < ${nowSql})::int`,
          today: sql<number>`count(*) filter (where ${tasks.dueAt} >= ${nowSql} and ${tasks.dueAt} < ${endOfToday})::int`,
          upcoming: sql<number>`count(*) filter (where ${tasks.dueAt} >= ${endOfToday})::int`,
        })
        .from(tasks)
        .innerJoin(stores, eq(stores.id, tasks.storeId))
        .where(and(...conds, eq(tasks.status, 'open')));
      return { overdue: r?.overdue ?? 0, today: r?.today ?? 0, upcoming: r?.upcoming ?? 0 };
    },

    /**
     * The set-based variant for journeys: assigns and writes a task per audience row in one statement (owners
     * first, the rest spread over the least-loaded staff of the role). Returns how many were written; rows whose
     * firing key exists, inactive customers and stores with nobody to assign are not.
     */
    async createTasksForAudience(exec: TDbOrTx, input: TNewTasksForAudience): Promise<{ created: number }> {
      const res = await exec.execute<{ id: string }>(
        assignAndInsertSql({
          audience: input.audience,
          assignTo: input.assignTo,
          title: input.title,
          description: input.description ?? '',
          kind: input.kind,
          priority: input.priority ?? 'normal',
          dueAt: input.dueAt ?? null,
          sourceRuleId: input.sourceRuleId ?? null,
          createdBy: null,
          now: clock.now(),
        }),
      );
      return { created: res.rows.length };
    },

    /** "My tasks" in one bucket (the console's home screen). */
    async listMyTasks(actor: Actor, q: Pick<TTaskListQuery, 'bucket' | 'limit' | 'cursor'>): Promise<Page<TTask>> {
      return listTasks(actor, {
        bucket: q.bucket,
        limit: q.limit,
        cursor: q.cursor,
      });
    },

    async getTask(actor: Actor, id: string): Promise<TTask> {
      assertCan(actor, 'tasks.read');
      return loadTask(db, actor, id);
    },

    /** A task typed in by a person: their own, or (with `tasks.manage`) someone else's in the store. Audited. */
    async createManualTask(actor: Actor, input: TTaskCreate): Promise<TTask> {
      const { duplicate: _d, ...t } = await createTask(db, actor, {
        customerId: input.customerId,
        vehicleId: input.vehicleId,
        assigneeStaffId: input.assigneeId,
        title: input.title,
        description: input.description,
        kind: input.kind,
        priority: input.priority,
        dueAt: input.dueAt,
      });
      return t;
    },

    /**
     * Closes a task with its outcome. `not_reached` schedules the next try for the same person (default one day
     * later) until the store's maximum tries; every completion emits `task.completed` (complaints pick up
     * `complaint_raised` from it). Only the assignee or a manager may complete; audited.
     */
    async completeTask(actor: Actor, id: string, input: TTaskComplete): Promise<TTaskCompleteResult> {
      assertCan(actor, 'tasks.write');
      return db.transaction(async (tx) => {
        const [t] = await tx
          .select()
          .from(tasks)
          .where(and(eq(tasks.id, id), storeScope(actor, tasks.storeId)))
          .for('update');
        if (!t) throw new NotFoundError('任务');
        if (t.assigneeStaffId !== actor.staffId && !can(actor, 'tasks.manage')) throw new ForbiddenError('只能完成分配给自己的任务 / You can only complete your own tasks');
        if (t.status !== 'open')
          throw new ConflictError('任务已关闭 / The task is already closed', {
            type: 'task',
            id,
            label: t.title,
          });
        const now = clock.now();
        if (input.retryAt && input.retryAt <= now)
          throw new ValidationError('下次联系时间须晚于现在 / The retry time must be in the future', [{ path: 'body.retryAt', message: 'in the past' }]);
        await tx
          .update(tasks)
          .set({
            status: 'done',
            outcome: input.outcome,
            outcomeNote: input.note ?? '',
            completedAt: now,
            completedBy: staffIdOf(actor),
            updatedAt: now,
          })
          .where(eq(tasks.id, id));
        let retryId: string | null = null;
        if (input.outcome === 'not_reached') {
          const due = retryPlan(t.attempt, await settingsOf(tx, t.storeId), now, input.retryAt);
          if (due) {
            const [still] = await tx
              .select({ id: staff.id })
              .from(staff)
              .where(and(eq(staff.id, t.assigneeStaffId), eq(staff.storeId, t.storeId), eq(staff.active, true)));
            const [role] = await tx.select({ role: staff.role }).from(staff).where(eq(staff.id, t.assigneeStaffId));
            const res = await tx.execute<{ id: string }>(
              assignAndInsertSql({
                audience: sql`select ${t.customerId}::uuid as customer_id, ${t.vehicleId}::uuid as vehicle_id, null::text as firing_key, null::timestamptz as due_at`,
                // The same person tries again; if they have left, the least-loaded colleague in the same role.
                assignTo: still ? { staffId: still.id } : { role: role?.role ?? 'service' },
                title: t.title,
                description: t.description,
                kind: t.kind,
                priority: t.priority,
                dueAt: due,
                sourceRuleId: t.sourceRuleId,
                createdBy: staffIdOf(actor),
                retryOfTaskId: t.id,
                attempt: t.attempt + 1,
                now,
              }),
            );
            retryId = res.rows[0]?.id ?? null;
          }
        }
        await recordAudit(tx, actor, {
          action: 'task.complete',
          entityType: 'task',
          entityId: id,
          storeId: t.storeId,
          customerId: t.customerId,
          detail: { outcome: input.outcome, retryTaskId: retryId },
        });
        await emitEvent(tx, 'task.completed', {
          customerId: t.customerId,
          storeId: t.storeId,
          payload: {
            taskId: id,
            kind: t.kind,
            outcome: input.outcome,
            note: input.note ?? '',
            assigneeStaffId: t.assigneeStaffId,
            sourceRuleId: t.sourceRuleId,
            retryTaskId: retryId,
          },
        });
        return {
          task: await loadTask(tx, SYSTEM_ACTOR, id),
          retryTask: retryId ? await loadTask(tx, SYSTEM_ACTOR, retryId) : null,
        };
      });
    },

    /**
     * Hands open tasks to another active employee of each task's store. Staff may hand on their own tasks;
     * `tasks.manage` may move anyone's. A task outside the actor's store answers 404; audited per task.
     */
    async reassign(actor: Actor, ids: string[], staffId: string): Promise<{ updated: number }> {
      assertCan(actor, 'tasks.write');
      const unique = [...new Set(ids)];
      return db.transaction(async (tx) => {
        const rows = await tx
          .select({
            id: tasks.id,
            storeId: tasks.storeId,
            customerId: tasks.customerId,
            assigneeStaffId: tasks.assigneeStaffId,
            status: tasks.status,
          })
          .from(tasks)
          .where(and(inArray(tasks.id, unique), storeScope(actor, tasks.storeId)))
          .for('update');
        if (rows.length !== unique.length) throw new NotFoundError('任务');
        if (!can(actor, 'tasks.manage') && rows.some((r) => r.assigneeStaffId !== actor.staffId)) {
          throw new ForbiddenError('只能转交分配给自己的任务 / You can only hand on your own tasks');
        }
        if (rows.some((r) => r.status !== 'open')) throw new BusinessRuleError('task-closed', '已完成或已取消的任务不能转派 / Closed tasks cannot be reassigned');
        for (const storeId of new Set(rows.map((r) => r.storeId))) await assertActiveStaffOf(tx, staffId, storeId, 'body.staffId');
        const now = clock.now();
        await tx.update(tasks).set({ assigneeStaffId: staffId, updatedAt: now }).where(inArray(tasks.id, unique));
        for (const r of rows) {
          await recordAudit(tx, actor, {
            action: 'task.reassign',
            entityType: 'task',
            entityId: r.id,
            storeId: r.storeId,
            customerId: r.customerId,
            detail: { from: r.assigneeStaffId, to: staffId },
          });
        }
        return { updated: rows.length };
      });
    },

    /** Per active staff member of a store: open, overdue, escalated, done this week, and the week's completion rate. */
    async teamBoard(actor: Actor, q: { storeId?: string }): Promise<TTaskBoard> {
      assertCan(actor, 'tasks.manage');
      const store = await storeParam(db, actor, q.storeId);
      const now = sql`${clock.now().toISOString()}::timestamptz`;
      const weekStart = sql`(date_trunc('week', ${now} at time zone ${store.timezone}) at time zone ${store.timezone})`;
      const res = await db.execute<{
        id: string;
        display_name: string;
        role: string;
        open: number;
        overdue: number;
        escalated: number;
        done_this_week: number;
        due_this_week: number;
        due_done: number;
      }>(sql`
        select s.id, s.display_name, s.role::text as role,
          count(t.id) filter (where t.status = 'open')::int as open,
          count(t.id) filter (where t.status = 'open' and t.due_at < ${now})::int as overdue,
          count(t.id) filter (where t.status = 'open' and t.escalation_level > 0)::int as escalated,
          count(t.id) filter (where t.status = 'done' and t.completed_at >= ${weekStart})::int as done_this_week,
          count(t.id) filter (where t.status <> 'cancelled' and t.due_at >= ${weekStart} and t.due_at < ${now})::int as due_this_week,
          count(t.id) filter (where t.status = 'done' and t.due_at >= ${weekStart} and t.due_at < ${now})::int as due_done
        from staff s
        left join tasks t on t.assignee_staff_id = s.id and t.store_id = s.store_id
          and (t.status = 'open' or t.completed_at >= ${weekStart} or t.due_at >= ${weekStart})
        where s.store_id = ${store.id} and s.active
        group by s.id, s.display_name, s.role
        order by count(t.id) filter (where t.status = 'open' and t.due_at < ${now}) desc, s.display_name`);
      const [ws] = await db.execute<{ w: Date }>(sql`select ${weekStart} as w`).then((r) => r.rows);
      return {
        storeId: store.id,
        weekStart: new Date(ws!.w),
        rows: res.rows.map((r) => ({
          staff: { id: r.id, displayName: r.display_name, role: r.role },
          open: r.open,
          overdue: r.overdue,
          escalated: r.escalated,
          doneThisWeek: r.done_this_week,
          dueThisWeek: r.due_this_week,
          completionRate: r.due_this_week > 0 ? r.due_done / r.due_this_week : null,
        })),
      };
    },

    /**
     * The `tasks.escalate-overdue` job: every open task more than the store's `escalateAfterHours` past due and not
     * yet escalated goes to level 1, flagged for the store's manager — one UPDATE for all stores. One audit entry
     * and one `task.escalated` event per store name the tasks. Safe to run concurrently and repeatedly.
     */
    async escalateOverdue(): Promise<{ escalated: number }> {
      const nowDate = clock.now();
      const now = sql`${nowDate.toISOString()}::timestamptz`;
      return db.transaction(async (tx) => {
        const res = await tx.execute<{
          id: string;
          store_id: string;
          escalated_to: string | null;
        }>(sql`
          with due as (
            select t.id, t.store_id from tasks t
            left join task_settings ts on ts.store_id = t.store_id
            where t.status = 'open' and t.escalation_level = 0
              and t.due_at < ${now} - make_interval(hours => coalesce(ts.escalate_after_hours, ${DEFAULT_TASK_SETTINGS.escalateAfterHours}::int))
            for update of t skip locked
          ),
          mgr as (
            select distinct on (s.store_id) s.store_id, s.id from staff s
            where s.role = 'store_manager' and s.active and s.store_id in (select store_id from due)
            order by s.store_id, s.created_at, s.id
          )
          update tasks t set escalation_level = 1, escalated_at = ${now}, escalated_to = mgr.id, updated_at = ${now}
          from due left join mgr on mgr.store_id = due.store_id
          where t.id = due.id
          returning t.id, t.store_id, t.escalated_to`);
        const byStore = new Map<string, { ids: string[]; managerId: string | null }>();
        for (const r of res.rows) {
          const e = byStore.get(r.store_id) ?? {
            ids: [],
            managerId: r.escalated_to,
          };
          e.ids.push(r.id);
          byStore.set(r.store_id, e);
        }
        for (const [storeId, e] of byStore) {
          const detail = {
            count: e.ids.length,
            managerId: e.managerId,
            taskIds: e.ids.slice(0, 1000),
          };
          await recordAudit(tx, SYSTEM_ACTOR, {
            action: 'task.escalate',
            entityType: 'task',
            storeId,
            detail,
          });
          await emitEvent(tx, 'task.escalated', { storeId, payload: detail });
        }
        return { escalated: res.rows.length };
      });
    },

    /** A store's policy; everyone may read it (the completion drawer says when a missed call is retried). */
    async getSettings(actor: Actor, storeId?: string): Promise<TTaskSettings> {
      assertCan(actor, 'tasks.read');
      const s = await storeParam(db, actor, storeId);
      return { storeId: s.id, ...(await settingsOf(db, s.id)) };
    },

    /** Sets a store's escalation and retry policy. Audited. */
    async putSettings(actor: Actor, storeId: string | undefined, input: TTaskSettingsInput): Promise<TTaskSettings> {
      assertCan(actor, 'tasks.manage');
      return db.transaction(async (tx) => {
        const s = await storeParam(tx, actor, storeId);
        const values = {
          ...input,
          updatedBy: staffIdOf(actor),
          updatedAt: clock.now(),
        };
        await tx
          .insert(taskSettings)
          .values({ storeId: s.id, ...values })
          .onConflictDoUpdate({ target: taskSettings.storeId, set: values });
        await recordAudit(tx, actor, {
          action: 'task.settings',
          entityType: 'store',
          entityId: s.id,
          storeId: s.id,
          detail: { ...input },
        });
        return { storeId: s.id, ...input };
      });
    },
  };
}

export type TTasksService = ReturnType<typeof createTasksService>;
