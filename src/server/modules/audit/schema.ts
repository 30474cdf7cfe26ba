import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { pk } from '../../db/columns.js';

/** Append-only: rows are inserted, never updated or deleted (a trigger in the migrations enforces it). */
export const auditLog = pgTable(
  'audit_log',
  {
    id: pk(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorStaffId: uuid('actor_staff_id'),
    actorName: text('actor_name').notNull(),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id'),
    storeId: uuid('store_id'),
    customerId: uuid('customer_id'),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    ip: text('ip'),
  },
  (t) => [
    index('audit_at_idx').on(t.at),
    index('audit_entity_idx').on(t.entityType, t.entityId),
    index('audit_customer_idx').on(t.customerId),
    index('audit_actor_idx').on(t.actorStaffId, t.at),
    index('audit_store_idx').on(t.storeId, t.at),
  ],
);

/** Transactional outbox: written in the same transaction as the change, delivered by a pg-boss job. */
export const domainEvents = pgTable(
  'domain_events',
  {
    id: pk(),
    type: text('type').notNull(),
    customerId: uuid('customer_id'),
    storeId: uuid('store_id'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
  },
  (t) => [index('domain_events_pending_idx').on(t.createdAt).where(sql`processed_at is null`), index('domain_events_customer_idx').on(t.customerId)],
);
