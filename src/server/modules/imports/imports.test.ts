import ExcelJS from 'exceljs';
import { eq, sql } from 'drizzle-orm';
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeVin } from '../../../contracts/validators.js';
import { startJobs } from '../../platform/jobs.js';
import { seedDemoOrg, type SeededOrg } from '../../seed/org.js';
import { createTestEnv, login, type TestEnv } from '../../testing/harness.js';
import { allJobs } from '../../jobs.js';
import { vehicleModels } from '../vehicles/schema.js';
import { importJobs as importJobsTable } from './schema.js';

let env: TestEnv;
let org: SeededOrg;
let manager1: Record<string, string>;

beforeAll(async () => {
  env = await createTestEnv({ jobs: (url) => startJobs(url) });
  org = await seedDemoOrg(env.ctx.db);
  // The worker's own registry, as `start` and `worker` register it: an import job it does not know stays queued.
  await env.ctx.jobs!.work(allJobs(env.ctx));
  await env.ctx.db.insert(vehicleModels).values([
    { brand: '领航 Linghang', series: 'L5', name: '1.5T 舒适版', bodyType: 'suv', powertrain: 'ice', seats: 5, minPriceFen: 12_980_000, maxPriceFen: 14_580_000, maintenanceIntervalMonths: 6, maintenanceIntervalKm: 5000 },
    { brand: '领航 Linghang', series: 'L5', name: '1.5T 豪华版', bodyType: 'suv', powertrain: 'ice', seats: 5, minPriceFen: 14_980_000, maxPriceFen: 16_280_000, maintenanceIntervalMonths: 6, maintenanceIntervalKm: 5000 },
    { brand: '极光 Jiguang', series: 'E5', name: '长续航智驾版', bodyType: 'suv', powertrain: 'bev', seats: 5, minPriceFen: 19_980_000, maxPriceFen: 23_980_000, maintenanceIntervalMonths: 12, maintenanceIntervalKm: 20000 },
  ]);
  manager1 = await login(env.app, 'manager1');
}, 60_000);
afterAll(() => env.close());

/** A multipart/form-data body built by hand, as a browser's FormData would send it (fields first, then the file). */
function multipart(fields: Record<string, string>, file?: { name: string; content: Buffer | string; type?: string }) {
  const boundary = `----baoke${crypto.randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type ?? 'text/csv'}\r\n\r\n`));
    parts.push(typeof file.content === 'string' ? Buffer.from(file.content) : file.content);
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function upload(h: Record<string, string>, kind: string, name: string, content: Buffer | string, extra: Record<string, string> = {}) {
  const body = multipart({ kind, ...extra }, { name, content });
  return env.app.inject({ method: 'POST', url: '/api/v1/imports', headers: { ...h, ...body.headers }, payload: body.payload });
}

async function preview(h: Record<string, string>, id: string, mapping: Record<string, string>, saveMappingAs?: string) {
  return env.app.inject({ method: 'POST', url: `/api/v1/imports/${id}/preview`, headers: h, payload: { mapping, ...(saveMappingAs ? { saveMappingAs } : {}) } });
}

