import { sql, type SQL } from 'drizzle-orm';
import { SURVEY_TOUCHPOINTS, type TNpsQuery, type TNpsReport, type TSurveyTouchpoint } from '../../../contracts/surveys.js';
import type { TDb } from '../../db/index.js';
import type { Clock } from '../../platform/clock.js';
import { assertCan, assertStoreAccess, storeScope, type Actor } from '../../platform/rbac.js';
import { localParts, zonedInstant } from '../complaints/rules.js';
import { NPS_TARGET, npsOf } from './rules.js';

const TZ = 'Asia/Shanghai';

type TAgg = {
  n: number;
  promoters: number;
  passives: number;
  detractors: number;
  csat_sum: number;
  csat_n: number;
};
const score = (r: TAgg) => ({
  n: r.n,
  promoters: r.promoters,
  passives: r.passives,
  detractors: r.detractors,
  nps: npsOf(r.promoters, r.detractors, r.n),
  csat: r.csat_n ? Math.round((r.csat_sum * 100) / r.csat_n) / 100 : null,
  csatN: r.csat_n,
});
const AGG = sql`count(r.nps)::int as n, count(*) filter (where r.nps >= 9)::int as promoters, count(*) filter (where r.nps between 7 and 8)::int as passives,
  count(*) filter (where r.nps <= 6)::int as detractors, coalesce(sum(r.csat), 0)::int as csat_sum, count(r.csat)::int as csat_n`;

const isoDay = (t: number) => {
  const p = localParts(t, TZ);
  return new Date(Date.UTC(p.y, p.m - 1, p.d)).toISOString().slice(0, 10);
};
const dayStart = (d: string) => new Date(zonedInstant(Number(d.slice(0, 4)), Number(d.slice(5, 7)), Number(d.slice(8, 10)), 0, TZ));

/**
 * NPS and CSAT by store, advisor, consultant or touchpoint over a period, the trend by week or month against the
 * NPS ≥ 40 target, and the latest verbatims. Set-based aggregates over `survey_responses` (docs/kpis.md).
 */
export function createSurveyReports(deps: { db: TDb; clock: Clock }) {
  const { db, clock } = deps;
  return {
    async nps(actor: Actor, q: TNpsQuery): Promise<TNpsReport> {
      assertCan(actor, 'voice.reports');
      if (q.storeId) assertStoreAccess(actor, q.storeId, '门店');
      const now = clock.now();
      const toDay = q.to ?? isoDay(now.getTime());
      const fromDay = q.from ?? isoDay(dayStart(toDay).getTime() - 12 * 7 * 24 * 3600_000);
      const from = dayStart(fromDay);
      const to = new Date(dayStart(toDay).getTime() + 24 * 3600_000);
      const t = (d: Date) => sql`${d.toISOString()}::timestamptz`;
      const where: SQL = sql`${storeScope(actor, sql`r.store_id`)} and r.submitted_at >= ${t(from)} and r.submitted_at < ${t(to)}
        and ${q.storeId ? sql`r.store_id = ${q.storeId}::uuid` : sql`true`} and ${q.touchpoint ? sql`r.touchpoint = ${q.touchpoint}::survey_touchpoint` : sql`true`}`;
      const group =
        q.groupBy === 'store'
          ? { key: sql`r.store_id::text`, label: sql`(select name from stores where id = r.store_id)` }
          : q.groupBy === 'advisor'
            ? { key: sql`coalesce(r.advisor_staff_id::text, '')`, label: sql`coalesce((select display_name from staff where id = r.advisor_staff_id), '')` }
            : q.groupBy === 'consultant'
              ? { key: sql`coalesce(r.consultant_staff_id::text, '')`, label: sql`coalesce((select display_name from staff where id = r.consultant_staff_id), '')` }
              : { key: sql`r.touchpoint::text`, label: sql`r.touchpoint::text` };
      const period = sql`date_trunc(${q.interval}, r.submitted_at at time zone ${TZ})::date`;
      const sentWhere: SQL = sql`${storeScope(actor, sql`i.store_id`)} and i.sent_at >= ${t(from)} and i.sent_at < ${t(to)}
        and ${q.storeId ? sql`i.store_id = ${q.storeId}::uuid` : sql`true`} and ${q.touchpoint ? sql`i.touchpoint = ${q.touchpoint}::survey_touchpoint` : sql`true`}`;
      const [overall, groups, trend, verbatims, sent] = await Promise.all([
        db.execute<TAgg>(sql`select ${AGG} from survey_responses r where ${where}`),
        db.execute<TAgg & { key: string; label: string }>(sql`
          select g.key, g.label, ${AGG} from survey_responses r cross join lateral (select ${group.key} as key, ${group.label} as label) g
          where ${where} group by g.key, g.label order by n desc, g.label`),
        db.execute<TAgg & { period: string }>(sql`select to_char(${period}, 'YYYY-MM-DD') as period, ${AGG} from survey_responses r where ${where} group by 1 order by 1`),
        db.execute<{ id: string; customer_name: string; nps: number | null; csat: number | null; touchpoint: TSurveyTouchpoint; verbatim: string; submitted_at: string }>(sql`
          select r.id, c.name as customer_name, r.nps, r.csat, r.touchpoint, r.verbatim, r.submitted_at
          from survey_responses r join customers c on c.id = r.customer_id
          where ${where} and r.verbatim <> '' order by r.submitted_at desc, r.id desc limit 30`),
        db.execute<{ sent: number; answered: number }>(sql`
          select count(*)::int as sent, count(*) filter (where i.answered_at is not null)::int as answered from survey_invitations i where ${sentWhere}`),
      ]);
      const inv = sent.rows[0]!;
      const tpName = (k: string) => SURVEY_TOUCHPOINTS.find((x) => x.key === k)?.zh ?? k;
      return {
        from: fromDay,
        to: toDay,
        target: NPS_TARGET,
        overall: score(overall.rows[0]!),
        invitations: { sent: inv.sent, answered: inv.answered, rate: inv.sent > 0 ? Math.round((inv.answered / inv.sent) * 1000) / 10 : null },
        groups: groups.rows.map((g) => ({ ...score(g), key: g.key, label: q.groupBy === 'touchpoint' ? tpName(g.label) : g.label || '（未分配）' })),
        trend: trend.rows.map((p) => ({ ...score(p), period: p.period })),
        verbatims: verbatims.rows.map((v) => ({ id: v.id, customerName: v.customer_name, nps: v.nps, csat: v.csat, touchpoint: v.touchpoint, verbatim: v.verbatim, submittedAt: new Date(v.submitted_at) })),
      };
    },
  };
}
