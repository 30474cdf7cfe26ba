/**
 * The points ledger's transaction-level operations. Every function takes the caller's transaction and keeps these
 * invariants (tested with fast-check and parallel transactions in ledger.test.ts):
 *
 *  - the ledger is append-only (trigger) and every entry has a unique idempotency key: a replay changes nothing;
 *  - balance = Σ entries = Σ open lots' remaining, and never < 0 (CHECK + the account row lock taken first);
 *  - per lot: points = Σ consumptions + remaining, so earned = redeemed + expired + donated + adjusted away + outstanding;
 *  - negative entries consume lots oldest first (earliest expiry, then earliest earned).
 *
 * Serialisation: every change of a customer's points takes that customer's `loyalty_accounts` row lock before it
 * reads lots (`lockAccount`, or the upsert of an earn), so a redemption's balance check and lot consumption can't
 * interleave with another's.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { TDbOrTx } from '../../db/index.js';
import { newId } from '../../db/columns.js';
import { BusinessRuleError, NotFoundError } from '../../platform/errors.js';
import { uuidv7Sql } from '../messaging/gate.js';

export type TPointsSource = 'repair_order' | 'sales_order' | 'referral' | 'event' | 'survey' | 'journey' | 'compensation' | 'manual';

export interface TCredit {
  customerId: string;
  points: number;
  kind?: 'earn' | 'adjust';
  source?: TPointsSource | null;
  spendFen?: number;
  reason: string;
  idempotencyKey: string;
  refType?: string | null;
  refId?: string | null;
  createdBy?: string | null;
  at: Date;
}

export interface TDebit {
  customerId: string;
  points: number;
  kind: 'redeem' | 'adjust' | 'donate';
  reason: string;
  idempotencyKey: string;
  refType?: string | null;
  refId?: string | null;
  rewardId?: string | null;
  createdBy?: string | null;
  at: Date;
}

export interface TEntryResult {
  entryId: string;
  duplicate: boolean;
  balance: number;
}

/** A uuid[] parameter (one text parameter, however many ids). */
export const uuidArray = (ids: string[]) => sql`${`{${ids.join(',')}}`}::uuid[]`;

/** The active preset's entry tier (rank 0): where a new account starts. */
const entryTierSql = sql`coalesce((select t.code from loyalty_tiers t join loyalty_settings s on s.id = 1 and t.preset = s.active_preset where t.rank = 0), '')`;

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** When a lot earned at `at` expires: the start of the year `expiryYears + 1` after, in the store's time zone (= the end of the year after). */
export const expirySql = (at: SQL, tz: SQL, years: SQL) => sql`((date_trunc('year', ${at} at time zone ${tz}) + make_interval(years => 1 + ${years}))::timestamp at time zone ${tz})`;

async function existing(tx: TDbOrTx, key: string): Promise<TEntryResult | null> {
  const r = await tx.execute<{ id: string; balance: number }>(sql`
    select l.id, coalesce(a.balance, 0)::int as balance from loyalty_ledger l left join loyalty_accounts a on a.customer_id = l.customer_id
    where l.idempotency_key = ${key}`);
  const row = r.rows[0];
  return row ? { entryId: row.id, duplicate: true, balance: row.balance } : null;
}

/**
 * Adds points (an earn or a positive adjustment): one entry, one lot expiring per the programme's setting, the
 * account's balance raised (the account is created on first use, in the entry tier). A replayed key returns the
 * first entry. Tier upgrades are the caller's next step (`evaluateTiers`).
 */
