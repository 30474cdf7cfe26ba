import { and, desc, eq, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { TPublicSurvey, TSurveyResponse, TSurveyTemplate, TSurveyTemplateInput, TSurveyTouchpoint } from '../../../contracts/surveys.js';
import { ZSurveyTemplateInput } from '../../../contracts/surveys.js';
import type { TConfig } from '../../config.js';
import type { TDb, TDbOrTx } from '../../db/index.js';
import type { Clock } from '../../platform/clock.js';
import { AppError, NotFoundError, ValidationError } from '../../platform/errors.js';
import type { Jobs } from '../../platform/jobs.js';
import { assertCan, assertStoreAccess, storeScope, SYSTEM_ACTOR, type Actor } from '../../platform/rbac.js';
import { recordAudit } from '../audit/service.js';
import type { TComplaintsService } from '../complaints/service.js';
import { customers } from '../customers/schema.js';
import { randomTokenSql, uuidv7Sql } from '../messaging/gate.js';
import type { createMessagingService } from '../messaging/service.js';
import { stores } from '../org/schema.js';
import type { createTasksService } from '../tasks/service.js';
import { staffIdOf } from '../vehicles/service.js';
import { checkAnswers, templateProblems, type TAnswerValue } from './rules.js';
import { surveyInvitations, surveyResponses, surveyTemplates } from './schema.js';

export interface TSurveysDeps {
  db: TDb;
  clock: Clock;
  jobs: Jobs | null;
  config: TConfig;
  messaging: ReturnType<typeof createMessagingService>;
  tasks: ReturnType<typeof createTasksService>;
  complaints: TComplaintsService;
}

/** Survey invitations for a whole audience (journeys' `send_survey` action). */
export interface TInviteAudience {
  /** A SELECT with columns `customer_id uuid, vehicle_id uuid, firing_key text, due_at timestamptz` (all but customer_id may be null). */
  audience: SQL;
  /** The survey template; its touchpoint is used unless `touchpoint` is given. */
  templateId: string;
  touchpoint?: TSurveyTouchpoint;
  /** Prefix for rows without their own firing key; with neither, a customer may be invited again. */
  firingKey?: string | null;
  /** Send time of rows whose `due_at` is null (default now); the link expires the template's days later. */
  sendAt?: Date;
  /** The complaint a revisit survey is about. */
  complaintId?: string | null;
}

export const INVITE_MESSAGE_CODE = 'survey_invite';
export const REMINDER_MESSAGE_CODE = 'survey_reminder';
export const SURVEY_PATH = '/s/';

/** A used, expired or unknown link: one answer for all three would hide nothing useful from an owner, so say which. */
class GoneError extends AppError {
  constructor(code: 'survey-used' | 'survey-expired') {
    super(410, code, code === 'survey-used' ? '您已提交过本问卷，感谢您的反馈 / This survey was already answered' : '问卷链接已过期 / This survey link has expired');
  }
}

function toTemplate(t: typeof surveyTemplates.$inferSelect): TSurveyTemplate {
  return {
    id: t.id,
    storeId: t.storeId,
    code: t.code,
    name: t.name,
    touchpoint: t.touchpoint,
    intro: t.intro,
    questions: t.questions,
    expiresAfterDays: t.expiresAfterDays,
    reminderAfterHours: t.reminderAfterHours,
    detractorAction: t.detractorAction,
    active: t.active,
    updatedAt: t.updatedAt,
  };
}

/**
 * Surveys: templates (builder), tokenised invitations sent through messaging (set-based for journeys), the public
 * answer (one per invitation, expiry), one reminder, and detractors opening a complaint or a care task.
 */
export function createSurveysService(deps: TSurveysDeps) {
  const { db, clock, config } = deps;
  const publicUrl = (config.BAOKE_PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '');
  const linkSql = (token: SQL) => sql`${publicUrl + SURVEY_PATH}::text || ${token}`;

  function nudge() {
    deps.jobs?.send('messaging.send', {}, { singletonKey: 'messaging.send', singletonSeconds: 2 }).catch(() => undefined);
  }

  function checkTemplate(input: TSurveyTemplateInput) {
    const parsed = ZSurveyTemplateInput.parse(input);
    const problems = templateProblems(parsed.questions);
    if (problems.length) throw new ValidationError('问卷设置有误 / The questionnaire has problems', problems);
    return parsed;
  }

  async function templateFor(exec: TDbOrTx, actor: Actor, id: string) {
    const [t] = await exec
      .select()
      .from(surveyTemplates)
      .where(and(eq(surveyTemplates.id, id), or(isNull(surveyTemplates.storeId), storeScope(actor, surveyTemplates.storeId))));
    if (!t) throw new NotFoundError('问卷');
    return t;
  }

  /**
   * Writes invitations for an audience (one INSERT … SELECT) and sends each owner the link through the messaging
   * gate (service purpose, SMS) in the caller's transaction. Rows whose firing key exists already are skipped.
   */
  async function inviteForAudience(tx: TDbOrTx, input: TInviteAudience): Promise<{ invited: number; queued: number; suppressed: number }> {
    const [t] = await tx.select().from(surveyTemplates).where(eq(surveyTemplates.id, input.templateId));
    if (!t || !t.active) throw new ValidationError('问卷不存在或已停用 / No such active survey', [{ path: 'templateId', message: 'unknown template' }]);
    const now = clock.now();
    const sendAt = sql`${(input.sendAt ?? now).toISOString()}::timestamptz`;
    const res = await tx.execute<{ id: string }>(sql`
      with aud as (
        select distinct on (a.customer_id, a.firing_key) a.customer_id::uuid as customer_id, a.vehicle_id::uuid as vehicle_id,
          coalesce(a.firing_key::text, ${input.firingKey ?? null}::text || ':' || a.customer_id::text) as firing_key,
          coalesce(a.due_at::timestamptz, ${sendAt}) as sent_at
        from (${input.audience}) a
        order by a.customer_id, a.firing_key
      )
      insert into survey_invitations (id, token, store_id, customer_id, vehicle_id, template_id, touchpoint, firing_key,
        advisor_staff_id, consultant_staff_id, complaint_id, sent_at, expires_at, remind_at, created_at)
      select ${uuidv7Sql(sql`row_number() over ()`, now.getTime())}, ${randomTokenSql}, c.store_id, c.id,
        case when exists (select 1 from vehicles v where v.id = aud.vehicle_id and v.customer_id = c.id) then aud.vehicle_id end,
        ${t.id}::uuid, ${input.touchpoint ?? t.touchpoint}::survey_touchpoint, aud.firing_key,
        c.service_advisor_id, c.sales_consultant_id, ${input.complaintId ?? null}::uuid,
        aud.sent_at, aud.sent_at + make_interval(days => ${t.expiresAfterDays}), aud.sent_at + make_interval(hours => ${t.reminderAfterHours}), ${now.toISOString()}::timestamptz
      from aud join customers c on c.id = aud.customer_id and c.status = 'active'
      where ${t.storeId}::uuid is null or c.store_id = ${t.storeId}::uuid
      on conflict (firing_key) where firing_key is not null do nothing
      returning id`);
    if (!res.rows.length) return { invited: 0, queued: 0, suppressed: 0 };
    const sent = await deps.messaging.enqueueForAudience(tx, {
      audience: sql`select i.customer_id, i.vehicle_id, 'survey-invite:' || i.id::text as firing_key,
          jsonb_build_object('surveyLink', ${linkSql(sql`i.token`)}, 'surveyName', ${t.name}::text) as vars
        from survey_invitations i where i.id = any(${`{${res.rows.map((x) => x.id).join(',')}}`}::uuid[])`,
      channel: 'sms',
      purpose: 'service',
      templateCode: INVITE_MESSAGE_CODE,
      rowVarKeys: ['surveyLink', 'surveyName'],
      scheduledAt: input.sendAt,
    });
    nudge();
    return { invited: res.rows.length, queued: sent.queued + sent.deferred, suppressed: sent.suppressed };
  }

  /**
   * Questionnaires and store names by id, kept for a few seconds: the answer endpoint's hot path then reads only the
   * invitation row. A template edited meanwhile is checked against its previous questions for at most that long.
   */
  const cache = new Map<string, { at: number; t: typeof surveyTemplates.$inferSelect; storeName: string }>();
  const CACHE_MS = 5_000;
  async function templateOf(templateId: string, storeId: string) {
    const key = `${templateId}:${storeId}`;
    const hit = cache.get(key);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit;
    const [r] = await db
      .select({ t: surveyTemplates, storeName: stores.name })
      .from(surveyTemplates)
      .innerJoin(stores, eq(stores.id, storeId))
      .where(eq(surveyTemplates.id, templateId));
    if (!r) throw new NotFoundError('问卷');
    const v = { at: Date.now(), ...r };
    if (cache.size > 1000) cache.clear();
    cache.set(key, v);
    return v;
  }

  async function loadInvitation(token: string) {
    const [i] = await db.select().from(surveyInvitations).where(eq(surveyInvitations.token, token));
    if (!i) throw new NotFoundError('问卷');
    if (i.answeredAt) throw new GoneError('survey-used');
    if (i.expiresAt.getTime() <= clock.now().getTime()) throw new GoneError('survey-expired');
    const { t, storeName } = await templateOf(i.templateId, i.storeId);
    return { i, t, storeName };
  }

  return {
    inviteForAudience,

    /** One owner, one survey, now (the console's "send survey"). Returns the link as well. */
    async invite(actor: Actor, input: { customerId: string; vehicleId?: string | null; templateId: string }) {
      assertCan(actor, 'surveys.manage');
      return db.transaction(async (tx) => {
        const [c] = await tx
          .select({ id: customers.id, storeId: customers.storeId })
          .from(customers)
          .where(and(eq(customers.id, input.customerId), storeScope(actor, customers.storeId)));
        if (!c) throw new NotFoundError('客户');
        await templateFor(tx, actor, input.templateId);
        const key = `manual:${crypto.randomUUID()}`;
        await inviteForAudience(tx, {
          audience: sql`select ${c.id}::uuid as customer_id, ${input.vehicleId ?? null}::uuid as vehicle_id, ${key}::text as firing_key, null::timestamptz as due_at`,
          templateId: input.templateId,
        });
        const [i] = await tx.select().from(surveyInvitations).where(eq(surveyInvitations.firingKey, key));
        if (!i) throw new ValidationError('该客户不能接收问卷 / This customer cannot be surveyed', [{ path: 'body.customerId', message: 'inactive or another store' }]);
        await recordAudit(tx, actor, { action: 'survey.invite', entityType: 'survey_invitation', entityId: i.id, storeId: c.storeId, customerId: c.id });
        return { id: i.id, link: `${publicUrl}${SURVEY_PATH}${i.token}`, expiresAt: i.expiresAt };
      });
    },

    async listTemplates(actor: Actor): Promise<TSurveyTemplate[]> {
      assertCan(actor, 'voice.reports');
      const rows = await db
        .select()
        .from(surveyTemplates)
        .where(or(isNull(surveyTemplates.storeId), storeScope(actor, surveyTemplates.storeId)))
        .orderBy(surveyTemplates.touchpoint, surveyTemplates.name);
      return rows.map(toTemplate);
    },

    async getTemplate(actor: Actor, id: string): Promise<TSurveyTemplate> {
      assertCan(actor, 'voice.reports');
      return toTemplate(await templateFor(db, actor, id));
    },

    /** A store's own questionnaire (group admins may make a group-wide one by naming no store). */
    async createTemplate(actor: Actor, storeId: string | undefined, input: TSurveyTemplateInput): Promise<TSurveyTemplate> {
      assertCan(actor, 'surveys.manage');
      const v = checkTemplate(input);
      const sid = actor.role === 'group_admin' ? (storeId ?? null) : actor.storeId;
      if (sid) assertStoreAccess(actor, sid, '门店');
      return db.transaction(async (tx) => {
        const [t] = await tx
          .insert(surveyTemplates)
          .values({ ...v, storeId: sid, createdBy: staffIdOf(actor) })
          .returning();
        await recordAudit(tx, actor, { action: 'survey.template.create', entityType: 'survey_template', entityId: t!.id, storeId: sid });
        return toTemplate(t!);
      });
    },

    /** Changes a questionnaire; group-wide ones only by group admins. Answers already given keep their values. */
    async updateTemplate(actor: Actor, id: string, input: TSurveyTemplateInput): Promise<TSurveyTemplate> {
      assertCan(actor, 'surveys.manage');
      const v = checkTemplate(input);
      return db.transaction(async (tx) => {
        const t = await templateFor(tx, actor, id);
        if (t.storeId === null && actor.role !== 'group_admin') throw new NotFoundError('问卷');
        const [u] = await tx
          .update(surveyTemplates)
          .set({ ...v, updatedAt: clock.now() })
          .where(eq(surveyTemplates.id, id))
          .returning();
        await recordAudit(tx, actor, { action: 'survey.template.update', entityType: 'survey_template', entityId: id, storeId: t.storeId });
        return toTemplate(u!);
      });
    },

    /** The questionnaire behind a link (no login). 404 unknown, 410 used or expired. */
    async getPublic(token: string): Promise<TPublicSurvey> {
      const r = await loadInvitation(token);
      return { name: r.t.name, intro: r.t.intro, storeName: r.storeName, questions: r.t.questions, expiresAt: r.i.expiresAt };
    },

    /**
     * Stores the owner's answer. The invitation is claimed with one conditional UPDATE, so of concurrent answers
     * exactly one wins and the others get 410. A detractor (NPS 0–6) opens a complaint or a care task, with the
     * answers attached, in the same transaction.
     */
    async answer(token: string, raw: Record<string, TAnswerValue>): Promise<{ ok: true; thanks: string }> {
      const r = await loadInvitation(token);
      const checked = checkAnswers(r.t.questions, raw);
      if (!checked.ok) throw new ValidationError('请检查标红的题目 / Some answers are missing or invalid', checked.errors);
      const v = checked.value;
      const now = clock.now();
      const detractor = v.nps !== null && v.nps <= 6;
      const claimSql = sql`
          with claim as (
            update survey_invitations set answered_at = ${now.toISOString()}::timestamptz
            where id = ${r.i.id} and answered_at is null and expires_at > ${now.toISOString()}::timestamptz
            returning *
          )
          insert into survey_responses (id, invitation_id, template_id, store_id, customer_id, touchpoint, advisor_staff_id, consultant_staff_id, nps, csat, answers, verbatim, submitted_at)
          select ${uuidv7Sql(sql`1`, now.getTime())}, claim.id, claim.template_id, claim.store_id, claim.customer_id, claim.touchpoint, claim.advisor_staff_id, claim.consultant_staff_id,
            ${v.nps}::smallint, ${v.csat}::smallint, ${JSON.stringify(v.answers)}::jsonb, ${v.verbatim}, ${now.toISOString()}::timestamptz
          from claim
          returning id`;
      if (!detractor) {
        // One statement, atomic on its own: the hot path (most answers) takes a single round trip after the read.
        const claimed = await db.execute<{ id: string }>(claimSql);
        if (!claimed.rows[0]) throw new GoneError('survey-used');
        return { ok: true, thanks: '感谢您的宝贵意见！ / Thank you for your feedback!' };
      }
      await db.transaction(async (tx) => {
        const claimed = await tx.execute<{ id: string }>(claimSql);
        const responseId = claimed.rows[0]?.id;
        if (!responseId) throw new GoneError('survey-used');
        const title = `满意度调查贬损者（NPS ${v.nps}）：${r.t.name}`;
        const description = v.display.map((d) => `${d.question}：${d.answer}`).join('\n');
        if (r.t.detractorAction === 'complaint') {
          const complaintId = await deps.complaints.open(tx, {
            customerId: r.i.customerId,
            vehicleId: r.i.vehicleId,
            channel: 'survey',
            severity: v.nps! <= 3 ? 'urgent' : 'normal',
            type: 'other',
            title,
            description,
            surveyResponseId: responseId,
            answers: v.display,
            actorName: '满意度调查 / Survey',
          });
          await tx.update(surveyResponses).set({ complaintId }).where(eq(surveyResponses.id, responseId));
        } else {
          const task = await deps.tasks.createTask(tx, SYSTEM_ACTOR, {
            customerId: r.i.customerId,
            vehicleId: r.i.vehicleId,
            assignTo: 'owner_advisor',
            title,
            description,
            kind: 'survey_follow_up',
            priority: 'high',
            dueAt: new Date(now.getTime() + 24 * 3600_000),
            firingKey: `survey-detractor:${responseId}`,
          });
          await tx.update(surveyResponses).set({ taskId: task.id }).where(eq(surveyResponses.id, responseId));
        }
      });
      return { ok: true, thanks: '感谢您的反馈，我们的客户体验官将尽快与您联系。 / Thank you — we will contact you shortly.' };
    },

    /**
     * The one reminder (job `surveys.remind`): every unanswered, unexpired invitation past its reminder time gets a
     * second message, once. One UPDATE claims them (concurrent runs cannot both remind), one gated INSERT sends.
     */
    async remindDue(): Promise<number> {
      const now = clock.now();
      return db.transaction(async (tx) => {
        const claimed = await tx.execute<{ id: string }>(sql`
          update survey_invitations set reminded_at = ${now.toISOString()}::timestamptz
          where id in (
            select id from survey_invitations
            where answered_at is null and reminded_at is null and remind_at <= ${now.toISOString()}::timestamptz and expires_at > ${now.toISOString()}::timestamptz
            order by remind_at limit 5000 for update skip locked)
          returning id`);
        if (!claimed.rows.length) return 0;
        const ids = claimed.rows.map((x) => x.id);
        await deps.messaging.enqueueForAudience(tx, {
          audience: sql`select i.customer_id, i.vehicle_id, 'survey-remind:' || i.id::text as firing_key,
              jsonb_build_object('surveyLink', ${linkSql(sql`i.token`)}, 'surveyName', t.name) as vars
            from survey_invitations i join survey_templates t on t.id = i.template_id
            where i.id = any(${`{${ids.join(',')}}`}::uuid[])`,
          channel: 'sms',
          purpose: 'service',
          templateCode: REMINDER_MESSAGE_CODE,
          rowVarKeys: ['surveyLink', 'surveyName'],
        });
        nudge();
        return ids.length;
      });
    },

    /** The answers behind a report cell (drill-down) or a customer's 360. */
    async listResponses(
      actor: Actor,
      q: { storeId?: string; customerId?: string; touchpoint?: TSurveyTouchpoint; advisorId?: string; consultantId?: string; group?: 'promoter' | 'passive' | 'detractor'; from?: Date; to?: Date; limit: number },
    ): Promise<TSurveyResponse[]> {
      assertCan(actor, 'voice.reports');
      const conds: (SQL | undefined)[] = [storeScope(actor, sql`r.store_id`)];
      if (q.storeId) conds.push(sql`r.store_id = ${q.storeId}::uuid`);
      if (q.customerId) conds.push(sql`r.customer_id = ${q.customerId}::uuid`);
      if (q.touchpoint) conds.push(sql`r.touchpoint = ${q.touchpoint}::survey_touchpoint`);
      if (q.advisorId) conds.push(sql`r.advisor_staff_id = ${q.advisorId}::uuid`);
      if (q.consultantId) conds.push(sql`r.consultant_staff_id = ${q.consultantId}::uuid`);
      if (q.group === 'promoter') conds.push(sql`r.nps >= 9`);
      if (q.group === 'passive') conds.push(sql`r.nps between 7 and 8`);
      if (q.group === 'detractor') conds.push(sql`r.nps <= 6`);
      if (q.from) conds.push(sql`r.submitted_at >= ${q.from.toISOString()}::timestamptz`);
      if (q.to) conds.push(sql`r.submitted_at < ${q.to.toISOString()}::timestamptz`);
      const rows = await db.execute<{
        id: string;
        store_id: string;
        customer_id: string;
        customer_name: string;
        template_name: string;
        questions: { id: string; label: string; options: { value: string; label: string }[] }[];
        touchpoint: TSurveyTouchpoint;
        nps: number | null;
        csat: number | null;
        verbatim: string;
        answers: Record<string, TAnswerValue>;
        advisor_id: string | null;
        advisor_name: string | null;
        consultant_id: string | null;
        consultant_name: string | null;
        complaint_id: string | null;
        task_id: string | null;
        submitted_at: string;
      }>(sql`
        select r.id, r.store_id, r.customer_id, c.name as customer_name, t.name as template_name, t.questions, r.touchpoint, r.nps, r.csat, r.verbatim, r.answers,
          r.advisor_staff_id as advisor_id, a.display_name as advisor_name, r.consultant_staff_id as consultant_id, s.display_name as consultant_name,
          r.complaint_id, r.task_id, r.submitted_at
        from survey_responses r
        join customers c on c.id = r.customer_id
        join survey_templates t on t.id = r.template_id
        left join staff a on a.id = r.advisor_staff_id
        left join staff s on s.id = r.consultant_staff_id
        where ${and(...conds)}
        order by r.submitted_at desc, r.id desc
        limit ${q.limit}`);
      return rows.rows.map((x) => ({
        id: x.id,
        storeId: x.store_id,
        customer: { id: x.customer_id, name: x.customer_name },
        templateName: x.template_name,
        touchpoint: x.touchpoint,
        nps: x.nps,
        csat: x.csat,
        verbatim: x.verbatim,
        answers: x.questions
          .filter((qq) => x.answers[qq.id] !== undefined)
          .map((qq) => {
            const a = x.answers[qq.id]!;
            const label = (v: string) => qq.options.find((o) => o.value === v)?.label ?? v;
            return { question: qq.label, answer: Array.isArray(a) ? a.map(label).join('、') : typeof a === 'string' ? label(a) : String(a) };
          }),
        advisor: x.advisor_id && x.advisor_name ? { id: x.advisor_id, displayName: x.advisor_name } : null,
        consultant: x.consultant_id && x.consultant_name ? { id: x.consultant_id, displayName: x.consultant_name } : null,
        complaintId: x.complaint_id,
        taskId: x.task_id,
        submittedAt: new Date(x.submitted_at),
      }));
    },

    /** A customer's invitations (for tests and the 360): newest first. */
    async invitationsOf(exec: TDbOrTx, customerId: string) {
      return exec.select().from(surveyInvitations).where(eq(surveyInvitations.customerId, customerId)).orderBy(desc(surveyInvitations.createdAt));
    },
  };
}

export type TSurveysService = ReturnType<typeof createSurveysService>;
