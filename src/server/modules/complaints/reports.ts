import ExcelJS from 'exceljs';
import { sql, type SQL } from 'drizzle-orm';
import { COMPLAINT_TYPES, SLA_STAGES, type TComplaintType, type TSlaStage, type TWeeklyAnalysis, type TWeeklyQuery } from '../../../contracts/complaints.js';
import type { TDb } from '../../db/index.js';
import type { Clock } from '../../platform/clock.js';
import { NotFoundError } from '../../platform/errors.js';
import { assertCan, assertStoreAccess, storeScope, type Actor } from '../../platform/rbac.js';
import { recordAudit } from '../audit/service.js';
import { localParts, zonedInstant } from './rules.js';

const WEEK_MS = 7 * 24 * 3600_000;
const GROUP_TZ = 'Asia/Shanghai';
/** A complaint counts as a repeat when its customer had this many complaints in the last 90 days. */
export const REPEAT_MIN = 2;
export const REPEAT_WINDOW_DAYS = 90;

const pct = (on: number, late: number) => (on + late ? Math.round((on * 1000) / (on + late)) / 10 : null);
const iso = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);

/** Monday 00:00 (local) of the week containing `day` (or `now`) in `tz`, as an instant and a local date. */
export function weekStart(day: string | undefined, now: Date, tz: string): { at: Date; date: string } {
  const p = day ? { y: Number(day.slice(0, 4)), m: Number(day.slice(5, 7)), d: Number(day.slice(8, 10)) } : localParts(now.getTime(), tz);
  const wd = (new Date(Date.UTC(p.y, p.m - 1, p.d)).getUTCDay() + 6) % 7;
  return { at: new Date(zonedInstant(p.y, p.m, p.d - wd, 0, tz)), date: iso(p.y, p.m, p.d - wd) };
}

/**
 * The CX officer's weekly analysis: counts by type (vs the previous week), root cause, store and advisor; repeat
 * complainants; SLA compliance per clock; the trend over previous weeks. A handful of set-based aggregates over the
 * `received_at` indexes (see docs/kpis.md for the definitions).
 */