export async function credit(tx: TDbOrTx, c: TCredit): Promise<TEntryResult> {
  if (!Number.isInteger(c.points) || c.points <= 0) throw new BusinessRuleError('points-invalid', '积分必须为正整数 / Points must be a positive integer');
  const id = newId();
  const at = ts(c.at);
  const r = await tx.execute<{ id: string | null; balance: number | null; known: boolean }>(sql`
    with cu as (select id, store_id from customers where id = ${c.customerId} and status = 'active'),
    st as (select s.id, s.timezone, ls.expiry_years from cu join stores s on s.id = cu.store_id cross join loyalty_settings ls where ls.id = 1),
    e as (
      insert into loyalty_ledger (id, customer_id, store_id, kind, source, points, spend_fen, reason, idempotency_key, ref_type, ref_id, created_by, created_at)
      select ${id}::uuid, cu.id, cu.store_id, ${c.kind ?? 'earn'}::ledger_kind, ${c.source ?? null}::points_source, ${c.points}::int, ${c.spendFen ?? 0}::bigint,
        ${c.reason}, ${c.idempotencyKey}, ${c.refType ?? null}, ${c.refId ?? null}, ${c.createdBy ?? null}::uuid, ${at}
      from cu
      on conflict (idempotency_key) do nothing
      returning id, customer_id, store_id, points, created_at
    ),
    lot as (
      insert into loyalty_lots (id, customer_id, store_id, points, remaining, earned_at, expires_at)
      select e.id, e.customer_id, e.store_id, e.points, e.points, e.created_at, ${expirySql(sql`e.created_at`, sql`st.timezone`, sql`st.expiry_years`)}
      from e cross join st
      returning id
    ),
    acc as (
      insert into loyalty_accounts (customer_id, store_id, balance, earned_total, tier_code, tier_rank, tier_since, created_at, updated_at)
      select e.customer_id, e.store_id, e.points, e.points, ${entryTierSql}, 0, ${at}, ${at}, ${at} from e
      on conflict (customer_id) do update set balance = loyalty_accounts.balance + excluded.balance,
        earned_total = loyalty_accounts.earned_total + excluded.earned_total, updated_at = excluded.updated_at
      returning balance
    )
    select (select id from e) as id, (select balance from acc) as balance, exists (select 1 from cu) as known`);
  const row = r.rows[0]!;
  if (!row.known) throw new NotFoundError('客户');
  if (row.id) return { entryId: row.id, duplicate: false, balance: row.balance! };
  const dup = await existing(tx, c.idempotencyKey);
  if (!dup) throw new Error('credit: entry neither written nor found');
  return dup;
}

/** Takes the customer's account row lock (creating the account if needed); returns the balance. */
export async function lockAccount(tx: TDbOrTx, customerId: string): Promise<{ balance: number; tierRank: number; tierCode: string; storeId: string }> {
  const sel = () =>
    tx.execute<{ balance: number; tier_rank: number; tier_code: string; store_id: string }>(sql`
      select balance, tier_rank, tier_code, store_id from loyalty_accounts where customer_id = ${customerId} for update`);
  let r = await sel();
  if (!r.rows[0]) {
    const ins = await tx.execute(sql`
      insert into loyalty_accounts (customer_id, store_id, balance, earned_total, tier_code, tier_rank)
      select id, store_id, 0, 0, ${entryTierSql}, 0 from customers where id = ${customerId} and status = 'active'
      on conflict (customer_id) do nothing`);
    void ins;
    r = await sel();
    if (!r.rows[0]) throw new NotFoundError('客户');
  }
  const a = r.rows[0];
  return { balance: a.balance, tierRank: a.tier_rank, tierCode: a.tier_code, storeId: a.store_id };
}

/**
 * Takes points away (redeem, donate, negative adjustment) from an account whose lock the caller holds
 * (`lockAccount`) and whose balance it has checked: one entry, its consumption of the oldest lots, the balance
 * lowered. A replayed key returns the first entry.
 */
