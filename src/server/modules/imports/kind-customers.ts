import { sql } from 'drizzle-orm';
import { normalizeMobile } from '../../../contracts/validators.js';
import { ACTION_SQL, changedSql, duplicateReason, setExcludedSql, upsertCounts, uuidv7Sql, type KindSpec } from './kinds.js';
import { cellText, parseDate, parseEmail, parseGender, parseIdNumber, parseText } from './parse.js';

const COMPARED = ['name', 'gender', 'birthday', 'city', 'email', 'id_number', 'occupation', 'source_channel'] as const;

/**
 * Customers, keyed by mobile (unique within the group). A mobile that belongs to another store's customer is
 * rejected rather than updated: an import changes only the importing store's records.
 */
export const customersKind: KindSpec = {
  kind: 'customers',
  columns: [
    ['mobile', 'text'],
    ['name', 'text'],
    ['gender', 'gender'],
    ['birthday', 'date'],
    ['city', 'text'],
    ['email', 'text'],
    ['id_number', 'text'],
    ['occupation', 'text'],
    ['source_channel', 'text'],
  ],

  normalise(r, lk) {
    const mobile = r.req('mobile', (c) => normalizeMobile(cellText(c)));
    const name = r.opt('name', (c) => parseText(c, 50));
    const gender = r.opt('gender', parseGender);
    const birthday = r.opt('birthday', parseDate);
    if (birthday && birthday > lk.today) r.fail('birthday', '不能晚于今天 / cannot be in the future');
    const city = r.opt('city', (c) => parseText(c, 50));
    const email = r.opt('email', parseEmail);
    const idNumber = r.opt('idNumber', parseIdNumber);
    const occupation = r.opt('occupation', (c) => parseText(c, 50));
    const source = r.opt('sourceChannel', (c) => parseText(c, 50));
    if (r.reasons.length > 0) return null;
    return [mobile, name, gender, birthday, city, email, idNumber, occupation, source];
  },

  resolve(t, c) {
    return {
      rs: sql`CREATE UNLOGGED TABLE ${t.rs} AS
        SELECT row_no, mobile, target_id, reject, ${sql.raw(COMPARED.join(', '))}, ${ACTION_SQL} AS action
        FROM (
          SELECT y.*, ${changedSql(COMPARED, null, null)} AS changed
          FROM (
            SELECT s.row_no, s.mobile, cu.id AS target_id,
              CASE
                WHEN s.dup_next IS NOT NULL THEN ${duplicateReason('手机号', 'Mobile', 's.mobile', 's.dup_next')}
                WHEN cu.id IS NOT NULL AND cu.store_id <> ${c.storeId}::uuid
                  THEN '该手机号已是其他门店的客户，未修改 / This mobile belongs to a customer of another store; not changed'
                WHEN cu.id IS NULL AND s.name IS NULL THEN '新客户需要填写姓名 / A new customer needs a name'
              END AS reject,
              coalesce(s.name, cu.name) AS name,
              coalesce(s.gender, cu.gender, 'unknown') AS gender,
              coalesce(s.birthday, cu.birthday) AS birthday,
              coalesce(s.city, cu.city, '') AS city,
              coalesce(s.email, cu.email) AS email,
              coalesce(s.id_number, cu.id_number) AS id_number,
              coalesce(s.occupation, cu.occupation, '') AS occupation,
              coalesce(s.source_channel, cu.source_channel, '') AS source_channel,
              cu.name AS o_name, cu.gender AS o_gender, cu.birthday AS o_birthday, cu.city AS o_city, cu.email AS o_email,
              cu.id_number AS o_id_number, cu.occupation AS o_occupation, cu.source_channel AS o_source_channel
            FROM (SELECT st.*, lead(st.row_no) OVER (PARTITION BY st.mobile ORDER BY st.row_no) AS dup_next FROM ${t.st} st) s
            LEFT JOIN customers cu ON cu.mobile = s.mobile AND cu.status = 'active'
          ) y
        ) x`,
    };
  },

  related() {
    return sql`SELECT 0 AS customers, 0 AS vehicles`;
  },

  async write(tx, t, c) {
    const cols = COMPARED.join(', ');
    const { created, updated } = await upsertCounts(
      tx,
      sql`WITH m AS (
          INSERT INTO customers AS t (id, store_id, mobile, ${sql.raw(cols)}, created_at, updated_at)
          SELECT ${uuidv7Sql('row_number() OVER ()')}, ${c.storeId}::uuid, mobile, ${sql.raw(cols)}, ${c.now}::timestamptz, ${c.now}::timestamptz
          FROM ${t.rs} WHERE reject IS NULL AND action <> 'unchanged'
          ON CONFLICT (mobile) WHERE mobile IS NOT NULL AND status = 'active'
          DO UPDATE SET ${setExcludedSql(COMPARED)}, updated_at = excluded.updated_at
          WHERE ${changedSql(COMPARED, 't', 'excluded')} AND t.store_id = excluded.store_id
          RETURNING (t.xmax = 0) AS inserted
        )
        SELECT 0 AS unresolved, count(*) FILTER (WHERE inserted) AS created, count(*) FILTER (WHERE NOT inserted) AS updated FROM m`,
      'customers',
    );
    return { created, updated, customersCreated: 0, vehiclesCreated: 0 };
  },
};
