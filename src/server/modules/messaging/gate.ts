/**
 * The one gate every message passes, written as SQL so that a journey can gate and render tens of thousands of
 * messages in one statement, and a single manual message goes through exactly the same expressions.
 *
 * Order of the checks (the first that applies is the reason): consent (`unsubscribed` when the refusal came from an
 * unsubscribe link, else `no_consent`) → `no_address` → `frequency_cap` (marketing only) → `quiet_hours` (deferred
 * to the end of the quiet period, not dropped).
 */
import { sql, type SQL } from 'drizzle-orm';
import { TEMPLATE_VARIABLES, type TMessageChannel, type TMessagePurpose, type TTemplateLocale } from '../../../contracts/messaging.js';
import { DEFAULT_MESSAGING_SETTINGS, INBOX_CONSENT_CHANNELS, UNSUBSCRIBE_PATH, UNSUBSCRIBE_SOURCE } from './rules.js';

const D = DEFAULT_MESSAGING_SETTINGS;

/**
 * A UUIDv7 for set-based inserts (PostgreSQL 15 has no uuidv7()): the 48-bit millisecond time, version 7, a
 * 26-bit per-row counter (so one statement's rows are ordered and the primary-key btree is appended to), and 48
 * random bits taken from gen_random_uuid().
 */
export function uuidv7Sql(counter: SQL, ms: number): SQL {
  return sql`(lpad(to_hex(${Math.floor(ms)}::bigint), 12, '0') || '7' || lpad(to_hex(((${counter})::bigint >> 14) & 4095), 3, '0')
    || to_hex(32768 | ((${counter})::bigint & 16383)) || right(gen_random_uuid()::text, 12))::uuid`;
}

/** A long random token (two v4 UUIDs: 244 random bits), for unsubscribe links. */
export const randomTokenSql = sql`replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', '')`;

interface TGateRefs {
  customerId: SQL;
  storeId: SQL;
  /** The message channel as text. */
  channel: SQL;
  /** The purpose as text. */
  purpose: SQL;
}

const inboxConsentChannels = sql.raw(INBOX_CONSENT_CHANNELS.map((c) => `'${c}'`).join(', '));

/** Which consent rows speak for a message channel: its own, or for the portal inbox any messaging channel. */
const channelMatches = (r: TGateRefs) => sql`(k.channel::text = ${r.channel} or (${r.channel} = 'inbox' and k.channel::text in (${inboxConsentChannels})))`;

/**
 * The consent verdict of a row, as a lateral join (alias `kc`, columns `consent_ok` and `unsubscribed`): one index
 * probe of the customer's consents per row. (As EXISTS expressions in a select list, the planner may instead hash
 * all of customer_consents for each one: seconds for a few thousand messages.)
 *
 * Marketing needs a granted marketing consent for the channel. A service notice needs a service relationship (a
 * vehicle or a repair order with the store) or a granted service consent, and no explicit service refusal.
 * `unsubscribed`: the refusal came from an unsubscribe link (reported as `unsubscribed` rather than `no_consent`).
 */
export function consentJoinSql(r: TGateRefs): SQL {
  const any = (cond: SQL) => sql`coalesce(bool_or(${cond}), false)`;
  return sql`left join lateral (
      select
        case when ${r.purpose} = 'marketing' then ${any(sql`k.purpose = 'marketing' and k.granted and ${channelMatches(r)}`)}
        else not ${any(sql`k.purpose = 'service' and not k.granted and k.channel::text = ${r.channel}`)}
          and (${any(sql`k.purpose = 'service' and k.granted and ${channelMatches(r)}`)}
            or exists (select 1 from vehicles v where v.customer_id = ${r.customerId} and v.store_id = ${r.storeId})
            or exists (select 1 from repair_orders ro where ro.customer_id = ${r.customerId} and ro.store_id = ${r.storeId}))
        end as consent_ok,
        ${any(sql`k.purpose::text = ${r.purpose} and not k.granted and k.source = ${UNSUBSCRIBE_SOURCE} and ${channelMatches(r)}`)} as unsubscribed
      from customer_consents k where k.customer_id = ${r.customerId}
    ) kc on true`;
}