export async function debitLocked(tx: TDbOrTx, d: TDebit): Promise<TEntryResult> {
  if (!Number.isInteger(d.points) || d.points <= 0) throw new BusinessRuleError('points-invalid', '积分必须为正整数 / Points must be a positive integer');
  const id = newId();
  const at = ts(d.at);
  const r = await tx.execute<{ id: string | null; balance: number | null }>(sql`
    with e as (
      insert into loyalty_ledger (id, customer_id, store_id, kind, points, reason, idempotency_key, ref_type, ref_id, reward_id, created_by, created_at)
      select ${id}::uuid, a.customer_id, a.store_id, ${d.kind}::ledger_kind, ${-d.points}::int, ${d.reason}, ${d.idempotencyKey}, ${d.refType ?? null}, ${d.refId ?? null},
        ${d.rewardId ?? null}::uuid, ${d.createdBy ?? null}::uuid, ${at}
      from loyalty_accounts a where a.customer_id = ${d.customerId} and a.balance >= ${d.points}
      on conflict (idempotency_key) do nothing
      returning id, created_at
    ),
    open as (
      select l.id, l.remaining,
        coalesce(sum(l.remaining) over (order by l.expires_at, l.earned_at, l.id rows between unbounded preceding and 1 preceding), 0) as before
      from loyalty_lots l where l.customer_id = ${d.customerId} and l.remaining > 0 and exists (select 1 from e)
    ),
    take as (select id, least(remaining, ${d.points} - before)::int as pts from open where before < ${d.points}),
    upd as (update loyalty_lots l set remaining = l.remaining - take.pts from take where l.id = take.id returning l.id),
    cons as (
      insert into loyalty_lot_consumptions (entry_id, lot_id, customer_id, points, created_at)
      select e.id, take.id, ${d.customerId}::uuid, take.pts, e.created_at from e cross join take
      returning 1
    ),
    acc as (
      update loyalty_accounts set balance = balance - ${d.points}, updated_at = ${at}
      where customer_id = ${d.customerId} and exists (select 1 from e)
      returning balance
    )
    select (select id from e) as id, (select balance from acc) as balance`);
  const row = r.rows[0]!;
  if (row.id) return { entryId: row.id, duplicate: false, balance: row.balance! };
  const dup = await existing(tx, d.idempotencyKey);
  if (dup) return dup;
  throw new BusinessRuleError('insufficient-points', '积分不足 / Not enough points');
}

/** Lock, check, debit: the whole of a plain deduction. */
export async function debit(tx: TDbOrTx, d: TDebit): Promise<TEntryResult> {
  const dup = await existing(tx, d.idempotencyKey);
  if (dup) return dup;
  const a = await lockAccount(tx, d.customerId);
  if (a.balance < d.points) {
    const again = await existing(tx, d.idempotencyKey);
    if (again) return again;
    throw new BusinessRuleError('insufficient-points', `积分不足（可用 ${a.balance}） / Not enough points (${a.balance} available)`);
  }
  return debitLocked(tx, d);
}

/**
 * Expires every open lot past its expiry for up to `limit` customers: one `expire` entry per lot (key
 * `expire:<lot>`), its consumption, the lot emptied, the balances lowered — set-based, accounts locked in id order.
 * Returns the number of lots expired; call until 0.
 */
export async function expireDue(tx: TDbOrTx, now: Date, limit = 5000): Promise<{ lots: number; points: number }> {
  const at = ts(now);
  const locked = await tx.execute<{ customer_id: string }>(sql`
    select a.customer_id from loyalty_accounts a
    where a.customer_id in (select distinct customer_id from loyalty_lots where remaining > 0 and expires_at <= ${at} limit ${limit})
    order by a.customer_id for update of a`);
  if (locked.rows.length === 0) return { lots: 0, points: 0 };
  const ids = locked.rows.map((r) => r.customer_id);
  const r = await tx.execute<{ lots: number; points: number }>(sql`
    with due as (
      select id, customer_id, store_id, remaining, row_number() over (order by customer_id, expires_at, id) as n
      from loyalty_lots where remaining > 0 and expires_at <= ${at} and customer_id = any(${uuidArray(ids)})
    ),
    e as (
      insert into loyalty_ledger (id, customer_id, store_id, kind, points, reason, idempotency_key, ref_type, ref_id, created_at)
      select ${uuidv7Sql(sql`due.n`, now.getTime())}, due.customer_id, due.store_id, 'expire', -due.remaining, '积分到期 / Points expired', 'expire:' || due.id, 'lot', due.id::text, ${at}
      from due
      on conflict (idempotency_key) do nothing
      returning id, customer_id, ref_id, points
    ),
    cons as (insert into loyalty_lot_consumptions (entry_id, lot_id, customer_id, points, created_at) select e.id, e.ref_id::uuid, e.customer_id, -e.points, ${at} from e returning 1),
    upd as (update loyalty_lots l set remaining = 0 from e where l.id = e.ref_id::uuid returning 1),
    acc as (
      update loyalty_accounts a set balance = a.balance - x.pts, updated_at = ${at}
      from (select customer_id, sum(-points)::int as pts from e group by customer_id) x where a.customer_id = x.customer_id
      returning 1
    )
    select count(*)::int as lots, coalesce(sum(-points), 0)::int as points from e`);
  return r.rows[0]!;
}

