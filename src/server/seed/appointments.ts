import { sql } from 'drizzle-orm';
import type { TDbOrTx } from '../db/index.js';
import { appointmentSettings, type TWeekHours } from '../modules/service/appointments/schema.js';
import { DEFAULT_APPOINTMENT_SETTINGS } from '../modules/service/appointments/rules.js';
import type { stores } from '../modules/org/schema.js';

const weekdays = (open: string, close: string, weekend: { open: string; close: string } | null): TWeekHours => [
  ...Array.from({ length: 5 }, () => ({ open, close })),
  weekend,
  weekend,
];

/** Each demo store's workshop: the flagship store has more bays; the Tianjin store closes early at weekends. */
const DEMO_SETTINGS: Record<string, { bays: number; technicians: number; hours: TWeekHours }> = {
  'BJ-LH': { bays: 6, technicians: 5, hours: weekdays('08:30', '17:30', { open: '09:00', close: '17:00' }) },
  'TJ-LH': { bays: 4, technicians: 4, hours: weekdays('08:30', '17:30', { open: '09:00', close: '15:00' }) },
  'BJ-JG': { bays: 5, technicians: 3, hours: weekdays('09:00', '18:00', { open: '09:00', close: '18:00' }) },
};

/** Saves the demo stores' appointment settings (30-minute slots, their bays, technicians and hours). */
export async function seedAppointmentSettings(db: TDbOrTx, demoStores: (typeof stores.$inferSelect)[]): Promise<void> {
  for (const s of demoStores) {
    const d = DEMO_SETTINGS[s.code];
    if (!d) continue;
    await db
      .insert(appointmentSettings)
      .values({ storeId: s.id, ...DEFAULT_APPOINTMENT_SETTINGS, ...d })
      .onConflictDoNothing();
  }
}

const kindCase = (h: string) => {
  // 保养 most often, then 维修, 检测, 首保, 保修.
  const weights: [string, number][] = [
    ['maintenance', 0.55],
    ['repair', 0.2],
    ['inspection', 0.1],
    ['first_service', 0.1],
    ['warranty', 0.05],
  ];
  let acc = 0;
  const parts = weights.map(([k, w]) => {
    acc += w;
    return `when ${h} < ${acc.toFixed(2)} then '${k}'`;
  });
  return `(case ${parts.join(' ')} else 'maintenance' end)::ro_kind`;
};

const NOTES = ['', '', '', '顺便检查空调', '仪表盘保养灯亮了', '带保养券', '右后轮有异响', '希望等待期间洗车', '需要代步车', '雨刮片更换'];

/**
 * The demo's appointments, set-based: two weeks back and a week ahead, about three quarters of each store's slots
 * taken once (never above capacity), each by a different car in use. Past ones are mostly checked in, some no-shows
 * and cancellations; today's earlier slots have arrived; the rest are booked. Deterministic for a seed; does nothing
 * when appointments exist.
 */