/** The customer's address on a channel (`c` is the customers row); the portal inbox is reached through the mobile login. */
export function addressSql(channel: SQL): SQL {
  return sql`(case ${channel} when 'sms' then c.mobile when 'email' then c.email when 'wechat' then c.wechat_openid else c.mobile end)`;
}

/**
 * Quiet hours at instant `at` in time zone `tz` with a [start, end) local period that may wrap midnight
 * (21:00–08:00). `until` is the end of the period the instant falls in, as an instant.
 */
export function quietSql(at: SQL, tz: SQL, start: SQL, end: SQL): { inQuiet: SQL; until: SQL } {
  const local = sql`(${at} at time zone ${tz})`;
  const lt = sql`${local}::time`;
  return {
    inQuiet: sql`(case when ${start} = ${end} then false
      when ${start} > ${end} then (${lt} >= ${start} or ${lt} < ${end})
      else (${lt} >= ${start} and ${lt} < ${end}) end)`,
    until: sql`(case when ${start} > ${end} and ${lt} >= ${start}
      then ((${local}::date + 1) + ${end}) at time zone ${tz}
      else (${local}::date + ${end}) at time zone ${tz} end)`,
  };
}

/** Settings columns of a store (`ms` is its messaging_settings row, possibly absent). */
export const settingsSql = {
  quietStart: sql`coalesce(ms.quiet_start, ${D.quietStart}::time)`,
  quietEnd: sql`coalesce(ms.quiet_end, ${D.quietEnd}::time)`,
  cap: sql`coalesce(ms.marketing_cap, ${D.marketingCap}::int)`,
  windowDays: sql`coalesce(ms.cap_window_days, ${D.capWindowDays}::int)`,
  maxAttempts: sql`coalesce(ms.max_attempts, ${D.maxAttempts}::int)`,
};

const lit = (s: string) => sql`${s}::text`;

/**
 * Renders a template text in SQL for the row of CTE `r` (columns customer_name, plate, model_name, store_name,
 * store_phone, vars jsonb, unsubscribe_link): every catalogue variable under its Chinese name and its alias, then
 * the extra `keys` from `vars`, then any `{{name}}` still left is removed.
 */
export function renderSql(text: SQL, keys: readonly string[]): SQL {
  const builtIn: Record<string, SQL> = {
    客户姓名: sql`r.customer_name`,
    车牌: sql`r.plate`,
    车型: sql`r.model_name`,
    到期日期: sql`null::text`,
    门店名称: sql`r.store_name`,
    门店电话: sql`r.store_phone`,
    退订链接: sql`r.unsubscribe_link`,
  };
  let e = text;
  for (const v of TEMPLATE_VARIABLES) {
    const value = sql`coalesce(r.vars ->> ${lit(v.key)}, r.vars ->> ${lit(v.alias)}, ${builtIn[v.key]!}, '')`;
    e = sql`replace(replace(${e}, ${lit(`{{${v.key}}}`)}, ${value}), ${lit(`{{${v.alias}}}`)}, ${value})`;
  }
  const catalogue = new Set<string>(TEMPLATE_VARIABLES.flatMap((v) => [v.key, v.alias]));
  for (const k of keys) {
    if (catalogue.has(k)) continue;
    e = sql`replace(${e}, ${lit(`{{${k}}}`)}, coalesce(r.vars ->> ${lit(k)}, ''))`;
  }
  return sql`regexp_replace(${e}, '\\{\\{[^{}]*\\}\\}', '', 'g')`;
}

/**
 * The rendered body of row `r` (which also has t_body, t_locale): a marketing message whose template does not place
 * `{{退订链接}}` itself gets a last line with the link, so that no marketing message goes out without one.
 */
