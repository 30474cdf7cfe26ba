import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { pk } from '../../db/columns.js';
import { customers } from '../customers/schema.js';
import { messages } from '../messaging/schema.js';

/**
 * Sign-in codes of the owner portal, one row per request — also for numbers that are nobody's (`customer_id` and
 * `code_hash` null: such a code can never succeed), so that the answer and the rate limits are the same either way.
 * Only a keyed hash of the code is kept; the mobile is kept as a hash too (it only needs to be counted and matched).
 */
export const portalLoginCodes = pgTable(
  'portal_login_codes',
  {
    id: pk(),
    mobileHash: text('mobile_hash').notNull(),
    customerId: uuid('customer_id').references(() => customers.id),
    storeId: uuid('store_id'),
    salt: text('salt').notNull(),
    codeHash: text('code_hash'),
    ip: text('ip').notNull().default(''),
    attempts: integer('attempts').notNull().default(0),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    consumedAt: timestamp('consumed_at', { withTimezone: true }),
    /** A newer code for the same number replaced this one. */
    supersededAt: timestamp('superseded_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('portal_login_codes_mobile_idx').on(t.mobileHash, t.createdAt.desc()),
    index('portal_login_codes_ip_idx').on(t.ip, t.createdAt.desc()),
    index('portal_login_codes_customer_idx').on(t.customerId),
    index('portal_login_codes_created_idx').on(t.createdAt),
  ],
);

/** Owner portal sessions, separate from staff sessions: only the SHA-256 of the cookie token is stored. */
export const portalSessions = pgTable(
  'portal_sessions',
  {
    id: text('id').primaryKey(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    storeId: uuid('store_id').notNull(),
    csrfToken: text('csrf_token').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    ip: text('ip'),
    userAgent: text('user_agent'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('portal_sessions_customer_idx').on(t.customerId), index('portal_sessions_expires_idx').on(t.expiresAt)],
);

/**
 * Which portal inbox messages (messages on channel `inbox`) the owner has opened. Kept here rather than on the
 * message: reading is the portal's business. Scoping always goes through the message's own customer.
 */
export const portalInboxReads = pgTable(
  'portal_inbox_reads',
  {
    messageId: uuid('message_id')
      .primaryKey()
      .references(() => messages.id),
    customerId: uuid('customer_id').notNull(),
    storeId: uuid('store_id').notNull(),
    readAt: timestamp('read_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('portal_inbox_reads_customer_idx').on(t.customerId)],
);
