import { boolean, index, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { pk, timestamps } from '../../db/columns.js';

export const staffRole = pgEnum('staff_role', [
  'group_admin',
  'store_manager',
  'sales',
  'service',
  'cx',
  'marketing',
]);

export const stores = pgTable('stores', {
  id: pk(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  brands: text('brands').array().notNull().default([]),
  city: text('city').notNull().default(''),
  address: text('address').notNull().default(''),
  phone: text('phone').notNull().default(''),
  timezone: text('timezone').notNull().default('Asia/Shanghai'),
  active: boolean('active').notNull().default(true),
  ...timestamps,
});

export const staff = pgTable(
  'staff',
  {
    id: pk(),
    username: text('username').notNull().unique(),
    displayName: text('display_name').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: staffRole('role').notNull(),
    storeId: uuid('store_id').references(() => stores.id),
    mobile: text('mobile'),
    email: text('email'),
    active: boolean('active').notNull().default(true),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [index('staff_store_idx').on(t.storeId, t.role)],
);

export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(), // sha256 of the cookie token; the token itself is never stored
    staffId: uuid('staff_id')
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('sessions_staff_idx').on(t.staffId), index('sessions_expires_idx').on(t.expiresAt)],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: pk(),
    staffId: uuid('staff_id')
      .notNull()
      .references(() => staff.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    ...timestamps,
  },
  (t) => [index('api_tokens_staff_idx').on(t.staffId)],
);
