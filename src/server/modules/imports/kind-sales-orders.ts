import { sql } from 'drizzle-orm';
import { normalizeMobile, validateVin } from '../../../contracts/validators.js';
import { ACTION_SQL, changedSql, countOf, createOwnersSql, duplicateReason, setExcludedSql, upsertCounts, uuidv7Sql, type KindSpec } from './kinds.js';
import { cellText, parseDateTime, parseDocNo, parseText, parseYuan } from './parse.js';

const COMPARED = ['customer_id', 'vehicle_id', 'model_id', 'consultant_id', 'price_fen', 'status', 'milestone', 'ordered_at', 'delivered_at'] as const;

/**
 * Sales orders, keyed by order number (unique within the group; a number another store uses is rejected). The buyer
 * is found or created by mobile; a VIN links the car, creating it (owned by the buyer, with purchase and delivery
 * dates from the order) when unknown. A delivery date closes the order (`delivered`), as the delivered milestone
 * does in the console; new orders get their `ordered` milestone, delivered ones their `delivered` milestone.
 */
export const salesOrdersKind: KindSpec = {
  kind: 'sales_orders',
  columns: [
    ['order_no', 'text'],
    ['mobile', 'text'],
    ['cust_name', 'text'],
    ['vin', 'text'],
    ['model_id', 'uuid'],
    ['price_fen', 'bigint'],
    ['ordered_at', 'timestamp'],
    ['delivered_at', 'timestamp'],
    ['consultant_id', 'uuid'],
  ],

  normalise(r, lk) {
    const orderNo = r.req('orderNo', parseDocNo);
    const mobile = r.req('mobile', (c) => normalizeMobile(cellText(c)));
    const name = r.opt('customerName', (c) => parseText(c, 50));
    const vin = r.opt('vin', (c) => validateVin(cellText(c)));
    const model = r.opt('model', (c) => lk.model(cellText(c).trim()));
    const price = r.req('priceYuan', parseYuan);
    const ordered = r.req('orderedAt', parseDateTime);
    let delivered = r.opt('deliveredAt', parseDateTime);
    if (ordered && ordered.slice(0, 10) > lk.today) r.fail('orderedAt', '不能晚于今天 / cannot be in the future');
    if (delivered && delivered.slice(0, 10) > lk.today) r.fail('deliveredAt', '不能晚于今天 / cannot be in the future');
    if (ordered && delivered && delivered.slice(0, 10) < ordered.slice(0, 10)) r.fail('deliveredAt', '不能早于订车日期 / cannot be before the order date');
    else if (ordered && delivered && delivered < ordered) delivered = ordered; // a date-only delivery on the order day
    const consultant = r.text('consultant');
    if (r.reasons.length > 0) return null;
    return [orderNo, mobile, name, vin, model, price, ordered, delivered, consultant ? lk.staffId(consultant) : null];
  },

  resolve(t, c) {
    const tz = c.timezone;
    return {
      rs: sql`CREATE UNLOGGED TABLE ${t.rs} AS
        SELECT row_no, order_no, mobile, cust_name, vin, target_id, mobile_customer_id, reject, ${sql.raw(COMPARED.join(', '))}, ${ACTION_SQL} AS action
        FROM (
          SELECT z.*, ${changedSql(COMPARED, null, null)} AS changed
          FROM (
            SELECT y.*,
              CASE WHEN y.delivered_at IS NOT NULL THEN 'delivered'::sales_order_status ELSE coalesce(y.o_status, 'open') END AS status,
              CASE WHEN y.delivered_at IS NOT NULL THEN 'delivered'::delivery_milestone ELSE coalesce(y.o_milestone, 'ordered') END AS milestone
            FROM (
              SELECT s.row_no, s.order_no, s.mobile, s.cust_name, s.vin, o.id AS target_id, mc.id AS mobile_customer_id,
                CASE
                  WHEN s.dup_next IS NOT NULL THEN ${duplicateReason('订单号', 'Order number', 's.order_no', 's.dup_next')}
                  WHEN o.id IS NOT NULL AND o.store_id <> ${c.storeId}::uuid THEN '订单号已被其他门店使用，未修改 / This order number belongs to another store; not changed'
                END AS reject,
                mc.id AS customer_id,
                CASE WHEN s.vin IS NULL THEN o.vehicle_id ELSE v.id END AS vehicle_id,
                coalesce(s.model_id, o.model_id, v.model_id) AS model_id,
                coalesce(s.consultant_id, o.consultant_id) AS consultant_id,
                s.price_fen,
                s.ordered_at AT TIME ZONE ${tz} AS ordered_at,
                coalesce(s.delivered_at AT TIME ZONE ${tz}, o.delivered_at) AS delivered_at,
                o.customer_id AS o_customer_id, o.vehicle_id AS o_vehicle_id, o.model_id AS o_model_id, o.consultant_id AS o_consultant_id,
                o.price_fen AS o_price_fen, o.status AS o_status, o.milestone AS o_milestone, o.ordered_at AS o_ordered_at,
                o.delivered_at AS o_delivered_at
              FROM (SELECT st.*, lead(st.row_no) OVER (PARTITION BY st.order_no ORDER BY st.row_no) AS dup_next FROM ${t.st} st) s
              LEFT JOIN sales_orders o ON o.order_no = s.order_no
              LEFT JOIN customers mc ON mc.mobile = s.mobile AND mc.status = 'active'
              LEFT JOIN vehicles v ON v.vin = s.vin
            ) y
          ) z
        ) x`,
      nv: sql`CREATE UNLOGGED TABLE ${t.nv} AS
        SELECT DISTINCT ON (vin) vin, mobile, model_id, (ordered_at AT TIME ZONE ${tz})::date AS purchase_date,
          (delivered_at AT TIME ZONE ${tz})::date AS delivery_date
        FROM ${t.rs} WHERE reject IS NULL AND vin IS NOT NULL AND vehicle_id IS NULL
        ORDER BY vin, ordered_at DESC, row_no DESC`,
    };
  },

  related(t) {
    return sql`SELECT
      (SELECT count(DISTINCT mobile) FROM ${t.rs} WHERE reject IS NULL AND mobile_customer_id IS NULL) AS customers,
      (SELECT count(*) FROM ${t.nv}) AS vehicles`;
  },

  async write(tx, t, c) {
    const customersCreated = await countOf(
      tx,
      createOwnersSql(sql`SELECT mobile, cust_name AS name, ordered_at AS rank_at, row_no FROM ${t.rs} WHERE reject IS NULL AND mobile_customer_id IS NULL`, c),
    );
    const vehiclesCreated = await countOf(
      tx,
      sql`INSERT INTO vehicles (id, customer_id, store_id, vin, model_id, purchase_date, delivery_date, created_at, updated_at)
        SELECT ${uuidv7Sql('row_number() OVER ()')}, cu.id, cu.store_id, n.vin, n.model_id, n.purchase_date, n.delivery_date,
          ${c.now}::timestamptz, ${c.now}::timestamptz
        FROM ${t.nv} n JOIN customers cu ON cu.mobile = n.mobile AND cu.status = 'active'
        ON CONFLICT (vin) DO NOTHING`,
    );
    const cols = COMPARED.join(', ');
    const { created, updated } = await upsertCounts(
      tx,
      sql`WITH src AS (
          SELECT r.order_no, r.vin, coalesce(r.customer_id, cu.id) AS customer_id, coalesce(r.vehicle_id, v.id) AS vehicle_id,
            r.model_id, r.consultant_id, r.price_fen, r.status, r.milestone, r.ordered_at, r.delivered_at
          FROM ${t.rs} r
          LEFT JOIN customers cu ON r.customer_id IS NULL AND cu.mobile = r.mobile AND cu.status = 'active'
          LEFT JOIN vehicles v ON r.vehicle_id IS NULL AND r.vin IS NOT NULL AND v.vin = r.vin
          WHERE r.reject IS NULL AND r.action <> 'unchanged'
        ), m AS (
          INSERT INTO sales_orders AS t (id, order_no, store_id, ${sql.raw(cols)}, created_at, updated_at)
          SELECT ${uuidv7Sql('row_number() OVER ()')}, order_no, ${c.storeId}::uuid, ${sql.raw(cols)}, ${c.now}::timestamptz, ${c.now}::timestamptz
          FROM src WHERE customer_id IS NOT NULL
          ON CONFLICT (order_no) DO UPDATE SET ${setExcludedSql(COMPARED)}, updated_at = excluded.updated_at
          WHERE ${changedSql(COMPARED, 't', 'excluded')} AND t.store_id = excluded.store_id
          RETURNING t.id, t.customer_id, t.store_id, t.ordered_at, t.delivered_at, (t.xmax = 0) AS inserted
        ), ms AS (
          INSERT INTO sales_order_milestones (id, order_id, customer_id, store_id, milestone, at, created_at)
          SELECT ${uuidv7Sql('row_number() OVER ()')}, e.order_id, e.customer_id, e.store_id, e.milestone, e.at, ${c.now}::timestamptz
          FROM (
            SELECT id AS order_id, customer_id, store_id, 'ordered'::delivery_milestone AS milestone, ordered_at AS at FROM m WHERE inserted
            UNION ALL
            SELECT id, customer_id, store_id, 'delivered'::delivery_milestone, delivered_at FROM m WHERE delivered_at IS NOT NULL
          ) e
          ON CONFLICT (order_id, milestone) DO NOTHING
        )
        SELECT (SELECT count(*) FROM src WHERE customer_id IS NULL OR (vin IS NOT NULL AND vehicle_id IS NULL)) AS unresolved,
          count(*) FILTER (WHERE inserted) AS created, count(*) FILTER (WHERE NOT inserted) AS updated FROM m`,
      'sales orders',
    );
    return { created, updated, customersCreated, vehiclesCreated };
  },
};