export function renderBodySql(keys: readonly string[], marketing: boolean): SQL {
  const body = renderSql(sql`r.t_body`, keys);
  if (!marketing) return body;
  return sql`(${body} || case when r.unsubscribe_link is not null and position('{{退订链接}}' in r.t_body) = 0 and position('{{unsubscribeLink}}' in r.t_body) = 0
    then case when r.t_locale = 'en-US' then E'\\nUnsubscribe: ' else E'\\n退订请点击 ' end || r.unsubscribe_link else '' end)`;
}

/** How the template of each row is found. */
export type TTemplateSource =
  | { kind: 'id'; id: string }
  | { kind: 'code'; code: string; locale: TTemplateLocale }
  | { kind: 'inline'; subject: string; body: string; locale: TTemplateLocale };

export interface TGatedInsert {
  /** `select customer_id, vehicle_id, firing_key, vars` — one message per distinct customer. */
  audience: SQL;
  channel: TMessageChannel;
  purpose: TMessagePurpose;
  template: TTemplateSource;
  /** Values for every row (a row's own `vars` win). */
  vars: Record<string, string>;
  /** Extra variable names the rows' `vars` may carry (catalogue names are always rendered). */
  rowVarKeys: readonly string[];
  /** The instant the sender asks for (now, or later). */
  at: Date;
  now: Date;
  sourceRuleId: string | null;
  createdBy: string | null;
  publicUrl: string;
  /** A message the recipient just asked for (sign-in code): no consent or quiet-hours hold (see the column). */
  requestedByRecipient?: boolean;
}

/** The lateral subquery choosing the template of a row (`c` = customer). */
function templateSql(t: TTemplateSource, channel: SQL, purpose: SQL): SQL {
  if (t.kind === 'inline') return sql`select null::uuid as id, ${t.subject}::text as subject, ${t.body}::text as body, ${t.locale}::text as locale`;
  if (t.kind === 'id') {
    return sql`select mt.id, mt.subject, mt.body, mt.locale::text as locale from message_templates mt
      where mt.id = ${t.id}::uuid and mt.active and mt.channel::text = ${channel} and mt.purpose::text = ${purpose}
        and (mt.store_id is null or mt.store_id = c.store_id)`;
  }
  // A store's own template beats the group's; the asked-for language beats Chinese, which beats any other.
  return sql`select mt.id, mt.subject, mt.body, mt.locale::text as locale from message_templates mt
    where mt.code = ${t.code} and mt.active and mt.channel::text = ${channel} and mt.purpose::text = ${purpose}
      and (mt.store_id is null or mt.store_id = c.store_id)
    order by (mt.locale::text = ${t.locale}) desc, (mt.store_id is not null) desc, (mt.locale = 'zh-CN') desc
    limit 1`;
}

/**
 * One INSERT … SELECT that gates, renders and stores a message per audience row (firing keys make it idempotent);
 * returns the rows it inserted. Marketing rows that pass get the customer's live unsubscribe link (minted here
 * when there is none yet) and, when the template does not place `{{退订链接}}` itself, a line with it at the end.
 */
