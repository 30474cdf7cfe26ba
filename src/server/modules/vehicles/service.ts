import { and, desc, eq, ilike, inArray, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import type {
  TVehicle,
  TVehicleCreate,
  TVehicleListQuery,
  TVehicleModel,
  TVehicleModelCreate,
  TVehicleModelListQuery,
  TVehicleModelUpdate,
  TVehicleRef,
  TVehicleUpdate,
} from '../../../contracts/vehicles.js';
import { VEHICLE_MODEL_PRICE_BAND_MESSAGE } from '../../../contracts/vehicles.js';
import { validatePlate } from '../../../contracts/validators.js';
import type { TDb, TDbOrTx } from '../../db/index.js';
import type { Clock } from '../../platform/clock.js';
import { BusinessRuleError, ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { decodeCursor, encodeCursor, type Page } from '../../platform/pagination.js';
import { assertCan, storeScope, type Actor } from '../../platform/rbac.js';
import { recordAudit } from '../audit/service.js';
import { customers } from '../customers/schema.js';
import { staff, stores } from '../org/schema.js';
import { DEFAULT_TIMEZONE, escapeLike, localDate, modelDisplayName, vehicleDateErrors } from './rules.js';
import { vehicleModels, vehicles } from './schema.js';

// ---------------------------------------------------------------------------
// Helpers shared with the sales and service modules (same layer, same owner)
// ---------------------------------------------------------------------------

/** The PostgreSQL error under a driver error (drizzle wraps query errors in DrizzleQueryError with `cause`). */
export function pgErrorOf(err: unknown): { code?: string; constraint?: string } | null {
  let e: unknown = err;
  for (let i = 0; i < 3 && e && typeof e === 'object'; i++) {
    const c = e as { code?: unknown; constraint?: unknown; cause?: unknown };
    if (typeof c.code === 'string') return { code: c.code, constraint: typeof c.constraint === 'string' ? c.constraint : undefined };
    e = c.cause;
  }
  return null;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Decodes a keyset cursor and checks each value's kind, so a tampered cursor is a 400 rather than a database
 * error: `uuid` and `text` come back as strings, `instant` as a Date.
 */
export function decodeKeyset<K extends readonly ('uuid' | 'instant' | 'text')[]>(cursor: string | undefined, kinds: K): { [I in keyof K]: K[I] extends 'instant' ? Date : string } | undefined {
  const values = decodeCursor(cursor, kinds.length);
  if (!values) return undefined;
  const out = values.map((v, i) => {
    const kind = kinds[i];
    if (typeof v !== 'string' || (kind === 'uuid' && !UUID_RE.test(v))) return undefined;
    if (kind === 'instant') {
      const d = new Date(v);
      return Number.isNaN(d.getTime()) ? undefined : d;
    }
    return v;
  });
  if (out.some((v) => v === undefined)) throw new ValidationError('分页游标无效 / Invalid cursor', [{ path: 'querystring.cursor', message: 'invalid' }]);
  return out as { [I in keyof K]: K[I] extends 'instant' ? Date : string };
}

/** Whether `err` is a unique violation of the named index (a concurrent insert won the race). */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  const pg = pgErrorOf(err);
  return pg?.code === '23505' && pg.constraint === constraint;
}

/** The staff id to record as "who did it"; the system actor is nobody in the staff table. */
export function staffIdOf(actor: Actor): string | null {
  return actor.username === 'system' ? null : actor.staffId;
}

/**
 * A customer the actor may attach records to: exists and is in the actor's store scope (404 otherwise, so other
 * stores' customers stay invisible) and is live (a merged or erased customer takes no new records).
 */
export async function customerInScope(tx: TDbOrTx, actor: Actor, id: string, path = 'customerId') {
  const [c] = await tx
    .select({ id: customers.id, storeId: customers.storeId, name: customers.name, status: customers.status })
    .from(customers)
    .where(and(eq(customers.id, id), storeScope(actor, customers.storeId)));
  if (!c) throw new NotFoundError('客户');
  if (c.status !== 'active') {
    throw new BusinessRuleError('customer-inactive', `该客户已合并或已注销，不能再添加记录 / This customer was merged or erased (${path})`);
  }
  return c;
}

/** Code and time zone of a store: document numbers carry the code, local dates use the zone. */
export async function storeInfo(tx: TDbOrTx, storeId: string): Promise<{ code: string; timezone: string }> {
  const [s] = await tx.select({ code: stores.code, timezone: stores.timezone }).from(stores).where(eq(stores.id, storeId));
  return { code: s?.code ?? 'X', timezone: s?.timezone || DEFAULT_TIMEZONE };
}

/**
 * Checks that `staffId` is an active employee of `storeId` (a consultant or advisor must work where the record is);
 * a 400 naming `path` otherwise.
 */
export async function assertStaffOfStore(tx: TDbOrTx, staffId: string, storeId: string, path: string, zh: string, en: string) {
  const [s] = await tx
    .select({ id: staff.id })
    .from(staff)
    .where(and(eq(staff.id, staffId), eq(staff.storeId, storeId), eq(staff.active, true)));
  if (!s) throw new ValidationError(`${zh}必须是本店在职员工 / The ${en} must be an active employee of this store`, [{ path, message: 'not staff of this store' }]);
}

/** Checks that a catalogue model exists (inactive models stay valid on existing records). */
export async function assertModelExists(tx: TDbOrTx, modelId: string, path = 'body.modelId') {
  const [m] = await tx.select({ id: vehicleModels.id }).from(vehicleModels).where(eq(vehicleModels.id, modelId));
  if (!m) throw new ValidationError('车型不存在 / No such model in the catalogue', [{ path, message: 'unknown model' }]);
}

/** The short references (`{id, vin, plate, modelName}`) of some vehicles, by id. */
export async function vehicleRefs(tx: TDbOrTx, ids: string[]): Promise<Map<string, TVehicleRef>> {
  if (ids.length === 0) return new Map();
  const rows = await tx
    .select({ id: vehicles.id, vin: vehicles.vin, plate: vehicles.plate, brand: vehicleModels.brand, series: vehicleModels.series, name: vehicleModels.name })
    .from(vehicles)
    .leftJoin(vehicleModels, eq(vehicleModels.id, vehicles.modelId))
    .where(inArray(vehicles.id, [...new Set(ids)]));
  return new Map(rows.map((r) => [r.id, { id: r.id, vin: r.vin, plate: r.plate, modelName: modelDisplayName(r) }]));
}

/**
 * Records the day a car was handed over (called by the sales module when an order reaches `delivered`). A car with
 * no purchase date gets the same day: for a new car the handover is when the owner's ownership begins, which is
 * what lifecycle segmentation counts from.
 */
export async function setVehicleDeliveryDate(tx: TDbOrTx, vehicleId: string, date: string): Promise<void> {
  await tx
    .update(vehicles)
    .set({ deliveryDate: date, purchaseDate: sql`coalesce(${vehicles.purchaseDate}, ${date}::date)` })
    .where(eq(vehicles.id, vehicleId));
}

/**
 * Records an odometer reading (from a repair order). Only a reading above the last known mileage (or the first one)
 * replaces it — odometers do not go backwards, so a lower figure is a typo or an old RO entered late. The
 * comparison happens in the UPDATE itself, so two ROs saved at once cannot lower the mileage.
 * Returns whether the vehicle was updated.
 */
export async function recordVehicleMileage(tx: TDbOrTx, vehicleId: string, km: number, date: string): Promise<boolean> {
  const rows = await tx
    .update(vehicles)
    .set({ lastMileageKm: km, lastMileageAt: date })
    .where(and(eq(vehicles.id, vehicleId), sql`(${vehicles.lastMileageKm} is null or ${vehicles.lastMileageKm} < ${km})`))
    .returning({ id: vehicles.id });
  return rows.length > 0;
}

/**
 * Moves every vehicle of `fromCustomerId` to `toCustomerId` (customer merge). A vehicle belongs to its owner's
 * store, so the moved cars take the survivor's store. Returns how many moved.
 */
export async function reassignVehicles(tx: TDbOrTx, fromCustomerId: string, toCustomerId: string): Promise<number> {
  const rows = await tx
    .update(vehicles)
    .set({ customerId: toCustomerId, storeId: sql`(select ${customers.storeId} from ${customers} where ${customers.id} = ${toCustomerId})` })
    .where(eq(vehicles.customerId, fromCustomerId))
    .returning({ id: vehicles.id });
  return rows.length;
}

// ---------------------------------------------------------------------------
// Read models
// ---------------------------------------------------------------------------

const modelColumns = {
  id: vehicleModels.id,
  brand: vehicleModels.brand,
  series: vehicleModels.series,
  name: vehicleModels.name,
  bodyType: vehicleModels.bodyType,
  powertrain: vehicleModels.powertrain,
  seats: vehicleModels.seats,
  minPriceFen: vehicleModels.minPriceFen,
  maxPriceFen: vehicleModels.maxPriceFen,
  luxury: vehicleModels.luxury,
  maintenanceIntervalMonths: vehicleModels.maintenanceIntervalMonths,
  maintenanceIntervalKm: vehicleModels.maintenanceIntervalKm,
  firstServiceMonths: vehicleModels.firstServiceMonths,
  firstServiceKm: vehicleModels.firstServiceKm,
  active: vehicleModels.active,
  createdAt: vehicleModels.createdAt,
  updatedAt: vehicleModels.updatedAt,
};

const vehicleColumns = {
  id: vehicles.id,
  customerId: vehicles.customerId,
  customerName: customers.name,
  storeId: vehicles.storeId,
  vin: vehicles.vin,
  plate: vehicles.plate,
  modelId: vehicles.modelId,
  color: vehicles.color,
  purchaseDate: vehicles.purchaseDate,
  deliveryDate: vehicles.deliveryDate,
  lastMileageKm: vehicles.lastMileageKm,
  lastMileageAt: vehicles.lastMileageAt,
  insuranceExpiry: vehicles.insuranceExpiry,
  warrantyEnd: vehicles.warrantyEnd,
  status: vehicles.status,
  createdAt: vehicles.createdAt,
  updatedAt: vehicles.updatedAt,
  mBrand: vehicleModels.brand,
  mSeries: vehicleModels.series,
  mName: vehicleModels.name,
  mBodyType: vehicleModels.bodyType,
  mPowertrain: vehicleModels.powertrain,
};

const selectVehicles = (db: TDbOrTx) =>
  db.select(vehicleColumns).from(vehicles).innerJoin(customers, eq(customers.id, vehicles.customerId)).leftJoin(vehicleModels, eq(vehicleModels.id, vehicles.modelId));

type TVehicleRow = Awaited<ReturnType<ReturnType<typeof selectVehicles>['execute']>>[number];

function toVehicle(r: TVehicleRow): TVehicle {
  const { mBrand, mSeries, mName, mBodyType, mPowertrain, ...v } = r;
  const model =
    v.modelId && mBrand !== null && mSeries !== null && mName !== null && mBodyType !== null && mPowertrain !== null
      ? { id: v.modelId, brand: mBrand, series: mSeries, name: mName, bodyType: mBodyType, powertrain: mPowertrain }
      : null;
  return { ...v, modelName: model ? modelDisplayName(model) : null, model };
}

/** Loads one vehicle the actor may see, or 404. */
async function loadVehicle(db: TDbOrTx, actor: Actor, id: string): Promise<TVehicle> {
  const [row] = await selectVehicles(db).where(and(eq(vehicles.id, id), storeScope(actor, vehicles.storeId)));
  if (!row) throw new NotFoundError('车辆');
  return toVehicle(row);
}

const vinConflict = (existing: { id: string; vin: string }) =>
  new ConflictError(`车架号 ${existing.vin} 已登记在另一条车辆记录上 / This VIN is already registered`, { type: 'vehicle', id: existing.id, label: existing.vin });

const modelConflict = (existing: { id: string; brand: string; series: string; name: string }) =>
  new ConflictError(`车型「${modelDisplayName(existing)}」已存在 / This model already exists`, { type: 'vehicle_model', id: existing.id, label: modelDisplayName(existing) ?? '' });

/** Only the keys the client actually sent (PATCH semantics: absent = unchanged, null = cleared). */
function sentKeys<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function createVehiclesService({ db, clock }: { db: TDb; clock: Clock }) {
  const todayIn = (tz: string) => localDate(clock.now(), tz);

  async function findVinHolder(tx: TDbOrTx, vin: string, exceptId?: string) {
    const [row] = await tx
      .select({ id: vehicles.id, vin: vehicles.vin })
      .from(vehicles)
      .where(and(eq(vehicles.vin, vin), exceptId ? ne(vehicles.id, exceptId) : undefined));
    return row;
  }

  /** Translates a lost race on the VIN unique index into the same 409 the pre-check gives. */
  async function withVinRace<T>(vin: string | undefined, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (vin && isUniqueViolation(err, 'vehicles_vin_uq')) {
        const holder = await findVinHolder(db, vin);
        if (holder) throw vinConflict(holder);
      }
      throw err;
    }
  }

  async function findModelHolder(tx: TDbOrTx, m: { brand: string; series: string; name: string }, exceptId?: string) {
    const [row] = await tx
      .select({ id: vehicleModels.id, brand: vehicleModels.brand, series: vehicleModels.series, name: vehicleModels.name })
      .from(vehicleModels)
      .where(and(eq(vehicleModels.brand, m.brand), eq(vehicleModels.series, m.series), eq(vehicleModels.name, m.name), exceptId ? ne(vehicleModels.id, exceptId) : undefined));
    return row;
  }

  async function withModelRace<T>(m: { brand: string; series: string; name: string }, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isUniqueViolation(err, 'vehicle_models_uq')) {
        const holder = await findModelHolder(db, m);
        if (holder) throw modelConflict(holder);
      }
      throw err;
    }
  }

  return {
    // -- model catalogue ------------------------------------------------------------------------------------------

    /** The model catalogue (active models unless asked otherwise), by brand, series and name. Readable by all staff. */
    async listModels(_actor: Actor, q: TVehicleModelListQuery): Promise<Page<TVehicleModel>> {
      const conds: (SQL | undefined)[] = [];
      if (!q.includeInactive) conds.push(eq(vehicleModels.active, true));
      if (q.bodyType) conds.push(eq(vehicleModels.bodyType, q.bodyType));
      if (q.powertrain) conds.push(eq(vehicleModels.powertrain, q.powertrain));
      if (q.q) conds.push(ilike(sql`${vehicleModels.brand} || ' ' || ${vehicleModels.series} || ' ' || ${vehicleModels.name}`, `%${escapeLike(q.q)}%`));
      const c = decodeKeyset(q.cursor, ['text', 'text', 'text', 'uuid'] as const);
      if (c) conds.push(sql`(${vehicleModels.brand}, ${vehicleModels.series}, ${vehicleModels.name}, ${vehicleModels.id}) > (${c[0]}, ${c[1]}, ${c[2]}, ${c[3]}::uuid)`);
      const rows = await db
        .select(modelColumns)
        .from(vehicleModels)
        .where(and(...conds))
        .orderBy(vehicleModels.brand, vehicleModels.series, vehicleModels.name, vehicleModels.id)
        .limit(q.limit + 1);
      const items = rows.slice(0, q.limit);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > q.limit && last ? encodeCursor([last.brand, last.series, last.name, last.id]) : null };
    },

    async getModel(_actor: Actor, id: string): Promise<TVehicleModel> {
      const [m] = await db.select(modelColumns).from(vehicleModels).where(eq(vehicleModels.id, id));
      if (!m) throw new NotFoundError('车型');
      return m;
    },

    /** Adds a model to the group-wide catalogue (group admin only); brand + series + name is unique (409). */
    async createModel(actor: Actor, input: TVehicleModelCreate): Promise<TVehicleModel> {
      assertCan(actor, 'catalogue.manage');
      if (input.minPriceFen > input.maxPriceFen) throw new ValidationError(VEHICLE_MODEL_PRICE_BAND_MESSAGE, [{ path: 'body.maxPriceFen', message: 'below minPriceFen' }]);
      return withModelRace(input, () =>
        db.transaction(async (tx) => {
          const holder = await findModelHolder(tx, input);
          if (holder) throw modelConflict(holder);
          const [m] = await tx.insert(vehicleModels).values(input).returning(modelColumns);
          await recordAudit(tx, actor, { action: 'vehicle_model.create', entityType: 'vehicle_model', entityId: m!.id, detail: { label: modelDisplayName(m!) } });
          return m!;
        }),
      );
    },

    /** Changes a catalogue model; `active: false` hides it from pickers while existing cars keep it. */
    async updateModel(actor: Actor, id: string, patch: TVehicleModelUpdate): Promise<TVehicleModel> {
      assertCan(actor, 'catalogue.manage');
      const values = sentKeys(patch);
      return db.transaction(async (tx) => {
        const [cur] = await tx.select(modelColumns).from(vehicleModels).where(eq(vehicleModels.id, id)).for('update');
        if (!cur) throw new NotFoundError('车型');
        const next = { ...cur, ...values };
        if (next.minPriceFen > next.maxPriceFen) throw new ValidationError(VEHICLE_MODEL_PRICE_BAND_MESSAGE, [{ path: 'body.maxPriceFen', message: 'below minPriceFen' }]);
        const holder = await findModelHolder(tx, next, id);
        if (holder) throw modelConflict(holder);
        if (Object.keys(values).length === 0) return cur;
        const [m] = await tx.update(vehicleModels).set(values).where(eq(vehicleModels.id, id)).returning(modelColumns);
        await recordAudit(tx, actor, { action: 'vehicle_model.update', entityType: 'vehicle_model', entityId: id, detail: { fields: Object.keys(values) } });
        return m!;
      });
    },

    // -- vehicles -------------------------------------------------------------------------------------------------

    /**
     * Vehicles in the actor's stores, newest first. `q` matches a plate exactly (any spelling `validatePlate`
     * accepts, e.g. `京a12345`), otherwise part of a VIN or plate.
     */
    async list(actor: Actor, q: TVehicleListQuery): Promise<Page<TVehicle>> {
      const conds: (SQL | undefined)[] = [storeScope(actor, vehicles.storeId)];
      if (q.customerId) conds.push(eq(vehicles.customerId, q.customerId));
      if (q.storeId) conds.push(eq(vehicles.storeId, q.storeId));
      if (q.modelId) conds.push(eq(vehicles.modelId, q.modelId));
      if (q.q) {
        const plate = validatePlate(q.q);
        if (plate.ok) conds.push(eq(vehicles.plate, plate.value));
        else {
          const needle = `%${escapeLike(q.q.replace(/[\s·]/g, '').toUpperCase())}%`;
          conds.push(or(ilike(vehicles.vin, needle), sql`replace(${vehicles.plate}, '·', '') ilike ${needle}`));
        }
      }
      const c = decodeKeyset(q.cursor, ['uuid'] as const);
      if (c) conds.push(lt(vehicles.id, c[0]));
      const rows = await selectVehicles(db)
        .where(and(...conds))
        .orderBy(desc(vehicles.id))
        .limit(q.limit + 1);
      const items = rows.slice(0, q.limit).map(toVehicle);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > q.limit && last ? encodeCursor([last.id]) : null };
    },

    /** One vehicle with its model; 404 when unknown or in another store. */
    get: (actor: Actor, id: string) => loadVehicle(db, actor, id),

    /** The vehicles of one customer (for the customer 360), newest first, within the actor's scope. */
    async listForCustomer(actor: Actor, customerId: string): Promise<TVehicle[]> {
      const rows = await selectVehicles(db)
        .where(and(eq(vehicles.customerId, customerId), storeScope(actor, vehicles.storeId)))
        .orderBy(desc(vehicles.id));
      return rows.map(toVehicle);
    },

    /**
     * Registers a car to a customer in the actor's scope; the car belongs to the customer's store. VIN and plate
     * arrive normalised by the contract; a VIN already on file is a 409 naming that vehicle. Audited.
     */
    async create(actor: Actor, input: TVehicleCreate): Promise<TVehicle> {
      assertCan(actor, 'vehicles.write');
      return withVinRace(input.vin, () =>
        db.transaction(async (tx) => {
          const customer = await customerInScope(tx, actor, input.customerId);
          const store = await storeInfo(tx, customer.storeId);
          const today = todayIn(store.timezone);
          const lastMileageAt = input.lastMileageKm != null ? (input.lastMileageAt ?? today) : (input.lastMileageAt ?? null);
          const errors = vehicleDateErrors({ ...input, lastMileageAt }, today);
          if (errors.length) throw new ValidationError('日期有误 / Some dates are invalid', errors);
          if (input.modelId) await assertModelExists(tx, input.modelId);
          const holder = await findVinHolder(tx, input.vin);
          if (holder) throw vinConflict(holder);
          const [v] = await tx
            .insert(vehicles)
            .values({
              customerId: customer.id,
              storeId: customer.storeId,
              vin: input.vin,
              plate: input.plate ?? null,
              modelId: input.modelId ?? null,
              color: input.color ?? '',
              purchaseDate: input.purchaseDate ?? null,
              deliveryDate: input.deliveryDate ?? null,
              lastMileageKm: input.lastMileageKm ?? null,
              lastMileageAt,
              insuranceExpiry: input.insuranceExpiry ?? null,
              warrantyEnd: input.warrantyEnd ?? null,
              status: input.status ?? 'in_use',
            })
            .returning({ id: vehicles.id });
          await recordAudit(tx, actor, { action: 'vehicle.create', entityType: 'vehicle', entityId: v!.id, storeId: customer.storeId, customerId: customer.id, detail: { vin: input.vin, plate: input.plate ?? null } });
          return loadVehicle(tx, actor, v!.id);
        }),
      );
    },

    /**
     * Changes a vehicle. A new `customerId` hands the car to that owner (who must be in the actor's scope) and
     * moves it to the owner's store; a changed VIN is checked for duplicates like a new one. Audited.
     */
    async update(actor: Actor, id: string, patch: TVehicleUpdate): Promise<TVehicle> {
      assertCan(actor, 'vehicles.write');
      const values = sentKeys(patch);
      return withVinRace(values.vin, () =>
        db.transaction(async (tx) => {
          const [cur] = await tx
            .select()
            .from(vehicles)
            .where(and(eq(vehicles.id, id), storeScope(actor, vehicles.storeId)))
            .for('update');
          if (!cur) throw new NotFoundError('车辆');
          const set: Partial<typeof vehicles.$inferInsert> = { ...values };
          if (values.customerId && values.customerId !== cur.customerId) {
            const customer = await customerInScope(tx, actor, values.customerId);
            set.storeId = customer.storeId;
          }
          const store = await storeInfo(tx, set.storeId ?? cur.storeId);
          const today = todayIn(store.timezone);
          if (values.lastMileageKm != null && values.lastMileageAt === undefined) set.lastMileageAt = today;
          const merged = { purchaseDate: cur.purchaseDate, deliveryDate: cur.deliveryDate, lastMileageAt: cur.lastMileageAt, ...set };
          // Only the dates being written are judged: an old record is not rejected for a date someone else typed.
          const errors = vehicleDateErrors(merged, today).filter((e) => Object.keys(set).some((k) => e.path === `body.${k}` || (k === 'purchaseDate' && e.path === 'body.deliveryDate')));
          if (errors.length) throw new ValidationError('日期有误 / Some dates are invalid', errors);
          if (values.modelId) await assertModelExists(tx, values.modelId);
          if (values.vin && values.vin !== cur.vin) {
            const holder = await findVinHolder(tx, values.vin, id);
            if (holder) throw vinConflict(holder);
          }
          if (Object.keys(set).length > 0) {
            await tx.update(vehicles).set(set).where(eq(vehicles.id, id));
            await recordAudit(tx, actor, {
              action: 'vehicle.update',
              entityType: 'vehicle',
              entityId: id,
              storeId: set.storeId ?? cur.storeId,
              customerId: set.customerId ?? cur.customerId,
              detail: { fields: Object.keys(values), ...(set.customerId && set.customerId !== cur.customerId ? { fromCustomerId: cur.customerId } : {}) },
            });
          }
          return loadVehicle(tx, actor, id);
        }),
      );
    },

    /** Moves one customer's vehicles to another inside the caller's (customer merge) transaction. */
    reassignCustomer: (tx: TDbOrTx, fromCustomerId: string, toCustomerId: string) => reassignVehicles(tx, fromCustomerId, toCustomerId),
    setDeliveryDate: setVehicleDeliveryDate,
    recordMileage: recordVehicleMileage,
  };
}

export type TVehiclesService = ReturnType<typeof createVehiclesService>;