/**
 * Set-based earn for an audience (journeys' "award points" action): rows `customer_id, vehicle_id, firing_key,
 * due_at` of `audience`; one entry per row with key `journey:<firing_key>` (rows without a firing key get a random
 * key, so prefer keys), lots, balances raised. Inactive customers are skipped. Returns the customers credited.
 */
export async function creditAudience(
  tx: TDbOrTx,
  a: { audience: SQL; points: number; reason: string; source: TPointsSource; keyPrefix: string; refType?: string | null; refId?: string | null; at: Date },
): Promise<string[]> {
  if (!Number.isInteger(a.points) || a.points <= 0) throw new BusinessRuleError('points-invalid', '积分必须为正整数 / Points must be a positive integer');
  const at = ts(a.at);
  const r = await tx.execute<{ customer_id: string }>(sql`
    with aud as (
      select distinct on (coalesce(x.firing_key, gen_random_uuid()::text)) x.customer_id, coalesce(x.firing_key, gen_random_uuid()::text) as fk
      from (${a.audience}) x
    ),
    rows as (
      select aud.customer_id, cu.store_id, ${a.keyPrefix} || aud.fk as key, s.timezone, ls.expiry_years, row_number() over (order by aud.customer_id) as n
      from aud join customers cu on cu.id = aud.customer_id and cu.status = 'active' join stores s on s.id = cu.store_id cross join loyalty_settings ls where ls.id = 1
    ),
    e as (
      insert into loyalty_ledger (id, customer_id, store_id, kind, source, points, reason, idempotency_key, ref_type, ref_id, created_at)
      select ${uuidv7Sql(sql`rows.n`, a.at.getTime())}, customer_id, store_id, 'earn', ${a.source}::points_source, ${a.points}::int, ${a.reason}, key, ${a.refType ?? null}, ${a.refId ?? null}, ${at}
      from rows order by customer_id
      on conflict (idempotency_key) do nothing
      returning id, customer_id, store_id, points
    ),
    lot as (
      insert into loyalty_lots (id, customer_id, store_id, points, remaining, earned_at, expires_at)
      select e.id, e.customer_id, e.store_id, e.points, e.points, ${at}, ${expirySql(at, sql`s.timezone`, sql`ls.expiry_years`)}
      from e join stores s on s.id = e.store_id cross join loyalty_settings ls where ls.id = 1
      returning 1
    ),
    acc as (
      insert into loyalty_accounts (customer_id, store_id, balance, earned_total, tier_code, tier_rank, tier_since, created_at, updated_at)
      select customer_id, min(store_id::text)::uuid, sum(points)::int, sum(points)::int, ${entryTierSql}, 0, ${at}, ${at}, ${at} from e group by customer_id order by customer_id
      on conflict (customer_id) do update set balance = loyalty_accounts.balance + excluded.balance,
        earned_total = loyalty_accounts.earned_total + excluded.earned_total, updated_at = excluded.updated_at
      returning customer_id
    )
    select customer_id from acc`);
  return r.rows.map((x) => x.customer_id);
}

/**
 * Puts customers in the tier they qualify for (points earned in the 12 months before `now`, spend, delivered
 * referrals). `mode: 'upgrade'` only raises (after an earn; also places new accounts in the entry tier);
 * `mode: 'review'` (the yearly review) also lowers. Writes tier history for every change. `customers`: a SQL list
 * of ids, or null for every account.
 */
