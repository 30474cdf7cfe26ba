import { sql } from 'drizzle-orm';
import { normalizeMobile, validatePlate, validateVin } from '../../../contracts/validators.js';
import { ACTION_SQL, changedSql, countOf, createOwnersSql, duplicateReason, setExcludedSql, upsertCounts, uuidv7Sql, type KindSpec, type RowReader } from './kinds.js';
import { cellText, isNoPlate, parseDate, parseKm, parseText, type Cell } from './parse.js';

const COMPARED = ['plate', 'model_id', 'color', 'purchase_date', 'delivery_date', 'last_mileage_km', 'last_mileage_at', 'insurance_expiry', 'warranty_end'] as const;

/** Vehicle dates are bounded like the vehicles API does (1980–2100). */
export function vehicleDate(r: RowReader, field: string): string | null {
  const d = r.opt(field, parseDate);
  if (d && d < '1980-01-01') return r.fail(field, '不能早于 1980 年 / cannot be before 1980');
  return d;
}

/** A plate cell: empty or 无牌/临牌 etc. → null, else a valid plate (normalised `京A·12345`). */
export function plateOf(r: RowReader, field: string): string | null {
  const text = r.text(field);
  return text && !isNoPlate(text) ? r.opt(field, (c: Cell) => validatePlate(cellText(c))) : null;
}

/**
 * Vehicles, keyed by VIN. A new vehicle needs its owner's mobile: the owner is found by mobile or created (in the
 * importing store); the vehicle belongs to its owner's store, as in the vehicles API. An existing vehicle keeps its
 * owner (handing a car to someone else is a deliberate act in the console, not a side effect of a file) and only a
 * vehicle of the importing store is updated. A mileage reading only ever raises the last known mileage, dated the
 * day of the import.
 */
