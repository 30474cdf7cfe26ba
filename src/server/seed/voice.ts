import { sql } from 'drizzle-orm';
import type { TDb } from '../db/index.js';
import { SYSTEM_ACTOR } from '../platform/rbac.js';
import type { TServices } from '../context.js';

const VERBATIMS_GOOD = ['顾问很专业，讲解很耐心', '保养速度快，休息区很舒服', '交车仪式很用心，家人都很开心', '价格透明，没有乱收费', '活动很有意思，孩子很喜欢'];
const VERBATIMS_BAD = ['等待时间太长了，等了三个多小时', '报价和结算不一致，没人解释', '顾问态度一般，电话也不回', '配件要等一周，影响用车', '洗车不干净，内饰还有污渍'];
const arr = (xs: string[]) => sql`array[${sql.join(xs.map((x) => sql`${x}::text`), sql`, `)}]`;
const ROOT_CAUSES = ['工位不足', '报价未含工时费', '配件缺货', '沟通不及时', '质检遗漏', '预约排班冲突'];

/**
 * Demo voice-of-the-owner data relative to `asOf`: ten weeks of survey invitations and answers (NPS around the
 * target, with verbatims) and complaints (mostly closed, some breached), plus a few open ones on the clock.
 * Set-based INSERT … SELECT over the generated customers; the open complaints go through the service.
 */