async function runAndWait(h: Record<string, string>, id: string) {
  const res = await env.app.inject({ method: 'POST', url: `/api/v1/imports/${id}/run`, headers: { ...h, 'idempotency-key': `run-${id}` } });
  expect(res.statusCode).toBe(202);
  const deadline = Date.now() + 45_000;
  for (;;) {
    const job = (await env.app.inject({ url: `/api/v1/imports/${id}`, headers: h })).json();
    if (job.status === 'completed' || job.status === 'failed') return job;
    if (Date.now() > deadline) throw new Error(`import ${id} still ${job.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Upload → preview with the suggested mapping → run; returns the finished job and the preview. */
async function importFile(h: Record<string, string>, kind: string, name: string, content: Buffer | string) {
  const up = await upload(h, kind, name, content);
  expect(up.statusCode, up.body).toBe(201);
  const pv = await preview(h, up.json().id, up.json().suggestedMapping);
  expect(pv.statusCode, pv.body).toBe(200);
  const job = await runAndWait(h, up.json().id);
  expect(job.status, job.error).toBe('completed');
  return { upload: up.json(), preview: pv.json(), job };
}

const VIN1 = completeVin('LSLA5B2F', 'B0000001');
const VIN2 = completeVin('LSLA5B3F', 'B0000002');
const VIN3 = completeVin('LGJE5B2K', 'W0000003');
const VIN9 = completeVin('LSLA5B2F', 'B0000009');
const BAD_VIN = `${VIN9.slice(0, 8)}${VIN9[8] === '0' ? '1' : '0'}${VIN9.slice(9)}`; // wrong check digit

const RO_HEADER = '工单号,车架号,车牌号,客户姓名,手机号,维修类型,进厂日期,结算日期,进厂里程,工时费,材料费,总金额,服务顾问,故障码';
const roCsv = (labour2 = '380') =>
  [
    RO_HEADER,
    `RO-001,${VIN1},京A12345,张伟,138 1234 5678,首保,2026-05-01 14:30,2026/5/1,5012,0,150.00,,孙丽,`,
    `RO-002,${VIN1},京A12345,张伟,13812345678,保养,2026-10-08 09:00,2026-10-08,15230,${labour2},620.5,,孙丽,"P0301,U0100"`,
    `RO-003,${VIN2},,李娜,13900001111,维修,20261020,,30210,,,1500,,`,
    `RO-004,${BAD_VIN},粤B88888,王芳,13700002222,保养,2026-09-01,,,200,300,,,`,
    `RO-005,${VIN3},沪C·D12345,,,事故,2026-09-10,,8000,100,100,,,`,
  ].join('\r\n') + '\r\n';

describe('repair orders from CSV', () => {
  let importId: string;

  it('uploads and answers headers, a suggested mapping and the first rows', async () => {
    const res = await upload(manager1, 'repair_orders', '维修工单.csv', `\uFEFF${roCsv()}`);
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    importId = body.id;
    expect(body.fileName).toBe('维修工单.csv');
    expect(body.storeId).toBe(org.stores[0]!.id);
    expect(body.headers).toEqual(RO_HEADER.split(','));
    expect(body.suggestedMapping).toMatchObject({ roNo: '工单号', vin: '车架号', plate: '车牌号', mobile: '手机号', kind: '维修类型', openedAt: '进厂日期', closedAt: '结算日期', labourYuan: '工时费', partsYuan: '材料费', totalYuan: '总金额' });
    expect(body.sampleRows).toHaveLength(5);
    expect(body.sampleRows[1]).toContain('P0301,U0100');
    expect(body.totalRows).toBe(5);
    expect(body.fields.find((f: { field: string }) => f.field === 'roNo')).toMatchObject({ required: true });
  });

  it('previews without writing anything', async () => {
    const res = await preview(manager1, importId, (await env.app.inject({ url: `/api/v1/imports/${importId}`, headers: manager1 })).json().mapping);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ totalRows: 5, createdCount: 3, updatedCount: 0, unchangedCount: 0, rejectedCount: 2, customersCreated: 2, vehiclesCreated: 2 });
    const samples = res.json().sampleRejections;
    expect(samples.map((s: { row: number }) => s.row)).toEqual([5, 6]);
    expect(samples[0].reason).toContain('车架号');
    expect(samples[1].reason).toContain('没有手机号');
    const [counts] = (await env.ctx.db.execute<{ n: number }>(sql`SELECT (SELECT count(*) FROM repair_orders) + (SELECT count(*) FROM vehicles) + (SELECT count(*) FROM customers) AS n`)).rows;
    expect(Number(counts!.n)).toBe(0);
    const job = (await env.app.inject({ url: `/api/v1/imports/${importId}`, headers: manager1 })).json();
    expect(job).toMatchObject({ status: 'previewed', totalRows: 5, preview: { createdCount: 3 } });
  });

  it('runs as a job: rows land in customers, vehicles and repair orders; bad rows do not stop good ones', async () => {
    const job = await runAndWait(manager1, importId);
    expect(job).toMatchObject({ status: 'completed', totalRows: 5, processedRows: 5, createdCount: 3, updatedCount: 0, unchangedCount: 0, rejectedCount: 2, hasErrorFile: true, phase: null });
    expect(job.finishedAt).not.toBeNull();

    const ros = (
      await env.ctx.db.execute<{ ro_no: string; kind: string; labour_fen: number; parts_fen: number; opened_at: string; closed_at: string | null; stage: string; fault_codes: string[]; vin: string; plate: string | null; mobile: string; name: string; advisor: string | null }>(sql`
        SELECT r.ro_no, r.kind, r.labour_fen, r.parts_fen, r.opened_at, r.closed_at, r.stage, r.fault_codes, v.vin, v.plate, c.mobile, c.name, s.username AS advisor
        FROM repair_orders r JOIN vehicles v ON v.id = r.vehicle_id JOIN customers c ON c.id = r.customer_id LEFT JOIN staff s ON s.id = r.advisor_id
        ORDER BY r.ro_no`)
    ).rows;
    expect(ros.map((r) => r.ro_no)).toEqual(['RO-001', 'RO-002', 'RO-003']);
    expect(ros[0]).toMatchObject({ kind: 'first_service', labour_fen: 0, parts_fen: 15000, stage: 'delivered', vin: VIN1, plate: '京A·12345', mobile: '+8613812345678', name: '张伟', advisor: 'service1' });
    // Local times are the store's (Asia/Shanghai); a date-only settlement on the opening day is that day, not before it.
    expect(new Date(ros[0]!.opened_at).toISOString()).toBe('2026-05-01T06:30:00.000Z');
    expect(new Date(ros[0]!.closed_at!).toISOString()).toBe('2026-05-01T06:30:00.000Z');
    expect(ros[1]).toMatchObject({ kind: 'maintenance', labour_fen: 38000, parts_fen: 62050, fault_codes: ['P0301', 'U0100'] });
    // A total alone counts as labour; no settlement date leaves the RO open at reception.
    expect(ros[2]).toMatchObject({ kind: 'repair', labour_fen: 150000, parts_fen: 0, stage: 'received', closed_at: null, vin: VIN2, plate: null, name: '李娜' });
    const [vehicle] = (await env.ctx.db.execute<{ last_mileage_km: number; last_mileage_at: string; store_id: string }>(sql`SELECT last_mileage_km, last_mileage_at, store_id FROM vehicles WHERE vin = ${VIN1}`)).rows;
    expect(vehicle).toMatchObject({ last_mileage_km: 15230, last_mileage_at: '2026-10-08', store_id: org.stores[0]!.id });

    const [event] = (await env.ctx.db.execute<{ payload: Record<string, unknown>; store_id: string }>(sql`SELECT payload, store_id FROM domain_events WHERE type = 'import.completed'`)).rows;
    expect(event).toMatchObject({ store_id: org.stores[0]!.id, payload: { importId, kind: 'repair_orders', createdCount: 3, rejectedCount: 2, customersCreated: 2, vehiclesCreated: 2 } });
    const [audit] = (await env.ctx.db.execute<{ actor_name: string }>(sql`SELECT actor_name FROM audit_log WHERE action = 'import.run' AND entity_id = ${importId}`)).rows;
    expect(audit!.actor_name).toBe(org.staff.get('manager1')!.displayName);
  });

  it('asking to run again changes nothing', async () => {
    const again = await env.app.inject({ method: 'POST', url: `/api/v1/imports/${importId}/run`, headers: { ...manager1, 'idempotency-key': `run-${importId}` } });
    expect(again.statusCode).toBe(202);
    expect(again.json()).toMatchObject({ status: 'completed', createdCount: 3 });
    const other = await env.app.inject({ method: 'POST', url: `/api/v1/imports/${importId}/run`, headers: manager1 });
    expect(other.json()).toMatchObject({ status: 'completed', createdCount: 3 });
    expect(Number((await env.ctx.db.execute<{ n: number }>(sql`SELECT count(*) AS n FROM repair_orders`)).rows[0]!.n)).toBe(3);
  });

  it('downloads the rejected rows as CSV with row numbers, reasons and the original columns', async () => {
    const res = await env.app.inject({ url: `/api/v1/imports/${importId}/errors`, headers: manager1 });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toContain(encodeURIComponent('维修工单-错误行.csv'));
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = res.rawPayload.subarray(3).toString('utf8').trim().split('\n');
    expect(lines[0]).toBe(`行号 Row,原因 Reason,${RO_HEADER}`);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^5,"?车架号：车架号校验位/);
    expect(lines[1]).toContain(`RO-004,${BAD_VIN},粤B88888,王芳`);
    expect(lines[2]).toMatch(/^6,"?车架号「/);
    expect(lines[2]).toContain(`RO-005,${VIN3},沪C·D12345`);
  });

  it('importing the same file again leaves every record unchanged', async () => {
    const { preview: pv, job } = await importFile(manager1, 'repair_orders', 'again.csv', roCsv());
    expect(pv).toMatchObject({ createdCount: 0, updatedCount: 0, unchangedCount: 3, rejectedCount: 2, customersCreated: 0, vehiclesCreated: 0 });
    expect(job).toMatchObject({ createdCount: 0, updatedCount: 0, unchangedCount: 3, rejectedCount: 2 });
    expect(Number((await env.ctx.db.execute<{ n: number }>(sql`SELECT count(*) AS n FROM repair_orders`)).rows[0]!.n)).toBe(3);
  });

  it('a running import reports its steps in order, and none once it is done', async () => {
    // Every change of an import's step, as the job writes it (what a client polling GET /imports/{id} would see).
    await env.ctx.db.execute(sql`CREATE TABLE test_import_phases (seq serial, import_id uuid, phase import_phase)`);
    await env.ctx.db.execute(sql.raw(`CREATE FUNCTION test_log_import_phase() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO test_import_phases (import_id, phase) VALUES (NEW.id, NEW.phase); RETURN NULL; END $$`));
    await env.ctx.db.execute(sql`CREATE TRIGGER test_import_phase AFTER UPDATE OF phase ON import_jobs FOR EACH ROW
      WHEN (OLD.phase IS DISTINCT FROM NEW.phase) EXECUTE FUNCTION test_log_import_phase()`);
    try {
      const { job } = await importFile(manager1, 'repair_orders', 'steps.csv', roCsv('390'));
      expect(job.phase).toBeNull();
      const log = await env.ctx.db.execute<{ phase: string | null }>(sql`SELECT phase FROM test_import_phases WHERE import_id = ${job.id} ORDER BY seq`);
      expect(log.rows.map((r) => r.phase)).toEqual(['read', 'match', 'write', null]);
    } finally {
      await env.ctx.db.execute(sql`DROP TRIGGER test_import_phase ON import_jobs`);
      await env.ctx.db.execute(sql`DROP FUNCTION test_log_import_phase(); DROP TABLE test_import_phases`);
    }
  });

  it('a changed amount updates only that RO', async () => {
    const { job } = await importFile(manager1, 'repair_orders', 'changed.csv', roCsv('400'));
    expect(job).toMatchObject({ createdCount: 0, updatedCount: 1, unchangedCount: 2, rejectedCount: 2 });
    const [ro] = (await env.ctx.db.execute<{ labour_fen: number }>(sql`SELECT labour_fen FROM repair_orders WHERE ro_no = 'RO-002'`)).rows;
    expect(ro!.labour_fen).toBe(40000);
  });

  it('rejects the earlier of two rows with the same RO number and keeps the later one', async () => {
    const csv = [RO_HEADER, `RO-100,${VIN2},,,,保养,2026-11-01,,31000,100,0,,,`, `RO-100,${VIN2},,,,保养,2026-11-02,,31050,120,0,,,`].join('\n');
    const { preview: pv, job } = await importFile(manager1, 'repair_orders', 'dupes.csv', csv);
    expect(pv.sampleRejections).toEqual([{ row: 2, reason: expect.stringContaining('第 3 行') }]);
    expect(job).toMatchObject({ totalRows: 2, createdCount: 1, rejectedCount: 1 });
    const [ro] = (await env.ctx.db.execute<{ labour_fen: number }>(sql`SELECT labour_fen FROM repair_orders WHERE ro_no = 'RO-100'`)).rows;
    expect(ro!.labour_fen).toBe(12000);
  });
});

describe('customers from XLSX', () => {
  async function workbook(rows: unknown[][]): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('客户');
    ws.addRow(['客户姓名', '手机号', '性别', '生日', '城市', '邮箱']);
    for (const r of rows) ws.addRow(r);
    ws.getColumn(4).numFmt = 'yyyy-mm-dd';
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  it('imports Date and number cells, rejects a bad mobile, and the later of two rows with the same mobile wins', async () => {
    const file = await workbook([
      ['赵磊', '13611112222', '男', new Date(Date.UTC(1990, 2, 15)), '北京', 'zl@example.com'],
      ['钱多多', 13611113333, '女', new Date(Date.UTC(1988, 10, 2)), '天津', null],
      ['孙七', '12345', '男', null, '北京', null],
      [],
      ['赵磊（更新）', '136-1111-2222', '男', 32947, '上海', null],
    ]);
    const up = await upload(manager1, 'customers', '客户.xlsx', file);
    expect(up.statusCode, up.body).toBe(201);
    expect(up.json()).toMatchObject({ format: 'xlsx', headers: ['客户姓名', '手机号', '性别', '生日', '城市', '邮箱'] });
    expect(up.json().sampleRows[0]).toEqual(['赵磊', '13611112222', '男', '1990-03-15', '北京', 'zl@example.com']);
    const pv = await preview(manager1, up.json().id, up.json().suggestedMapping);
    expect(pv.json()).toMatchObject({ totalRows: 4, createdCount: 2, rejectedCount: 2 });
    expect(pv.json().sampleRejections.map((r: { row: number }) => r.row)).toEqual([2, 4]);
    const job = await runAndWait(manager1, up.json().id);
    expect(job).toMatchObject({ status: 'completed', totalRows: 4, createdCount: 2, updatedCount: 0, unchangedCount: 0, rejectedCount: 2 });
    const people = (
      await env.ctx.db.execute<{ name: string; gender: string; birthday: string; city: string; email: string | null; store_id: string }>(
        sql`SELECT name, gender, birthday, city, email, store_id FROM customers WHERE mobile IN ('+8613611112222', '+8613611113333') ORDER BY mobile`,
      )
    ).rows;
    expect(people).toEqual([
      { name: '赵磊（更新）', gender: 'male', birthday: '1990-03-15', city: '上海', email: null, store_id: org.stores[0]!.id },
      { name: '钱多多', gender: 'female', birthday: '1988-11-02', city: '天津', email: null, store_id: org.stores[0]!.id },
    ]);
    const errors = await env.app.inject({ url: `/api/v1/imports/${up.json().id}/errors`, headers: manager1 });
    const lines = errors.rawPayload.subarray(3).toString('utf8').trim().split('\n');
    expect(lines.map((l) => l.split(',')[0])).toEqual(['行号 Row', '2', '4']);
    expect(lines[1]).toContain('第 6 行');
    expect(lines[2]).toContain('手机号：手机号格式不正确');
  });

  it('an empty cell never erases stored data, and another store may not change this store\u2019s customer', async () => {
    const csv = '姓名,手机号,城市,邮箱\n,13611113333,,qdd@example.com\n';
    const { job } = await importFile(manager1, 'customers', 'patch.csv', csv);
    expect(job).toMatchObject({ updatedCount: 1, rejectedCount: 0 });
    const [c] = (await env.ctx.db.execute<{ name: string; city: string; email: string }>(sql`SELECT name, city, email FROM customers WHERE mobile = '+8613611113333'`)).rows;
    expect(c).toEqual({ name: '钱多多', city: '天津', email: 'qdd@example.com' });

    const manager2 = await login(env.app, 'manager2');
    const other = await importFile(manager2, 'customers', 'other.csv', '姓名,手机号,城市\n钱多多,13611113333,广州\n');
    expect(other.job).toMatchObject({ updatedCount: 0, rejectedCount: 1 });
    expect(other.preview.sampleRejections[0].reason).toContain('其他门店');
  });
});

describe('vehicles and sales orders', () => {
  it('imports vehicles matched to the model catalogue, creating owners by mobile', async () => {
    const csv = [
      '车架号,车牌号,车型,颜色,购车日期,行驶里程,保险到期日,车主手机号,车主姓名',
      `${completeVin('LSLA5B2F', 'C0000010')},京N·66666,L5 1.5T 舒适版,珍珠白,2025-06-18,12000,2027-06-17,13500001111,周杰`,
      `${completeVin('LGJE5B2K', 'C0000011')},,长续航智驾版,,2026/1/5,,,13500002222,`,
      `${completeVin('LSLA5B2F', 'C0000012')},,L5,,,,,13500003333,吴静`,
      `${completeVin('LSLA5B2F', 'C0000013')},,不存在的车型,,,,,13500003333,吴静`,
      `${VIN1},京A12345,,,,,2027-01-31,,`,
    ].join('\n');
    const { preview: pv, job } = await importFile(manager1, 'vehicles', 'vehicles.csv', csv);
    expect(pv).toMatchObject({ createdCount: 2, updatedCount: 1, rejectedCount: 2, customersCreated: 2 });
    expect(pv.sampleRejections.map((r: { reason: string }) => r.reason)).toEqual([expect.stringContaining('多个车型'), expect.stringContaining('不在车型库')]);
    expect(job).toMatchObject({ createdCount: 2, updatedCount: 1, unchangedCount: 0, rejectedCount: 2 });
    const [v] = (
      await env.ctx.db.execute<{ plate: string; color: string; model: string; owner: string; last_mileage_km: number; last_mileage_at: string }>(sql`
        SELECT v.plate, v.color, m.name AS model, c.name AS owner, v.last_mileage_km, v.last_mileage_at FROM vehicles v
        JOIN vehicle_models m ON m.id = v.model_id JOIN customers c ON c.id = v.customer_id WHERE v.vin = ${completeVin('LSLA5B2F', 'C0000010')}`)
    ).rows;
    expect(v).toEqual({ plate: '京N·66666', color: '珍珠白', model: '1.5T 舒适版', owner: '周杰', last_mileage_km: 12000, last_mileage_at: '2026-11-23' });
    const [updated] = (await env.ctx.db.execute<{ insurance_expiry: string; last_mileage_km: number }>(sql`SELECT insurance_expiry, last_mileage_km FROM vehicles WHERE vin = ${VIN1}`)).rows;
    expect(updated).toEqual({ insurance_expiry: '2027-01-31', last_mileage_km: 15230 });
  });

  it('imports sales orders: buyer and car created, delivered orders closed with their milestones', async () => {
    const vin = completeVin('LGJE5B2K', 'S0000001');
    const csv = [
      '订单号,客户姓名,手机号,车架号,车型,成交价(元),订车日期,交车日期,销售顾问',
      `SO-2026-001,郑敏,13400001111,${vin},长续航智驾版,"215,800.00",2026-08-01,2026-08-20,张伟`,
      `SO-2026-002,张伟,13812345678,,L5 1.5T 豪华版,152800,2026-11-01,,`,
    ].join('\n');
    const { preview: pv, job } = await importFile(manager1, 'sales_orders', 'orders.csv', csv);
    expect(pv).toMatchObject({ createdCount: 2, rejectedCount: 0, customersCreated: 1, vehiclesCreated: 1 });
    expect(job).toMatchObject({ createdCount: 2, rejectedCount: 0 });
    const orders = (
      await env.ctx.db.execute<{ order_no: string; price_fen: number; status: string; milestone: string; buyer: string; vin: string | null; consultant: string | null; milestones: string[] }>(sql`
        SELECT o.order_no, o.price_fen, o.status, o.milestone, c.name AS buyer, v.vin, s.username AS consultant,
          (SELECT array_agg(m.milestone::text ORDER BY m.at) FROM sales_order_milestones m WHERE m.order_id = o.id) AS milestones
        FROM sales_orders o JOIN customers c ON c.id = o.customer_id LEFT JOIN vehicles v ON v.id = o.vehicle_id LEFT JOIN staff s ON s.id = o.consultant_id
        ORDER BY o.order_no`)
    ).rows;
    expect(orders).toEqual([
      { order_no: 'SO-2026-001', price_fen: 21_580_000, status: 'delivered', milestone: 'delivered', buyer: '郑敏', vin, consultant: 'sales1', milestones: ['ordered', 'delivered'] },
      { order_no: 'SO-2026-002', price_fen: 15_280_000, status: 'open', milestone: 'ordered', buyer: '张伟', vin: null, consultant: null, milestones: ['ordered'] },
    ]);
    const again = await importFile(manager1, 'sales_orders', 'orders.csv', csv);
    expect(again.job).toMatchObject({ createdCount: 0, updatedCount: 0, unchangedCount: 2 });
  });
});

describe('failure and restart', () => {
  it('a run that dies mid-merge writes nothing and says why; the retry imports every row once', async () => {
    const vin = completeVin('LSLA5B2F', 'F0000001');
    const csv = [RO_HEADER, `RO-900,${vin},,钱七,13300009999,保养,2026-11-01,,1000,100,0,,,`].join('\n');
    const up = (await upload(manager1, 'repair_orders', 'fail.csv', csv)).json();
    expect((await preview(manager1, up.id, up.suggestedMapping)).statusCode).toBe(200);
    await env.ctx.db.update(importJobsTable).set({ status: 'queued' }).where(eq(importJobsTable.id, up.id));
    const m = org.staff.get('manager1')!;
    const payload = { importId: up.id, actor: { staffId: m.id, username: m.username, displayName: m.displayName, role: m.role, storeId: m.storeId } };
    // The owner and the car are inserted before the RO fails: all of it must roll back.
    await env.ctx.db.execute(sql`CREATE FUNCTION test_fail_ro() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full (simulated)'; END $$`);
    await env.ctx.db.execute(sql`CREATE TRIGGER test_fail_ro BEFORE INSERT ON repair_orders FOR EACH ROW EXECUTE FUNCTION test_fail_ro()`);
    try {
      await expect(env.ctx.services.imports.runImport(payload)).rejects.toThrow();
    } finally {
      await env.ctx.db.execute(sql`DROP TRIGGER test_fail_ro ON repair_orders`);
      await env.ctx.db.execute(sql`DROP FUNCTION test_fail_ro()`);
    }
    const failed = (await env.app.inject({ url: `/api/v1/imports/${up.id}`, headers: manager1 })).json();
    expect(failed).toMatchObject({ status: 'failed', createdCount: 0 });
    expect(failed.error).toContain('simulated');
    const leftovers = await env.ctx.db.execute<{ n: number }>(sql`SELECT (SELECT count(*) FROM customers WHERE mobile = '+8613300009999') + (SELECT count(*) FROM vehicles WHERE vin = ${vin}) AS n`);
    expect(Number(leftovers.rows[0]!.n)).toBe(0);
    const staging = await env.ctx.db.execute<{ n: number }>(sql`SELECT count(*) AS n FROM pg_tables WHERE tablename ~ '^import_(st|rs|nv)_'`);
    expect(Number(staging.rows[0]!.n)).toBe(0);

    await env.ctx.services.imports.runImport(payload); // pg-boss's retry
    const done = (await env.app.inject({ url: `/api/v1/imports/${up.id}`, headers: manager1 })).json();
    expect(done).toMatchObject({ status: 'completed', totalRows: 1, createdCount: 1, updatedCount: 0, unchangedCount: 0, rejectedCount: 0, error: null });
    await env.ctx.services.imports.runImport(payload); // a duplicate delivery of the job changes nothing
    const [n] = (await env.ctx.db.execute<{ ros: number; events: number }>(sql`SELECT (SELECT count(*) FROM repair_orders WHERE ro_no = 'RO-900') AS ros,
      (SELECT count(*) FROM domain_events WHERE type = 'import.completed' AND payload->>'importId' = ${up.id}) AS events`)).rows;
    expect(n).toEqual({ ros: 1, events: 1 });
  });
});

