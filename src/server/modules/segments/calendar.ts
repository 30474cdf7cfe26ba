/**
 * The facts that move with the calendar, as expressions over stored anchors: vehicle age and estimated mileage,
 * customer churn risk and score, highest estimated mileage, trade-in candidate, score and reasons. One definition,
 * used by the refresh when it computes a customer from the records, by the daily calendar sweep, which brings the
 * stored ones (churn risk, trade-in candidate and score: indexed, filtered on by lists and rules) up to date from the
 * anchors alone, and by every reader of the others (API, segment conditions, rules), which compute them for their
 * day. A full refresh after a sweep therefore changes nothing — the property `calendar.test.ts` checks day by day.
 */
import { sql, type SQL } from 'drizzle-orm';

/** Vehicle age in years to 0.1, counted from the delivery (or purchase) day. */
export function ageYearsSql(today: SQL | string, baseDay: SQL): SQL {
  return sql`round((${today}::date - ${baseDay}) / 365.25, 1)`;
}

/** Estimated mileage on `today`: the straight line from the anchor, to the nearest 1,000 km; before the anchor, the anchor. */
export function estimatedKmSql(today: SQL | string, anchorKm: SQL, kmPerDay: SQL, anchorDay: SQL): SQL {
  return sql`(round((${anchorKm} + ${kmPerDay}::float8 * greatest(0, ${today}::date - ${anchorDay})) / 1000) * 1000)::int`;
}

/** The same line unrounded (to pick the vehicle with the highest estimate). */
export function estimatedKmRawSql(today: SQL | string, anchorKm: SQL, kmPerDay: SQL, anchorDay: SQL): SQL {
  return sql`(${anchorKm} + ${kmPerDay}::float8 * greatest(0, ${today}::date - ${anchorDay}))`;
}

/** The customer columns (alias-qualified) the calendar values are computed from. */
export interface TCalendarAnchors {
  vehicleCount: SQL;
  oldestVehicleDay: SQL;
  kmAnchorKm: SQL;
  kmAnchorDay: SQL;
  kmPerDay: SQL;
  tradeInBase: SQL;
  tradeInAgeYears: SQL;
  tradeInMileageKm: SQL;
  churnSince: SQL;
  churnMediumDays: SQL;
  churnHighDays: SQL;
  otherReasons: SQL;
  otherHit: SQL;
}

/** The anchors of `customer_facts` under an alias. */
export function storedAnchors(alias: string): TCalendarAnchors {
  const c = (name: string) => sql.raw(`${alias}.${name}`);
  return {
    vehicleCount: c('vehicle_count'),
    oldestVehicleDay: c('oldest_vehicle_day'),
    kmAnchorKm: c('km_anchor_km'),
    kmAnchorDay: c('km_anchor_day'),
    kmPerDay: c('km_per_day'),
    tradeInBase: c('trade_in_base'),
    tradeInAgeYears: c('trade_in_age_years'),
    tradeInMileageKm: c('trade_in_mileage_km'),
    churnSince: c('churn_since'),
    churnMediumDays: c('churn_medium_days'),
    churnHighDays: c('churn_high_days'),
    otherReasons: c('trade_in_other_reasons'),
    otherHit: c('trade_in_other_hit'),
  };
}

/** The oldest car in use, in years to 0.1 (null without a delivery or purchase date). */
export function maxAgeSql(today: SQL | string, a: TCalendarAnchors): SQL {
  return sql`(round((${today}::date - ${a.oldestVehicleDay}) / 36.525) / 10)`;
}

/** The highest estimated mileage among the cars in use. */
export function maxKmSql(today: SQL | string, a: TCalendarAnchors): SQL {
  return estimatedKmSql(today, a.kmAnchorKm, a.kmPerDay, a.kmAnchorDay);
}

/** The car's age reaches the store's trade-in age. */
export function ageHitSql(today: SQL | string, a: TCalendarAnchors): SQL {
  return sql`coalesce(${maxAgeSql(today, a)} >= ${a.tradeInAgeYears}, false)`;
}

/** The highest estimated mileage reaches the store's trade-in mileage. */
export function kmHitSql(today: SQL | string, a: TCalendarAnchors): SQL {
  return sql`coalesce(${maxKmSql(today, a)} >= ${a.tradeInMileageKm}, false)`;
}

/**
 * Trade-in score 0–100: 40 for age (full at the trade-in age), 30 for mileage (full at the trade-in mileage), and the
 * stored part for repairs and intent. An unknown age or mileage adds nothing.
 */
