import { and, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import {
  CONDITIONS,
  DATE_FIELDS,
  TRIGGER_EVENTS,
  TRIGGER_KINDS,
  type TFiring,
  type TPreview,
  type TRule,
  type TRuleCreate,
  type TRuleDraft,
  type TRuleReport,
  type TRuleUpdate,
  type TRun,
} from '../../../contracts/journeys.js';
import { ROLES } from '../../../contracts/common.js';
import type { TSegmentRule } from '../../../contracts/segments.js';
import type { TConfig } from '../../config.js';
import { newId } from '../../db/columns.js';
import type { TDb, TDbOrTx } from '../../db/index.js';
import type { Clock } from '../../platform/clock.js';
import { BusinessRuleError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { assertCan, assertStoreAccess, isGroupWide, storeScope, SYSTEM_ACTOR, type Actor } from '../../platform/rbac.js';
import { recordAudit } from '../audit/service.js';
import { uuidv7Sql } from '../messaging/gate.js';
import { FACT_EVENT_TYPES, parseRule } from '../segments/service.js';
import { addDays, localDate } from '../segments/rules.js';
import { segments } from '../segments/schema.js';
import type { TActionRegistry } from './actions.js';
import { DEFAULT_RULES } from './defaults.js';
import { factsSettledSql } from '../segments/facts.js';
import { candidatesSql, EVENT_GRACE_DAYS, MARK_MARGIN_MS, periodFormat, readsFactsAlone } from './engine.js';
import { journeyEventReceipts, journeyRules, journeyRuns, journeyRuleStores } from './schema.js';

type TRuleRow = typeof journeyRules.$inferSelect;
type TRunRow = typeof journeyRuns.$inferSelect;

export interface TJourneysDeps {
  db: TDb;
  clock: Clock;
  config: TConfig;
  actions: TActionRegistry;
  /** Recomputes facts before the daily run and for changed customers before the incremental one. */
  segments: { refreshDaily(asOf?: string): Promise<unknown>; refreshChanged(): Promise<unknown> };
}

export interface TRunOptions {
  kind: 'daily' | 'incremental' | 'manual';
  asOf?: string;
  ruleId?: string;
  storeId?: string;
  customerIds?: string[] | null;
  startedBy?: string | null;
  onProgress?: (p: { done: number; total: number; current: string | null; report: TRuleReport | null }) => void;
  /** Refresh facts first (the daily run). */
  refreshFacts?: boolean;
}

const SAMPLE_SIZE = 20;
const EVENT_LOOKBACK_MS = 3 * 86_400_000;
const JOURNEY_EVENT_TYPES = [...new Set<string>([...TRIGGER_EVENTS.map((e) => e.key), ...FACT_EVENT_TYPES])];

function toRun(r: TRunRow): TRun {
  return {
    id: r.id,
    kind: r.kind,
    asOf: r.asOf,
    status: r.status,
    storeId: r.storeId,
    ruleId: r.ruleId,
    progress: r.progress,
    report: r.report,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    durationMs: r.finishedAt ? r.finishedAt.getTime() - r.startedAt.getTime() : null,
    error: r.error,
  };
}

/** How many rules a run evaluates at once (the database's cores on the reference machine). */
const RULE_LANES = 2;

/**
 * The journeys service: rules (defaults ensured idempotently, custom ones, per-store switches), the preview, runs
 * (daily / incremental / manual) and the firings of a customer. A rule's run is its day's candidates (a parallel
 * `CREATE TEMP TABLE … AS`), then ONE `INSERT INTO journey_firings … SELECT … ON CONFLICT DO NOTHING` whose new rows
 * the actions consume in the same transaction.
 */
export function createJourneysService(deps: TJourneysDeps) {
  const { db, clock, config, actions } = deps;
  const timeZone = config.BAOKE_TIMEZONE ?? 'Asia/Shanghai';
  const today = () => localDate(clock.now(), timeZone);
  let defaultsEnsured = false;

  async function ensureDefaultRules(exec: TDbOrTx = db): Promise<number> {
    const now = clock.now();
    const res = await exec
      .insert(journeyRules)
      .values(
        DEFAULT_RULES.map((r) => ({
          storeId: null,
          code: r.code,
          nameZh: r.nameZh,
          nameEn: r.nameEn,
          descriptionZh: r.descriptionZh,
          descriptionEn: r.descriptionEn,
          isDefault: true,
          enabled: r.enabled,
          trigger: r.trigger,
          audience: null,
          conditions: r.conditions,
          actions: actions.parse(r.actions),
          params: {},
          createdAt: now,
          updatedAt: now,
        })),
      )
      .onConflictDoNothing()
      .returning({ id: journeyRules.id });
    defaultsEnsured = true;
    return res.length;
  }
  const ensureOnce = async () => {
    if (!defaultsEnsured) await ensureDefaultRules();
  };

  async function switchesOf(ruleIds: string[]) {
    if (ruleIds.length === 0) return new Map<string, { storeId: string; enabled: boolean }[]>();
    const rows = await db
      .select()
      .from(journeyRuleStores)
      .where(sql`${journeyRuleStores.ruleId} = any(${`{${ruleIds.join(',')}}`}::uuid[])`);
    const m = new Map<string, { storeId: string; enabled: boolean }[]>();
    for (const r of rows) m.set(r.ruleId, [...(m.get(r.ruleId) ?? []), { storeId: r.storeId, enabled: r.enabled }]);
    return m;
  }

  async function lastRunFigures(): Promise<Map<string, TRule['lastRun']>> {
    const runs = await db.select().from(journeyRuns).where(sql`${journeyRuns.kind} <> 'incremental'`).orderBy(desc(journeyRuns.startedAt)).limit(30);
    const m = new Map<string, TRule['lastRun']>();
    for (const run of runs) {
      const agg = new Map<string, { evaluated: number; fired: number; suppressed: number; error: string | null }>();
      for (const r of run.report) {
        const a = agg.get(r.ruleId) ?? { evaluated: 0, fired: 0, suppressed: 0, error: null };
        agg.set(r.ruleId, { evaluated: a.evaluated + r.evaluated, fired: a.fired + r.fired, suppressed: a.suppressed + r.suppressed, error: a.error ?? r.error });
      }
      for (const [id, a] of agg) if (!m.has(id)) m.set(id, { runId: run.id, at: run.startedAt, ...a });
    }
    return m;
  }

  function toRule(r: TRuleRow, switches: { storeId: string; enabled: boolean }[], here: string | null, last: TRule['lastRun']): TRule {
    const own = here ? switches.find((s) => s.storeId === here) : undefined;
    return {
      id: r.id,
      code: r.code,
      storeId: r.storeId,
      isDefault: r.isDefault,
      nameZh: r.nameZh,
      nameEn: r.nameEn,
      descriptionZh: r.descriptionZh,
      descriptionEn: r.descriptionEn,
      trigger: r.trigger,
      audience: r.audience ?? null,
      conditions: r.conditions,
      actions: r.actions,
      enabled: r.enabled,
      enabledHere: own ? own.enabled : r.enabled,
      storeSwitches: switches,
      version: r.version,
      lastRun: last,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    };
  }

  /** A rule the actor may see: the group's, or their store's (another store's answers 404). */
  async function findRule(exec: TDbOrTx, actor: Actor, id: string): Promise<TRuleRow> {
    const [r] = await exec
      .select()
      .from(journeyRules)
      .where(and(eq(journeyRules.id, id), isNull(journeyRules.deletedAt)));
    if (!r || (r.storeId && !isGroupWide(actor) && r.storeId !== actor.storeId)) throw new NotFoundError('规则');
    return r;
  }

  /** Group rules are the group admin's to edit; a store's rules its managing roles'. */
  function assertMayEdit(actor: Actor, r: Pick<TRuleRow, 'storeId'>) {
    assertCan(actor, 'journeys.manage');
    if (!r.storeId && !isGroupWide(actor)) throw new ForbiddenError('集团规则仅集团管理员可修改，门店可开关或复制 / Only group admins edit group rules; stores switch them');
  }

  async function getRule(actor: Actor, id: string): Promise<TRule> {
    assertCan(actor, 'journeys.read');
    const r = await findRule(db, actor, id);
    const [sw, last] = await Promise.all([switchesOf([r.id]), lastRunFigures()]);
    return toRule(r, sw.get(r.id) ?? [], actor.storeId, last.get(r.id) ?? null);
  }

  /** Validates a draft's parts beyond the schema: the actions' params by their registry kind, the audience rule, the segment. */
  async function checkDraft(exec: TDbOrTx, actor: Actor, d: Partial<TRuleDraft>) {
    if (d.actions) d.actions = actions.parse(d.actions);
    if (d.audience && 'rule' in d.audience) d.audience = { rule: parseRule(d.audience.rule, 'audience.rule') };
    if (d.audience && 'segmentId' in d.audience) await segmentRule(exec, actor, d.audience.segmentId);
  }

  async function segmentRule(exec: TDbOrTx, actor: Actor, id: string): Promise<{ rule: TSegmentRule; storeId: string | null }> {
    const [s] = await exec
      .select({ rule: segments.rule, storeId: segments.storeId })
      .from(segments)
      .where(and(eq(segments.id, id), isNull(segments.archivedAt)));
    if (!s || (s.storeId && !isGroupWide(actor) && s.storeId !== actor.storeId)) throw new NotFoundError('客群');
    return { rule: parseRule(s.rule), storeId: s.storeId };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Evaluation
  // -------------------------------------------------------------------------------------------------------------

  type TEvalRule = Pick<TRuleRow, 'trigger' | 'audience' | 'conditions' | 'nameZh' | 'nameEn' | 'storeId'> & { id: string | null; enabled: boolean };

  /** Which stores a rule runs for: a store rule its store; a group rule every store whose switch (or the default) is on. */
  function storeFilterOf(r: TEvalRule, onlyStore: string | null, forPreview: boolean): SQL {
    const parts: SQL[] = [];
    if (r.storeId) parts.push(sql`c.store_id = ${r.storeId}`);
    else if (!forPreview && r.id)
      parts.push(sql`c.store_id in (select s.id from stores s left join journey_rule_stores rs on rs.rule_id = ${r.id} and rs.store_id = s.id where coalesce(rs.enabled, ${r.enabled}))`);
    if (onlyStore) parts.push(sql`c.store_id = ${onlyStore}`);
    return parts.length ? sql.join(parts, sql` and `) : sql`true`;
  }

  async function candidates(
    actor: Actor,
    r: TEvalRule,
    o: { from: string; to: string; onlyStore: string | null; preview: boolean; customerIds?: string[] | null; changedSince?: { at: Date; day: string } | null },
  ): Promise<SQL> {
    let audience: { rule: TSegmentRule; ctx: { today: string; timeZone: string } } | null = null;
    let storeFilter = storeFilterOf(r, o.onlyStore, o.preview);
    if (r.audience) {
      if ('segmentId' in r.audience) {
        const s = await segmentRule(db, actor, r.audience.segmentId);
        audience = { rule: s.rule, ctx: { today: o.from, timeZone } };
        if (s.storeId) storeFilter = sql`${storeFilter} and c.store_id = ${s.storeId}`;
      } else audience = { rule: r.audience.rule, ctx: { today: o.from, timeZone } };
    }
    if (o.preview) storeFilter = sql`${storeFilter} and ${storeScope(actor, sql`c.store_id`)}`;
    return candidatesSql(r.trigger, {
      from: o.from,
      to: o.to,
      timeZone,
      eventGraceDays: o.preview ? 0 : EVENT_GRACE_DAYS,
      storeFilter,
      audience,
      conditions: r.conditions,
      customerIds: o.customerIds ?? null,
      // A run of a daily rule leaves out the keys it fired before, first; the report's "evaluated" is then the day's
      // new candidates (a date or event rule's candidates are the day's own: they are all counted).
      notFiredOf: !o.preview && r.trigger.kind === 'daily' ? r.id : null,
      changedSince: o.changedSince ?? null,
      ruleName: { zh: r.nameZh, en: r.nameEn },
    });
  }

  /**
   * For a complete evaluation of a rule whose audience is the facts alone: waits until no facts refresh is running
   * (and holds refreshes off until the transaction ends), then reads the rule's mark. `since` (evaluate only what can
   * be new) when the mark is of the same period, rule version and switches, not of a later day, and every facts
   * refresh recorded after it started no earlier than the margin before it (a clock set back invalidates it: the facts it
   * wrote would carry older stamps). Also what the next mark records.
   */
  async function markOf(tx: TDbOrTx, r: TRuleRow, asOf: string): Promise<{ since: { at: Date; day: string } | null; switches: string; factsRunId: string | null }> {
    await tx.execute(factsSettledSql);
    const format = periodFormat(r.trigger);
    const res = await tx.execute<{ as_of: string | null; evaluated_at: Date | null; rule_version: number | null; switches: string | null; current: string; same_period: boolean | null; facts_run_id: string | null; clean: boolean | null }>(sql`
      select m.as_of::text as as_of, m.evaluated_at, m.rule_version, m.switches,
        ${String(r.enabled)}::text || '|' || coalesce((select string_agg(rs.store_id::text || ':' || rs.enabled::text, ',' order by rs.store_id) from journey_rule_stores rs where rs.rule_id = ${r.id}::uuid), '') as current,
        ${format ? sql`to_char(m.as_of, ${format}) = to_char(${asOf}::date, ${format})` : sql`true`} as same_period,
        (select fr.id::text from segment_fact_runs fr order by fr.id desc limit 1) as facts_run_id,
        not exists (select 1 from segment_fact_runs fr where fr.id > m.facts_run_id and fr.started_at < m.evaluated_at - make_interval(secs => ${MARK_MARGIN_MS / 1000})) as clean
      from (select 1) one left join journey_rule_marks m on m.rule_id = ${r.id}::uuid`);
    const m = res.rows[0]!;
    const valid = m.as_of !== null && m.rule_version === r.version && m.switches === m.current && m.same_period && m.as_of <= asOf && m.clean;
    return { since: valid ? { at: new Date(m.evaluated_at!), day: m.as_of! } : null, switches: m.current, factsRunId: m.facts_run_id };
  }

  /**
   * Runs one rule for one day in one transaction: inserts the new firings (a key that exists is skipped, so a second
   * worker or a re-run inserts nothing) and lets each action consume exactly those rows.
   */
  async function runRule(r: TRuleRow, o: { asOf: string; runId: string | null; onlyStore: string | null; customerIds?: string[] | null }): Promise<TRuleReport> {
    const t0 = Date.now();
    const base: TRuleReport = { ruleId: r.id, code: r.code, name: r.nameZh, storeId: r.storeId, evaluated: 0, fired: 0, suppressed: 0, actions: {}, durationMs: 0, error: null };
    try {
      await db.transaction(async (tx) => {
        // A daily rule hashes its fired keys (hundreds of thousands for a rule like the 40,000-km check): in memory,
        // not in batches on disk. For this transaction only.
        await tx.execute(sql`set local work_mem = '64MB'`);
        const batchId = newId();
        const now = clock.now();
        // A complete evaluation of a rule whose audience is the facts alone reads, after its first, only what can be
        // new (engine.ts `changedSince`), and leaves its mark for the next.
        const mark = !o.customerIds && !o.onlyStore && readsFactsAlone(r.trigger, r.audience, r.conditions) ? await markOf(tx, r, o.asOf) : null;
        const cand = await candidates(SYSTEM_ACTOR, r, { from: o.asOf, to: o.asOf, onlyStore: o.onlyStore, preview: false, customerIds: o.customerIds, changedSince: mark?.since ?? null });
        // The candidates first, into a temporary table: PostgreSQL plans no INSERT (nor a query with one in a CTE)
        // in parallel, but does CREATE TABLE AS, and a daily rule's anti-join over its fired keys is worth both cores.
        const cands = await tx.execute(sql`create temp table journey_candidates on commit drop as ${cand}`);
        base.evaluated = cands.rowCount ?? 0;
        const ins = await tx.execute(sql`
          insert into journey_firings (id, rule_id, store_id, customer_id, vehicle_id, firing_key, occurred_on, fired_at, reason, run_id, batch_id)
          select ${uuidv7Sql(sql`row_number() over ()`, now.getTime())}, ${r.id}::uuid, x.store_id, x.customer_id, x.vehicle_id, x.firing_key, x.day,
            ${now.toISOString()}::timestamptz, x.reason, ${o.runId}::uuid, ${batchId}::uuid
          from journey_candidates x
          -- Keys fired before are skipped by an anti-join on the unique index (cheaper than a conflicting insert
          -- each); the ON CONFLICT still settles a key another worker inserts meanwhile.
          where not exists (select 1 from journey_firings jf where jf.rule_id = ${r.id}::uuid and jf.firing_key = x.firing_key)
          order by x.customer_id
          on conflict (rule_id, firing_key) do nothing`);
        base.fired = ins.rowCount ?? 0;
        if (mark) {
          await tx.execute(sql`insert into journey_rule_marks (rule_id, as_of, evaluated_at, rule_version, switches, facts_run_id)
            values (${r.id}::uuid, ${o.asOf}::date, ${now.toISOString()}::timestamptz, ${r.version}, ${mark.switches}, ${mark.factsRunId}::uuid)
            on conflict (rule_id) do update set as_of = excluded.as_of, evaluated_at = excluded.evaluated_at,
              rule_version = excluded.rule_version, switches = excluded.switches, facts_run_id = excluded.facts_run_id`);
        }
        if (base.fired === 0) return;
        for (const [i, spec] of r.actions.entries()) {
          const audience = sql`select jf.customer_id, jf.vehicle_id, 'j:' || jf.id || ':' || ${String(i)} as firing_key, null::timestamptz as due_at, null::jsonb as vars
            from journey_firings jf where jf.batch_id = ${batchId}::uuid`;
          const out = await actions.execute(tx, spec, { audience, rule: { id: r.id, code: r.code, nameZh: r.nameZh }, runId: o.runId, asOf: o.asOf, now, fired: base.fired });
          base.actions[spec.kind] = (base.actions[spec.kind] ?? 0) + out.done;
          base.suppressed = Math.max(base.suppressed, out.suppressed);
        }
      });
    } catch (err) {
      base.fired = 0;
      base.suppressed = 0;
      base.actions = {};
      base.error = err instanceof Error ? err.message.slice(0, 500) : String(err);
    }
    base.durationMs = Date.now() - t0;
    return base;
  }

  /** The rules a run covers: enabled somewhere (the rule itself or a store's switch), not deleted. */
  async function runnableRules(o: { ruleId?: string; storeId?: string; eventOnly?: boolean }): Promise<TRuleRow[]> {
    const conds: SQL[] = [isNull(journeyRules.deletedAt)];
    if (o.ruleId) conds.push(eq(journeyRules.id, o.ruleId));
    else conds.push(sql`(${journeyRules.enabled} or exists (select 1 from journey_rule_stores rs where rs.rule_id = ${journeyRules.id} and rs.enabled))`);
    if (o.storeId) conds.push(sql`(${journeyRules.storeId} is null or ${journeyRules.storeId} = ${o.storeId})`);
    return db
      .select()
      .from(journeyRules)
      .where(and(...conds))
      .orderBy(journeyRules.code, journeyRules.id);
  }

  async function executeRun(runId: string, o: TRunOptions & { asOf: string }): Promise<TRun> {
    try {
      if (o.refreshFacts) await deps.segments.refreshDaily(o.asOf);
      const rules = await runnableRules({ ruleId: o.ruleId, storeId: o.storeId });
      const report: TRuleReport[] = [];
      await db.update(journeyRuns).set({ progress: { done: 0, total: rules.length, current: rules[0]?.code ?? null } }).where(eq(journeyRuns.id, runId));
      // Rules are independent transactions, run RULE_LANES at a time: most of a rule's work is single-threaded SQL
      // (its inserts, its actions' inserts), so two lanes keep both cores of the database busy. What must not
      // interleave is serialised where it happens: marketing messages take the frequency-cap lock (messaging).
      let next = 0;
      const lane = async () => {
        while (next < rules.length) {
          const r = rules[next++]!;
          const rep = await runRule(r, { asOf: o.asOf, runId, onlyStore: o.storeId ?? null, customerIds: o.customerIds });
          report.push(rep);
          const progress = { done: report.length, total: rules.length, current: rules[next]?.code ?? null };
          await db
            .update(journeyRuns)
            .set({ progress, report: sql`${journeyRuns.report} || ${JSON.stringify([rep])}::jsonb` })
            .where(eq(journeyRuns.id, runId));
          o.onProgress?.({ ...progress, report: rep });
        }
      };
      await Promise.all(Array.from({ length: Math.min(RULE_LANES, rules.length) }, lane));
      const failed = report.filter((r) => r.error).length;
      const [row] = await db
        .update(journeyRuns)
        .set({ status: 'succeeded', finishedAt: clock.now(), error: failed ? `${failed} 条规则出错 / ${failed} rule(s) failed` : null })
        .where(eq(journeyRuns.id, runId))
        .returning();
      return toRun(row!);
    } catch (err) {
      const [row] = await db
        .update(journeyRuns)
        .set({ status: 'failed', finishedAt: clock.now(), error: err instanceof Error ? err.message.slice(0, 500) : String(err) })
        .where(eq(journeyRuns.id, runId))
        .returning();
      return toRun(row!);
    }
  }

  async function createRun(o: TRunOptions): Promise<{ row: TRunRow; asOf: string }> {
    await ensureOnce();
    const asOf = o.asOf ?? today();
    const [row] = await db
      .insert(journeyRuns)
      .values({ kind: o.kind, asOf, status: 'running', storeId: o.storeId ?? null, ruleId: o.ruleId ?? null, startedAt: clock.now(), startedBy: o.startedBy ?? null })
      .returning();
    return { row: row!, asOf };
  }

  /** Runs all enabled rules (or one) for a day and waits for the report. */
  async function run(o: TRunOptions): Promise<TRun> {
    const { row, asOf } = await createRun(o);
    return executeRun(row.id, { ...o, asOf });
  }

  /**
   * The `journeys.incremental` job: takes the domain events this consumer has not handled, brings the facts of
   * those customers up to date, runs every enabled rule for them (event rules fire on their events), and records
   * the receipts. Idempotent like a re-run: the firing keys decide.
   */
  async function incremental(opts: { limit?: number } = {}): Promise<{ events: number; customers: number; run: TRun | null }> {
    const now = clock.now();
    const since = new Date(now.getTime() - EVENT_LOOKBACK_MS);
    const events = (
      await db.execute<{ id: string; customer_id: string | null }>(sql`
        select e.id, e.customer_id from domain_events e
        where e.created_at >= ${since} and e.type in (${sql.join(
          JOURNEY_EVENT_TYPES.map((t) => sql`${t}`),
          sql`, `,
        )})
          and not exists (select 1 from journey_event_receipts r where r.event_id = e.id)
        order by e.created_at limit ${opts.limit ?? 10_000}`)
    ).rows;
    if (events.length === 0) return { events: 0, customers: 0, run: null };
    const ids = [...new Set(events.map((e) => e.customer_id).filter((x): x is string => !!x))];
    // The segments consumer may be refreshing the same customers right now (its lock): the rules then read facts a
    // minute old, and the next daily run sees the fresh ones.
    await deps.segments.refreshChanged().catch(() => undefined);
    const r = ids.length ? await run({ kind: 'incremental', customerIds: ids }) : null;
    await db
      .insert(journeyEventReceipts)
      .values(events.map((e) => ({ eventId: e.id, processedAt: now })))
      .onConflictDoNothing();
    await db.delete(journeyEventReceipts).where(sql`${journeyEventReceipts.processedAt} < ${new Date(now.getTime() - 2 * EVENT_LOOKBACK_MS)}`);
    return { events: events.length, customers: ids.length, run: r };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Preview
  // -------------------------------------------------------------------------------------------------------------

  async function preview(actor: Actor, input: { rule?: TRuleDraft; ruleId?: string; storeId?: string; days?: number }): Promise<TPreview> {
    assertCan(actor, 'journeys.read');
    const t0 = Date.now();
    let r: TEvalRule;
    if (input.ruleId) {
      const row = await findRule(db, actor, input.ruleId);
      r = row;
      if (input.rule) r = { ...row, ...input.rule, id: row.id };
    } else if (input.rule) {
      r = { ...input.rule, id: null, storeId: null, enabled: true, audience: input.rule.audience ?? null };
    } else throw new ValidationError('请提供规则 / Give a rule or a rule id', [{ path: 'rule', message: 'required' }]);
    if (input.rule) await checkDraft(db, actor, { ...input.rule });
    if (input.storeId) assertStoreAccess(actor, input.storeId, '门店');
    const from = today();
    const to = addDays(from, (input.days ?? 31) - 1);
    const cand = await candidates(actor, r, { from, to, onlyStore: input.storeId ?? null, preview: true });
    const notFired = r.id ? sql`where not exists (select 1 from journey_firings jf where jf.rule_id = ${r.id}::uuid and jf.firing_key = x.firing_key)` : sql``;
    const res = await db.execute<{ counts: { day: string; n: number }[]; sample: { day: string; customer_id: string; name: string; reason: string }[] }>(sql`
      with cand as materialized (select distinct on (x.firing_key) x.* from (${cand}) x ${notFired} order by x.firing_key, x.day),
      counts as (select day, count(*)::int as n from cand group by day)
      select
        (select coalesce(json_agg(json_build_object('day', day::text, 'n', n)), '[]'::json) from counts) as counts,
        (select coalesce(json_agg(s), '[]'::json) from (
          select cand.day::text as day, cand.customer_id, c.name, cand.reason from cand join customers c on c.id = cand.customer_id
          order by cand.day, cand.customer_id limit ${SAMPLE_SIZE}) s) as sample`);
    const row = res.rows[0]!;
    const byDay = new Map(row.counts.map((c) => [c.day, c.n]));
    const days = Array.from({ length: input.days ?? 31 }, (_, i) => {
      const day = addDays(from, i);
      return { day, count: byDay.get(day) ?? 0 };
    });
    return {
      from,
      days,
      total: days.reduce((a, b) => a + b.count, 0),
      sample: row.sample.map((s) => ({ day: s.day, customerId: s.customer_id, customerName: s.name, reason: s.reason })),
      ms: Date.now() - t0,
    };
  }

  return {
    ensureDefaultRules,
    run,
    incremental,
    preview,
    runRule,

    catalogue() {
      return {
        actions: actions.kinds(),
        triggers: TRIGGER_KINDS.map((t) => ({ key: t.key, zh: t.zh, en: t.en })),
        dateFields: DATE_FIELDS.map((t) => ({ key: t.key, zh: t.zh, en: t.en })),
        events: TRIGGER_EVENTS.map((t) => ({ key: t.key, zh: t.zh, en: t.en })),
        conditions: CONDITIONS.map((t) => ({ key: t.key, zh: t.zh, en: t.en })),
        roles: [...ROLES],
      };
    },

    async listRules(actor: Actor, q: { storeId?: string }): Promise<TRule[]> {
      assertCan(actor, 'journeys.read');
      await ensureOnce();
      if (q.storeId) assertStoreAccess(actor, q.storeId, '门店');
      const here = q.storeId ?? actor.storeId;
      const conds: SQL[] = [isNull(journeyRules.deletedAt)];
      if (!isGroupWide(actor)) conds.push(sql`(${journeyRules.storeId} is null or ${journeyRules.storeId} = ${actor.storeId})`);
      else if (q.storeId) conds.push(sql`(${journeyRules.storeId} is null or ${journeyRules.storeId} = ${q.storeId})`);
      const rows = await db
        .select()
        .from(journeyRules)
        .where(and(...conds))
        .orderBy(desc(journeyRules.isDefault), journeyRules.createdAt, journeyRules.code);
      const [sw, last] = await Promise.all([switchesOf(rows.map((r) => r.id)), lastRunFigures()]);
      return rows.map((r) => toRule(r, sw.get(r.id) ?? [], here, last.get(r.id) ?? null));
    },

    getRule,

    async createRule(actor: Actor, input: TRuleCreate): Promise<TRule> {
      assertCan(actor, 'journeys.manage');
      const storeId = isGroupWide(actor) ? (input.storeId ?? null) : actor.storeId;
      if (!isGroupWide(actor) && input.storeId && input.storeId !== actor.storeId) throw new ForbiddenError('不能在其他门店创建规则 / Not your store');
      const draft = { ...input };
      await checkDraft(db, actor, draft);
      const code = input.code ?? `custom_${newId().replace(/-/g, '').slice(-10)}`;
      const now = clock.now();
      try {
        const [row] = await db.transaction(async (tx) => {
          const rows = await tx
            .insert(journeyRules)
            .values({
              storeId,
              code,
              nameZh: draft.nameZh,
              nameEn: draft.nameEn,
              descriptionZh: draft.descriptionZh,
              descriptionEn: draft.descriptionEn,
              isDefault: false,
              enabled: input.enabled,
              trigger: draft.trigger,
              audience: draft.audience ?? null,
              conditions: draft.conditions,
              actions: draft.actions,
              createdBy: actor.staffId === SYSTEM_ACTOR.staffId ? null : actor.staffId,
              updatedBy: actor.staffId === SYSTEM_ACTOR.staffId ? null : actor.staffId,
              createdAt: now,
              updatedAt: now,
            })
            .returning();
          await recordAudit(tx, actor, { action: 'journey_rule.create', entityType: 'journey_rule', entityId: rows[0]!.id, storeId, detail: { code, name: draft.nameZh } });
          return rows;
        });
        return getRule(actor, row!.id);
      } catch (err) {
        if ((err as { code?: string }).code === '23505' || (err as { cause?: { code?: string } }).cause?.code === '23505')
          throw new ConflictError('已有相同编码的规则 / A rule with this code exists');
        throw err;
      }
    },

    async updateRule(actor: Actor, id: string, input: TRuleUpdate): Promise<TRule> {
      assertCan(actor, 'journeys.manage');
      const cur = await findRule(db, actor, id);
      assertMayEdit(actor, cur);
      const { version, ...patch } = input;
      await checkDraft(db, actor, patch);
      await db.transaction(async (tx) => {
        const rows = await tx
          .update(journeyRules)
          .set({ ...patch, version: cur.version + 1, updatedBy: actor.staffId === SYSTEM_ACTOR.staffId ? null : actor.staffId, updatedAt: clock.now() })
          .where(and(eq(journeyRules.id, id), eq(journeyRules.version, version)))
          .returning({ id: journeyRules.id });
        if (rows.length === 0) throw new ConflictError('规则已被他人修改，请刷新后重试 / The rule was changed meanwhile; reload and retry');
        await recordAudit(tx, actor, { action: 'journey_rule.update', entityType: 'journey_rule', entityId: id, storeId: cur.storeId, detail: { fields: Object.keys(patch) } });
      });
      return getRule(actor, id);
    },

    /**
     * Switches a rule on or off. A store rule: the rule itself. A group rule: for one store (its own switch; store
     * roles always switch their store), or — a group admin naming no store — the group default.
     */
    async switchRule(actor: Actor, id: string, input: { enabled: boolean; storeId?: string }): Promise<TRule> {
      assertCan(actor, 'journeys.manage');
      const cur = await findRule(db, actor, id);
      const storeId = isGroupWide(actor) ? (input.storeId ?? null) : actor.storeId;
      if (input.storeId) assertStoreAccess(actor, input.storeId, '门店');
      await db.transaction(async (tx) => {
        if (cur.storeId || !storeId) {
          if (!cur.storeId && !isGroupWide(actor)) throw new ForbiddenError();
          await tx.update(journeyRules).set({ enabled: input.enabled, updatedAt: clock.now() }).where(eq(journeyRules.id, id));
        } else {
          await tx
            .insert(journeyRuleStores)
            .values({ ruleId: id, storeId, enabled: input.enabled, updatedBy: actor.staffId === SYSTEM_ACTOR.staffId ? null : actor.staffId, updatedAt: clock.now() })
            .onConflictDoUpdate({ target: [journeyRuleStores.ruleId, journeyRuleStores.storeId], set: { enabled: input.enabled, updatedAt: clock.now() } });
        }
        await recordAudit(tx, actor, { action: input.enabled ? 'journey_rule.enable' : 'journey_rule.disable', entityType: 'journey_rule', entityId: id, storeId: storeId ?? cur.storeId, detail: { code: cur.code } });
      });
      const r = await getRule(actor, id);
      return storeId ? { ...r, enabledHere: cur.storeId ? r.enabled : input.enabled } : r;
    },

    async deleteRule(actor: Actor, id: string): Promise<void> {
      assertCan(actor, 'journeys.manage');
      const cur = await findRule(db, actor, id);
      assertMayEdit(actor, cur);
      if (cur.isDefault) throw new BusinessRuleError('default-rule', '默认规则不能删除，可以停用 / A default rule cannot be deleted; switch it off');
      await db.transaction(async (tx) => {
        await tx.update(journeyRules).set({ deletedAt: clock.now(), enabled: false }).where(eq(journeyRules.id, id));
        await recordAudit(tx, actor, { action: 'journey_rule.delete', entityType: 'journey_rule', entityId: id, storeId: cur.storeId, detail: { code: cur.code } });
      });
    },

    /** Starts a manual run in the background and returns it at once (poll GET /journeys/runs/{id} for progress). */
    async startRun(actor: Actor, input: { asOf?: string; ruleId?: string; storeId?: string }): Promise<{ run: TRun; done: Promise<TRun> }> {
      assertCan(actor, 'journeys.manage');
      if (input.ruleId) await findRule(db, actor, input.ruleId);
      const storeId = isGroupWide(actor) ? input.storeId : actor.storeId!;
      if (input.storeId) assertStoreAccess(actor, input.storeId, '门店');
      const { row, asOf } = await createRun({ kind: 'manual', asOf: input.asOf, ruleId: input.ruleId, storeId, startedBy: actor.staffId });
      await recordAudit(db, actor, { action: 'journey_run.start', entityType: 'journey_run', entityId: row.id, storeId: storeId ?? null, detail: { asOf, ruleId: input.ruleId ?? null } });
      const done = executeRun(row.id, { kind: 'manual', asOf, ruleId: input.ruleId, storeId });
      done.catch(() => undefined);
      return { run: toRun(row), done };
    },

    async listRuns(actor: Actor, q: { limit: number }): Promise<TRun[]> {
      assertCan(actor, 'journeys.read');
      const rows = await db
        .select()
        .from(journeyRuns)
        .where(isGroupWide(actor) ? sql`true` : sql`(${journeyRuns.storeId} is null or ${journeyRuns.storeId} = ${actor.storeId})`)
        .orderBy(desc(journeyRuns.startedAt))
        .limit(q.limit);
      return rows.map((r) => scopeRun(actor, toRun(r)));
    },

    async getRun(actor: Actor, id: string): Promise<TRun> {
      assertCan(actor, 'journeys.read');
      const [r] = await db.select().from(journeyRuns).where(eq(journeyRuns.id, id));
      if (!r || (r.storeId && !isGroupWide(actor) && r.storeId !== actor.storeId)) throw new NotFoundError('运行记录');
      return scopeRun(actor, toRun(r));
    },

    async listFirings(actor: Actor, customerId: string): Promise<TFiring[]> {
      assertCan(actor, 'journeys.read');
      const res = await db.execute<{ id: string; rule_id: string; code: string; name: string; customer_id: string; vehicle_id: string | null; firing_key: string; occurred_on: string; fired_at: Date; reason: string; run_id: string | null }>(sql`
        select jf.id, jf.rule_id, r.code, r.name_zh as name, jf.customer_id, jf.vehicle_id, jf.firing_key, jf.occurred_on::text as occurred_on, jf.fired_at, jf.reason, jf.run_id
        from journey_firings jf join journey_rules r on r.id = jf.rule_id join customers c on c.id = jf.customer_id
        where jf.customer_id = ${customerId} and ${storeScope(actor, sql`c.store_id`)}
        order by jf.fired_at desc limit 200`);
      if (res.rows.length === 0) {
        const c = await db.execute(sql`select 1 from customers c where c.id = ${customerId} and ${storeScope(actor, sql`c.store_id`)}`);
        if (c.rows.length === 0) throw new NotFoundError('客户');
      }
      return res.rows.map((r) => ({
        id: r.id,
        ruleId: r.rule_id,
        ruleCode: r.code,
        ruleName: r.name,
        customerId: r.customer_id,
        vehicleId: r.vehicle_id,
        firingKey: r.firing_key,
        occurredOn: r.occurred_on,
        firedAt: r.fired_at instanceof Date ? r.fired_at : new Date(r.fired_at),
        reason: r.reason,
        runId: r.run_id,
      }));
    },
  };
}

/** A store user sees only the lines of a group run that concern their store's rules or the group's. */
function scopeRun(actor: Actor, r: TRun): TRun {
  if (isGroupWide(actor)) return r;
  return { ...r, report: r.report.filter((x) => !x.storeId || x.storeId === actor.storeId) };
}

export type TJourneysService = ReturnType<typeof createJourneysService>;
