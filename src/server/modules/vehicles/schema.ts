import { sql } from 'drizzle-orm';
import { bigint, boolean, date, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { pk, timestamps } from '../../db/columns.js';
import { customers } from '../customers/schema.js';
import { stores } from '../org/schema.js';

export const bodyType = pgEnum('body_type', ['suv', 'sedan', 'mpv', 'hatchback', 'wagon', 'pickup']);
export const powertrain = pgEnum('powertrain', ['ice', 'hev', 'phev', 'bev']);
export const vehicleStatus = pgEnum('vehicle_status', ['in_use', 'sold', 'scrapped']);

export const vehicleModels = pgTable(
  'vehicle_models',
  {
    id: pk(),
    brand: text('brand').notNull(),
    series: text('series').notNull(),
    name: text('name').notNull(),
    bodyType: bodyType('body_type').notNull(),
    powertrain: powertrain('powertrain').notNull(),
    seats: integer('seats').notNull(),
    minPriceFen: bigint('min_price_fen', { mode: 'number' }).notNull(),
    maxPriceFen: bigint('max_price_fen', { mode: 'number' }).notNull(),
    luxury: boolean('luxury').notNull().default(false),
    maintenanceIntervalMonths: integer('maintenance_interval_months').notNull(),
    maintenanceIntervalKm: integer('maintenance_interval_km').notNull(),
    firstServiceMonths: integer('first_service_months').notNull().default(6),
    firstServiceKm: integer('first_service_km').notNull().default(5000),
    active: boolean('active').notNull().default(true),
    ...timestamps,
  },
  (t) => [uniqueIndex('vehicle_models_uq').on(t.brand, t.series, t.name)],
);

export const vehicles = pgTable(
  'vehicles',
  {
    id: pk(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    storeId: uuid('store_id')
      .notNull()
      .references(() => stores.id),
    vin: text('vin').notNull(),
    plate: text('plate'),
    modelId: uuid('model_id').references(() => vehicleModels.id),
    color: text('color').notNull().default(''),
    purchaseDate: date('purchase_date'),
    deliveryDate: date('delivery_date'),
    lastMileageKm: integer('last_mileage_km'),
    lastMileageAt: date('last_mileage_at'),
    insuranceExpiry: date('insurance_expiry'),
    warrantyEnd: date('warranty_end'),
    status: vehicleStatus('status').notNull().default('in_use'),
    /**
     * The owner's `created_at`, kept by a trigger (see customer_tags.customer_created_at): the customer list pages a
     * model's or a purchase period's owners in 建档时间 order from these indexes without visiting other customers.
     */
    customerCreatedAt: timestamp('customer_created_at', { withTimezone: true }).notNull().defaultNow(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('vehicles_vin_uq').on(t.vin),
    index('vehicles_customer_idx').on(t.customerId),
    index('vehicles_plate_idx').on(t.plate),
    index('vehicles_vin_trgm_idx').using('gin', sql`${t.vin} gin_trgm_ops`),
    index('vehicles_model_created_idx').on(t.modelId, t.customerCreatedAt, t.customerId),
    index('vehicles_store_purchase_idx').on(t.storeId, t.purchaseDate, t.customerCreatedAt, t.customerId),
    index('vehicles_purchase_idx').on(t.purchaseDate, t.customerCreatedAt, t.customerId),
  ],
);