export function createComplaintReports(deps: { db: TDb; clock: Clock }) {
  const { db, clock } = deps;

  async function weekly(actor: Actor, q: TWeeklyQuery): Promise<TWeeklyAnalysis> {
    assertCan(actor, 'voice.reports');
    let tz = GROUP_TZ;
    const storeId = q.storeId ?? (actor.role === 'group_admin' ? undefined : (actor.storeId ?? undefined));
    if (storeId) {
      assertStoreAccess(actor, storeId, '门店');
      const r = await db.execute<{ timezone: string }>(sql`select timezone from stores where id = ${storeId}`);
      if (!r.rows[0]) throw new NotFoundError('门店');
      tz = r.rows[0].timezone;
    }
    const now = clock.now();
    const start = weekStart(q.week, now, tz);
    const from = start.at;
    const to = new Date(from.getTime() + WEEK_MS);
    const trendFrom = new Date(from.getTime() - (q.weeks - 1) * WEEK_MS);
    const prevFrom = new Date(from.getTime() - WEEK_MS);
    const t = (d: Date) => sql`${d.toISOString()}::timestamptz`;
    const scope: SQL = sql`${storeScope(actor, sql`c.store_id`)} and ${storeId ? sql`c.store_id = ${storeId}::uuid` : sql`true`}`;
    const inWeek = sql`c.received_at >= ${t(from)} and c.received_at < ${t(to)}`;
    const late = sql`(k.breached or (k.met_at is null and k.due_at < ${t(now)}))`;
    const onTime = sql`(k.met_at is not null and not k.breached)`;

    const [totals, byType, byRoot, byStore, byAdvisor, repeat, sla, trend] = await Promise.all([
      db.execute<{ received: number; closed: number; open: number; urgent: number; reopened: number; previous: number }>(sql`
        select count(*) filter (where ${inWeek})::int as received,
          count(*) filter (where ${inWeek} and c.status = 'closed')::int as closed,
          count(*) filter (where ${inWeek} and c.status <> 'closed')::int as open,
          count(*) filter (where ${inWeek} and c.severity = 'urgent')::int as urgent,
          count(*) filter (where ${inWeek} and c.reopen_count > 0)::int as reopened,
          count(*) filter (where c.received_at < ${t(from)})::int as previous
        from complaints c where ${scope} and c.received_at >= ${t(prevFrom)} and c.received_at < ${t(to)}`),
      db.execute<{ type: TComplaintType; count: number; previous: number }>(sql`
        select c.type, count(*) filter (where ${inWeek})::int as count, count(*) filter (where c.received_at < ${t(from)})::int as previous
        from complaints c where ${scope} and c.received_at >= ${t(prevFrom)} and c.received_at < ${t(to)} group by c.type`),
      db.execute<{ root_cause: string; count: number }>(sql`
        select coalesce(nullif(c.root_cause, ''), '（未填写）') as root_cause, count(*)::int as count
        from complaints c where ${scope} and ${inWeek} group by 1 order by 2 desc, 1 limit 20`),
      db.execute<{ store_id: string; store_name: string; count: number; on_time: number; late: number }>(sql`
        with cc as (
          select c.id, c.store_id from complaints c where ${scope} and ${inWeek}
        ), kk as (
          select cc.store_id, count(*) filter (where ${onTime})::int as on_time, count(*) filter (where ${late})::int as late
          from cc join complaint_clocks k on k.complaint_id = cc.id group by cc.store_id
        )
        select cc.store_id, s.name as store_name, count(*)::int as count, coalesce(max(kk.on_time), 0)::int as on_time, coalesce(max(kk.late), 0)::int as late
        from cc join stores s on s.id = cc.store_id left join kk on kk.store_id = cc.store_id
        group by cc.store_id, s.name order by 3 desc, 2`),
      db.execute<{ id: string | null; name: string | null; count: number }>(sql`
        select c.advisor_staff_id as id, st.display_name as name, count(*)::int as count
        from complaints c left join staff st on st.id = c.advisor_staff_id
        where ${scope} and ${inWeek} group by 1, 2 order by 3 desc, 2 nulls last limit 20`),
      db.execute<{ id: string; name: string; count: number; last_at: string }>(sql`
        select c.customer_id as id, cu.name, count(*)::int as count, max(c.received_at) as last_at
        from complaints c join customers cu on cu.id = c.customer_id
        where ${scope} and c.received_at >= ${t(new Date(to.getTime() - REPEAT_WINDOW_DAYS * 24 * 3600_000))} and c.received_at < ${t(to)}
        group by c.customer_id, cu.name
        having count(*) >= ${REPEAT_MIN} and max(c.received_at) >= ${t(from)}
        order by 3 desc, 4 desc limit 20`),
      db.execute<{ stage: TSlaStage; on_time: number; late: number }>(sql`
        select k.stage, count(*) filter (where ${onTime})::int as on_time, count(*) filter (where ${late})::int as late
        from complaints c join complaint_clocks k on k.complaint_id = c.id
        where ${scope} and ${inWeek} group by k.stage`),
      db.execute<{ w: number; received: number; on_time: number; late: number }>(sql`
        with cw as (
          select c.id, floor(extract(epoch from c.received_at - ${t(trendFrom)}) / 604800)::int as w
          from complaints c where ${scope} and c.received_at >= ${t(trendFrom)} and c.received_at < ${t(to)}
        ), kw as (
          select cw.w, count(*) filter (where ${onTime})::int as on_time, count(*) filter (where ${late})::int as late
          from cw join complaint_clocks k on k.complaint_id = cw.id group by cw.w
        )
        select r.w, r.received, coalesce(kw.on_time, 0)::int as on_time, coalesce(kw.late, 0)::int as late
        from (select w, count(*)::int as received from cw group by w) r left join kw on kw.w = r.w`),
    ]);
    const tot = totals.rows[0]!;
    const slaRows = SLA_STAGES.map(({ key }) => {
      const r = sla.rows.find((x) => x.stage === key);
      return { stage: key, onTime: r?.on_time ?? 0, late: r?.late ?? 0, compliance: pct(r?.on_time ?? 0, r?.late ?? 0) };
    });
    const allOn = slaRows.reduce((a, r) => a + r.onTime, 0);
    const allLate = slaRows.reduce((a, r) => a + r.late, 0);
    const tp = localParts(trendFrom.getTime() + 12 * 3600_000, tz);
    return {
      from,
      to,
      timezone: tz,
      totals: { received: tot.received, closed: tot.closed, open: tot.open, urgent: tot.urgent, reopened: tot.reopened, previousReceived: tot.previous },
      byType: COMPLAINT_TYPES.map(({ key }) => {
        const r = byType.rows.find((x) => x.type === key);
        return { type: key, count: r?.count ?? 0, previous: r?.previous ?? 0 };
      }),
      byRootCause: byRoot.rows.map((r) => ({ rootCause: r.root_cause, count: r.count })),
      byStore: byStore.rows.map((r) => ({ storeId: r.store_id, storeName: r.store_name, count: r.count, compliance: pct(r.on_time, r.late) })),
      byAdvisor: byAdvisor.rows.map((r) => ({ staff: r.id && r.name ? { id: r.id, displayName: r.name } : null, count: r.count })),
      repeatComplainants: repeat.rows.map((r) => ({ customer: { id: r.id, name: r.name }, count: r.count, lastAt: new Date(r.last_at) })),
      sla: slaRows,
      compliance: pct(allOn, allLate),
      trend: Array.from({ length: q.weeks }, (_, w) => {
        const r = trend.rows.find((x) => x.w === w);
        return { weekStart: iso(tp.y, tp.m, tp.d + 7 * w), received: r?.received ?? 0, compliance: r ? pct(r.on_time, r.late) : null };
      }),
    };
  }

  return {
    weekly,

    /** The weekly analysis as an Excel workbook (one sheet per table); audited. */
    async exportWeekly(actor: Actor, q: TWeeklyQuery): Promise<{ buffer: Buffer; fileName: string }> {
      const a = await weekly(actor, q);
      const wb = new ExcelJS.Workbook();
      wb.creator = 'Baoke 保客';
      const typeName = (k: string) => COMPLAINT_TYPES.find((x) => x.key === k)?.zh ?? k;
      const stageName = (k: string) => SLA_STAGES.find((x) => x.key === k)?.zh ?? k;
      const sheet = (name: string, header: string[], rows: (string | number | null)[][]) => {
        const ws = wb.addWorksheet(name);
        ws.addRow(header).font = { bold: true };
        for (const r of rows) ws.addRow(r);
        ws.columns.forEach((c) => (c.width = 18));
      };
      const week = a.trend.at(-1)!.weekStart;
      sheet('概览', ['指标', '数值'], [
        ['周（起）', week],
        ['本周受理', a.totals.received],
        ['上周受理', a.totals.previousReceived],
        ['已关闭', a.totals.closed],
        ['处理中', a.totals.open],
        ['紧急', a.totals.urgent],
        ['重开', a.totals.reopened],
        ['SLA 达成率 %', a.compliance],
      ]);
      sheet('按类型', ['类型', '本周', '上周'], a.byType.map((r) => [typeName(r.type), r.count, r.previous]));
      sheet('按根因', ['根因', '数量'], a.byRootCause.map((r) => [r.rootCause, r.count]));
      sheet('按门店', ['门店', '数量', 'SLA 达成率 %'], a.byStore.map((r) => [r.storeName, r.count, r.compliance]));
      sheet('按服务顾问', ['服务顾问', '数量'], a.byAdvisor.map((r) => [r.staff?.displayName ?? '（无）', r.count]));
      sheet('重复投诉', ['客户', `${REPEAT_WINDOW_DAYS}天内投诉次数`, '最近投诉'], a.repeatComplainants.map((r) => [r.customer.name, r.count, r.lastAt.toISOString()]));
      sheet('SLA', ['环节', '按时', '超时', '达成率 %'], a.sla.map((r) => [stageName(r.stage), r.onTime, r.late, r.compliance]));
      sheet('趋势', ['周（起）', '受理', 'SLA 达成率 %'], a.trend.map((r) => [r.weekStart, r.received, r.compliance]));
      const buffer = Buffer.from(await wb.xlsx.writeBuffer());
      await recordAudit(db, actor, { action: 'complaint.weekly.export', entityType: 'report', storeId: q.storeId ?? actor.storeId, detail: { week } });
      return { buffer, fileName: `投诉周报-${week}.xlsx` };
    },
  };
}