export async function seedDemoAppointments(db: TDbOrTx, opts: { asOf: Date; seed?: number }): Promise<number> {
  const existing = await db.execute<{ present: boolean }>(sql`select exists (select 1 from appointments) as present`);
  if (existing.rows[0]?.present) return 0;
  const seed = opts.seed ?? 2026;
  const at = opts.asOf.toISOString();
  const u = (expr: string, salt: string) => `(('x' || substr(md5(${expr} || '${salt}${seed}'), 1, 8))::bit(32)::int::bigint + 2147483648) / 4294967296.0`;
  const notes = `(array[${NOTES.map((n) => `'${n}'`).join(',')}])[1 + floor(${u('p.vehicle_id::text', 'note')} * ${NOTES.length})::int]`;
  const res = await db.execute(
    sql.raw(`
    with cfg as (
      select s.id as store_id, s.timezone, coalesce(a.slot_minutes, 30) as slot_minutes, coalesce(a.hours, '${JSON.stringify(DEFAULT_APPOINTMENT_SETTINGS.hours)}'::jsonb) as hours,
        (('${at}'::timestamptz) at time zone s.timezone)::date as today
      from stores s left join appointment_settings a on a.store_id = s.id
    ),
    days as (
      select c.*, (c.today + d.i) as day, d.i from cfg c cross join generate_series(-14, 7) as d(i)
    ),
    open_days as (
      select d.*, d.hours -> ((extract(isodow from d.day)::int - 1)) as h from days d
    ),
    slots as (
      select o.store_id, o.timezone, o.day, o.i, o.slot_minutes,
        ((o.day + (o.h ->> 'open')::time + make_interval(mins => k * o.slot_minutes)) at time zone o.timezone) as slot_start,
        -- Days nearest today first, so a small demo (few cars) still has a full board this week.
        row_number() over (partition by o.store_id order by abs(o.i), o.i desc, k) as rn
      from open_days o
      cross join lateral generate_series(0, 40) as k
      where o.h is not null and jsonb_typeof(o.h) = 'object'
        and (o.h ->> 'open')::time + make_interval(mins => (k + 1) * o.slot_minutes) <= (o.h ->> 'close')::time
        and ${u(`o.store_id::text || o.day::text || k::text`, 'take')} < 0.75
    ),
    cars as (
      select v.id, v.customer_id, v.store_id, c.service_advisor_id,
        row_number() over (partition by v.store_id order by md5(v.id::text || '${seed}')) as rn
      from vehicles v join customers c on c.id = v.customer_id and c.status = 'active'
      where v.status = 'in_use'
        and not exists (select 1 from appointments x where x.vehicle_id = v.id)
    ),
    picked as (
      select s.*, v.id as vehicle_id, v.customer_id, v.service_advisor_id, ${u('v.id::text', 'fate')} as fate,
        least(s.slot_start - make_interval(days => 1 + floor(${u('v.id::text', 'lead')} * 6)::int), '${at}'::timestamptz - interval '2 hours') as booked_at,
        row_number() over () as n
      from slots s join cars v on v.store_id = s.store_id and v.rn = s.rn
    )
    insert into appointments (id, store_id, customer_id, vehicle_id, kind, status, slot_start, slot_end, local_date, note, source,
      advisor_id, checked_in_at, cancelled_at, cancel_reason, no_show_at, reminded_at, created_at, updated_at)
    select (lpad(to_hex(floor(extract(epoch from p.booked_at) * 1000)::bigint), 12, '0') || '7' || lpad(to_hex((p.n >> 14) & 4095), 3, '0')
        || to_hex(32768 | (p.n & 16383)) || right(gen_random_uuid()::text, 12))::uuid, p.store_id, p.customer_id, p.vehicle_id, ${kindCase(u('p.vehicle_id::text', 'kind'))},
      (case
        when p.slot_start >= '${at}'::timestamptz then (case when p.fate < 0.05 then 'cancelled' else 'booked' end)
        when p.fate < 0.10 then 'cancelled'
        when p.fate < 0.22 and p.slot_start + make_interval(mins => p.slot_minutes + 30) < '${at}'::timestamptz then 'no_show'
        else 'checked_in' end)::appointment_status as status,
      p.slot_start, p.slot_start + make_interval(mins => p.slot_minutes), p.day, ${notes},
      (case when ${u('p.vehicle_id::text', 'src')} < 0.35 then 'portal' else 'console' end)::appointment_source,
      p.service_advisor_id,
      case when p.slot_start < '${at}'::timestamptz and p.fate >= 0.22 then p.slot_start - interval '4 minutes' end,
      case when p.fate < 0.10 or (p.slot_start >= '${at}'::timestamptz and p.fate < 0.05) then p.slot_start - interval '1 day' end,
      case when p.fate < 0.10 or (p.slot_start >= '${at}'::timestamptz and p.fate < 0.05) then '客户临时有事' else '' end,
      case when p.slot_start < '${at}'::timestamptz and p.fate >= 0.10 and p.fate < 0.22 and p.slot_start + make_interval(mins => p.slot_minutes + 30) < '${at}'::timestamptz
        then p.slot_start + make_interval(mins => p.slot_minutes + 30) end,
      case when p.i < 0 then p.slot_start - interval '1 day' end,
      p.booked_at, p.booked_at
    from picked p
    on conflict do nothing`),
  );
  return res.rowCount ?? 0;
}
