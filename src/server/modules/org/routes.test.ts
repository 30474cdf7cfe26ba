import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, login, type TestEnv } from '../../testing/harness.js';
import { seedDemoOrg, type SeededOrg } from '../../seed/org.js';

let env: TestEnv;
let org: SeededOrg;
beforeAll(async () => {
  env = await createTestEnv();
  org = await seedDemoOrg(env.ctx.db);
});
afterAll(() => env.close());

describe('auth', () => {
  it('health answers without a session', async () => {
    const res = await env.app.inject({ url: '/api/v1/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('rejects a wrong password with 401 and no cookie', async () => {
    const res = await env.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: 'nope' } });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.cookies).toHaveLength(0);
  });

  it('limits sign-in tries per account and address: the 11th wrong password in a minute is 429, a colleague still signs in', async () => {
    const tries = [];
    for (let i = 0; i < 11; i++) tries.push((await env.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '10.9.8.7', payload: { username: 'sales2', password: `wrong-${i}` } })).statusCode);
    expect(tries.slice(0, 10).every((c) => c === 401)).toBe(true);
    expect(tries[10]).toBe(429);
    // The right password of the same account is held back too (the limit is on the account, not the outcome).
    expect((await env.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '10.9.8.7', payload: { username: 'SALES2 ', password: 'baoke-demo' } })).statusCode).toBe(429);
    // Someone else at the same store Wi-Fi is not locked out.
    const other = await env.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '10.9.8.7', payload: { username: 'service2', password: 'baoke-demo' } });
    expect(other.statusCode).toBe(200);
  });

  it('signs in, answers /me with the role permissions, signs out', async () => {
    const h = await login(env.app, 'sales1');
    const me = await env.app.inject({ url: '/api/v1/auth/me', headers: h });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ username: 'sales1', role: 'sales', storeId: org.stores[0]!.id });
    expect(me.json().permissions).toContain('sales.write');
    expect(me.json().permissions).not.toContain('org.manage');
    const out = await env.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: h });
    expect(out.statusCode).toBe(200);
    expect((await env.app.inject({ url: '/api/v1/auth/me', headers: h })).statusCode).toBe(401);
  });

  it('refuses an unsafe request without the CSRF header', async () => {
    const h = await login(env.app, 'admin');
    const res = await env.app.inject({ method: 'POST', url: '/api/v1/stores', headers: { cookie: h.cookie }, payload: { code: 'X1', name: 'x' } });
    expect(res.statusCode).toBe(403);
  });

  it('accepts a Bearer API token without CSRF', async () => {
    const h = await login(env.app, 'admin');
    const t = await env.app.inject({ method: 'POST', url: '/api/v1/api-tokens', headers: h, payload: { name: 'DMS sync' } });
    expect(t.statusCode).toBe(201);
    const res = await env.app.inject({ url: '/api/v1/stores', headers: { authorization: `Bearer ${t.json().token}` } });
    expect(res.statusCode).toBe(200);
    expect((await env.app.inject({ url: '/api/v1/stores', headers: { authorization: 'Bearer bk_wrong' } })).statusCode).toBe(401);
  });
});

describe('stores and staff', () => {
  it('lets the group admin create a store and staff; a duplicate code is 409', async () => {
    const h = await login(env.app, 'admin');
    const s = await env.app.inject({ method: 'POST', url: '/api/v1/stores', headers: h, payload: { code: 'SH-LH', name: '华辰领航上海店', city: '上海' } });
    expect(s.statusCode).toBe(201);
    const dup = await env.app.inject({ method: 'POST', url: '/api/v1/stores', headers: h, payload: { code: 'SH-LH', name: 'again' } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().existing.id).toBe(s.json().id);
    const st = await env.app.inject({ method: 'POST', url: '/api/v1/staff', headers: h, payload: { username: 'sales9', displayName: '新销售', password: 'longenough', role: 'sales', storeId: s.json().id } });
    expect(st.statusCode).toBe(201);
    expect(st.json()).not.toHaveProperty('passwordHash');
    const bad = await env.app.inject({ method: 'POST', url: '/api/v1/staff', headers: h, payload: { username: 'x', displayName: '', password: 'short', role: 'boss' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.length).toBeGreaterThan(0);
  });

  it('forbids store managers from managing stores, and scopes their store and staff lists', async () => {
    const h = await login(env.app, 'manager1');
    expect((await env.app.inject({ method: 'POST', url: '/api/v1/stores', headers: h, payload: { code: 'ZZ', name: 'z' } })).statusCode).toBe(403);
    const stores = (await env.app.inject({ url: '/api/v1/stores', headers: h })).json().items;
    expect(stores.map((s: { id: string }) => s.id)).toEqual([org.stores[0]!.id]);
    const other = await env.app.inject({ url: `/api/v1/stores/${org.stores[1]!.id}`, headers: h });
    expect(other.statusCode).toBe(404);
    const staff = (await env.app.inject({ url: '/api/v1/staff', headers: h })).json().items;
    expect(staff.every((s: { storeId: string }) => s.storeId === org.stores[0]!.id)).toBe(true);
  });

  it('deactivating a staff member ends their sessions', async () => {
    const admin = await login(env.app, 'admin');
    const h = await login(env.app, 'cx2');
    const id = org.staff.get('cx2')!.id;
    expect((await env.app.inject({ method: 'PATCH', url: `/api/v1/staff/${id}`, headers: admin, payload: { active: false } })).statusCode).toBe(200);
    expect((await env.app.inject({ url: '/api/v1/auth/me', headers: h })).statusCode).toBe(401);
  });

  it('records logins and changes in the audit log, readable by the admin only', async () => {
    const admin = await login(env.app, 'admin');
    const res = await env.app.inject({ url: '/api/v1/audit-log?action=store.create', headers: admin });
    expect(res.statusCode).toBe(200);
    expect(res.json().items.length).toBeGreaterThan(0);
    const sales = await login(env.app, 'sales2');
    expect((await env.app.inject({ url: '/api/v1/audit-log', headers: sales })).statusCode).toBe(403);
  });

  it('serves the OpenAPI document listing the routes', async () => {
    const res = await env.app.inject({ url: '/api/docs/json' });
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json().paths)).toContain('/api/v1/customers'.replace('customers', 'stores'));
  });
});

describe('production start-up', () => {
  it('creates the first group admin from BAOKE_ADMIN_PASSWORD only when there is none', async () => {
    const { ensureAdmin } = await import('./service.js');
    const fresh = await createTestEnv();
    try {
      expect(await ensureAdmin(fresh.ctx.db, 'a-long-admin-password')).toBe(true);
      expect(await ensureAdmin(fresh.ctx.db, 'another-password!!')).toBe(false);
      const ok = await fresh.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: 'a-long-admin-password' } });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().role).toBe('group_admin');
    } finally {
      await fresh.close();
    }
  });

  it('exposes Prometheus metrics', async () => {
    await env.app.inject({ url: '/api/v1/health' });
    const res = await env.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('baoke_http_request_duration_seconds');
  });
});
