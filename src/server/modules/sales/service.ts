import { and, asc, desc, eq, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type {
  TDeliveryMilestone,
  TMilestoneCreate,
  TSalesOrder,
  TSalesOrderCreate,
  TSalesOrderListItem,
  TSalesOrderListQuery,
  TSalesOrderMilestone,
  TSalesOrderUpdate,
} from '../../../contracts/sales.js';
import type { TDb, TDbOrTx } from '../../db/index.js';
import type { Clock } from '../../platform/clock.js';
import { BusinessRuleError, ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { encodeCursor, type Page } from '../../platform/pagination.js';
import { assertCan, storeScope, type Actor } from '../../platform/rbac.js';
import { emitEvent, recordAudit } from '../audit/service.js';
import { customers } from '../customers/schema.js';
import { staff } from '../org/schema.js';
import { isInFuture, localDate, modelDisplayName } from '../vehicles/rules.js';
import { vehicleModels, vehicles } from '../vehicles/schema.js';
import {
  assertModelExists,
  assertStaffOfStore,
  customerInScope,
  decodeKeyset,
  isUniqueViolation,
  setVehicleDeliveryDate,
  staffIdOf,
  storeInfo,
  vehicleRefs,
} from '../vehicles/service.js';
import { milestoneStepError, nextDocumentNo, orderNoPrefix } from './rules.js';
import { salesOrderMilestones, salesOrders } from './schema.js';

const orderColumns = {
  id: salesOrders.id,
  orderNo: salesOrders.orderNo,
  customerId: salesOrders.customerId,
  customerName: customers.name,
  storeId: salesOrders.storeId,
  vehicleId: salesOrders.vehicleId,
  modelId: salesOrders.modelId,
  consultantId: salesOrders.consultantId,
  consultantName: staff.displayName,
  priceFen: salesOrders.priceFen,
  tradeInVin: salesOrders.tradeInVin,
  tradeInValueFen: salesOrders.tradeInValueFen,
  financeProvider: salesOrders.financeProvider,
  loanAmountFen: salesOrders.loanAmountFen,
  loanTermMonths: salesOrders.loanTermMonths,
  insuranceBundle: salesOrders.insuranceBundle,
  referrerCustomerId: salesOrders.referrerCustomerId,
  status: salesOrders.status,
  milestone: salesOrders.milestone,
  orderedAt: salesOrders.orderedAt,
  deliveredAt: salesOrders.deliveredAt,
  note: salesOrders.note,
  createdAt: salesOrders.createdAt,
  updatedAt: salesOrders.updatedAt,
  mBrand: vehicleModels.brand,
  mSeries: vehicleModels.series,
  mName: vehicleModels.name,
};

const selectOrders = (db: TDbOrTx) =>
  db
    .select(orderColumns)
    .from(salesOrders)
    .innerJoin(customers, eq(customers.id, salesOrders.customerId))
    .leftJoin(staff, eq(staff.id, salesOrders.consultantId))
    .leftJoin(vehicleModels, eq(vehicleModels.id, salesOrders.modelId));

type TOrderRow = Awaited<ReturnType<ReturnType<typeof selectOrders>['execute']>>[number];

/** Shapes rows for the API: consultant and vehicle as references, the model as its display name. */
async function toOrders(db: TDbOrTx, rows: TOrderRow[]): Promise<TSalesOrderListItem[]> {
  const refs = await vehicleRefs(db, rows.flatMap((r) => (r.vehicleId ? [r.vehicleId] : [])));
  return rows.map(({ mBrand, mSeries, mName, consultantName, ...r }) => ({
    ...r,
    modelName: r.modelId ? modelDisplayName({ brand: mBrand, series: mSeries, name: mName }) : null,
    consultant: r.consultantId && consultantName !== null ? { id: r.consultantId, displayName: consultantName } : null,
    vehicle: r.vehicleId ? (refs.get(r.vehicleId) ?? null) : null,
  }));
}

/** The milestone rows of some orders, in delivery order (the enum sorts in declaration order). */
async function milestonesOf(db: TDbOrTx, orderIds: string[]): Promise<Map<string, TSalesOrderMilestone[]>> {
  const out = new Map<string, TSalesOrderMilestone[]>(orderIds.map((id) => [id, []]));
  if (orderIds.length === 0) return out;
  const rows = await db
    .select({
      id: salesOrderMilestones.id,
      orderId: salesOrderMilestones.orderId,
      milestone: salesOrderMilestones.milestone,
      at: salesOrderMilestones.at,
      note: salesOrderMilestones.note,
      photos: salesOrderMilestones.photos,
      staffId: salesOrderMilestones.staffId,
      staffName: staff.displayName,
    })
    .from(salesOrderMilestones)
    .leftJoin(staff, eq(staff.id, salesOrderMilestones.staffId))
    .where(inArray(salesOrderMilestones.orderId, orderIds))
    .orderBy(asc(salesOrderMilestones.milestone));
  for (const r of rows) {
    out.get(r.orderId)!.push({
      id: r.id,
      milestone: r.milestone,
      at: r.at,
      note: r.note,
      photos: r.photos,
      staff: r.staffId && r.staffName !== null ? { id: r.staffId, displayName: r.staffName } : null,
    });
  }
  return out;
}

async function withMilestones(db: TDbOrTx, orders: TSalesOrderListItem[]): Promise<TSalesOrder[]> {
  const ms = await milestonesOf(
    db,
    orders.map((o) => o.id),
  );
  return orders.map((o) => ({ ...o, milestones: ms.get(o.id) ?? [] }));
}

async function loadOrder(db: TDbOrTx, actor: Actor, id: string): Promise<TSalesOrder> {
  const rows = await selectOrders(db).where(and(eq(salesOrders.id, id), storeScope(actor, salesOrders.storeId)));
  if (!rows[0]) throw new NotFoundError('订单');
  const [order] = await withMilestones(db, await toOrders(db, rows));
  return order!;
}

const orderNoConflict = (existing: { id: string; orderNo: string }) =>
  new ConflictError(`订单号 ${existing.orderNo} 已存在 / Order number already exists`, { type: 'sales_order', id: existing.id, label: existing.orderNo });

/**
 * Moves one customer's sales orders, their milestone rows and the referrals they made to another customer
 * (customer merge), in the caller's transaction. A referral that would now point at the buyer themself is
 * dropped: nobody refers their own purchase. Returns the number of orders moved.
 */
export async function reassignSalesOrders(tx: TDbOrTx, fromCustomerId: string, toCustomerId: string): Promise<number> {
  const moved = await tx.update(salesOrders).set({ customerId: toCustomerId }).where(eq(salesOrders.customerId, fromCustomerId)).returning({ id: salesOrders.id });
  await tx.update(salesOrderMilestones).set({ customerId: toCustomerId }).where(eq(salesOrderMilestones.customerId, fromCustomerId));
  await tx
    .update(salesOrders)
    .set({ referrerCustomerId: sql`case when ${salesOrders.customerId} = ${toCustomerId} then null else ${toCustomerId}::uuid end` })
    .where(eq(salesOrders.referrerCustomerId, fromCustomerId));
  return moved.length;
}

export function createSalesService({ db, clock }: { db: TDb; clock: Clock }) {
  /** A client-supplied instant must not be in the future (a milestone or an order is a fact, not a plan). */
  const pastInstant = (at: Date | undefined, path: string): Date => {
    const now = clock.now();
    if (!at) return now;
    if (isInFuture(at, now)) throw new ValidationError('时间不能晚于现在 / The time cannot be in the future', [{ path, message: 'in the future' }]);
    return at;
  };

  /** Validates the references an order carries (consultant of the store, the customer's own car, a real referrer). */
  async function checkReferences(
    tx: TDbOrTx,
    actor: Actor,
    order: { customerId: string; storeId: string },
    refs: { consultantId?: string | null; vehicleId?: string | null; modelId?: string | null; referrerCustomerId?: string | null },
  ): Promise<{ vehicleModelId: string | null }> {
    if (refs.consultantId) await assertStaffOfStore(tx, refs.consultantId, order.storeId, 'body.consultantId', '销售顾问', 'sales consultant');
    if (refs.modelId) await assertModelExists(tx, refs.modelId);
    let vehicleModelId: string | null = null;
    if (refs.vehicleId) {
      const [v] = await tx
        .select({ customerId: vehicles.customerId, modelId: vehicles.modelId })
        .from(vehicles)
        .where(and(eq(vehicles.id, refs.vehicleId), storeScope(actor, vehicles.storeId)));
      if (!v) throw new NotFoundError('车辆');
      if (v.customerId !== order.customerId) throw new BusinessRuleError('vehicle-not-customers', '该车辆不属于此客户 / This vehicle belongs to another customer');
      vehicleModelId = v.modelId;
    }
    if (refs.referrerCustomerId) {
      if (refs.referrerCustomerId === order.customerId) throw new BusinessRuleError('self-referral', '客户不能推荐自己 / A customer cannot refer themself');
      const [r] = await tx.select({ id: customers.id }).from(customers).where(and(eq(customers.id, refs.referrerCustomerId), eq(customers.status, 'active')));
      if (!r) throw new ValidationError('推荐人不存在 / The referrer does not exist', [{ path: 'body.referrerCustomerId', message: 'unknown customer' }]);
    }
    return { vehicleModelId };
  }

  /**
   * The next free generated number of a store and day. A transaction-scoped advisory lock on the prefix makes
   * concurrent creations take turns, so two orders never draw the same sequence.
   */
  async function generateOrderNo(tx: TDbOrTx, storeCode: string, date: string): Promise<string> {
    const prefix = orderNoPrefix(storeCode, date);
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${prefix}))`);
    const [last] = await tx
      .select({ orderNo: salesOrders.orderNo })
      .from(salesOrders)
      .where(sql`${salesOrders.orderNo} like ${`${prefix}%`} and substr(${salesOrders.orderNo}, ${prefix.length + 1}) ~ '^[0-9]{1,15}$'`)
      .orderBy(desc(sql`length(${salesOrders.orderNo})`), desc(salesOrders.orderNo))
      .limit(1);
    return nextDocumentNo(prefix, last?.orderNo ?? null);
  }

  async function withOrderNoRace<T>(orderNo: string | undefined, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isUniqueViolation(err, 'sales_orders_no_uq')) {
        const [holder] = orderNo ? await db.select({ id: salesOrders.id, orderNo: salesOrders.orderNo }).from(salesOrders).where(eq(salesOrders.orderNo, orderNo)) : [];
        throw holder ? orderNoConflict(holder) : new ConflictError('订单号已存在，请重试 / Order number already exists, try again');
      }
      throw err;
    }
  }

  return {
    /** Orders in the actor's stores, most recently ordered first. */
    async list(actor: Actor, q: TSalesOrderListQuery): Promise<Page<TSalesOrderListItem>> {
      const conds: (SQL | undefined)[] = [storeScope(actor, salesOrders.storeId)];
      if (q.customerId) conds.push(eq(salesOrders.customerId, q.customerId));
      if (q.storeId) conds.push(eq(salesOrders.storeId, q.storeId));
      if (q.consultantId) conds.push(eq(salesOrders.consultantId, q.consultantId));
      if (q.status) conds.push(eq(salesOrders.status, q.status));
      const c = decodeKeyset(q.cursor, ['instant', 'uuid'] as const);
      if (c) {
        const at = c[0];
        conds.push(or(lt(salesOrders.orderedAt, at), and(eq(salesOrders.orderedAt, at), lt(salesOrders.id, c[1]))));
      }
      const rows = await selectOrders(db)
        .where(and(...conds))
        .orderBy(desc(salesOrders.orderedAt), desc(salesOrders.id))
        .limit(q.limit + 1);
      const items = await toOrders(db, rows.slice(0, q.limit));
      const last = items.at(-1);
      return { items, nextCursor: rows.length > q.limit && last ? encodeCursor([last.orderedAt.toISOString(), last.id]) : null };
    },

    /** One order with its milestones; 404 when unknown or in another store. */
    get: (actor: Actor, id: string) => loadOrder(db, actor, id),

    /** A customer's orders with milestones (for the customer 360), newest first, within the actor's scope. */
    async listForCustomer(actor: Actor, customerId: string): Promise<TSalesOrder[]> {
      const rows = await selectOrders(db)
        .where(and(eq(salesOrders.customerId, customerId), storeScope(actor, salesOrders.storeId)))
        .orderBy(desc(salesOrders.orderedAt), desc(salesOrders.id));
      return withMilestones(db, await toOrders(db, rows));
    },

    /**
     * Opens a new-car order for a customer in the actor's scope, at the customer's store, and records the
     * `ordered` milestone. The consultant defaults to the acting sales consultant; the order number is generated
     * (`SO-<store>-<yyyymmdd>-<seq>`) unless a DMS number is given (409 if taken). Audited; emits
     * `sales_order.created` (referrals follow a referred friend's purchase from it).
     */
    async create(actor: Actor, input: TSalesOrderCreate): Promise<TSalesOrder> {
      assertCan(actor, 'sales.write');
      const orderedAt = pastInstant(input.orderedAt, 'body.orderedAt');
      return withOrderNoRace(input.orderNo, () =>
        db.transaction(async (tx) => {
          const customer = await customerInScope(tx, actor, input.customerId);
          const store = await storeInfo(tx, customer.storeId);
          const consultantId = input.consultantId !== undefined ? input.consultantId : actor.role === 'sales' ? actor.staffId : null;
          const { vehicleModelId } = await checkReferences(tx, actor, { customerId: customer.id, storeId: customer.storeId }, { ...input, consultantId });
          let orderNo = input.orderNo;
          if (orderNo) {
            const [holder] = await tx.select({ id: salesOrders.id, orderNo: salesOrders.orderNo }).from(salesOrders).where(eq(salesOrders.orderNo, orderNo));
            if (holder) throw orderNoConflict(holder);
          } else {
            orderNo = await generateOrderNo(tx, store.code, localDate(orderedAt, store.timezone));
          }
          const [o] = await tx
            .insert(salesOrders)
            .values({
              orderNo,
              customerId: customer.id,
              storeId: customer.storeId,
              vehicleId: input.vehicleId ?? null,
              modelId: input.modelId ?? vehicleModelId,
              consultantId,
              priceFen: input.priceFen,
              tradeInVin: input.tradeInVin ?? null,
              tradeInValueFen: input.tradeInValueFen ?? 0,
              financeProvider: input.financeProvider ?? '',
              loanAmountFen: input.loanAmountFen ?? 0,
              loanTermMonths: input.loanTermMonths ?? 0,
              insuranceBundle: input.insuranceBundle ?? false,
              referrerCustomerId: input.referrerCustomerId ?? null,
              milestone: 'ordered',
              orderedAt,
              note: input.note ?? '',
            })
            .returning({ id: salesOrders.id });
          const id = o!.id;
          await tx.insert(salesOrderMilestones).values({ orderId: id, customerId: customer.id, storeId: customer.storeId, milestone: 'ordered', at: orderedAt, staffId: staffIdOf(actor) });
          await recordAudit(tx, actor, { action: 'sales_order.create', entityType: 'sales_order', entityId: id, storeId: customer.storeId, customerId: customer.id, detail: { orderNo, priceFen: input.priceFen } });
          await emitEvent(tx, 'sales_order.created', {
            customerId: customer.id,
            storeId: customer.storeId,
            payload: { orderId: id, orderNo, referrerCustomerId: input.referrerCustomerId ?? null, consultantId, orderedAt: orderedAt.toISOString() },
          });
          return loadOrder(tx, actor, id);
        }),
      );
    },

    /**
     * Changes an open order, or cancels it with `status: 'cancelled'` (a delivered order cannot be cancelled: 422).
     * A delivered or cancelled order keeps its figures; only its note can still change. Audited.
     */
    async update(actor: Actor, id: string, patch: TSalesOrderUpdate): Promise<TSalesOrder> {
      assertCan(actor, 'sales.write');
      const { status, ...fields } = patch;
      const values = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<Omit<TSalesOrderUpdate, 'status'>>;
      return db.transaction(async (tx) => {
        const [cur] = await tx
          .select()
          .from(salesOrders)
          .where(and(eq(salesOrders.id, id), storeScope(actor, salesOrders.storeId)))
          .for('update');
        if (!cur) throw new NotFoundError('订单');
        if (status === 'cancelled' && cur.status === 'delivered') {
          throw new BusinessRuleError('order-delivered', '订单已交车，不能取消 / The car has been delivered; the order cannot be cancelled');
        }
        const locked = cur.status !== 'open' ? Object.keys(values).filter((k) => k !== 'note') : [];
        if (locked.length > 0) {
          throw new BusinessRuleError('order-closed', `订单已${cur.status === 'delivered' ? '交车' : '取消'}，只能修改备注 / The order is ${cur.status}; only its note can change`);
        }
        const { vehicleModelId } = await checkReferences(tx, actor, cur, values);
        const set: Partial<typeof salesOrders.$inferInsert> = { ...values };
        if (values.vehicleId && values.modelId === undefined && !cur.modelId) set.modelId = vehicleModelId;
        const cancelling = status === 'cancelled' && cur.status === 'open';
        if (cancelling) set.status = 'cancelled';
        if (Object.keys(set).length > 0) {
          await tx.update(salesOrders).set(set).where(eq(salesOrders.id, id));
          await recordAudit(tx, actor, {
            action: cancelling ? 'sales_order.cancel' : 'sales_order.update',
            entityType: 'sales_order',
            entityId: id,
            storeId: cur.storeId,
            customerId: cur.customerId,
            detail: { orderNo: cur.orderNo, fields: Object.keys(patch) },
          });
          if (cancelling) await emitEvent(tx, 'sales_order.cancelled', { customerId: cur.customerId, storeId: cur.storeId, payload: { orderId: id, orderNo: cur.orderNo, referrerCustomerId: cur.referrerCustomerId } });
        }
        return loadOrder(tx, actor, id);
      });
    },

    /**
     * Records the next delivery milestone (forward only; skipping is fine, repeating or going back is 422) with its
     * time (default now, never before the previous milestone), note, photos and the acting employee. `delivered`
     * closes the order, stamps the car's delivery date (store-local day) and emits `sales_order.delivered` in the
     * same transaction. Audited.
     */
    async addMilestone(actor: Actor, id: string, input: TMilestoneCreate): Promise<TSalesOrder> {
      assertCan(actor, 'sales.write');
      const at = pastInstant(input.at, 'body.at');
      return db.transaction(async (tx) => {
        const [cur] = await tx
          .select()
          .from(salesOrders)
          .where(and(eq(salesOrders.id, id), storeScope(actor, salesOrders.storeId)))
          .for('update');
        if (!cur) throw new NotFoundError('订单');
        if (cur.status === 'cancelled') throw new BusinessRuleError('order-cancelled', '订单已取消，不能推进交车进度 / The order is cancelled');
        const stepError = milestoneStepError(cur.milestone, input.milestone);
        if (stepError) throw new BusinessRuleError('milestone-order', stepError);
        const [prev] = await tx
          .select({ at: salesOrderMilestones.at })
          .from(salesOrderMilestones)
          .where(eq(salesOrderMilestones.orderId, id))
          .orderBy(desc(salesOrderMilestones.at))
          .limit(1);
        if (prev && at < prev.at) {
          throw new BusinessRuleError('milestone-time', '时间不能早于上一个节点 / The time cannot be before the previous milestone');
        }
        const milestone: TDeliveryMilestone = input.milestone;
        await tx.insert(salesOrderMilestones).values({
          orderId: id,
          customerId: cur.customerId,
          storeId: cur.storeId,
          milestone,
          at,
          note: input.note ?? '',
          photos: input.photos ?? [],
          staffId: staffIdOf(actor),
        });
        const delivered = milestone === 'delivered';
        await tx
          .update(salesOrders)
          .set(delivered ? { milestone, status: 'delivered', deliveredAt: at } : { milestone })
          .where(eq(salesOrders.id, id));
        if (delivered) {
          const store = await storeInfo(tx, cur.storeId);
          if (cur.vehicleId) await setVehicleDeliveryDate(tx, cur.vehicleId, localDate(at, store.timezone));
          await emitEvent(tx, 'sales_order.delivered', {
            customerId: cur.customerId,
            storeId: cur.storeId,
            payload: {
              orderId: id,
              orderNo: cur.orderNo,
              vehicleId: cur.vehicleId,
              modelId: cur.modelId,
              consultantId: cur.consultantId,
              referrerCustomerId: cur.referrerCustomerId,
              priceFen: cur.priceFen,
              deliveredAt: at.toISOString(),
            },
          });
        }
        await recordAudit(tx, actor, { action: 'sales_order.milestone', entityType: 'sales_order', entityId: id, storeId: cur.storeId, customerId: cur.customerId, detail: { orderNo: cur.orderNo, milestone } });
        return loadOrder(tx, actor, id);
      });
    },

    /** Moves one customer's orders (and referrals) to another inside the caller's (customer merge) transaction. */
    reassignCustomer: (tx: TDbOrTx, fromCustomerId: string, toCustomerId: string) => reassignSalesOrders(tx, fromCustomerId, toCustomerId),
  };
}

export type TSalesService = ReturnType<typeof createSalesService>;