export async function evaluateTiers(tx: TDbOrTx, opts: { customerIds: string[] | null; mode: 'upgrade' | 'review'; now: Date; reason: string }): Promise<{ changed: number }> {
  const at = ts(opts.now);
  const filter = opts.customerIds ? sql`a.customer_id = any(${uuidArray(opts.customerIds)})` : sql`true`;
  if (opts.customerIds && opts.customerIds.length === 0) return { changed: 0 };
  const r = await tx.execute<{ n: number }>(sql`
    with q as (
      select a.customer_id, a.store_id, a.tier_code, a.tier_rank,
        coalesce(x.pts, 0) as pts, coalesce(x.spend, 0) as spend,
        (select count(*) from referrals r where r.referrer_customer_id = a.customer_id and r.status = 'delivered')::int as refs
      from loyalty_accounts a
      left join lateral (
        select sum(l.points) filter (where l.kind = 'earn') as pts, sum(l.spend_fen) as spend from loyalty_ledger l
        where l.customer_id = a.customer_id and l.created_at > ${at} - interval '12 months' and l.created_at <= ${at} and l.kind = 'earn'
      ) x on true
      where ${filter}
    ),
    best as (
      select q.*, t.code as new_code, t.rank as new_rank from q
      cross join lateral (
        select t.code, t.rank from loyalty_tiers t join loyalty_settings s on s.id = 1 and t.preset = s.active_preset
        where t.rank = 0 or (t.min_points_12m > 0 and q.pts >= t.min_points_12m) or (t.min_spend_12m_fen > 0 and q.spend >= t.min_spend_12m_fen)
          or (t.min_referrals > 0 and q.refs >= t.min_referrals)
        order by t.rank desc limit 1
      ) t
    ),
    ch as (
      select best.*, row_number() over (order by customer_id) as n from best
      where new_code <> tier_code and (${opts.mode === 'review'} or new_rank > tier_rank or tier_code = '' or tier_code not in (select code from loyalty_tiers t join loyalty_settings s on s.id = 1 and t.preset = s.active_preset))
    ),
    upd as (update loyalty_accounts a set tier_code = ch.new_code, tier_rank = ch.new_rank, tier_since = ${at}, updated_at = ${at} from ch where a.customer_id = ch.customer_id returning 1),
    hist as (
      insert into loyalty_tier_history (id, customer_id, store_id, from_code, to_code, reason, at)
      select ${uuidv7Sql(sql`ch.n`, opts.now.getTime())}, customer_id, store_id, tier_code, new_code, ${opts.reason}, ${at} from ch where tier_code <> ''
      returning 1
    )
    select count(*)::int as n from ch`);
  return { changed: r.rows[0]!.n };
}

/** Reconciliation of the given customers (or all): rows where an invariant does not hold (empty = reconciles). */
export async function reconcile(tx: TDbOrTx, customerIds: string[] | null = null): Promise<{ customerId: string; problem: string }[]> {
  const f = (col: string) => (customerIds ? sql`${sql.raw(col)} = any(${uuidArray(customerIds)})` : sql`true`);
  const r = await tx.execute<{ customer_id: string; problem: string }>(sql`
    select a.customer_id, 'balance ' || a.balance || ' <> entries ' || coalesce(e.s, 0) || ' / lots ' || coalesce(l.s, 0) as problem
    from loyalty_accounts a
    left join (select customer_id, sum(points) as s from loyalty_ledger group by customer_id) e on e.customer_id = a.customer_id
    left join (select customer_id, sum(remaining) as s from loyalty_lots group by customer_id) l on l.customer_id = a.customer_id
    where ${f('a.customer_id')} and (a.balance <> coalesce(e.s, 0) or a.balance <> coalesce(l.s, 0) or a.balance < 0
      or a.earned_total <> (select coalesce(sum(points), 0) from loyalty_ledger x where x.customer_id = a.customer_id and x.points > 0))
    union all
    select lo.customer_id, 'lot ' || lo.id || ': ' || lo.points || ' <> consumed ' || coalesce(c.s, 0) || ' + remaining ' || lo.remaining
    from loyalty_lots lo left join (select lot_id, sum(points) as s from loyalty_lot_consumptions group by lot_id) c on c.lot_id = lo.id
    where ${f('lo.customer_id')} and lo.points <> coalesce(c.s, 0) + lo.remaining
    union all
    select le.customer_id, 'entry ' || le.id || ': ' || le.points || ' <> consumptions ' || coalesce(c.s, 0)
    from loyalty_ledger le left join (select entry_id, sum(points) as s from loyalty_lot_consumptions group by entry_id) c on c.entry_id = le.id
    where ${f('le.customer_id')} and le.points < 0 and -le.points <> coalesce(c.s, 0)`);
  return r.rows.map((x) => ({ customerId: x.customer_id, problem: x.problem }));
}