export const vehiclesKind: KindSpec = {
  kind: 'vehicles',
  columns: [
    ['vin', 'text'],
    ['plate', 'text'],
    ['model_id', 'uuid'],
    ['color', 'text'],
    ['purchase_date', 'date'],
    ['delivery_date', 'date'],
    ['mileage_km', 'integer'],
    ['insurance_expiry', 'date'],
    ['warranty_end', 'date'],
    ['owner_mobile', 'text'],
    ['owner_name', 'text'],
  ],

  normalise(r, lk) {
    const vin = r.req('vin', (c) => validateVin(cellText(c)));
    const plate = plateOf(r, 'plate');
    const model = r.opt('model', (c) => lk.model(cellText(c).trim()));
    const color = r.opt('color', (c) => parseText(c, 30));
    const purchase = vehicleDate(r, 'purchaseDate');
    const delivery = vehicleDate(r, 'deliveryDate');
    if (purchase && purchase > lk.today) r.fail('purchaseDate', '不能晚于今天 / cannot be in the future');
    if (delivery && delivery > lk.today) r.fail('deliveryDate', '不能晚于今天 / cannot be in the future');
    if (purchase && delivery && delivery < purchase) r.fail('deliveryDate', '不能早于购车日期 / cannot be before the purchase date');
    const km = r.opt('mileageKm', parseKm);
    const insurance = vehicleDate(r, 'insuranceExpiry');
    const warranty = vehicleDate(r, 'warrantyEnd');
    const mobile = r.opt('ownerMobile', (c) => normalizeMobile(cellText(c)));
    const name = r.opt('ownerName', (c) => parseText(c, 50));
    if (r.reasons.length > 0) return null;
    return [vin, plate, model, color, purchase, delivery, km, insurance, warranty, mobile, name];
  },

  resolve(t, c) {
    const raised = sql`s.mileage_km IS NOT NULL AND (v.last_mileage_km IS NULL OR s.mileage_km > v.last_mileage_km)`;
    return {
      rs: sql`CREATE UNLOGGED TABLE ${t.rs} AS
        SELECT row_no, vin, owner_mobile, owner_name, target_id, owner_id, owner_store_id, mobile_customer_id, reject,
          ${sql.raw(COMPARED.join(', '))}, ${ACTION_SQL} AS action
        FROM (
          SELECT y.*, ${changedSql(COMPARED, null, null)} AS changed
          FROM (
            SELECT s.row_no, s.vin, s.owner_mobile, s.owner_name, v.id AS target_id, v.customer_id AS owner_id, v.store_id AS owner_store_id,
              mc.id AS mobile_customer_id,
              CASE
                WHEN s.dup_next IS NOT NULL THEN ${duplicateReason('车架号', 'VIN', 's.vin', 's.dup_next')}
                WHEN v.id IS NOT NULL AND v.store_id <> ${c.storeId}::uuid THEN '该车辆属于其他门店，未修改 / This vehicle belongs to another store; not changed'
                WHEN v.id IS NULL AND s.owner_mobile IS NULL THEN '新车辆需要车主手机号 / A new vehicle needs its owner''s mobile'
              END AS reject,
              coalesce(s.plate, v.plate) AS plate,
              coalesce(s.model_id, v.model_id) AS model_id,
              coalesce(s.color, v.color, '') AS color,
              coalesce(s.purchase_date, v.purchase_date) AS purchase_date,
              coalesce(s.delivery_date, v.delivery_date) AS delivery_date,
              CASE WHEN ${raised} THEN s.mileage_km ELSE v.last_mileage_km END AS last_mileage_km,
              CASE WHEN ${raised} THEN ${c.today}::date ELSE v.last_mileage_at END AS last_mileage_at,
              coalesce(s.insurance_expiry, v.insurance_expiry) AS insurance_expiry,
              coalesce(s.warranty_end, v.warranty_end) AS warranty_end,
              v.plate AS o_plate, v.model_id AS o_model_id, v.color AS o_color, v.purchase_date AS o_purchase_date,
              v.delivery_date AS o_delivery_date, v.last_mileage_km AS o_last_mileage_km, v.last_mileage_at AS o_last_mileage_at,
              v.insurance_expiry AS o_insurance_expiry, v.warranty_end AS o_warranty_end
            FROM (SELECT st.*, lead(st.row_no) OVER (PARTITION BY st.vin ORDER BY st.row_no) AS dup_next FROM ${t.st} st) s
            LEFT JOIN vehicles v ON v.vin = s.vin
            LEFT JOIN customers mc ON mc.mobile = s.owner_mobile AND mc.status = 'active'
          ) y
        ) x`,
      nv: sql`CREATE UNLOGGED TABLE ${t.nv} AS
        SELECT vin, owner_mobile AS mobile, owner_name AS name, mobile_customer_id, NULL::timestamptz AS rank_at, row_no
        FROM ${t.rs} WHERE reject IS NULL AND target_id IS NULL`,
    };
  },

  related(t) {
    return sql`SELECT count(DISTINCT mobile) FILTER (WHERE mobile_customer_id IS NULL) AS customers, 0 AS vehicles FROM ${t.nv}`;
  },

  async write(tx, t, c) {
    const customersCreated = await countOf(tx, createOwnersSql(sql`SELECT mobile, name, rank_at, row_no FROM ${t.nv} WHERE mobile_customer_id IS NULL`, c));
    const cols = COMPARED.join(', ');
    const { created, updated } = await upsertCounts(
      tx,
      sql`WITH src AS (
          SELECT r.vin, coalesce(r.owner_id, cu.id) AS customer_id, coalesce(r.owner_store_id, cu.store_id) AS store_id, ${sql.raw(COMPARED.map((x) => `r.${x}`).join(', '))}
          FROM ${t.rs} r LEFT JOIN customers cu ON r.target_id IS NULL AND cu.mobile = r.owner_mobile AND cu.status = 'active'
          WHERE r.reject IS NULL AND r.action <> 'unchanged'
        ), m AS (
          INSERT INTO vehicles AS t (id, customer_id, store_id, vin, ${sql.raw(cols)}, created_at, updated_at)
          SELECT ${uuidv7Sql('row_number() OVER ()')}, customer_id, store_id, vin, ${sql.raw(cols)}, ${c.now}::timestamptz, ${c.now}::timestamptz
          FROM src WHERE customer_id IS NOT NULL
          ON CONFLICT (vin) DO UPDATE SET ${setExcludedSql(COMPARED)}, updated_at = excluded.updated_at
          WHERE ${changedSql(COMPARED, 't', 'excluded')} AND t.store_id = ${c.storeId}::uuid
          RETURNING (t.xmax = 0) AS inserted
        )
        SELECT (SELECT count(*) FROM src WHERE customer_id IS NULL) AS unresolved,
          count(*) FILTER (WHERE inserted) AS created, count(*) FILTER (WHERE NOT inserted) AS updated FROM m`,
      'vehicles',
    );
    return { created, updated, customersCreated, vehiclesCreated: 0 };
  },
};
