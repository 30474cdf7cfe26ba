/**
 * The surveys module's journey action `send_survey`: tokenised invitations for the firings' audience through
 * `inviteForAudience` (one invitation per firing key, the link sent through messaging's gate). The template is named
 * by its code; a store's own template of that code wins over the group's default.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { ValidationError } from '../../platform/errors.js';
import type { TActionDef } from '../journeys/actions.js';
import type { TSurveysService } from './service.js';

const TEMPLATES = [
  { value: 'default_delivery', zh: '交车满意度（交车后第 7 天）', en: 'Delivery (day 7)' },
  { value: 'default_service', zh: '维修保养满意度（次日）', en: 'Service (next day)' },
  { value: 'default_event', zh: '活动满意度（24 小时内）', en: 'Event (within 24 h)' },
  { value: 'default_complaint_revisit', zh: '投诉处理满意度（回访后）', en: 'Complaint revisit' },
];

const ZSendSurvey = z.object({ templateCode: z.string().trim().min(1).max(80).default('default_service') });

export function surveysJourneyActions(surveys: Pick<TSurveysService, 'inviteForAudience'>): TActionDef<never>[] {
  const sendSurvey: TActionDef<z.infer<typeof ZSendSurvey>> = {
    kind: 'send_survey',
    schema: ZSendSurvey,
    describe: {
      zh: '发送问卷',
      en: 'Send a survey',
      fields: [{ key: 'templateCode', type: 'select', zh: '问卷', en: 'Survey', required: true, options: TEMPLATES, default: 'default_service' }],
    },
    async execute(tx, p, ctx) {
      // The group's template of that code, and any store's own copy of it (which wins for that store's owners).
      const tpl = await tx.execute<{ id: string; store_id: string | null }>(sql`
        select id, store_id from survey_templates where code = ${p.templateCode} and active order by store_id nulls last`);
      const group = tpl.rows.find((t) => t.store_id === null);
      if (tpl.rows.length === 0) throw new ValidationError(`问卷「${p.templateCode}」不存在或已停用 / No such active survey`, [{ path: 'params.templateCode', message: 'unknown survey' }]);
      let invited = 0;
      const own = tpl.rows.filter((t) => t.store_id !== null);
      for (const t of own) {
        const r = await surveys.inviteForAudience(tx, {
          audience: sql`select a.* from (${ctx.audience}) a join customers c on c.id = a.customer_id where c.store_id = ${t.store_id}::uuid`,
          templateId: t.id,
        });
        invited += r.invited;
      }
      if (group) {
        const skip = own.map((t) => t.store_id!);
        const r = await surveys.inviteForAudience(tx, {
          audience: skip.length
            ? sql`select a.* from (${ctx.audience}) a join customers c on c.id = a.customer_id where c.store_id not in (${sql.join(skip.map((s) => sql`${s}::uuid`), sql`, `)})`
            : ctx.audience,
          templateId: group.id,
        });
        invited += r.invited;
      }
      return { done: invited, suppressed: Math.max(0, ctx.fired - invited) };
    },
  };
  return [sendSurvey] as unknown as TActionDef<never>[];
}
