import { and, asc, desc, eq, ilike, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type {
  TClock,
  TCompensationCreate,
  TComplaint,
  TComplaintChannel,
  TComplaintCreate,
  TComplaintDetail,
  TComplaintListQuery,
  TComplaintResolve,
  TComplaintRevisit,
  TComplaintSettings,
  TComplaintSettingsInput,
  TComplaintSeverity,
  TComplaintType,
  TRoutingRules,
  TRoutingRulesInput,
  TSlaStage,
  TTimelineKind,
} from '../../../contracts/complaints.js';
import { COMPLAINT_TYPES, ZComplaintSettingsInput } from '../../../contracts/complaints.js';
import type { TConfig } from '../../config.js';
import type { TDb, TDbOrTx } from '../../db/index.js';
import type { Clock } from '../../platform/clock.js';
import { BusinessRuleError, NotFoundError, ValidationError } from '../../platform/errors.js';
import type { Jobs } from '../../platform/jobs.js';
import type { PortalActor } from '../../platform/owner.js';
import { encodeCursor, type Page } from '../../platform/pagination.js';
import { assertCan, assertStoreAccess, storeScope, SYSTEM_ACTOR, type Actor } from '../../platform/rbac.js';
import { emitEvent, recordAudit } from '../audit/service.js';
import { customers } from '../customers/schema.js';
import { staff, stores } from '../org/schema.js';
import { vehicles } from '../vehicles/schema.js';
import { decodeKeyset, staffIdOf } from '../vehicles/service.js';
import {
  budgetMinutes,
  calendarOf,
  DEFAULT_COMPLAINT_SETTINGS,
  DEFAULT_ROUTING,
  dueAt,
  isBreached,
  meetClock,
  pauseClock,
  remainingMs,
  resumeClock,
  startClock,
  warnAt,
  type TCalendar,
  type TClockState,
} from './rules.js';
import { complaintClocks, complaintCompensations, complaintEvents, complaintNumberSeq, complaintRoutingRules, complaints, complaintSettings } from './schema.js';

/**
 * Compensation goes out through loyalty (a coupon or points). Loyalty implements this; until it lands the complaint
 * records what was promised (`recordOnlyCompensator`) and a person hands it out.
 */
export interface TCompensator {
  /** Issues the compensation in the caller's transaction; returns loyalty's reference, or null when only recorded. */
  issue(
    tx: TDbOrTx,
    c: { complaintId: string; customerId: string; storeId: string; kind: 'coupon' | 'points' | 'cash'; amount: number; note: string },
  ): Promise<{ externalRef: string } | null>;
}

export const recordOnlyCompensator: TCompensator = { issue: async () => null };

export interface TComplaintsDeps {
  db: TDb;
  clock: Clock;
  jobs: Jobs | null;
  config: TConfig;
  compensator?: TCompensator;
}

/** A complaint opened by the system (the portal, a survey detractor). */
export interface TOpenComplaint {
  customerId: string;
  vehicleId?: string | null;
  channel: TComplaintChannel;
  severity: TComplaintSeverity;
  type: TComplaintType;
  title: string;
  description: string;
  surveyResponseId?: string | null;
  /** The survey answers a detractor complaint carries (shown on its detail page). */
  answers?: { question: string; answer: string }[];
  actorName: string;
}

const assignee = alias(staff, 'assignee');
const advisor = alias(staff, 'advisor');
const escalatee = alias(staff, 'escalatee');

const ref = (id: string | null, name: string | null) => (id && name !== null ? { id, displayName: name } : null);
const STAGES: TSlaStage[] = ['acknowledge', 'resolve', 'feedback', 'revisit'];
type TClockRow = typeof complaintClocks.$inferSelect;

function stateOf(r: TClockRow): TClockState {
  return { budgetMs: r.budgetMinutes * 60_000, consumedMs: r.consumedMs, runningSince: r.runningSince, metAt: r.metAt };
}

function selectComplaints(db: TDbOrTx) {
  return db
    .select({ c: complaints, customerName: customers.name, storeName: stores.name, timezone: stores.timezone, plate: vehicles.plate, assigneeName: assignee.displayName, advisorName: advisor.displayName, escalateeName: escalatee.displayName })
    .from(complaints)
    .innerJoin(customers, eq(customers.id, complaints.customerId))
    .innerJoin(stores, eq(stores.id, complaints.storeId))
    .leftJoin(vehicles, eq(vehicles.id, complaints.vehicleId))
    .leftJoin(assignee, eq(assignee.id, complaints.assigneeStaffId))
    .leftJoin(advisor, eq(advisor.id, complaints.advisorStaffId))
    .leftJoin(escalatee, eq(escalatee.id, complaints.escalatedTo));
}
type TRow = Awaited<ReturnType<ReturnType<typeof selectComplaints>['execute']>>[number];

/**
 * Complaints on the clock: intake (console, portal, survey detractors), routing, the four SLA clocks with pause and
 * reopen, timeline, compensation, revisit and close; the warning/escalation sweep for the job. Store-scoped.
 */
export function createComplaintsService(deps: TComplaintsDeps) {
  const { db, clock } = deps;
  const compensator = deps.compensator ?? recordOnlyCompensator;

  async function settingsOf(exec: TDbOrTx, storeId: string): Promise<{ settings: TComplaintSettingsInput; timezone: string; isDefault: boolean }> {
    const [r] = await exec.select({ tz: stores.timezone, s: complaintSettings.settings }).from(stores).leftJoin(complaintSettings, eq(complaintSettings.storeId, stores.id)).where(eq(stores.id, storeId));
    if (!r) throw new NotFoundError('门店');
    const parsed = r.s ? ZComplaintSettingsInput.safeParse(r.s) : null;
    return { settings: parsed?.success ? parsed.data : DEFAULT_COMPLAINT_SETTINGS, timezone: r.tz, isDefault: !parsed?.success };
  }

  async function calendarFor(exec: TDbOrTx, storeId: string): Promise<{ cal: TCalendar; settings: TComplaintSettingsInput }> {
    const s = await settingsOf(exec, storeId);
    return { cal: calendarOf(s.settings, s.timezone), settings: s.settings };
  }

  function clockDto(r: TClockRow, now: Date, cal: TCalendar): TClock {
    const st = stateOf(r);
    return {
      stage: r.stage,
      budgetMinutes: r.budgetMinutes,
      dueAt: r.dueAt,
      warnAt: r.warnAt,
      running: Boolean(r.runningSince) && !r.metAt,
      remainingMinutes: Math.round(remainingMs(st, now, cal) / 60_000),
      metAt: r.metAt,
      breached: r.breached || isBreached(st, now, cal),
      escalationLevel: r.escalationLevel,
    };
  }

  async function toDtos(exec: TDbOrTx, rows: TRow[]): Promise<TComplaint[]> {
    if (!rows.length) return [];
    const now = clock.now();
    const clocks = await exec.select().from(complaintClocks).where(inArray(complaintClocks.complaintId, rows.map((r) => r.c.id)));
    const cals = new Map<string, TCalendar>();
    for (const sid of new Set(rows.map((r) => r.c.storeId))) cals.set(sid, (await calendarFor(exec, sid)).cal);
    return rows.map((r) => {
      const c = r.c;
      const cal = cals.get(c.storeId)!;
      const mine = clocks.filter((k) => k.complaintId === c.id).sort((a, b) => STAGES.indexOf(a.stage) - STAGES.indexOf(b.stage));
      const dtos = mine.map((k) => clockDto(k, now, cal));
      const open = dtos.filter((k) => k.running && k.dueAt).map((k) => k.dueAt!.getTime());
      return {
        id: c.id,
        number: c.number,
        storeId: c.storeId,
        storeName: r.storeName,
        customer: { id: c.customerId, name: r.customerName },
        vehicle: c.vehicleId ? { id: c.vehicleId, plate: r.plate } : null,
        channel: c.channel,
        severity: c.severity,
        type: c.type,
        title: c.title,
        description: c.description,
        status: c.status,
        assignee: ref(c.assigneeStaffId, r.assigneeName),
        advisor: ref(c.advisorStaffId, r.advisorName),
        paused: c.paused,
        rootCause: c.rootCause,
        resolution: c.resolution,
        satisfied: c.satisfied,
        satisfactionScore: c.satisfactionScore,
        reopenCount: c.reopenCount,
        escalationLevel: c.escalationLevel,
        escalatedTo: ref(c.escalatedTo, r.escalateeName),
        surveyResponseId: c.surveyResponseId,
        receivedAt: c.receivedAt,
        acknowledgedAt: c.acknowledgedAt,
        resolvedAt: c.resolvedAt,
        feedbackAt: c.feedbackAt,
        revisitedAt: c.revisitedAt,
        closedAt: c.closedAt,
        nextDueAt: open.length ? new Date(Math.min(...open)) : null,
        breached: dtos.some((k) => k.breached),
        clocks: dtos,
      };
    });
  }

  async function timeline(exec: TDbOrTx, complaintId: string, actor: { name: string; staffId: string | null }, kind: TTimelineKind, note = '', detail: Record<string, unknown> = {}) {
    await exec.insert(complaintEvents).values({ complaintId, kind, at: clock.now(), actorStaffId: actor.staffId, actorName: actor.name, note, detail });
  }
  const who = (a: Actor) => ({ name: a.displayName, staffId: staffIdOf(a) });

  /** Starts (or restarts from zero) a clock of a complaint. */
  async function startStage(tx: TDbOrTx, complaintId: string, stage: TSlaStage, severity: TComplaintSeverity, ctx: { cal: TCalendar; settings: TComplaintSettingsInput }, paused: boolean) {
    const now = clock.now();
    const st = startClock(budgetMinutes(stage, severity, ctx.settings), now);
    const s = paused ? pauseClock(st, now, ctx.cal) : st;
    const values = {
      budgetMinutes: budgetMinutes(stage, severity, ctx.settings),
      consumedMs: 0,
      runningSince: s.runningSince,
      dueAt: dueAt(s, ctx.cal),
      warnAt: warnAt(s, ctx.settings.warnPercent, ctx.cal),
      metAt: null,
      breached: false,
      warnedAt: null,
      escalationLevel: 0,
      escalatedAt: null,
      updatedAt: now,
    };
    await tx
      .insert(complaintClocks)
      .values({ complaintId, stage, ...values })
      .onConflictDoUpdate({ target: [complaintClocks.complaintId, complaintClocks.stage], set: values });
  }

  /** Applies a state change to some clocks of a complaint and stores due/warn instants. */
  async function updateClocks(tx: TDbOrTx, complaintId: string, stages: TSlaStage[], ctx: { cal: TCalendar; settings: TComplaintSettingsInput }, f: (s: TClockState) => TClockState) {
    const rows = await tx
      .select()
      .from(complaintClocks)
      .where(and(eq(complaintClocks.complaintId, complaintId), inArray(complaintClocks.stage, stages)));
    const now = clock.now();
    for (const r of rows) {
      const s = f(stateOf(r));
      await tx
        .update(complaintClocks)
        .set({
          consumedMs: Math.round(s.consumedMs),
          runningSince: s.runningSince,
          metAt: s.metAt,
          dueAt: dueAt(s, ctx.cal),
          warnAt: warnAt(s, ctx.settings.warnPercent, ctx.cal),
          breached: r.breached || (s.metAt ? s.consumedMs > s.budgetMs : false),
          updatedAt: now,
        })
        .where(and(eq(complaintClocks.complaintId, complaintId), eq(complaintClocks.stage, r.stage)));
    }
  }

  /** The person a complaint type goes to in a store: the rule's named person, the least-loaded of its role, or the manager. */
  async function routeTo(tx: TDbOrTx, storeId: string, type: TComplaintType): Promise<string | null> {
    const [rule] = await tx
      .select()
      .from(complaintRoutingRules)
      .where(and(eq(complaintRoutingRules.storeId, storeId), eq(complaintRoutingRules.type, type)));
    const role = rule?.role ?? DEFAULT_ROUTING[type];
    const res = await tx.execute<{ id: string }>(sql`
      select s.id from staff s
      left join complaints c on c.assignee_staff_id = s.id and c.status <> 'closed'
      where s.store_id = ${storeId} and s.active and (s.id = ${rule?.staffId ?? null}::uuid or s.role = ${role}::staff_role or s.role = 'store_manager')
      group by s.id, s.role
      order by (s.id = ${rule?.staffId ?? null}::uuid) desc nulls last, (s.role = ${role}::staff_role) desc, count(c.id), s.id
      limit 1`);
    return res.rows[0]?.id ?? null;
  }

  async function insertComplaint(tx: TDbOrTx, actor: { name: string; staffId: string | null; audit: Actor }, c: { id: string; storeId: string; serviceAdvisorId: string | null }, input: TOpenComplaint & { assigneeStaffId?: string }) {
    const now = clock.now();
    const ctx = await calendarFor(tx, c.storeId);
    const target = input.assigneeStaffId ?? (await routeTo(tx, c.storeId, input.type));
    const [{ n }] = (await tx.execute<{ n: string }>(sql`select nextval(${complaintNumberSeq.seqName}) as n`)).rows as [{ n: string }];
    const local = new Intl.DateTimeFormat('en-CA', { timeZone: ctx.cal.timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now).replaceAll('-', '');
    const [row] = await tx
      .insert(complaints)
      .values({
        number: `TS${local}-${String(n).padStart(5, '0')}`,
        storeId: c.storeId,
        customerId: c.id,
        vehicleId: input.vehicleId ?? null,
        channel: input.channel,
        severity: input.severity,
        type: input.type,
        title: input.title,
        description: input.description,
        assigneeStaffId: target,
        advisorStaffId: c.serviceAdvisorId,
        surveyResponseId: input.surveyResponseId ?? null,
        receivedAt: now,
        createdBy: actor.staffId,
      })
      .returning({ id: complaints.id });
    const id = row!.id;
    await startStage(tx, id, 'acknowledge', input.severity, ctx, false);
    await startStage(tx, id, 'resolve', input.severity, ctx, false);
    await timeline(tx, id, actor, 'received', input.description.slice(0, 500), { channel: input.channel, severity: input.severity, type: input.type, ...(input.answers ? { answers: input.answers } : {}) });
    if (target) await timeline(tx, id, actor, 'assigned', '', { staffId: target, by: input.assigneeStaffId ? 'named' : 'routing' });
    await emitEvent(tx, 'complaint.received', { customerId: c.id, storeId: c.storeId, payload: { complaintId: id, type: input.type, severity: input.severity, channel: input.channel } });
    await recordAudit(tx, actor.audit, { action: 'complaint.create', entityType: 'complaint', entityId: id, storeId: c.storeId, customerId: c.id, detail: { channel: input.channel, type: input.type } });
    return id;
  }

  async function customerFor(tx: TDbOrTx, actor: Actor, customerId: string, vehicleId: string | null | undefined) {
    const [c] = await tx
      .select({ id: customers.id, storeId: customers.storeId, status: customers.status, serviceAdvisorId: customers.serviceAdvisorId })
      .from(customers)
      .where(and(eq(customers.id, customerId), storeScope(actor, customers.storeId)));
    if (!c) throw new NotFoundError('客户');
    if (c.status !== 'active') throw new BusinessRuleError('customer-inactive', '该客户已合并或已注销 / This customer was merged or erased');
    if (vehicleId) {
      const [v] = await tx
        .select({ id: vehicles.id })
        .from(vehicles)
        .where(and(eq(vehicles.id, vehicleId), eq(vehicles.customerId, c.id)));
      if (!v) throw new ValidationError('车辆不属于该客户 / The vehicle is not this customer’s', [{ path: 'body.vehicleId', message: 'not this customer’s vehicle' }]);
    }
    return c;
  }

  async function load(exec: TDbOrTx, actor: Actor, id: string): Promise<TComplaint> {
    const rows = await selectComplaints(exec).where(and(eq(complaints.id, id), storeScope(actor, complaints.storeId)));
    if (!rows[0]) throw new NotFoundError('投诉');
    return (await toDtos(exec, rows))[0]!;
  }

  /** Locks a complaint the actor may change (404 outside their store) and hands it to `f` in one transaction. */
  async function act<T>(actor: Actor, id: string, f: (tx: TDbOrTx, c: typeof complaints.$inferSelect, ctx: { cal: TCalendar; settings: TComplaintSettingsInput }) => Promise<T>): Promise<TComplaint> {
    assertCan(actor, 'complaints.write');
    return db.transaction(async (tx) => {
      const [c] = await tx
        .select()
        .from(complaints)
        .where(and(eq(complaints.id, id), storeScope(actor, complaints.storeId)))
        .for('update');
      if (!c) throw new NotFoundError('投诉');
      const ctx = await calendarFor(tx, c.storeId);
      await f(tx, c, ctx);
      return load(tx, SYSTEM_ACTOR, id);
    });
  }

  const stateError = (what: string) => new BusinessRuleError('complaint-state', `当前状态不能${what} / Not possible in the complaint's current state`);
  const isWorking = (s: string) => s === 'received' || s === 'acknowledged' || s === 'reopened';

  return {
    settingsOf,

    /** A complaint taken by staff (hotline, in store, WeChat); routed by the store's rules unless an assignee is named. */
    async create(actor: Actor, input: TComplaintCreate): Promise<TComplaint> {
      assertCan(actor, 'complaints.write');
      return db.transaction(async (tx) => {
        const c = await customerFor(tx, actor, input.customerId, input.vehicleId);
        if (input.assigneeStaffId) {
          const [s] = await tx
            .select({ id: staff.id })
            .from(staff)
            .where(and(eq(staff.id, input.assigneeStaffId), eq(staff.storeId, c.storeId), eq(staff.active, true)));
          if (!s) throw new ValidationError('负责人必须是该门店的在职员工 / The assignee must be an active employee of the store', [{ path: 'body.assigneeStaffId', message: 'not staff of this store' }]);
        }
        const id = await insertComplaint(tx, { ...who(actor), audit: actor }, c, {
          customerId: c.id,
          vehicleId: input.vehicleId,
          channel: input.channel,
          severity: input.severity ?? 'normal',
          type: input.type,
          title: input.title,
          description: input.description ?? '',
          actorName: actor.displayName,
          assigneeStaffId: input.assigneeStaffId,
        });
        return load(tx, SYSTEM_ACTOR, id);
      });
    },

    /**
     * Opens a complaint for the system in the caller's transaction: the owner in the portal, a survey detractor.
     * Returns the complaint's id.
     */
    async open(tx: TDbOrTx, input: TOpenComplaint): Promise<string> {
      const c = await customerFor(tx, SYSTEM_ACTOR, input.customerId, input.vehicleId);
      return insertComplaint(tx, { name: input.actorName, staffId: null, audit: { ...SYSTEM_ACTOR, displayName: input.actorName } }, c, input);
    },

    async list(actor: Actor, q: TComplaintListQuery): Promise<Page<TComplaint>> {
      assertCan(actor, 'complaints.read');
      const conds: (SQL | undefined)[] = [storeScope(actor, complaints.storeId)];
      if (q.storeId) {
        assertStoreAccess(actor, q.storeId, '门店');
        conds.push(eq(complaints.storeId, q.storeId));
      }
      if (q.status === 'open') conds.push(sql`${complaints.status} <> 'closed'`);
      else if (q.status) conds.push(eq(complaints.status, q.status));
      if (q.type) conds.push(eq(complaints.type, q.type));
      if (q.severity) conds.push(eq(complaints.severity, q.severity));
      if (q.customerId) conds.push(eq(complaints.customerId, q.customerId));
      if (q.assigneeId) conds.push(eq(complaints.assigneeStaffId, q.assigneeId));
      if (q.breached !== undefined) {
        const b = sql`exists (select 1 from complaint_clocks k where k.complaint_id = ${complaints.id} and (k.breached or (k.met_at is null and k.due_at < ${clock.now().toISOString()}::timestamptz)))`;
        conds.push(q.breached ? b : sql`not ${b}`);
      }
      if (q.q) conds.push(or(ilike(complaints.title, `%${q.q}%`), ilike(complaints.number, `%${q.q}%`), ilike(customers.name, `%${q.q}%`)));
      const cur = decodeKeyset(q.cursor, ['instant', 'uuid'] as const);
      if (cur) conds.push(or(lt(complaints.receivedAt, cur[0]), and(eq(complaints.receivedAt, cur[0]), lt(complaints.id, cur[1]))));
      const rows = await selectComplaints(db)
        .where(and(...conds))
        .orderBy(desc(complaints.receivedAt), desc(complaints.id))
        .limit(q.limit + 1);
      const items = await toDtos(db, rows.slice(0, q.limit));
      const last = items.at(-1);
      return { items, nextCursor: rows.length > q.limit && last ? encodeCursor([last.receivedAt.toISOString(), last.id]) : null };
    },

    async get(actor: Actor, id: string): Promise<TComplaintDetail> {
      assertCan(actor, 'complaints.read');
      const c = await load(db, actor, id);
      const tl = await db.select().from(complaintEvents).where(eq(complaintEvents.complaintId, id)).orderBy(asc(complaintEvents.at), asc(complaintEvents.id));
      const comp = await db.select().from(complaintCompensations).where(eq(complaintCompensations.complaintId, id)).orderBy(asc(complaintCompensations.createdAt));
      let surveyAnswers: { question: string; answer: string }[] = [];
      if (c.surveyResponseId) {
        const r = await db.execute<{ answers: { question: string; answer: string }[] }>(sql`select coalesce((select detail->'answers' from complaint_events where complaint_id = ${id} and kind = 'received' limit 1), '[]'::jsonb) as answers`);
        surveyAnswers = Array.isArray(r.rows[0]?.answers) ? r.rows[0]!.answers : [];
      }
      return {
        ...c,
        timeline: tl.map((e) => ({ id: e.id, kind: e.kind as TTimelineKind, at: e.at, actorName: e.actorName, note: e.note, detail: e.detail })),
        compensations: comp.map((x) => ({ id: x.id, kind: x.kind, amount: x.amount, note: x.note, status: x.status as 'recorded' | 'issued', externalRef: x.externalRef, createdAt: x.createdAt })),
        surveyAnswers,
      };
    },

    /** First contact with the owner: stops the acknowledge clock. */
    acknowledge: (actor: Actor, id: string, note: string) =>
      act(actor, id, async (tx, c, ctx) => {
        if (c.status !== 'received') throw stateError('响应');
        const now = clock.now();
        await updateClocks(tx, id, ['acknowledge'], ctx, (s) => meetClock(s, now, ctx.cal));
        await tx.update(complaints).set({ status: 'acknowledged', acknowledgedAt: now, updatedAt: now }).where(eq(complaints.id, id));
        await timeline(tx, id, who(actor), 'acknowledged', note);
      }),

    assign: (actor: Actor, id: string, staffId: string, note: string) =>
      act(actor, id, async (tx, c) => {
        if (c.status === 'closed') throw stateError('分派');
        const [s] = await tx
          .select({ id: staff.id, name: staff.displayName })
          .from(staff)
          .where(and(eq(staff.id, staffId), eq(staff.storeId, c.storeId), eq(staff.active, true)));
        if (!s) throw new ValidationError('负责人必须是该门店的在职员工 / The assignee must be an active employee of the store', [{ path: 'body.staffId', message: 'not staff of this store' }]);
        await tx.update(complaints).set({ assigneeStaffId: staffId, updatedAt: clock.now() }).where(eq(complaints.id, id));
        await timeline(tx, id, who(actor), 'assigned', note, { staffId, name: s.name, by: 'hand' });
      }),

    note: (actor: Actor, id: string, note: string) =>
      act(actor, id, async (tx) => {
        if (!note) throw new ValidationError('请填写备注 / Write a note', [{ path: 'body.note', message: 'required' }]);
        await timeline(tx, id, who(actor), 'note', note);
      }),

    /** Stops every running clock (waiting for parts, the owner away); the time paused does not count. */
    pause: (actor: Actor, id: string, note: string) =>
      act(actor, id, async (tx, c, ctx) => {
        if (c.paused || c.status === 'closed') throw stateError('暂停计时');
        const now = clock.now();
        await updateClocks(tx, id, STAGES, ctx, (s) => pauseClock(s, now, ctx.cal));
        await tx.update(complaints).set({ paused: true, updatedAt: now }).where(eq(complaints.id, id));
        await timeline(tx, id, who(actor), 'paused', note);
      }),

    resume: (actor: Actor, id: string, note: string) =>
      act(actor, id, async (tx, c, ctx) => {
        if (!c.paused) throw stateError('恢复计时');
        const now = clock.now();
        await updateClocks(tx, id, STAGES, ctx, (s) => resumeClock(s, now));
        await tx.update(complaints).set({ paused: false, updatedAt: now }).where(eq(complaints.id, id));
        await timeline(tx, id, who(actor), 'resumed', note);
      }),

    /** Resolved with its root cause: stops the resolve clock (and acknowledge, if nobody had), starts feedback. */
    resolve: (actor: Actor, id: string, input: TComplaintResolve) =>
      act(actor, id, async (tx, c, ctx) => {
        if (!isWorking(c.status)) throw stateError('解决');
        const now = clock.now();
        await updateClocks(tx, id, ['acknowledge', 'resolve'], ctx, (s) => meetClock(resumeClock(s, now), now, ctx.cal));
        await startStage(tx, id, 'feedback', c.severity, ctx, false);
        await tx
          .update(complaints)
          .set({ status: 'resolved', resolvedAt: now, acknowledgedAt: c.acknowledgedAt ?? now, paused: false, rootCause: input.rootCause, resolution: input.resolution, updatedAt: now })
          .where(eq(complaints.id, id));
        await timeline(tx, id, who(actor), 'resolved', input.resolution, { rootCause: input.rootCause });
        await emitEvent(tx, 'complaint.resolved', { customerId: c.customerId, storeId: c.storeId, payload: { complaintId: id } });
      }),

    /** The owner was told the outcome: stops feedback, starts the revisit clock. */
    feedback: (actor: Actor, id: string, note: string) =>
      act(actor, id, async (tx, c, ctx) => {
        if (c.status !== 'resolved') throw stateError('反馈');
        const now = clock.now();
        await updateClocks(tx, id, ['feedback'], ctx, (s) => meetClock(s, now, ctx.cal));
        await startStage(tx, id, 'revisit', c.severity, ctx, false);
        await tx.update(complaints).set({ status: 'feedback_given', feedbackAt: now, updatedAt: now }).where(eq(complaints.id, id));
        await timeline(tx, id, who(actor), 'feedback', note);
      }),

    /**
     * The revisit call: a satisfied owner closes the complaint (the only way it closes); an unsatisfied one reopens it
     * with a fresh resolve clock. Emits `complaint.revisited` (journeys send the revisit survey on it).
     */
    revisit: (actor: Actor, id: string, input: TComplaintRevisit) =>
      act(actor, id, async (tx, c, ctx) => {
        if (c.status !== 'feedback_given') throw stateError('回访');
        const now = clock.now();
        await updateClocks(tx, id, ['revisit'], ctx, (s) => meetClock(s, now, ctx.cal));
        const score = input.score ?? null;
        await timeline(tx, id, who(actor), 'revisit', input.note ?? '', { satisfied: input.satisfied, score });
        if (input.satisfied) {
          await tx.update(complaints).set({ status: 'closed', revisitedAt: now, closedAt: now, satisfied: true, satisfactionScore: score, updatedAt: now }).where(eq(complaints.id, id));
          await timeline(tx, id, who(actor), 'closed');
        } else {
          await tx
            .update(complaints)
            .set({ status: 'reopened', revisitedAt: now, satisfied: false, satisfactionScore: score, reopenCount: c.reopenCount + 1, updatedAt: now })
            .where(eq(complaints.id, id));
          await startStage(tx, id, 'resolve', c.severity, ctx, false);
          await tx.delete(complaintClocks).where(and(eq(complaintClocks.complaintId, id), inArray(complaintClocks.stage, ['feedback', 'revisit'])));
          await timeline(tx, id, who(actor), 'reopened', '回访不满意 / Owner not satisfied at the revisit');
        }
        await emitEvent(tx, 'complaint.revisited', { customerId: c.customerId, storeId: c.storeId, payload: { complaintId: id, satisfied: input.satisfied } });
      }),

    /** Back to work after resolution or close: a fresh resolve clock; feedback and revisit start over. */
    reopen: (actor: Actor, id: string, reason: string) =>
      act(actor, id, async (tx, c, ctx) => {
        if (isWorking(c.status)) throw stateError('重开');
        const now = clock.now();
        await startStage(tx, id, 'resolve', c.severity, ctx, false);
        await tx.delete(complaintClocks).where(and(eq(complaintClocks.complaintId, id), inArray(complaintClocks.stage, ['feedback', 'revisit'])));
        await tx.update(complaints).set({ status: 'reopened', closedAt: null, paused: false, satisfied: null, reopenCount: c.reopenCount + 1, updatedAt: now }).where(eq(complaints.id, id));
        await timeline(tx, id, who(actor), 'reopened', reason);
        await recordAudit(tx, actor, { action: 'complaint.reopen', entityType: 'complaint', entityId: id, storeId: c.storeId, customerId: c.customerId, detail: { reason } });
      }),

    /** Records a compensation and asks loyalty (through `TCompensator`) to issue it. */
    compensate: (actor: Actor, id: string, input: TCompensationCreate) =>
      act(actor, id, async (tx, c) => {
        const issued = await compensator.issue(tx, { complaintId: id, customerId: c.customerId, storeId: c.storeId, kind: input.kind, amount: input.amount, note: input.note ?? '' });
        await tx.insert(complaintCompensations).values({
          complaintId: id,
          kind: input.kind,
          amount: input.amount,
          note: input.note ?? '',
          status: issued ? 'issued' : 'recorded',
          externalRef: issued?.externalRef ?? null,
          createdBy: staffIdOf(actor),
        });
        await timeline(tx, id, who(actor), 'compensation', input.note ?? '', { kind: input.kind, amount: input.amount });
        await recordAudit(tx, actor, { action: 'complaint.compensate', entityType: 'complaint', entityId: id, storeId: c.storeId, customerId: c.customerId, detail: { kind: input.kind, amount: input.amount } });
      }),

    async getSettings(actor: Actor, storeId: string | undefined): Promise<TComplaintSettings> {
      assertCan(actor, 'complaints.read');
      const id = storeId ?? actor.storeId;
      if (!id) throw new ValidationError('请选择门店 / Choose a store', [{ path: 'querystring.storeId', message: 'required' }]);
      assertStoreAccess(actor, id, '门店');
      const s = await settingsOf(db, id);
      return { ...s.settings, storeId: id, timezone: s.timezone, isDefault: s.isDefault };
    },

    /** New budgets apply to clocks started from now on; running clocks keep the deadline they were given. */
    async putSettings(actor: Actor, storeId: string | undefined, input: TComplaintSettingsInput): Promise<TComplaintSettings> {
      assertCan(actor, 'complaints.manage');
      const id = storeId ?? actor.storeId;
      if (!id) throw new ValidationError('请选择门店 / Choose a store', [{ path: 'querystring.storeId', message: 'required' }]);
      assertStoreAccess(actor, id, '门店');
      await db.transaction(async (tx) => {
        await tx
          .insert(complaintSettings)
          .values({ storeId: id, settings: input, updatedBy: staffIdOf(actor) })
          .onConflictDoUpdate({ target: complaintSettings.storeId, set: { settings: input, updatedBy: staffIdOf(actor), updatedAt: clock.now() } });
        await recordAudit(tx, actor, { action: 'complaint.settings', entityType: 'store', entityId: id, storeId: id, detail: input });
      });
      const s = await settingsOf(db, id);
      return { ...s.settings, storeId: id, timezone: s.timezone, isDefault: false };
    },

    async getRouting(actor: Actor, storeId: string | undefined): Promise<TRoutingRules> {
      assertCan(actor, 'complaints.read');
      const id = storeId ?? actor.storeId;
      if (!id) throw new ValidationError('请选择门店 / Choose a store', [{ path: 'querystring.storeId', message: 'required' }]);
      assertStoreAccess(actor, id, '门店');
      const rows = await db
        .select({ type: complaintRoutingRules.type, role: complaintRoutingRules.role, staffId: complaintRoutingRules.staffId, name: staff.displayName })
        .from(complaintRoutingRules)
        .leftJoin(staff, eq(staff.id, complaintRoutingRules.staffId))
        .where(eq(complaintRoutingRules.storeId, id));
      return {
        storeId: id,
        rules: COMPLAINT_TYPES.map(({ key }) => {
          const r = rows.find((x) => x.type === key);
          return { type: key, role: (r?.role ?? DEFAULT_ROUTING[key]) as TRoutingRules['rules'][number]['role'], staff: r ? ref(r.staffId, r.name) : null };
        }),
      };
    },

    async putRouting(actor: Actor, storeId: string | undefined, input: TRoutingRulesInput): Promise<TRoutingRules> {
      assertCan(actor, 'complaints.manage');
      const id = storeId ?? actor.storeId;
      if (!id) throw new ValidationError('请选择门店 / Choose a store', [{ path: 'querystring.storeId', message: 'required' }]);
      assertStoreAccess(actor, id, '门店');
      await db.transaction(async (tx) => {
        for (const r of input.rules) {
          if (r.staffId) {
            const [s] = await tx
              .select({ id: staff.id })
              .from(staff)
              .where(and(eq(staff.id, r.staffId), eq(staff.storeId, id), eq(staff.active, true)));
            if (!s) throw new ValidationError('负责人必须是该门店的在职员工 / The person must be an active employee of the store', [{ path: `body.rules.${r.type}`, message: 'not staff of this store' }]);
          }
          const v = { role: r.role, staffId: r.staffId ?? null, updatedAt: clock.now() };
          await tx
            .insert(complaintRoutingRules)
            .values({ storeId: id, type: r.type, ...v })
            .onConflictDoUpdate({ target: [complaintRoutingRules.storeId, complaintRoutingRules.type], set: v });
        }
        await recordAudit(tx, actor, { action: 'complaint.routing', entityType: 'store', entityId: id, storeId: id, detail: { rules: input.rules } });
      });
      return this.getRouting(actor, id);
    },

    /**
     * The SLA sweep (job `complaints.sla`, every minute): set-based statements that write a warning for clocks past
     * their warning instant, escalate clocks past their deadline to the store manager (level 1), and those still
     * unmet `escalateCxAfterMinutes` later to the CX officer (level 2). Each step happens once per clock; concurrent
     * runs are safe (the UPDATEs claim rows with their WHERE). Returns the counts.
     */
    async sweep(): Promise<{ warned: number; escalated: number }> {
      const now = sql`${clock.now().toISOString()}::timestamptz`;
      return db.transaction(async (tx) => {
        const warned = await tx.execute(sql`
          with w as (
            update complaint_clocks k set warned_at = ${now}, updated_at = ${now}
            where k.met_at is null and k.warned_at is null and k.warn_at is not null and k.warn_at <= ${now}
              and k.escalation_level = 0 and (k.due_at is null or k.due_at >= ${now})
            returning k.complaint_id, k.stage, k.due_at
          )
          insert into complaint_events (id, complaint_id, kind, at, actor_name, note, detail)
          select gen_random_uuid(), w.complaint_id, 'warning', ${now}, '系统 / System', '', jsonb_build_object('stage', w.stage, 'dueAt', w.due_at)
          from w`);
        const esc = await tx.execute(sql`
          with due as (
            select k.complaint_id, k.stage, c.store_id,
              case when k.escalation_level = 0 then 1 else 2 end as level
            from complaint_clocks k
            join complaints c on c.id = k.complaint_id
            left join complaint_settings cs on cs.store_id = c.store_id
            where k.met_at is null and k.due_at is not null and k.due_at < ${now} and c.status <> 'closed'
              and (k.escalation_level = 0
                or (k.escalation_level = 1 and k.due_at + make_interval(mins => coalesce((cs.settings->>'escalateCxAfterMinutes')::int, ${DEFAULT_COMPLAINT_SETTINGS.escalateCxAfterMinutes})) < ${now}))
            for update of k skip locked
          ),
          target as (
            select d.*, (select s.id from staff s where s.store_id = d.store_id and s.active
                           and s.role = (case when d.level = 1 then 'store_manager' else 'cx' end)::staff_role
                         order by s.created_at, s.id limit 1) as staff_id
            from due d
          ),
          upd as (
            update complaint_clocks k set escalation_level = t.level, escalated_at = ${now}, breached = true, updated_at = ${now}
            from target t where k.complaint_id = t.complaint_id and k.stage = t.stage
            returning k.complaint_id
          ),
          top as (
            select distinct on (t.complaint_id) t.complaint_id, t.level, t.staff_id from target t order by t.complaint_id, t.level desc
          ),
          cu as (
            update complaints c set escalation_level = greatest(c.escalation_level, top.level), escalated_to = coalesce(top.staff_id, c.escalated_to), updated_at = ${now}
            from top where c.id = top.complaint_id
            returning c.id
          )
          insert into complaint_events (id, complaint_id, kind, at, actor_name, note, detail)
          select gen_random_uuid(), t.complaint_id, 'escalated', ${now}, '系统 / System', '',
            jsonb_build_object('stage', t.stage, 'level', t.level, 'staffId', t.staff_id)
          from target t where exists (select 1 from upd where upd.complaint_id = t.complaint_id) and exists (select 1 from cu where cu.id = t.complaint_id)`);
        return { warned: warned.rowCount ?? 0, escalated: esc.rowCount ?? 0 };
      });
    },

    // ---- the owner in the portal -------------------------------------------------------------------------------

    async listForOwner(owner: PortalActor): Promise<TComplaint[]> {
      const rows = await selectComplaints(db).where(eq(complaints.customerId, owner.customerId)).orderBy(desc(complaints.receivedAt)).limit(50);
      return toDtos(db, rows);
    },

    async getForOwner(owner: PortalActor, id: string): Promise<TComplaintDetail> {
      const [row] = await db
        .select({ id: complaints.id })
        .from(complaints)
        .where(and(eq(complaints.id, id), eq(complaints.customerId, owner.customerId)));
      if (!row) throw new NotFoundError('投诉');
      const d = await this.get(SYSTEM_ACTOR, id);
      // The owner sees the steps, not the staff's internal notes.
      return { ...d, timeline: d.timeline.filter((e) => e.kind !== 'note' && e.kind !== 'warning' && e.kind !== 'escalated').map((e) => ({ ...e, note: e.kind === 'resolved' || e.kind === 'received' ? e.note : '' })), compensations: d.compensations };
    },

    async createForOwner(owner: PortalActor, input: { type: TComplaintType; title: string; description: string; vehicleId?: string | null }): Promise<TComplaint> {
      return db.transaction(async (tx) => {
        const id = await this.open(tx, { ...input, customerId: owner.customerId, channel: 'portal', severity: 'normal', actorName: '车主本人（车主端） / The owner (portal)' });
        return load(tx, SYSTEM_ACTOR, id);
      });
    },
  };
}

export type TComplaintsService = ReturnType<typeof createComplaintsService>;
