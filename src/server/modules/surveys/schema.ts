import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgEnum, pgTable, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { TQuestion } from '../../../contracts/surveys.js';
import { pk, timestamps } from '../../db/columns.js';
import { customers } from '../customers/schema.js';
import { staff, stores } from '../org/schema.js';
import { vehicles } from '../vehicles/schema.js';

export const surveyTouchpoint = pgEnum('survey_touchpoint', ['delivery', 'service', 'event', 'complaint_revisit', 'other']);
export const detractorAction = pgEnum('survey_detractor_action', ['complaint', 'task']);

/** A questionnaire: group-wide (store_id null, the defaults) or a store's own. `code` names the built-in defaults. */
export const surveyTemplates = pgTable(
  'survey_templates',
  {
    id: pk(),
    storeId: uuid('store_id').references(() => stores.id),
    code: text('code'),
    name: text('name').notNull(),
    touchpoint: surveyTouchpoint('touchpoint').notNull(),
    intro: text('intro').notNull().default(''),
    questions: jsonb('questions').$type<TQuestion[]>().notNull(),
    expiresAfterDays: integer('expires_after_days').notNull().default(14),
    reminderAfterHours: integer('reminder_after_hours').notNull().default(48),
    detractorAction: detractorAction('detractor_action').notNull().default('complaint'),
    active: boolean('active').notNull().default(true),
    createdBy: uuid('created_by').references(() => staff.id),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('survey_templates_code_uq').on(t.code).where(sql`code is not null`),
    index('survey_templates_store_idx').on(t.storeId),
    index('survey_templates_created_by_idx').on(t.createdBy),
  ],
);

/**
 * One invitation = one tokenised link = at most one answer. The token is 2 × 122 random bits from
 * `gen_random_uuid()` (64 hex characters): unguessable; unknown and used tokens answer alike.
 */
export const surveyInvitations = pgTable(
  'survey_invitations',
  {
    id: pk(),
    token: text('token').notNull(),
    storeId: uuid('store_id')
      .notNull()
      .references(() => stores.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    vehicleId: uuid('vehicle_id').references(() => vehicles.id),
    templateId: uuid('template_id')
      .notNull()
      .references(() => surveyTemplates.id),
    touchpoint: surveyTouchpoint('touchpoint').notNull(),
    /** One invitation per journey occurrence, ever. */
    firingKey: text('firing_key'),
    advisorStaffId: uuid('advisor_staff_id').references(() => staff.id),
    consultantStaffId: uuid('consultant_staff_id').references(() => staff.id),
    /** The complaint a revisit survey is about (no FK: complaints own that table). */
    complaintId: uuid('complaint_id'),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    remindAt: timestamp('remind_at', { withTimezone: true }).notNull(),
    remindedAt: timestamp('reminded_at', { withTimezone: true }),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('survey_invitations_token_uq').on(t.token),
    uniqueIndex('survey_invitations_firing_key_uq').on(t.firingKey).where(sql`firing_key is not null`),
    index('survey_invitations_remind_idx').on(t.remindAt).where(sql`answered_at is null and reminded_at is null`),
    index('survey_invitations_customer_idx').on(t.customerId),
    index('survey_invitations_store_idx').on(t.storeId, t.sentAt),
    index('survey_invitations_vehicle_idx').on(t.vehicleId),
    index('survey_invitations_template_idx').on(t.templateId),
    index('survey_invitations_advisor_idx').on(t.advisorStaffId),
    index('survey_invitations_consultant_idx').on(t.consultantStaffId),
  ],
);

/** An owner's answer: NPS and CSAT pulled out for the reports, every answer kept, the text answers as the verbatim. */
export const surveyResponses = pgTable(
  'survey_responses',
  {
    id: pk(),
    invitationId: uuid('invitation_id')
      .notNull()
      .references(() => surveyInvitations.id),
    templateId: uuid('template_id')
      .notNull()
      .references(() => surveyTemplates.id),
    storeId: uuid('store_id')
      .notNull()
      .references(() => stores.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    touchpoint: surveyTouchpoint('touchpoint').notNull(),
    advisorStaffId: uuid('advisor_staff_id').references(() => staff.id),
    consultantStaffId: uuid('consultant_staff_id').references(() => staff.id),
    nps: smallint('nps'),
    csat: smallint('csat'),
    answers: jsonb('answers').$type<Record<string, unknown>>().notNull(),
    verbatim: text('verbatim').notNull().default(''),
    submittedAt: timestamp('submitted_at', { withTimezone: true }).notNull(),
    complaintId: uuid('complaint_id'),
    taskId: uuid('task_id'),
  },
  (t) => [
    uniqueIndex('survey_responses_invitation_uq').on(t.invitationId),
    index('survey_responses_store_submitted_idx').on(t.storeId, t.submittedAt),
    index('survey_responses_submitted_idx').on(t.submittedAt),
    index('survey_responses_customer_idx').on(t.customerId),
    index('survey_responses_template_idx').on(t.templateId),
    index('survey_responses_advisor_idx').on(t.advisorStaffId),
    index('survey_responses_consultant_idx').on(t.consultantStaffId),
  ],
);