export function tradeInScoreSql(today: SQL | string, a: TCalendarAnchors): SQL {
  return sql`(case when ${a.vehicleCount} = 0 then 0 else least(100, round(
      40 * least(1, coalesce(${maxAgeSql(today, a)}, 0) / greatest(${a.tradeInAgeYears}::float8, 0.01))
    + 30 * least(1, coalesce(${maxKmSql(today, a)}, 0)::float8 / greatest(${a.tradeInMileageKm}, 1))
    + ${a.tradeInBase}::float8))::int end)`;
}

/** Churn score 0–100 in steps of 5: days since the last sign of life over the high-churn days. */
export function churnScoreSql(today: SQL | string, a: TCalendarAnchors): SQL {
  return sql`(case when ${a.vehicleCount} = 0 or ${a.churnSince} is null then 0
    else least(100, greatest(0, 5 * floor(20.0 * (${today}::date - ${a.churnSince}) / greatest(${a.churnHighDays}, 1))))::int end)`;
}

/** Churn risk: high or medium from the store's day thresholds since the last sign of life; low without a car in use. */
export function churnRiskSql(today: SQL | string, a: TCalendarAnchors): SQL {
  return sql`(case when ${a.vehicleCount} = 0 or ${a.churnSince} is null then 'low'::churn_risk
    when ${today}::date - ${a.churnSince} >= ${a.churnHighDays} then 'high'::churn_risk
    when ${today}::date - ${a.churnSince} >= ${a.churnMediumDays} then 'medium'::churn_risk else 'low'::churn_risk end)`;
}

/** A trade-in candidate: a car in use and any criterion met (age, mileage, or the stored repairs / intent ones). */
export function tradeInCandidateSql(today: SQL | string, a: TCalendarAnchors): SQL {
  return sql`(${a.vehicleCount} > 0 and (${ageHitSql(today, a)} or ${kmHitSql(today, a)} or ${a.otherHit}))`;
}

/** The trade-in reasons in words: age and mileage (when they reach the thresholds), then the stored ones. */
export function tradeInReasonsSql(today: SQL | string, a: TCalendarAnchors): SQL {
  return sql`(case when ${a.vehicleCount} = 0 then '{}'::text[] else array_remove(array[
      case when ${ageHitSql(today, a)} then '车龄 ' || to_char(${maxAgeSql(today, a)}, 'FM9990.0') || ' 年' end,
      case when ${kmHitSql(today, a)} then '预计 ' || to_char(${maxKmSql(today, a)}, 'FM999,999,990') || ' km' end
    ], null) || ${a.otherReasons} end)`;
}

/** `d` as a day a value changes, no earlier than tomorrow (what is due today has just been computed); null stays null. */
export function fromTomorrowSql(today: SQL | string, d: SQL): SQL {
  return sql`(case when ${d} is not null then greatest(${d}, ${today}::date + 1) end)`;
}

/**
 * The next day the estimate's rounded value (to 1,000 km) steps: the straight line reaching the next 500-km mark —
 * solved in floating point, so the day before is checked with the very expression that computes the value — or the
 * anchor day itself when the line has not started yet. Null for a line that does not rise.
 */
function nextKmStepSql(today: SQL | string, anchorKm: SQL, kmPerDay: SQL, anchorDay: SQL): SQL {
  const e = estimatedKmRawSql(today, anchorKm, kmPerDay, anchorDay);
  const d = sql`(${anchorDay} + least(36500, greatest(0, ceil(((round(${e} / 1000) + 0.5) * 1000 - ${anchorKm}) / ${kmPerDay}::float8)))::int)`;
  const at = (day: SQL) => estimatedKmSql(day, anchorKm, kmPerDay, anchorDay);
  return sql`(case when ${anchorDay} > ${today}::date then ${anchorDay}
    when ${kmPerDay} > 0 then (case when ${at(sql`(${d} - 1)`)} <> ${estimatedKmSql(today, anchorKm, kmPerDay, anchorDay)} then ${d} - 1 else ${d} end) end)`;
}

/**
 * The next day the age or mileage part of the trade-in score can move: the oldest car's age reaching its next 0.1 year
 * or the leading estimate its next 1,000 km, as long as each is below its trade-in threshold (beyond, neither that part
 * of the score nor the candidate moves). Between two such days the score and the candidate stay as they are.
 */
