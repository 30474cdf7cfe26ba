import { and, asc, desc, eq, inArray, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import type {
  TRepairOrder,
  TRepairOrderCreate,
  TRepairOrderListItem,
  TRepairOrderListQuery,
  TRepairOrderStage,
  TRepairOrderUpdate,
  TStageCreate,
  TWorkshopStage,
} from '../../../contracts/service.js';
import type { TDb, TDbOrTx } from '../../db/index.js';
import type { Clock } from '../../platform/clock.js';
import { BusinessRuleError, ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { encodeCursor, type Page } from '../../platform/pagination.js';
import { assertCan, storeScope, type Actor } from '../../platform/rbac.js';
import { emitEvent, recordAudit } from '../audit/service.js';
import { customers } from '../customers/schema.js';
import { staff } from '../org/schema.js';
import { isInFuture, localDate } from '../vehicles/rules.js';
import { vehicles } from '../vehicles/schema.js';
import { assertStaffOfStore, decodeKeyset, isUniqueViolation, recordVehicleMileage, staffIdOf, storeInfo, vehicleRefs } from '../vehicles/service.js';
import { nextDocumentNo, roNoPrefix, stageStepError } from './rules.js';
import { appointments } from './appointments/schema.js';
import { repairOrders, repairOrderStages } from './schema.js';

const roColumns = {
  id: repairOrders.id,
  roNo: repairOrders.roNo,
  customerId: repairOrders.customerId,
  customerName: customers.name,
  storeId: repairOrders.storeId,
  vehicleId: repairOrders.vehicleId,
  advisorId: repairOrders.advisorId,
  advisorName: staff.displayName,
  kind: repairOrders.kind,
  mileageKm: repairOrders.mileageKm,
  labourFen: repairOrders.labourFen,
  partsFen: repairOrders.partsFen,
  totalFen: repairOrders.totalFen,
  faultCodes: repairOrders.faultCodes,
  items: repairOrders.items,
  stage: repairOrders.stage,
  openedAt: repairOrders.openedAt,
  closedAt: repairOrders.closedAt,
  note: repairOrders.note,
  createdAt: repairOrders.createdAt,
  updatedAt: repairOrders.updatedAt,
};

const selectRos = (db: TDbOrTx) =>
  db.select(roColumns).from(repairOrders).innerJoin(customers, eq(customers.id, repairOrders.customerId)).leftJoin(staff, eq(staff.id, repairOrders.advisorId));

type TRoRow = Awaited<ReturnType<ReturnType<typeof selectRos>['execute']>>[number];

async function toRos(db: TDbOrTx, rows: TRoRow[]): Promise<TRepairOrderListItem[]> {
  const refs = await vehicleRefs(
    db,
    rows.map((r) => r.vehicleId),
  );
  return rows.map(({ advisorName, ...r }) => ({
    ...r,
    // total_fen is a generated column (labour + parts); it is never null on a stored row.
    totalFen: r.totalFen ?? r.labourFen + r.partsFen,
    advisor: r.advisorId && advisorName !== null ? { id: r.advisorId, displayName: advisorName } : null,
    vehicle: refs.get(r.vehicleId) ?? { id: r.vehicleId, vin: '', plate: null, modelName: null },
  }));
}

/** The stage rows of some ROs, in workshop order (the enum sorts in declaration order). */
async function stagesOf(db: TDbOrTx, roIds: string[]): Promise<Map<string, TRepairOrderStage[]>> {
  const out = new Map<string, TRepairOrderStage[]>(roIds.map((id) => [id, []]));
  if (roIds.length === 0) return out;
  const rows = await db
    .select({
      id: repairOrderStages.id,
      roId: repairOrderStages.roId,
      stage: repairOrderStages.stage,
      at: repairOrderStages.at,
      note: repairOrderStages.note,
      photos: repairOrderStages.photos,
      staffId: repairOrderStages.staffId,
      staffName: staff.displayName,
    })
    .from(repairOrderStages)
    .leftJoin(staff, eq(staff.id, repairOrderStages.staffId))
    .where(inArray(repairOrderStages.roId, roIds))
    .orderBy(asc(repairOrderStages.stage));
  for (const r of rows) {
    out.get(r.roId)!.push({
      id: r.id,
      stage: r.stage,
      at: r.at,
      note: r.note,
      photos: r.photos,
      staff: r.staffId && r.staffName !== null ? { id: r.staffId, displayName: r.staffName } : null,
    });
  }
  return out;
}

async function withStages(db: TDbOrTx, ros: TRepairOrderListItem[]): Promise<TRepairOrder[]> {
  const stages = await stagesOf(
    db,
    ros.map((r) => r.id),
  );
  return ros.map((r) => ({ ...r, stages: stages.get(r.id) ?? [] }));
}

async function loadRo(db: TDbOrTx, actor: Actor, id: string): Promise<TRepairOrder> {
  const rows = await selectRos(db).where(and(eq(repairOrders.id, id), storeScope(actor, repairOrders.storeId)));
  if (!rows[0]) throw new NotFoundError('工单');
  const [ro] = await withStages(db, await toRos(db, rows));
  return ro!;
}

const roNoConflict = (existing: { id: string; roNo: string }) =>
  new ConflictError(`工单号 ${existing.roNo} 在本店已存在 / This RO number already exists in the store`, { type: 'repair_order', id: existing.id, label: existing.roNo });

/**
 * Moves one customer's repair orders, their stage rows and service appointments to another customer (customer merge),
 * in the caller's transaction. They keep their store: it is where the work was (or will be) done. Returns the number
 * of ROs moved.
 */
export async function reassignRepairOrders(tx: TDbOrTx, fromCustomerId: string, toCustomerId: string): Promise<number> {
  const moved = await tx.update(repairOrders).set({ customerId: toCustomerId }).where(eq(repairOrders.customerId, fromCustomerId)).returning({ id: repairOrders.id });
  await tx.update(repairOrderStages).set({ customerId: toCustomerId }).where(eq(repairOrderStages.customerId, fromCustomerId));
  await tx.update(appointments).set({ customerId: toCustomerId }).where(eq(appointments.customerId, fromCustomerId));
  return moved.length;
}

export function createServiceOrdersService({ db, clock }: { db: TDb; clock: Clock }) {
  const pastInstant = (at: Date | undefined, path: string): Date => {
    const now = clock.now();
    if (!at) return now;
    if (isInFuture(at, now)) throw new ValidationError('时间不能晚于现在 / The time cannot be in the future', [{ path, message: 'in the future' }]);
    return at;
  };

  async function findRoNoHolder(tx: TDbOrTx, storeId: string, roNo: string, exceptId?: string) {
    const [row] = await tx
      .select({ id: repairOrders.id, roNo: repairOrders.roNo })
      .from(repairOrders)
      .where(and(eq(repairOrders.storeId, storeId), eq(repairOrders.roNo, roNo), exceptId ? ne(repairOrders.id, exceptId) : undefined));
    return row;
  }

  /** A lost race on the (store, RO number) unique index answers the same 409 as the pre-check. */
  async function withRoNoRace<T>(target: { storeId: () => string | undefined; roNo: () => string | undefined }, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isUniqueViolation(err, 'repair_orders_no_uq')) {
        const storeId = target.storeId();
        const roNo = target.roNo();
        const holder = storeId && roNo ? await findRoNoHolder(db, storeId, roNo) : undefined;
        throw holder ? roNoConflict(holder) : new ConflictError('工单号已存在，请重试 / RO number already exists, try again');
      }
      throw err;
    }
  }

  /** Next generated number of a store and day; an advisory lock on the prefix serialises concurrent openings. */
  async function generateRoNo(tx: TDbOrTx, storeId: string, storeCode: string, date: string): Promise<string> {
    const prefix = roNoPrefix(storeCode, date);
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${prefix}))`);
    const [last] = await tx
      .select({ roNo: repairOrders.roNo })
      .from(repairOrders)
      .where(and(eq(repairOrders.storeId, storeId), sql`${repairOrders.roNo} like ${`${prefix}%`} and substr(${repairOrders.roNo}, ${prefix.length + 1}) ~ '^[0-9]{1,15}$'`))
      .orderBy(desc(sql`length(${repairOrders.roNo})`), desc(repairOrders.roNo))
      .limit(1);
    return nextDocumentNo(prefix, last?.roNo ?? null);
  }

  /** Opens a repair order in `tx` (see `create`); `target` learns the store and number for the race handler. */
  async function openInTx(tx: TDbOrTx, actor: Actor, input: TRepairOrderCreate, opts: { bookedAt?: Date }, target: { storeId?: string; roNo?: string }): Promise<TRepairOrder> {
    const openedAt = pastInstant(input.openedAt, 'body.openedAt');
    const [v] = await tx
      .select({ id: vehicles.id, customerId: vehicles.customerId, storeId: vehicles.storeId })
      .from(vehicles)
      .where(and(eq(vehicles.id, input.vehicleId), storeScope(actor, vehicles.storeId)));
    if (!v) throw new NotFoundError('车辆');
    target.storeId = v.storeId;
    const store = await storeInfo(tx, v.storeId);
    const advisorId = input.advisorId !== undefined ? input.advisorId : actor.role === 'service' ? actor.staffId : null;
    if (advisorId) await assertStaffOfStore(tx, advisorId, v.storeId, 'body.advisorId', '服务顾问', 'service advisor');
    let roNo = input.roNo;
    if (roNo) {
      const holder = await findRoNoHolder(tx, v.storeId, roNo);
      if (holder) throw roNoConflict(holder);
    } else {
      roNo = await generateRoNo(tx, v.storeId, store.code, localDate(openedAt, store.timezone));
    }
    target.roNo = roNo;
    const stage: TWorkshopStage = input.stage ?? 'received';
    const [ro] = await tx
      .insert(repairOrders)
      .values({
        roNo,
        customerId: v.customerId,
        storeId: v.storeId,
        vehicleId: v.id,
        advisorId,
        kind: input.kind,
        mileageKm: input.mileageKm ?? null,
        labourFen: input.labourFen,
        partsFen: input.partsFen,
        faultCodes: input.faultCodes ?? [],
        items: input.items ?? [],
        stage,
        openedAt,
        note: input.note ?? '',
      })
      .returning({ id: repairOrders.id });
    const id = ro!.id;
    if (opts.bookedAt && stage !== 'booked' && opts.bookedAt <= openedAt) {
      await tx.insert(repairOrderStages).values({ roId: id, customerId: v.customerId, storeId: v.storeId, stage: 'booked', at: opts.bookedAt, note: '', staffId: null });
    }
    await tx.insert(repairOrderStages).values({ roId: id, customerId: v.customerId, storeId: v.storeId, stage, at: openedAt, staffId: staffIdOf(actor) });
    const mileageUpdated = input.mileageKm != null ? await recordVehicleMileage(tx, v.id, input.mileageKm, localDate(openedAt, store.timezone)) : false;
    await recordAudit(tx, actor, {
      action: 'repair_order.create',
      entityType: 'repair_order',
      entityId: id,
      storeId: v.storeId,
      customerId: v.customerId,
      detail: { roNo, kind: input.kind, labourFen: input.labourFen, partsFen: input.partsFen, mileageKm: input.mileageKm ?? null, mileageUpdated },
    });
    await emitEvent(tx, 'repair_order.opened', { customerId: v.customerId, storeId: v.storeId, payload: { roId: id, roNo, vehicleId: v.id, kind: input.kind, stage } });
    return loadRo(tx, actor, id);
  }

  return {
    /** Repair orders in the actor's stores, most recently opened first. */
    async list(actor: Actor, q: TRepairOrderListQuery): Promise<Page<TRepairOrderListItem>> {
      const conds: (SQL | undefined)[] = [storeScope(actor, repairOrders.storeId)];
      if (q.customerId) conds.push(eq(repairOrders.customerId, q.customerId));
      if (q.vehicleId) conds.push(eq(repairOrders.vehicleId, q.vehicleId));
      if (q.storeId) conds.push(eq(repairOrders.storeId, q.storeId));
      if (q.advisorId) conds.push(eq(repairOrders.advisorId, q.advisorId));
      if (q.stage) conds.push(eq(repairOrders.stage, q.stage));
      if (q.kind) conds.push(eq(repairOrders.kind, q.kind));
      const c = decodeKeyset(q.cursor, ['instant', 'uuid'] as const);
      if (c) {
        const at = c[0];
        conds.push(or(lt(repairOrders.openedAt, at), and(eq(repairOrders.openedAt, at), lt(repairOrders.id, c[1]))));
      }
      const rows = await selectRos(db)
        .where(and(...conds))
        .orderBy(desc(repairOrders.openedAt), desc(repairOrders.id))
        .limit(q.limit + 1);
      const items = await toRos(db, rows.slice(0, q.limit));
      const last = items.at(-1);
      return { items, nextCursor: rows.length > q.limit && last ? encodeCursor([last.openedAt.toISOString(), last.id]) : null };
    },

    /** One repair order with its stages; 404 when unknown or in another store. */
    get: (actor: Actor, id: string) => loadRo(db, actor, id),

    /** A customer's latest repair orders with stages (for the customer 360), within the actor's scope. */
    async listForCustomer(actor: Actor, customerId: string, limit = 50): Promise<TRepairOrder[]> {
      const rows = await selectRos(db)
        .where(and(eq(repairOrders.customerId, customerId), storeScope(actor, repairOrders.storeId)))
        .orderBy(desc(repairOrders.openedAt), desc(repairOrders.id))
        .limit(limit);
      return withStages(db, await toRos(db, rows));
    },

    /**
     * Opens a repair order for a vehicle in the actor's scope; customer and store come from the vehicle. The RO
     * number is generated (`RO-<store>-<yyyymmdd>-<seq>`) unless given (409 if the store already has it). The
     * first stage (`received` by default, or `booked`) is recorded at `openedAt`. A mileage above the vehicle's last
     * known reading becomes its new reading, dated on the store-local day the RO opened. Audited; emits
     * `repair_order.opened`.
     */
    async create(actor: Actor, input: TRepairOrderCreate): Promise<TRepairOrder> {
      assertCan(actor, 'service.write');
      const target: { storeId?: string; roNo?: string } = { roNo: input.roNo };
      return withRoNoRace({ storeId: () => target.storeId, roNo: () => target.roNo }, () => db.transaction((tx) => openInTx(tx, actor, input, {}, target)));
    },

    /**
     * `create` inside the caller's transaction (checking in an appointment opens its RO atomically with the
     * check-in). With `bookedAt`, the RO's history starts with a 预约 (booked) stage at that time, before the first
     * stage at `openedAt`. A given `roNo` that another RO holds fails the transaction with a 409.
     */
    async openInTransaction(tx: TDbOrTx, actor: Actor, input: TRepairOrderCreate, opts: { bookedAt?: Date } = {}): Promise<TRepairOrder> {
      assertCan(actor, 'service.write');
      return openInTx(tx, actor, input, opts, { roNo: input.roNo });
    },

    /**
     * Changes a repair order. A delivered (closed) RO keeps its figures — points and KPIs were computed from them —
     * so only its note can change (422 otherwise). A new mileage above the vehicle's reading updates the vehicle.
     * Audited.
     */
    async update(actor: Actor, id: string, patch: TRepairOrderUpdate): Promise<TRepairOrder> {
      assertCan(actor, 'service.write');
      const values = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<TRepairOrderUpdate>;
      let storeId: string | undefined;
      return withRoNoRace({ storeId: () => storeId, roNo: () => values.roNo }, () =>
        db.transaction(async (tx) => {
          const [cur] = await tx
            .select()
            .from(repairOrders)
            .where(and(eq(repairOrders.id, id), storeScope(actor, repairOrders.storeId)))
            .for('update');
          if (!cur) throw new NotFoundError('工单');
          storeId = cur.storeId;
          if (cur.closedAt && Object.keys(values).some((k) => k !== 'note')) {
            throw new BusinessRuleError('ro-closed', '工单已交车结算，只能修改备注 / The repair order is closed; only its note can change');
          }
          if (values.advisorId) await assertStaffOfStore(tx, values.advisorId, cur.storeId, 'body.advisorId', '服务顾问', 'service advisor');
          if (values.roNo && values.roNo !== cur.roNo) {
            const holder = await findRoNoHolder(tx, cur.storeId, values.roNo, id);
            if (holder) throw roNoConflict(holder);
          }
          if (Object.keys(values).length > 0) {
            await tx.update(repairOrders).set(values).where(eq(repairOrders.id, id));
            if (values.mileageKm != null) {
              const store = await storeInfo(tx, cur.storeId);
              await recordVehicleMileage(tx, cur.vehicleId, values.mileageKm, localDate(cur.openedAt, store.timezone));
            }
            await recordAudit(tx, actor, { action: 'repair_order.update', entityType: 'repair_order', entityId: id, storeId: cur.storeId, customerId: cur.customerId, detail: { roNo: cur.roNo, fields: Object.keys(values) } });
          }
          return loadRo(tx, actor, id);
        }),
      );
    },

    /**
     * Records the next workshop stage (forward only; skipping is fine, repeating or going back is 422) with its
     * time (default now, never before the previous stage), note, photos and the acting employee. `delivered`
     * closes the RO and emits `repair_order.closed` `{roId, vehicleId, kind, totalFen}` in the same transaction
     * (loyalty points and journeys react to it). Audited.
     */
    async addStage(actor: Actor, id: string, input: TStageCreate): Promise<TRepairOrder> {
      assertCan(actor, 'service.write');
      const at = pastInstant(input.at, 'body.at');
      return db.transaction(async (tx) => {
        const [cur] = await tx
          .select()
          .from(repairOrders)
          .where(and(eq(repairOrders.id, id), storeScope(actor, repairOrders.storeId)))
          .for('update');
        if (!cur) throw new NotFoundError('工单');
        const stepError = stageStepError(cur.stage, input.stage);
        if (stepError) throw new BusinessRuleError('stage-order', stepError);
        const [prev] = await tx.select({ at: repairOrderStages.at }).from(repairOrderStages).where(eq(repairOrderStages.roId, id)).orderBy(desc(repairOrderStages.at)).limit(1);
        if (prev && at < prev.at) throw new BusinessRuleError('stage-time', '时间不能早于上一个环节 / The time cannot be before the previous stage');
        await tx.insert(repairOrderStages).values({
          roId: id,
          customerId: cur.customerId,
          storeId: cur.storeId,
          stage: input.stage,
          at,
          note: input.note ?? '',
          photos: input.photos ?? [],
          staffId: staffIdOf(actor),
        });
        const closing = input.stage === 'delivered';
        const [updated] = await tx
          .update(repairOrders)
          .set(closing ? { stage: input.stage, closedAt: at } : { stage: input.stage })
          .where(eq(repairOrders.id, id))
          .returning({ totalFen: repairOrders.totalFen });
        if (closing) {
          await emitEvent(tx, 'repair_order.closed', {
            customerId: cur.customerId,
            storeId: cur.storeId,
            payload: {
              roId: id,
              roNo: cur.roNo,
              vehicleId: cur.vehicleId,
              kind: cur.kind,
              totalFen: updated?.totalFen ?? cur.labourFen + cur.partsFen,
              labourFen: cur.labourFen,
              partsFen: cur.partsFen,
              mileageKm: cur.mileageKm,
              advisorId: cur.advisorId,
              faultCodes: cur.faultCodes,
              closedAt: at.toISOString(),
            },
          });
        }
        await recordAudit(tx, actor, { action: 'repair_order.stage', entityType: 'repair_order', entityId: id, storeId: cur.storeId, customerId: cur.customerId, detail: { roNo: cur.roNo, stage: input.stage } });
        return loadRo(tx, actor, id);
      });
    },

    /** Moves one customer's repair orders to another inside the caller's (customer merge) transaction. */
    reassignCustomer: (tx: TDbOrTx, fromCustomerId: string, toCustomerId: string) => reassignRepairOrders(tx, fromCustomerId, toCustomerId),
  };
}

export type TServiceOrdersService = ReturnType<typeof createServiceOrdersService>;
