import { sql } from 'drizzle-orm';
import {
  boolean,
  date,
  index,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { pk, timestamps } from '../../db/columns.js';
import { staff, stores } from '../org/schema.js';

export const gender = pgEnum('gender', ['male', 'female', 'unknown']);
export const customerStatus = pgEnum('customer_status', ['active', 'merged', 'erased']);
export const consentChannel = pgEnum('consent_channel', ['sms', 'wechat', 'phone', 'email']);
export const consentPurpose = pgEnum('consent_purpose', ['service', 'marketing']);
export const interactionKind = pgEnum('interaction_kind', ['call', 'visit', 'wechat', 'sms', 'email', 'note']);

export const customers = pgTable(
  'customers',
  {
    id: pk(),
    storeId: uuid('store_id')
      .notNull()
      .references(() => stores.id),
    name: text('name').notNull(),
    gender: gender('gender').notNull().default('unknown'),
    birthday: date('birthday'),
    /** E.164, e.g. +8613812345678; unique within the group among live customers. */
    mobile: text('mobile'),
    mobileLast4: text('mobile_last4').generatedAlwaysAs(sql`right(mobile, 4)`),
    idNumber: text('id_number'),
    wechatOpenid: text('wechat_openid'),
    wechatUnionid: text('wechat_unionid'),
    email: text('email'),
    city: text('city').notNull().default(''),
    occupation: text('occupation').notNull().default(''),
    householdNotes: text('household_notes').notNull().default(''),
    sourceChannel: text('source_channel').notNull().default(''),
    salesConsultantId: uuid('sales_consultant_id').references(() => staff.id),
    serviceAdvisorId: uuid('service_advisor_id').references(() => staff.id),
    status: customerStatus('status').notNull().default('active'),
    mergedIntoId: uuid('merged_into_id'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('customers_mobile_uq').on(t.mobile).where(sql`mobile is not null and status = 'active'`),
    index('customers_store_created_idx').on(t.storeId, t.createdAt.desc(), t.id.desc()),
    index('customers_created_idx').on(t.createdAt.desc(), t.id.desc()),
    // The few merged or erased customers: the daily facts refresh removes their facts without scanning everyone.
    index('customers_inactive_idx').on(t.id).where(sql`status <> 'active'`),
    index('customers_last4_idx').on(t.mobileLast4),
    // Birthdays by day of the year (MMDD as a number, BIRTHDAY_DAY_SQL): the birthday rule reads a day's few thousand, not everyone.
    index('customers_birthday_day_idx')
      .on(sql`((extract(month from ${t.birthday}))::int * 100 + (extract(day from ${t.birthday}))::int)`)
      .where(sql`birthday is not null`),
    index('customers_name_trgm_idx').using('gin', sql`${t.name} gin_trgm_ops`),
    index('customers_name_idx').on(t.name, t.id),
    index('customers_consultant_idx').on(t.salesConsultantId),
    index('customers_advisor_idx').on(t.serviceAdvisorId),
    index('customers_openid_idx').on(t.wechatOpenid),
  ],
);

export const customerConsents = pgTable(
  'customer_consents',
  {
    id: pk(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    storeId: uuid('store_id').notNull(),
    channel: consentChannel('channel').notNull(),
    purpose: consentPurpose('purpose').notNull(),
    granted: boolean('granted').notNull(),
    source: text('source').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
    recordedBy: uuid('recorded_by'),
    ...timestamps,
  },
  (t) => [uniqueIndex('customer_consents_uq').on(t.customerId, t.channel, t.purpose)],
);

export const tags = pgTable('tags', {
  id: pk(),
  name: text('name').notNull().unique(),
  color: text('color').notNull().default('blue'),
  kind: text('kind').notNull().default('manual'),
  ...timestamps,
});

export const customerTags = pgTable(
  'customer_tags',
  {
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    tagId: uuid('tag_id')
      .notNull()
      .references(() => tags.id),
    storeId: uuid('store_id').notNull(),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * The customer's own `created_at`, copied by a trigger on insert and on a change of customer (bulk loads that
     * skip triggers write it themselves). The customer list walks a tag's members in 建档时间 order through the
     * indexes below, so a tag that only old (or only new) customers carry still fills a page in a few index reads.
     */
    customerCreatedAt: timestamp('customer_created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.customerId, t.tagId] }),
    index('customer_tags_tag_created_idx').on(t.tagId, t.customerCreatedAt, t.customerId),
    // The customer list counts and walks a tag's members in one store through this index alone (store_id follows the customer).
    index('customer_tags_tag_store_created_idx').on(t.tagId, t.storeId, t.customerCreatedAt, t.customerId),
  ],
);

export const interactions = pgTable(
  'interactions',
  {
    id: pk(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    storeId: uuid('store_id').notNull(),
    staffId: uuid('staff_id').references(() => staff.id),
    kind: interactionKind('kind').notNull(),
    direction: text('direction').notNull().default('outbound'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    outcome: text('outcome').notNull().default(''),
    summary: text('summary').notNull().default(''),
    ...timestamps,
  },
  (t) => [index('interactions_customer_idx').on(t.customerId, t.occurredAt.desc()), index('interactions_staff_idx').on(t.staffId)],
);

export const behaviourEvents = pgTable(
  'behaviour_events',
  {
    id: pk(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    storeId: uuid('store_id').notNull(),
    kind: text('kind').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('behaviour_customer_idx').on(t.customerId, t.occurredAt.desc())],
);