function nextScoreStepSql(day: SQL | string, a: TCalendarAnchors): SQL {
  const age = sql`round((${day}::date - ${a.oldestVehicleDay}) / 36.525)`;
  return sql`least(
      ${fromTomorrowSql(day, sql`case when not ${ageHitSql(day, a)} then ${a.oldestVehicleDay} + ceil((${age} + 0.5) * 36.525)::int end`)},
      ${fromTomorrowSql(day, sql`case when not ${kmHitSql(day, a)} then ${nextKmStepSql(day, a.kmAnchorKm, a.kmPerDay, a.kmAnchorDay)} end`)}
    )`;
}

/** Score steps `sweepOnSql` checks ahead; if none of them changes a value, the step after them is the day. */
const SWEEP_LOOKAHEAD = 3;

/**
 * The first day a swept value (churn risk, trade-in candidate, trade-in score) changes, so that the sweep skips every
 * other row: a churn threshold, or the first of the next score steps (see nextScoreStepSql) on which the rounded score
 * or the candidate differs from today's. A step that changes nothing (at the default 80,000 km a 1,000 km step is
 * 30 × 1,000 / 80,000 = 0.375 of a point) is skipped: the next `SWEEP_LOOKAHEAD` steps are each computed once, in a
 * correlated subquery whose `offset 0` levels keep PostgreSQL from pasting each day's expression into the next; when
 * none of them changes a value, the step after them is the day (checked then). Never later than the change; null =
 * never.
 */
export function sweepOnSql(today: SQL | string, a: TCalendarAnchors): SQL {
  const cd = sql`(${today}::date - ${a.churnSince})`;
  // Today's score and candidate are computed once, beside the first step, and each step is compared with them.
  const same = (day: SQL) => sql`${tradeInScoreSql(day, a)} = sw1.score and ${tradeInCandidateSql(day, a)} = sw1.candidate`;
  const e = (i: number) => sql.raw(`sw${i}.d`);
  const levels: SQL[] = [sql`(select ${nextScoreStepSql(today, a)} as d, ${tradeInScoreSql(today, a)} as score, ${tradeInCandidateSql(today, a)} as candidate offset 0) sw1`];
  for (let i = 2; i <= SWEEP_LOOKAHEAD + 1; i++) levels.push(sql`cross join lateral (select ${nextScoreStepSql(e(i - 1), a)} as d offset 0) ${sql.raw(`sw${i}`)}`);
  const arms: SQL[] = [];
  for (let i = 1; i <= SWEEP_LOOKAHEAD; i++) arms.push(sql`when ${e(i)} is null then null when not (${same(e(i))}) then ${e(i)}`);
  const scoreDay = sql`(select case ${sql.join(arms, sql` `)} else ${e(SWEEP_LOOKAHEAD + 1)} end from ${sql.join(levels, sql` `)})`;
  return sql`(case when ${a.vehicleCount} > 0 then least(
      ${fromTomorrowSql(today, sql`case when ${cd} < ${a.churnMediumDays} then ${a.churnSince} + ${a.churnMediumDays} end`)},
      ${fromTomorrowSql(today, sql`case when ${cd} < ${a.churnHighDays} then ${a.churnSince} + ${a.churnHighDays} end`)},
      ${scoreDay}
    ) end)`;
}

/**
 * The calendar values computed when read, as select fields over `customer_facts` (by table name, or an alias): churn
 * score, highest estimated mileage, trade-in reasons (age and mileage ones first).
 */
export function liveCustomerFields(today: string, alias = 'customer_facts') {
  const a = storedAnchors(alias);
  return {
    churnScore: sql<number>`${churnScoreSql(today, a)}`.mapWith(Number),
    maxEstimatedMileageKm: sql<number | null>`${maxKmSql(today, a)}`,
    tradeInReasons: sql<string[]>`${tradeInReasonsSql(today, a)}`,
  };
}

/** The same for `vehicle_facts`: age in years to 0.1 and estimated mileage to 1,000 km. */
export function liveVehicleFields(today: string, alias = 'vehicle_facts') {
  const c = (name: string) => sql.raw(`${alias}.${name}`);
  return {
    ageYears: sql<number | null>`${ageYearsSql(today, c('base_day'))}`.mapWith(Number),
    estimatedMileageKm: sql<number | null>`${vehicleEstimatedKmSql(today, alias)}`,
  };
}

/** A vehicle's estimated mileage from its facts row (alias `vf` in segment conditions and rules). */
export function vehicleEstimatedKmSql(today: SQL | string, alias = 'vf'): SQL {
  const c = (name: string) => sql.raw(`${alias}.${name}`);
  return estimatedKmSql(today, c('est_anchor_km'), c('km_per_day'), c('est_anchor_day'));
}