export async function seedDemoVoice(db: TDb, services: Pick<TServices, 'complaints'>, opts: { asOf: Date; log?: (m: string) => void }): Promise<void> {
  const asOf = sql`${opts.asOf.toISOString()}::timestamptz`;
  await db.execute(sql`select setseed(0.2026)`);
  const inv = await db.execute(sql`
    with pick as (
      select c.id as customer_id, c.store_id, c.service_advisor_id, c.sales_consultant_id,
        (array['delivery','service','service','service','event'])[1 + floor(random() * 5)::int] as tp,
        ${asOf} - make_interval(mins => floor(random() * 70 * 24 * 60)::int) as sent_at
      from customers c where c.status = 'active' and c.mobile is not null
      order by c.id limit 900
    )
    insert into survey_invitations (id, token, store_id, customer_id, template_id, touchpoint, firing_key, advisor_staff_id, consultant_staff_id, sent_at, expires_at, remind_at, created_at)
    select gen_random_uuid(), replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', ''), p.store_id, p.customer_id,
      (select id from survey_templates where code = 'default_' || p.tp), p.tp::survey_touchpoint, 'demo-survey:' || p.customer_id,
      p.service_advisor_id, p.sales_consultant_id, p.sent_at, p.sent_at + interval '14 days', p.sent_at + interval '48 hours', p.sent_at
    from pick p
    on conflict do nothing`);
  const resp = await db.execute(sql`
    with ans as (
      select i.* from (select i.*, random() as r1, random() as r2 from survey_invitations i where i.firing_key like 'demo-survey:%' and i.answered_at is null) i
      where r1 < 0.7
    ),
    scored as (
      select a.*, case when a.r2 < 0.56 then 9 + floor(random() * 2)::int when a.r2 < 0.80 then 7 + floor(random() * 2)::int else floor(random() * 7)::int end as nps,
        a.sent_at + make_interval(mins => 30 + floor(random() * 2000)::int) as at
      from ans a
    ),
    claimed as (
      update survey_invitations i set answered_at = least(s.at, ${asOf}) from scored s where i.id = s.id
      returning i.id
    )
    insert into survey_responses (id, invitation_id, template_id, store_id, customer_id, touchpoint, advisor_staff_id, consultant_staff_id, nps, csat, answers, verbatim, submitted_at)
    select gen_random_uuid(), s.id, s.template_id, s.store_id, s.customer_id, s.touchpoint, s.advisor_staff_id, s.consultant_staff_id, s.nps,
      greatest(1, least(5, round(s.nps / 2.0)::int)),
      jsonb_build_object('nps', s.nps, 'csat', greatest(1, least(5, round(s.nps / 2.0)::int))),
      case when random() < 0.45 then case when s.nps >= 7 then (${arr(VERBATIMS_GOOD)})[1 + floor(random() * 5)::int] else (${arr(VERBATIMS_BAD)})[1 + floor(random() * 5)::int] end else '' end,
      least(s.at, ${asOf})
    from scored s where s.id in (select id from claimed)`);
  const comp = await db.execute(sql`
    with pick as (
      select c.id as customer_id, c.store_id, c.service_advisor_id, random() as r,
        ${asOf} - make_interval(mins => 60 * 24 + floor(random() * 69 * 24 * 60)::int) as at
      from customers c where c.status = 'active' order by md5(c.id::text) limit 220
    ),
    ins as (
      insert into complaints (id, number, store_id, customer_id, channel, severity, type, title, description, status, assignee_staff_id, advisor_staff_id,
        root_cause, resolution, satisfied, satisfaction_score, received_at, acknowledged_at, resolved_at, feedback_at, revisited_at, closed_at)
      select gen_random_uuid(), 'TS' || to_char(p.at at time zone 'Asia/Shanghai', 'YYYYMMDD') || '-' || lpad(nextval('complaint_number_seq')::text, 5, '0'),
        p.store_id, p.customer_id,
        (array['hotline','in_store','wechat','portal','survey'])[1 + floor(random() * 5)::int]::complaint_channel,
        case when random() < 0.2 then 'urgent' else 'normal' end::complaint_severity,
        (array['attitude','technical','fee','waiting','waiting','parts','other'])[1 + floor(random() * 7)::int]::complaint_type,
        (${arr(VERBATIMS_BAD)})[1 + floor(random() * 5)::int], '',
        'closed', p.service_advisor_id, p.service_advisor_id,
        (${arr(ROOT_CAUSES)})[1 + floor(random() * 6)::int], '已致歉并处理，客户认可', true, 4 + floor(random() * 2)::int,
        p.at, p.at + make_interval(mins => 10 + floor(random() * 70)::int), p.at + make_interval(mins => 60 + floor(random() * 1500)::int),
        p.at + make_interval(mins => 1600 + floor(random() * 1400)::int), p.at + make_interval(mins => 3100 + floor(random() * 8000)::int),
        p.at + make_interval(mins => 3100 + floor(random() * 8000)::int)
      from pick p
      returning id, received_at, acknowledged_at, resolved_at, feedback_at, revisited_at, severity
    ),
    clocks as (
      insert into complaint_clocks (complaint_id, stage, budget_minutes, consumed_ms, met_at, breached)
      select i.id, s.stage::sla_stage, s.budget, extract(epoch from s.met - s.started)::bigint * 1000, s.met, extract(epoch from s.met - s.started) > s.budget * 60
      from ins i cross join lateral (values
        ('acknowledge', 60, i.received_at, i.acknowledged_at),
        ('resolve', case when i.severity = 'urgent' then 240 else 1440 end, i.received_at, i.resolved_at),
        ('feedback', 1440, i.resolved_at, i.feedback_at),
        ('revisit', 10080, i.feedback_at, i.revisited_at)) s(stage, budget, started, met)
      returning complaint_id
    )
    insert into complaint_events (id, complaint_id, kind, at, actor_name, note)
    select gen_random_uuid(), i.id, k.kind, k.at, '演示数据 / Demo', ''
    from ins i cross join lateral (values ('received', i.received_at), ('acknowledged', i.acknowledged_at), ('resolved', i.resolved_at), ('feedback', i.feedback_at), ('revisit', i.revisited_at), ('closed', i.revisited_at)) k(kind, at)`);
  // A few complaints on the clock right now, through the service (routing, clocks, timeline).
  const open = await db.execute<{ id: string }>(sql`select id from customers where status = 'active' order by md5(id::text || 'open') limit 6`);
  const types = ['waiting', 'fee', 'attitude', 'technical', 'parts', 'other'] as const;
  for (const [i, r] of open.rows.entries()) {
    await services.complaints.create(SYSTEM_ACTOR, { customerId: r.id, channel: i % 2 ? 'hotline' : 'wechat', severity: i % 3 === 0 ? 'urgent' : 'normal', type: types[i]!, title: VERBATIMS_BAD[i % 5]!, description: '客户来电反映，情绪较激动，请尽快联系。' });
  }
  opts.log?.(`voice: ${inv.rowCount ?? 0} survey invitations, ${resp.rowCount ?? 0} answers, ${(comp.rowCount ?? 0) / 6 + open.rows.length} complaints`);
}
