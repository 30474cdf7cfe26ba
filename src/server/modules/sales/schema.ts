import { bigint, boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { pk, timestamps } from '../../db/columns.js';
import { customers } from '../customers/schema.js';
import { staff, stores } from '../org/schema.js';
import { vehicleModels, vehicles } from '../vehicles/schema.js';

/** 订车 → 车辆检测 → 运输 → PDI → 交车准备 → 交车, in this order. */
export const deliveryMilestone = pgEnum('delivery_milestone', [
  'ordered',
  'inspection',
  'transport',
  'pdi',
  'handover_prep',
  'delivered',
]);
export const salesOrderStatus = pgEnum('sales_order_status', ['open', 'delivered', 'cancelled']);

export const salesOrders = pgTable(
  'sales_orders',
  {
    id: pk(),
    orderNo: text('order_no').notNull(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    storeId: uuid('store_id')
      .notNull()
      .references(() => stores.id),
    vehicleId: uuid('vehicle_id').references(() => vehicles.id),
    modelId: uuid('model_id').references(() => vehicleModels.id),
    consultantId: uuid('consultant_id').references(() => staff.id),
    priceFen: bigint('price_fen', { mode: 'number' }).notNull(),
    tradeInVin: text('trade_in_vin'),
    tradeInValueFen: bigint('trade_in_value_fen', { mode: 'number' }).notNull().default(0),
    financeProvider: text('finance_provider').notNull().default(''),
    loanAmountFen: bigint('loan_amount_fen', { mode: 'number' }).notNull().default(0),
    loanTermMonths: integer('loan_term_months').notNull().default(0),
    insuranceBundle: boolean('insurance_bundle').notNull().default(false),
    referrerCustomerId: uuid('referrer_customer_id').references(() => customers.id),
    status: salesOrderStatus('status').notNull().default('open'),
    milestone: deliveryMilestone('milestone').notNull().default('ordered'),
    orderedAt: timestamp('ordered_at', { withTimezone: true }).notNull(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    note: text('note').notNull().default(''),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('sales_orders_no_uq').on(t.orderNo),
    index('sales_orders_customer_idx').on(t.customerId, t.orderedAt.desc()),
    index('sales_orders_store_idx').on(t.storeId, t.orderedAt.desc()),
    index('sales_orders_vehicle_idx').on(t.vehicleId),
    index('sales_orders_consultant_idx').on(t.consultantId),
    index('sales_orders_model_idx').on(t.modelId),
    index('sales_orders_referrer_idx').on(t.referrerCustomerId),
  ],
);

export const salesOrderMilestones = pgTable(
  'sales_order_milestones',
  {
    id: pk(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => salesOrders.id),
    customerId: uuid('customer_id').notNull(),
    storeId: uuid('store_id').notNull(),
    milestone: deliveryMilestone('milestone').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    note: text('note').notNull().default(''),
    photos: jsonb('photos').$type<string[]>().notNull().default([]),
    staffId: uuid('staff_id').references(() => staff.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('sales_order_milestones_uq').on(t.orderId, t.milestone),
    index('sales_order_milestones_customer_idx').on(t.customerId),
    index('sales_order_milestones_staff_idx').on(t.staffId),
  ],
);
