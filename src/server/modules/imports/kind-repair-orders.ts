import { sql, type SQL } from 'drizzle-orm';
import { normalizeMobile, validatePlate, validateVin } from '../../../contracts/validators.js';
import {
  ACTION_SQL,
  changedSql,
  countOf,
  createOwnersSql,
  duplicateReason,
  insertNewThenUpsert,
  setExcludedSql,
  timedWrite,
  uuidv7Sql,
  type KindSpec,
  type StageValue,
} from './kinds.js';
import { cellText, isNoPlate, parseDateTime, parseDocNo, parseFaultCodes, parseKm, parseRoKind, parseText, parseYuan } from './parse.js';

/** Columns an RO upsert compares and sets: a re-import that changes none of them leaves the row untouched. */
const COMPARED = ['customer_id', 'vehicle_id', 'advisor_id', 'kind', 'mileage_km', 'labour_fen', 'parts_fen', 'fault_codes', 'stage', 'opened_at', 'closed_at'] as const;

/**
 * Repair orders, keyed by (store, RO number). The vehicle is found by VIN, else by a plate that matches exactly one
 * vehicle; an unknown VIN with a mobile creates the owner (by mobile) and the vehicle. A new RO's customer is the
 * vehicle's owner (as when an RO is opened in the console); an existing RO keeps its customer. A higher mileage updates
 * the vehicle's last reading.
 *
 * Amounts: labour and parts as given; a total alone counts as labour (DMS exports that only carry a total are
 * mostly labour-priced service packages, and points per kind are configured on labour); a total with one part
 * fills in the other; all three must add up.
 */