export function gatedInsertSql(o: TGatedInsert): SQL {
  const ch = sql`${o.channel}::text`;
  const pu = sql`${o.purpose}::text`;
  const at = sql`${o.at.toISOString()}::timestamptz`;
  const now = sql`${o.now.toISOString()}::timestamptz`;
  const refs: TGateRefs = { customerId: sql`c.id`, storeId: sql`c.store_id`, channel: ch, purpose: pu };
  const q = quietSql(at, sql`s.timezone`, settingsSql.quietStart, settingsSql.quietEnd);
  const marketing = o.purpose === 'marketing';
  const keys = [...new Set([...Object.keys(o.vars), ...o.rowVarKeys])];
  const passes = sql`(g.reason is null or g.reason = 'quiet_hours')`;
  // DO UPDATE (a no-op on the token) rather than DO NOTHING so that RETURNING yields the live token of every row,
  // new or existing, without reading the table back (rows inserted by this statement would be scanned, invisibly).
  const tokens = marketing
    ? sql`,
      tok as (
        insert into message_unsubscribe_tokens (id, token, customer_id, store_id, channel, created_at)
        select ${uuidv7Sql(sql`row_number() over ()`, o.now.getTime())}, ${randomTokenSql}, g.customer_id, g.store_id, ${ch}::message_channel, ${now}
        from g where ${passes}
        on conflict (customer_id, channel) where revoked_at is null do update set token = message_unsubscribe_tokens.token
        returning customer_id, token
      )`
    : sql`, tok as (select null::uuid as customer_id, null::text as token where false)`;
  const link = sql`case when tok.token is not null then ${o.publicUrl.replace(/\/+$/, '') + UNSUBSCRIBE_PATH}::text || tok.token end`;
  return sql`
    with aud as (
      select distinct on (a.customer_id) a.customer_id::uuid as customer_id, a.vehicle_id::uuid as vehicle_id,
        a.firing_key::text as firing_key, coalesce(a.vars::jsonb, '{}'::jsonb) as vars
      from (${o.audience}) a
      order by a.customer_id, a.firing_key
    ),
    -- Materialized, b and g: each check (consent, cap) is evaluated once per row. Inlined, every later mention of
    -- consent_ok or reason copies its subqueries, and the planner hashes all of customer_consents for each copy.
    b as materialized (
      select aud.customer_id, c.store_id, aud.firing_key, ${JSON.stringify(o.vars)}::jsonb || aud.vars as vars,
        c.name as customer_name, s.name as store_name, s.phone as store_phone,
        veh.plate, veh.model_name, tpl.id as template_id, tpl.subject as t_subject, tpl.body as t_body, tpl.locale as t_locale,
        nullif(${addressSql(ch)}, '') as address,
        ${o.requestedByRecipient ? sql`true` : sql`kc.consent_ok`} as consent_ok, kc.unsubscribed,
        ${settingsSql.cap} as cap, ${settingsSql.windowDays} as window_days,
        ${o.requestedByRecipient ? sql`false` : q.inQuiet} as in_quiet, ${q.until} as quiet_until
      from aud
      join customers c on c.id = aud.customer_id and c.status = 'active'
      join stores s on s.id = c.store_id
      left join messaging_settings ms on ms.store_id = c.store_id
      left join lateral (
        select v.plate, nullif(concat_ws(' ', vm.brand, vm.series, vm.name), '') as model_name
        from vehicles v left join vehicle_models vm on vm.id = v.model_id
        where v.customer_id = c.id and (aud.vehicle_id is null or v.id = aud.vehicle_id)
        order by (v.status = 'in_use') desc, v.delivery_date desc nulls last, v.created_at desc
        limit 1
      ) veh on true
      join lateral (${templateSql(o.template, ch, pu)}) tpl on true
      ${consentJoinSql(refs)}
    ),
    p as (
      select b.*, case when b.in_quiet then b.quiet_until else ${at} end as planned from b
    ),
    g as materialized (
      select p.*, case
        when not p.consent_ok and p.unsubscribed then 'unsubscribed'
        when not p.consent_ok then 'no_consent'
        when p.address is null then 'no_address'
        when ${pu} = 'marketing' and (
          select count(*) from messages o
          where o.customer_id = p.customer_id and o.purpose = 'marketing' and o.status in ('queued', 'deferred', 'sent')
            and o.scheduled_at > p.planned - make_interval(days => p.window_days)
            and o.scheduled_at < p.planned + make_interval(days => p.window_days)
        ) >= p.cap then 'frequency_cap'
        when p.in_quiet then 'quiet_hours'
      end as reason
      from p
    )${tokens},
    r as (
      select g.*, ${link} as unsubscribe_link from g left join tok on tok.customer_id = g.customer_id
    )
    insert into messages (id, customer_id, store_id, channel, purpose, template_id, to_address, subject, body, status,
      suppression_reason, scheduled_at, next_attempt_at, attempts, source_rule_id, firing_key, created_by, requested_by_recipient, created_at, updated_at)
    select ${uuidv7Sql(sql`row_number() over ()`, o.now.getTime())}, r.customer_id, r.store_id, ${ch}::message_channel, ${pu}::message_purpose,
      r.template_id, r.address, ${renderSql(sql`r.t_subject`, keys)}, ${renderBodySql(keys, marketing)},
      (case when r.reason is null then 'queued' when r.reason = 'quiet_hours' then 'deferred' else 'suppressed' end)::message_status,
      r.reason::message_suppression,
      case when r.reason is null or r.reason = 'quiet_hours' then r.planned else ${at} end,
      case when r.reason is null or r.reason = 'quiet_hours' then r.planned end,
      0, ${o.sourceRuleId}::uuid, r.firing_key, ${o.createdBy}::uuid, ${o.requestedByRecipient ?? false}::boolean, ${now}, ${now}
    from r
    order by r.customer_id
    on conflict (firing_key) where firing_key is not null do nothing
    returning id, customer_id, firing_key, status, suppression_reason`;
}

