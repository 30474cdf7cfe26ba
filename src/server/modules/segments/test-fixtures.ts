/**
 * Small typed seed helpers for the segments tests: rows inserted directly (the facts read tables, so the tests need
 * exact dates and mileages rather than what the API would default).
 */
import { completeVin } from '../../../contracts/validators.js';
import type { TDbOrTx } from '../../db/index.js';
import { behaviourEvents, customerConsents, customers, customerTags, tags } from '../customers/schema.js';
import { repairOrders } from '../service/schema.js';
import { vehicleModels, vehicles } from '../vehicles/schema.js';

let seq = 0;
const next = () => ++seq + Math.floor(Math.random() * 1000) * 100_000;

export const newMobile = () => `+86137${String(10_000_000 + next()).slice(-8)}`;
export const newVin = () => completeVin('LSGAU233', String(30_000_000 + next()).slice(-8));

/** 10:00 Beijing time on a day, as an instant. */
export const at = (day: string, hour = 10) => new Date(`${day}T${String(hour).padStart(2, '0')}:00:00+08:00`);

export async function insertCustomer(db: TDbOrTx, values: Partial<typeof customers.$inferInsert> & { storeId: string }) {
  const [c] = await db
    .insert(customers)
    .values({ name: `客户${next()}`, mobile: newMobile(), ...values })
    .returning();
  return c!;
}

export async function insertModel(db: TDbOrTx, values: Partial<typeof vehicleModels.$inferInsert> = {}) {
  const [m] = await db
    .insert(vehicleModels)
    .values({
      brand: '测试',
      series: `T${next()}`,
      name: '标准版',
      bodyType: 'suv',
      powertrain: 'ice',
      seats: 5,
      minPriceFen: 15_000_000,
      maxPriceFen: 18_000_000,
      maintenanceIntervalMonths: 6,
      maintenanceIntervalKm: 5_000,
      firstServiceMonths: 3,
      firstServiceKm: 3_000,
      ...values,
    })
    .returning();
  return m!;
}

export async function insertVehicle(db: TDbOrTx, customer: { id: string; storeId: string }, values: Partial<typeof vehicles.$inferInsert> = {}) {
  const [v] = await db
    .insert(vehicles)
    .values({ customerId: customer.id, storeId: customer.storeId, vin: newVin(), ...values })
    .returning();
  return v!;
}

/** A closed repair order on a day (10:00 Beijing). */
export async function insertRo(
  db: TDbOrTx,
  vehicle: { id: string; customerId: string; storeId: string },
  day: string,
  values: Partial<typeof repairOrders.$inferInsert> = {},
) {
  const [r] = await db
    .insert(repairOrders)
    .values({
      roNo: `RO${next()}`,
      customerId: vehicle.customerId,
      storeId: vehicle.storeId,
      vehicleId: vehicle.id,
      kind: 'maintenance',
      labourFen: 20_000,
      partsFen: 30_000,
      stage: 'delivered',
      openedAt: at(day),
      closedAt: at(day, 16),
      ...values,
    })
    .returning();
  return r!;
}

export async function insertBehaviour(db: TDbOrTx, customer: { id: string; storeId: string }, kind: string, day: string) {
  await db.insert(behaviourEvents).values({ customerId: customer.id, storeId: customer.storeId, kind, occurredAt: at(day) });
}

export async function tagCustomer(db: TDbOrTx, customer: { id: string; storeId: string }, name: string) {
  const [t] = await db.insert(tags).values({ name }).onConflictDoUpdate({ target: tags.name, set: { name } }).returning();
  await db.insert(customerTags).values({ customerId: customer.id, tagId: t!.id, storeId: customer.storeId }).onConflictDoNothing();
  return t!;
}

export async function grantConsent(db: TDbOrTx, customer: { id: string; storeId: string }, channel: 'sms' | 'wechat', granted = true) {
  await db.insert(customerConsents).values({ customerId: customer.id, storeId: customer.storeId, channel, purpose: 'marketing', granted, source: 'test' });
}