describe('access and input checks', () => {
  it('documents every import route in the OpenAPI document', async () => {
    const doc = (await env.app.inject({ url: '/api/docs/json' })).json();
    expect(Object.keys(doc.paths).filter((p: string) => p.includes('import')).sort()).toEqual([
      '/api/v1/import-mappings',
      '/api/v1/imports',
      '/api/v1/imports/{id}',
      '/api/v1/imports/{id}/errors',
      '/api/v1/imports/{id}/preview',
      '/api/v1/imports/{id}/run',
    ]);
    expect(doc.paths['/api/v1/imports'].post.operationId).toBe('uploadImport');
  });

  it('401 without a session', async () => {
    expect((await env.app.inject({ url: '/api/v1/imports' })).statusCode).toBe(401);
    const body = multipart({ kind: 'customers' }, { name: 'a.csv', content: 'a,b\n1,2\n' });
    expect((await env.app.inject({ method: 'POST', url: '/api/v1/imports', headers: body.headers, payload: body.payload })).statusCode).toBe(401);
  });

  it('403 for a sales consultant (imports.run is for managers and marketing)', async () => {
    const sales1 = await login(env.app, 'sales1');
    const res = await upload(sales1, 'customers', 'c.csv', '姓名,手机号\n甲,13600000000\n');
    expect(res.statusCode).toBe(403);
    expect((await env.app.inject({ url: '/api/v1/imports', headers: sales1 })).statusCode).toBe(403);
  });

  it('404 for another store\u2019s import; a store manager lists only their store', async () => {
    const up = await upload(manager1, 'customers', 'c.csv', '姓名,手机号\n甲,13600000000\n');
    const id = up.json().id;
    const manager2 = await login(env.app, 'manager2');
    expect((await env.app.inject({ url: `/api/v1/imports/${id}`, headers: manager2 })).statusCode).toBe(404);
    expect((await preview(manager2, id, { name: '姓名', mobile: '手机号' })).statusCode).toBe(404);
    expect((await env.app.inject({ url: `/api/v1/imports/${id}/errors`, headers: manager2 })).statusCode).toBe(404);
    const list = (await env.app.inject({ url: '/api/v1/imports', headers: manager2 })).json();
    expect(list.items.every((j: { storeId: string }) => j.storeId === org.stores[1]!.id)).toBe(true);
    const mine = (await env.app.inject({ url: '/api/v1/imports?kind=customers&limit=2', headers: manager1 })).json();
    expect(mine.items).toHaveLength(2);
    expect(mine.nextCursor).not.toBeNull();
  });

  it('400 for a missing file, an unknown kind, an old .xls, or a mapping without a required field', async () => {
    const noFile = multipart({ kind: 'customers' });
    expect((await env.app.inject({ method: 'POST', url: '/api/v1/imports', headers: { ...manager1, ...noFile.headers }, payload: noFile.payload })).statusCode).toBe(400);
    expect((await upload(manager1, 'cars', 'c.csv', 'a,b\n1,2\n')).statusCode).toBe(400);
    const xls = await upload(manager1, 'customers', 'old.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0, 0, 0]));
    expect(xls.statusCode).toBe(400);
    expect(xls.json().title).toContain('.xlsx');
    const up = await upload(manager1, 'customers', 'c.csv', '姓名,电话号码\n甲,13600000000\n');
    const bad = await preview(manager1, up.json().id, { name: '姓名' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([{ path: 'body.mapping.mobile', message: expect.stringContaining('手机号') }]);
    const run = await env.app.inject({ method: 'POST', url: `/api/v1/imports/${up.json().id}/run`, headers: manager1 });
    expect(run.statusCode).toBe(422);
  });

  it('a group admin names the store; a mapping saved by name is suggested for the next file with those columns', async () => {
    const admin = await login(env.app, 'admin');
    expect((await upload(admin, 'customers', 'c.csv', '客户,电话号码\n甲,13600000000\n')).statusCode).toBe(403);
    const up = await upload(admin, 'customers', 'c.csv', '客户,电话号码\n甲,13600000000\n', { storeId: org.stores[2]!.id });
    expect(up.json()).toMatchObject({ storeId: org.stores[2]!.id, suggestedMapping: { name: '客户', mobile: '电话号码' }, savedMappingName: null });
    const pv = await preview(admin, up.json().id, { name: '客户', mobile: '电话号码' }, 'DMS 客户导出');
    expect(pv.statusCode).toBe(200);
    const presets = (await env.app.inject({ url: '/api/v1/import-mappings?kind=customers', headers: manager1 })).json();
    expect(presets.items).toEqual([expect.objectContaining({ name: 'DMS 客户导出', mapping: { name: '客户', mobile: '电话号码' } })]);
    const saved = await env.app.inject({ method: 'POST', url: '/api/v1/import-mappings', headers: manager1, payload: { kind: 'customers', name: 'DMS 客户导出', mapping: { name: '客户', mobile: '电话号码', city: '城市' } } });
    expect(saved.statusCode).toBe(200);
    const next = await upload(manager1, 'customers', 'c2.csv', '客户,电话号码,城市\n乙,13600000001,北京\n');
    expect(next.json()).toMatchObject({ savedMappingName: 'DMS 客户导出', suggestedMapping: { name: '客户', mobile: '电话号码', city: '城市' } });
  });
});