/**
 * Claims up to `limit` due messages for sending (SKIP LOCKED, so parallel workers take different rows), re-running
 * the consent, address and quiet-hours checks at send time: consent withdrawn overnight suppresses a deferred
 * message, a retry that falls into quiet hours waits again. Rows that pass get a lease and one more attempt.
 */
export function claimDueSql(o: { now: Date; limit: number; leaseUntil: Date }): SQL {
  const now = sql`${o.now.toISOString()}::timestamptz`;
  const refs: TGateRefs = { customerId: sql`due.customer_id`, storeId: sql`due.store_id`, channel: sql`due.channel::text`, purpose: sql`due.purpose::text` };
  const q = quietSql(now, sql`s.timezone`, settingsSql.quietStart, settingsSql.quietEnd);
  return sql`
    with due as (
      select m.id, m.customer_id, m.store_id, m.channel, m.purpose, m.requested_by_recipient from messages m
      where m.status in ('queued', 'deferred') and m.next_attempt_at <= ${now}
        and (m.locked_until is null or m.locked_until <= ${now})
      order by m.next_attempt_at
      limit ${o.limit}
      for update skip locked
    ),
    chk as materialized (
      select due.id, c.status::text as customer_status, nullif(${addressSql(sql`due.channel::text`)}, '') as address,
        (due.requested_by_recipient or kc.consent_ok) as consent_ok, kc.unsubscribed,
        (not due.requested_by_recipient and ${q.inQuiet}) as in_quiet, ${q.until} as quiet_until, ${settingsSql.maxAttempts} as max_attempts
      from due
      join customers c on c.id = due.customer_id
      join stores s on s.id = due.store_id
      left join messaging_settings ms on ms.store_id = due.store_id
      ${consentJoinSql(refs)}
    ),
    r as (
      select chk.*, case
        when chk.customer_status <> 'active' then 'no_address'
        when not chk.consent_ok and chk.unsubscribed then 'unsubscribed'
        when not chk.consent_ok then 'no_consent'
        when chk.address is null then 'no_address'
        when chk.in_quiet then 'quiet_hours'
      end as reason
      from chk
    )
    update messages m set
      status = case when r.reason is null then m.status when r.reason = 'quiet_hours' then 'deferred'::message_status else 'suppressed'::message_status end,
      suppression_reason = coalesce(r.reason::message_suppression, m.suppression_reason),
      next_attempt_at = case when r.reason is null then m.next_attempt_at when r.reason = 'quiet_hours' then r.quiet_until end,
      locked_until = case when r.reason is null then ${o.leaseUntil.toISOString()}::timestamptz end,
      attempts = m.attempts + case when r.reason is null then 1 else 0 end,
      to_address = case when r.reason is null then r.address else m.to_address end,
      updated_at = ${now}
    from r
    where m.id = r.id
    returning m.id, m.customer_id, m.store_id, m.channel, m.purpose, m.to_address, m.subject, m.body, m.attempts,
      m.locked_until, r.reason, r.max_attempts`;
}