export const repairOrdersKind: KindSpec = {
  kind: 'repair_orders',
  columns: [
    ['ro_no', 'text'],
    ['vin', 'text'],
    ['plate', 'text'],
    ['mobile', 'text'],
    ['cust_name', 'text'],
    ['kind', 'ro_kind'],
    ['opened_at', 'timestamp'],
    ['closed_at', 'timestamp'],
    ['mileage_km', 'integer'],
    ['labour_fen', 'bigint'],
    ['parts_fen', 'bigint'],
    ['advisor_id', 'uuid'],
    ['fault_codes', 'text[]'],
  ],

  normalise(r, lk) {
    const roNo = r.req('roNo', parseDocNo);
    const vin = r.opt('vin', (c) => validateVin(cellText(c)));
    const plateText = r.text('plate');
    const plate = plateText && !isNoPlate(plateText) ? r.opt('plate', (c) => validatePlate(cellText(c))) : null;
    if (r.text('vin') === null && (plateText === null || isNoPlate(plateText))) r.fail('vin', '车架号和车牌号至少填写一项 / VIN or plate is required');
    const mobile = r.opt('mobile', (c) => normalizeMobile(cellText(c)));
    const name = r.opt('customerName', (c) => parseText(c, 50));
    const kind = r.opt('kind', parseRoKind);
    const opened = r.req('openedAt', parseDateTime);
    let closed = r.opt('closedAt', parseDateTime);
    if (opened && opened.slice(0, 10) > lk.today) r.fail('openedAt', '不能晚于今天 / cannot be in the future');
    if (closed && closed.slice(0, 10) > lk.today) r.fail('closedAt', '不能晚于今天 / cannot be in the future');
    if (opened && closed && closed.slice(0, 10) < opened.slice(0, 10)) r.fail('closedAt', '不能早于进厂日期 / cannot be before the opening date');
    // A date-only settlement on the day of an RO opened at 14:30 means "that day", not midnight before it.
    else if (opened && closed && closed < opened) closed = opened;
    const km = r.opt('mileageKm', parseKm);
    let labour = r.opt('labourYuan', parseYuan);
    let parts = r.opt('partsYuan', parseYuan);
    const total = r.opt('totalYuan', parseYuan);
    if (total !== null) {
      if (labour === null && parts === null) {
        labour = total;
        parts = 0;
      } else if (labour === null) labour = total - parts!;
      else if (parts === null) parts = total - labour;
      if (labour < 0 || parts! < 0 || labour + parts! !== total) {
        r.fail('totalYuan', '工时费与材料费之和不等于总金额 / Labour plus parts does not equal the total');
      }
    }
    const advisor = r.text('advisor');
    const faults = r.opt('faultCodes', parseFaultCodes);
    if (r.reasons.length > 0) return null;
    const values: StageValue[] = [
      roNo,
      vin,
      plate,
      mobile,
      name || null,
      kind,
      opened,
      closed,
      km,
      labour,
      parts,
      advisor ? lk.staffId(advisor) : null,
      faults ? `{${faults.join(',')}}` : null,
    ];
    return values;
  },

  resolve(t, c) {
    const dup = duplicateReason('工单号', 'RO number', 's.ro_no', 's.dup_next');
    return {
      rs: sql`CREATE UNLOGGED TABLE ${t.rs} AS
        SELECT row_no, ro_no, vin, plate, mobile, cust_name, vehicle_id, customer_id, mobile_customer_id, target_id, reject, dup_next IS NOT NULL AS dup,
               kind, mileage_km, labour_fen, parts_fen, fault_codes, advisor_id, opened_at, closed_at, stage, ${ACTION_SQL} AS action
        FROM (
          SELECT y.*, ${changedSql(COMPARED, null, null)} AS changed
          FROM (
            SELECT s.row_no, s.ro_no, s.vin, s.plate, s.mobile, s.cust_name, s.dup_next,
              coalesce(vv.id, vp.id) AS vehicle_id,
              -- An RO keeps the customer it was opened for while it stays on the same car (the car may have changed
              -- hands since); a new RO, or one moved to another car, belongs to the car's owner.
              CASE WHEN o.vehicle_id = coalesce(vv.id, vp.id) THEN o.customer_id ELSE coalesce(vv.customer_id, vp.customer_id) END AS customer_id,
              mc.id AS mobile_customer_id,
              o.id AS target_id,
              CASE
                WHEN s.dup_next IS NOT NULL THEN ${dup}
                WHEN s.vin IS NULL AND pm.n > 1 THEN format('车牌号「%s」对应多辆车，请填写车架号 / Plate "%s" matches several vehicles; give the VIN', s.plate, s.plate)
                WHEN s.vin IS NULL AND vp.id IS NULL THEN format('车牌号「%s」不在系统中，且没有车架号，无法建立车辆 / Plate "%s" is unknown and there is no VIN to create the vehicle', s.plate, s.plate)
                WHEN s.vin IS NOT NULL AND vv.id IS NULL AND s.mobile IS NULL AND vm.vin IS NULL
                  THEN format('车架号「%s」不在系统中，且没有手机号，无法建立车主 / VIN "%s" is unknown and there is no mobile to create its owner', s.vin, s.vin)
              END AS reject,
              coalesce(s.kind, o.kind, 'repair') AS kind,
              coalesce(s.mileage_km, o.mileage_km) AS mileage_km,
              coalesce(s.labour_fen, o.labour_fen, 0) AS labour_fen,
              coalesce(s.parts_fen, o.parts_fen, 0) AS parts_fen,
              coalesce(s.fault_codes, o.fault_codes, '{}') AS fault_codes,
              coalesce(s.advisor_id, o.advisor_id) AS advisor_id,
              coalesce(s.opened_at AT TIME ZONE ${c.timezone}, o.opened_at) AS opened_at,
              coalesce(s.closed_at AT TIME ZONE ${c.timezone}, o.closed_at) AS closed_at,
              CASE WHEN s.closed_at IS NOT NULL THEN 'delivered'::workshop_stage ELSE coalesce(o.stage, 'received') END AS stage,
              o.customer_id AS o_customer_id, o.vehicle_id AS o_vehicle_id, o.advisor_id AS o_advisor_id, o.kind AS o_kind,
              o.mileage_km AS o_mileage_km, o.labour_fen AS o_labour_fen, o.parts_fen AS o_parts_fen, o.fault_codes AS o_fault_codes,
              o.stage AS o_stage, o.opened_at AS o_opened_at, o.closed_at AS o_closed_at
            FROM (SELECT st.*, lead(st.row_no) OVER (PARTITION BY st.ro_no ORDER BY st.row_no) AS dup_next FROM ${t.st} st) s
            LEFT JOIN vehicles vv ON vv.vin = s.vin
            LEFT JOIN (
              SELECT v.plate, min(v.id::text)::uuid AS id, count(*) AS n FROM vehicles v
              WHERE v.plate IN (SELECT plate FROM ${t.st} WHERE vin IS NULL AND plate IS NOT NULL) GROUP BY v.plate
            ) pm ON s.vin IS NULL AND pm.plate = s.plate
            LEFT JOIN vehicles vp ON pm.n = 1 AND vp.id = pm.id
            LEFT JOIN (SELECT DISTINCT vin FROM ${t.st} WHERE mobile IS NOT NULL AND vin IS NOT NULL) vm ON vm.vin = s.vin
            LEFT JOIN customers mc ON mc.mobile = s.mobile AND mc.status = 'active'
            LEFT JOIN repair_orders o ON o.store_id = ${c.storeId}::uuid AND o.ro_no = s.ro_no
          ) y
        ) x`,
      // One row per VIN to create. The latest row with a mobile names the owner (a duplicate row still tells who owns
      // the car); the highest mileage in the file becomes its last reading.
      nv: sql`CREATE UNLOGGED TABLE ${t.nv} AS
        SELECT DISTINCT ON (r.vin) r.vin, coalesce(r.plate, max(r.plate) OVER w) AS plate, r.mobile, r.cust_name AS name,
          r.mobile_customer_id, r.opened_at AS rank_at, r.row_no,
          max(r.mileage_km) OVER w AS km, max(r.opened_at) FILTER (WHERE r.mileage_km IS NOT NULL) OVER w AS km_at
        FROM ${t.rs} r
        WHERE r.vehicle_id IS NULL AND r.vin IS NOT NULL AND r.mobile IS NOT NULL AND (r.reject IS NULL OR r.dup)
          AND r.vin IN (SELECT vin FROM ${t.rs} WHERE reject IS NULL AND vehicle_id IS NULL)
        WINDOW w AS (PARTITION BY r.vin)
        ORDER BY r.vin, r.opened_at DESC, r.row_no DESC`,
    };
  },

  related(t) {
    return sql`SELECT count(DISTINCT mobile) FILTER (WHERE mobile_customer_id IS NULL) AS customers, count(*) AS vehicles FROM ${t.nv}`;
  },

  async write(tx, t, c) {
    const customersCreated = await timedWrite(c, 'owners', () => countOf(
      tx,
      createOwnersSql(sql`SELECT mobile, name, rank_at, row_no FROM ${t.nv} WHERE mobile_customer_id IS NULL`, c),
    ));
    const vehiclesCreated = await timedWrite(c, 'vehicles', () => countOf(
      tx,
      sql`INSERT INTO vehicles (id, customer_id, store_id, vin, plate, last_mileage_km, last_mileage_at, created_at, updated_at)
        SELECT ${uuidv7Sql('row_number() OVER ()')}, cu.id, cu.store_id, n.vin, n.plate, n.km, (n.km_at AT TIME ZONE ${c.timezone})::date,
          ${c.now}::timestamptz, ${c.now}::timestamptz
        FROM ${t.nv} n JOIN customers cu ON cu.mobile = n.mobile AND cu.status = 'active'
        ON CONFLICT (vin) DO NOTHING`,
    ));
    const cols = COMPARED.join(', ');
    const src = (which: SQL) => sql`SELECT r.ro_no, coalesce(r.vehicle_id, v.id) AS vehicle_id, coalesce(r.customer_id, v.customer_id) AS customer_id,
        r.advisor_id, r.kind, r.mileage_km, r.labour_fen, r.parts_fen, r.fault_codes, r.stage, r.opened_at, r.closed_at
      FROM ${t.rs} r LEFT JOIN vehicles v ON r.vehicle_id IS NULL AND v.vin = r.vin
      WHERE r.reject IS NULL AND ${which}`;
    const values = sql`SELECT ${uuidv7Sql('row_number() OVER ()')}, ro_no, ${c.storeId}::uuid, ${sql.raw(cols)}, ${c.now}::timestamptz, ${c.now}::timestamptz
      FROM src WHERE vehicle_id IS NOT NULL`;
    const counted = sql`SELECT (SELECT count(*) FROM src WHERE vehicle_id IS NULL) AS unresolved,
      count(*) FILTER (WHERE inserted) AS created, count(*) FILTER (WHERE NOT inserted) AS updated FROM m`;
    const upsert = (which: SQL) => sql`WITH src AS (${src(which)}), m AS (
        INSERT INTO repair_orders AS t (id, ro_no, store_id, ${sql.raw(cols)}, created_at, updated_at)
        ${values}
        ON CONFLICT (store_id, ro_no) DO UPDATE SET ${setExcludedSql(COMPARED)}, updated_at = excluded.updated_at
        WHERE ${changedSql(COMPARED, 't', 'excluded')}
        RETURNING (t.xmax = 0) AS inserted
      ) ${counted}`;
    const { created, updated } = await timedWrite(c, 'repair orders', () =>
      insertNewThenUpsert(tx, {
        insertNew: sql`WITH src AS (${src(sql`r.action = 'create'`)}), m AS (
            INSERT INTO repair_orders (id, ro_no, store_id, ${sql.raw(cols)}, created_at, updated_at)
            ${values}
            RETURNING true AS inserted
          ) ${counted}`,
        upsertChanged: upsert(sql`r.action = 'update'`),
        upsertAll: upsert(sql`r.action <> 'unchanged'`),
        what: 'repair orders',
        naturalKey: 'repair_orders_no_uq',
      }),
    );
    // Odometers only go up: a reading above a known vehicle's last one becomes its last mileage (new vehicles got
    // theirs when created).
    await timedWrite(c, 'odometers', () => tx.execute(sql`UPDATE vehicles v SET last_mileage_km = m.km, last_mileage_at = m.at, updated_at = ${c.now}::timestamptz
      FROM (
        SELECT DISTINCT ON (vehicle_id) vehicle_id, mileage_km AS km, (opened_at AT TIME ZONE ${c.timezone})::date AS at
        FROM ${t.rs} WHERE reject IS NULL AND vehicle_id IS NOT NULL AND mileage_km IS NOT NULL
        ORDER BY vehicle_id, mileage_km DESC, opened_at DESC
      ) m
      WHERE v.id = m.vehicle_id AND (v.last_mileage_km IS NULL OR m.km > v.last_mileage_km)`));
    return { created, updated, customersCreated, vehiclesCreated };
  },
};
