import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgEnum, pgTable, text, time, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { pk, timestamps } from '../../db/columns.js';
import { customers } from '../customers/schema.js';
import { staff, stores } from '../org/schema.js';

export const messageChannel = pgEnum('message_channel', ['sms', 'wechat', 'email', 'inbox']);
export const messagePurpose = pgEnum('message_purpose', ['service', 'marketing']);
export const messageStatus = pgEnum('message_status', ['queued', 'deferred', 'sent', 'failed', 'suppressed']);
/** Why the gate held a message back: `quiet_hours` defers it (status deferred), the others suppress it. */
export const messageSuppression = pgEnum('message_suppression', ['no_consent', 'quiet_hours', 'frequency_cap', 'unsubscribed', 'no_address']);
export const messageLocale = pgEnum('message_locale', ['zh-CN', 'en-US']);

/** A template of the group (store_id null) or of one store (which then overrides the group's of the same code). */
export const messageTemplates = pgTable(
  'message_templates',
  {
    id: pk(),
    storeId: uuid('store_id').references(() => stores.id),
    code: text('code').notNull(),
    name: text('name').notNull(),
    channel: messageChannel('channel').notNull(),
    purpose: messagePurpose('purpose').notNull(),
    locale: messageLocale('locale').notNull().default('zh-CN'),
    subject: text('subject').notNull().default(''),
    body: text('body').notNull(),
    active: boolean('active').notNull().default(true),
    createdBy: uuid('created_by').references(() => staff.id),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('message_templates_group_uq').on(t.code, t.channel, t.locale).where(sql`store_id is null`),
    uniqueIndex('message_templates_store_uq').on(t.storeId, t.code, t.channel, t.locale).where(sql`store_id is not null`),
    index('message_templates_created_by_idx').on(t.createdBy),
  ],
);

/**
 * Every message ever asked for, sent or not: the outbox a person reads and the send queue. `scheduled_at` is the
 * planned send instant (what the frequency cap counts); `next_attempt_at` moves with retries and deferrals.
 */
export const messages = pgTable(
  'messages',
  {
    id: pk(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    storeId: uuid('store_id')
      .notNull()
      .references(() => stores.id),
    channel: messageChannel('channel').notNull(),
    purpose: messagePurpose('purpose').notNull(),
    templateId: uuid('template_id').references(() => messageTemplates.id),
    /** The address used (full; masked in every API answer). */
    toAddress: text('to_address'),
    subject: text('subject').notNull().default(''),
    body: text('body').notNull(),
    status: messageStatus('status').notNull(),
    suppressionReason: messageSuppression('suppression_reason'),
    scheduledAt: timestamp('scheduled_at', { withTimezone: true }).notNull(),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    /** A sender's lease: set while one worker is sending, so another skips the row; expires if the worker dies. */
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    provider: text('provider'),
    providerMessageId: text('provider_message_id'),
    sourceRuleId: uuid('source_rule_id'),
    /** One message per journey occurrence (or per Idempotency-Key of a manual send), ever. */
    firingKey: text('firing_key'),
    /**
     * The recipient asked for this message a moment ago (a portal sign-in code): it goes out at once, in quiet hours
     * too, and needs no consent — only an address.
     */
    requestedByRecipient: boolean('requested_by_recipient').notNull().default(false),
    createdBy: uuid('created_by').references(() => staff.id),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('messages_firing_key_uq').on(t.firingKey).where(sql`firing_key is not null`),
    index('messages_due_idx').on(t.nextAttemptAt).where(sql`status in ('queued', 'deferred')`),
    index('messages_cap_idx').on(t.customerId, t.scheduledAt).where(sql`purpose = 'marketing' and status in ('queued', 'deferred', 'sent')`),
    index('messages_customer_idx').on(t.customerId, t.createdAt.desc()),
    index('messages_store_created_idx').on(t.storeId, t.createdAt.desc(), t.id.desc()),
    index('messages_created_idx').on(t.createdAt.desc(), t.id.desc()),
    index('messages_template_idx').on(t.templateId),
    index('messages_created_by_idx').on(t.createdBy),
    index('messages_source_rule_idx').on(t.sourceRuleId).where(sql`source_rule_id is not null`),
  ],
);

/**
 * Unsubscribe links: one live random token per customer and channel, reused by every marketing message on that
 * channel; revocable (a revoked token stops working and the next message mints a new one).
 */
export const messageUnsubscribeTokens = pgTable(
  'message_unsubscribe_tokens',
  {
    id: pk(),
    token: text('token').notNull(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    storeId: uuid('store_id').notNull(),
    channel: messageChannel('channel').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('message_unsubscribe_tokens_token_uq').on(t.token),
    uniqueIndex('message_unsubscribe_tokens_live_uq').on(t.customerId, t.channel).where(sql`revoked_at is null`),
    index('message_unsubscribe_tokens_customer_idx').on(t.customerId),
  ],
);

/** Per-store messaging policy; a store without a row uses the defaults in `messaging/rules.ts`. */
export const messagingSettings = pgTable(
  'messaging_settings',
  {
    storeId: uuid('store_id')
      .primaryKey()
      .references(() => stores.id),
    quietStart: time('quiet_start').notNull(),
    quietEnd: time('quiet_end').notNull(),
    marketingCap: integer('marketing_cap').notNull(),
    capWindowDays: integer('cap_window_days').notNull(),
    maxAttempts: integer('max_attempts').notNull(),
    updatedBy: uuid('updated_by').references(() => staff.id),
    ...timestamps,
  },
  (t) => [index('messaging_settings_updated_by_idx').on(t.updatedBy)],
);
