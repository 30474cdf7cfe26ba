import { sql } from 'drizzle-orm';
import { date, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { pk, timestamps } from '../../../db/columns.js';
import { customers } from '../../customers/schema.js';
import { staff, stores } from '../../org/schema.js';
import { vehicles } from '../../vehicles/schema.js';
import { repairOrders, roKind } from '../schema.js';

export const appointmentStatus = pgEnum('appointment_status', ['booked', 'checked_in', 'no_show', 'cancelled']);
export const appointmentSource = pgEnum('appointment_source', ['console', 'portal']);

/** Opening hours per weekday, Monday first; null = closed that day. */
export type TWeekHours = ({ open: string; close: string } | null)[];

/** Per-store appointment capacity; a store without a row uses the defaults in `appointments/rules.ts`. */
export const appointmentSettings = pgTable(
  'appointment_settings',
  {
    storeId: uuid('store_id')
      .primaryKey()
      .references(() => stores.id),
    slotMinutes: integer('slot_minutes').notNull(),
    bays: integer('bays').notNull(),
    technicians: integer('technicians').notNull(),
    hours: jsonb('hours').$type<TWeekHours>().notNull(),
    graceMinutes: integer('grace_minutes').notNull(),
    leadMinutes: integer('lead_minutes').notNull(),
    horizonDays: integer('horizon_days').notNull(),
    closedDates: date('closed_dates').array().notNull().default(sql`'{}'::date[]`),
    updatedBy: uuid('updated_by').references(() => staff.id),
    ...timestamps,
  },
  (t) => [index('appointment_settings_updated_by_idx').on(t.updatedBy)],
);

/**
 * Service appointments: one car, one slot of its store. A slot's live bookings (`booked`, `checked_in`) never exceed
 * the store's capacity: bookings of one slot are serialised by an advisory lock and counted under it.
 */
export const appointments = pgTable(
  'appointments',
  {
    id: pk(),
    storeId: uuid('store_id')
      .notNull()
      .references(() => stores.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    vehicleId: uuid('vehicle_id')
      .notNull()
      .references(() => vehicles.id),
    kind: roKind('kind').notNull(),
    status: appointmentStatus('status').notNull().default('booked'),
    slotStart: timestamp('slot_start', { withTimezone: true }).notNull(),
    slotEnd: timestamp('slot_end', { withTimezone: true }).notNull(),
    /** The store-local day of the slot (reminders and day views work by it). */
    localDate: date('local_date').notNull(),
    note: text('note').notNull().default(''),
    source: appointmentSource('source').notNull(),
    advisorId: uuid('advisor_id').references(() => staff.id),
    createdBy: uuid('created_by').references(() => staff.id),
    /** A retried booking (`Idempotency-Key`, scoped to who booked) returns the first one. */
    idempotencyKey: text('idempotency_key'),
    repairOrderId: uuid('repair_order_id').references(() => repairOrders.id),
    checkedInAt: timestamp('checked_in_at', { withTimezone: true }),
    checkedInBy: uuid('checked_in_by').references(() => staff.id),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    cancelledBy: uuid('cancelled_by').references(() => staff.id),
    cancelReason: text('cancel_reason').notNull().default(''),
    noShowAt: timestamp('no_show_at', { withTimezone: true }),
    remindedAt: timestamp('reminded_at', { withTimezone: true }),
    rescheduleCount: integer('reschedule_count').notNull().default(0),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('appointments_idempotency_uq').on(t.idempotencyKey).where(sql`idempotency_key is not null`),
    // One open appointment per car: a second booking is a reschedule, not a new one.
    uniqueIndex('appointments_vehicle_open_uq').on(t.vehicleId).where(sql`status = 'booked'`),
    // Day/week views and the capacity count of a slot.
    index('appointments_store_slot_idx').on(t.storeId, t.slotStart),
    index('appointments_customer_idx').on(t.customerId, t.slotStart.desc()),
    index('appointments_vehicle_idx').on(t.vehicleId),
    // The no-show job's scan and the reminder job's.
    index('appointments_open_end_idx').on(t.slotEnd).where(sql`status = 'booked'`),
    index('appointments_remind_idx').on(t.localDate).where(sql`status = 'booked' and reminded_at is null`),
    index('appointments_no_show_idx').on(t.customerId).where(sql`status = 'no_show'`),
    index('appointments_advisor_idx').on(t.advisorId),
    index('appointments_created_by_idx').on(t.createdBy),
    index('appointments_checked_in_by_idx').on(t.checkedInBy),
    index('appointments_cancelled_by_idx').on(t.cancelledBy),
    index('appointments_repair_order_idx').on(t.repairOrderId),
  ],
);
