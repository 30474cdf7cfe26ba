import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { pk, timestamps } from '../../db/columns.js';
import { customers } from '../customers/schema.js';
import { staff, stores } from '../org/schema.js';
import { vehicles } from '../vehicles/schema.js';

export const roKind = pgEnum('ro_kind', ['first_service', 'maintenance', 'repair', 'warranty', 'accident', 'recall', 'inspection']);
/** 预约 → 接车 → 诊断 → 维修 → 质检 → 洗车 → 待交车 → 已交车, in this order. */
export const workshopStage = pgEnum('workshop_stage', ['booked', 'received', 'diagnosis', 'repair', 'qc', 'wash', 'ready', 'delivered']);

export type TRoItem = { name: string; kind: 'labour' | 'part'; quantity: number; amountFen: number };

export const repairOrders = pgTable(
  'repair_orders',
  {
    id: pk(),
    roNo: text('ro_no').notNull(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    storeId: uuid('store_id')
      .notNull()
      .references(() => stores.id),
    vehicleId: uuid('vehicle_id')
      .notNull()
      .references(() => vehicles.id),
    advisorId: uuid('advisor_id').references(() => staff.id),
    kind: roKind('kind').notNull(),
    mileageKm: integer('mileage_km'),
    labourFen: bigint('labour_fen', { mode: 'number' }).notNull().default(0),
    partsFen: bigint('parts_fen', { mode: 'number' }).notNull().default(0),
    totalFen: bigint('total_fen', { mode: 'number' }).generatedAlwaysAs(sql`labour_fen + parts_fen`),
    faultCodes: text('fault_codes').array().notNull().default([]),
    items: jsonb('items').$type<TRoItem[]>().notNull().default([]),
    stage: workshopStage('stage').notNull().default('received'),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    note: text('note').notNull().default(''),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('repair_orders_no_uq').on(t.storeId, t.roNo),
    index('repair_orders_customer_idx').on(t.customerId, t.openedAt.desc()),
    index('repair_orders_vehicle_idx').on(t.vehicleId, t.openedAt.desc()),
    index('repair_orders_store_idx').on(t.storeId, t.openedAt.desc()),
    index('repair_orders_advisor_idx').on(t.advisorId),
  ],
);

export const repairOrderStages = pgTable(
  'repair_order_stages',
  {
    id: pk(),
    roId: uuid('ro_id')
      .notNull()
      .references(() => repairOrders.id),
    customerId: uuid('customer_id').notNull(),
    storeId: uuid('store_id').notNull(),
    stage: workshopStage('stage').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    note: text('note').notNull().default(''),
    photos: jsonb('photos').$type<string[]>().notNull().default([]),
    staffId: uuid('staff_id').references(() => staff.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('repair_order_stages_uq').on(t.roId, t.stage),
    index('repair_order_stages_customer_idx').on(t.customerId),
    index('repair_order_stages_staff_idx').on(t.staffId),
  ],
);
