/**
 * A table-driven access-control test: every route × every demo role × own store / other store, asserting the status a
 * user would get (2xx, 403 for a role without the permission, 404 for a record of another store).
 *
 * Usage (in any `*.test.ts`):
 *
 *   describeAccessMatrix('vehicles', {
 *     setup: async (env, org) => ({ env, org, vehicleId: await makeVehicleInStore1(env) }),
 *     rows: [
 *       { method: 'GET', path: '/vehicles/{id}', allowed: ALL_ROLES, request: (c) => ({ url: `/vehicles/${c.vehicleId}` }) },
 *       { method: 'POST', path: '/vehicles', allowed: ['group_admin', 'store_manager', 'sales', 'service'], target: 'none',
 *         request: (c, user) => ({ url: '/vehicles', body: { ... } }) },
 *     ],
 *   });
 *
 * Records a request acts on must belong to store 1 (BJ-LH, `org.stores[0]`): store-1 users then act on their own
 * store, store-2 users on another store. `request` runs right before each case, so a write can create a fresh record.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_COOKIE, SESSION_COOKIE } from '../platform/auth.js';
import { ROLES, type TRole } from '../platform/rbac.js';
import { DEMO_PASSWORD, seedDemoOrg, type SeededOrg } from '../seed/org.js';
import { createTestEnv, type TestEnv } from './harness.js';

export type THttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface TMatrixUser {
  username: string;
  role: TRole;
  /** 1 = the store the target records belong to, 2 = another store, null = group-wide. */
  store: 1 | 2 | null;
}

/** The group admin, one user of every store role in store 1, and the same roles in store 2. */
export const MATRIX_USERS: readonly TMatrixUser[] = [
  { username: 'admin', role: 'group_admin', store: null },
  ...(['store_manager', 'sales', 'service', 'cx', 'marketing'] as const).flatMap((role) => {
    const prefix = role === 'store_manager' ? 'manager' : role;
    return [
      { username: `${prefix}1`, role, store: 1 as const },
      { username: `${prefix}2`, role, store: 2 as const },
    ];
  }),
];

export const ALL_ROLES: readonly TRole[] = ROLES;

export interface TMatrixRow<C> {
  method: THttpMethod;
  /** The route as documented (`/customers/{id}`), used in the test name. */
  path: string;
  /** Roles holding the permission; everyone else must get 403. */
  allowed: readonly TRole[];
  /**
   * `store1` (default): the request acts on a record of store 1, so a permitted store-2 user gets 404.
   * `none`: no existing record (a list, or a create in the user's own store): every permitted user gets 2xx.
   */
  target?: 'store1' | 'none';
  /** Builds one case's request (URL under /api/v1, JSON body); runs right before the case. */
  request(ctx: C, user: TMatrixUser): { url: string; body?: unknown } | Promise<{ url: string; body?: unknown }>;
}

export type TExpected = '2xx' | 403 | 404;

/** The status a row promises a user: 403 without the permission (checked first), 404 outside the store, else 2xx. */
export function expectedStatus(row: Pick<TMatrixRow<unknown>, 'allowed' | 'target'>, user: TMatrixUser): TExpected {
  if (!row.allowed.includes(user.role)) return 403;
  if ((row.target ?? 'store1') === 'store1' && user.store === 2) return 404;
  return '2xx';
}

/**
 * Declares one vitest `describe` with a test per row and user. Builds its own test database and app, seeds the demo
 * organisation and signs every matrix user in once; `setup` creates the records the rows act on.
 */
export function describeAccessMatrix<C>(title: string, opts: { setup(env: TestEnv, org: SeededOrg): Promise<C>; rows: readonly TMatrixRow<C>[]; users?: readonly TMatrixUser[] }): void {
  const users = opts.users ?? MATRIX_USERS;
  describe(`access matrix: ${title}`, () => {
    let env: TestEnv;
    let ctx: C;
    const headers = new Map<string, Record<string, string>>();
    beforeAll(async () => {
      env = await createTestEnv();
      const org = await seedDemoOrg(env.ctx.db);
      // Sessions are opened through the org service, not POST /auth/login: the login route's rate limit (10 a minute
      // per address) would refuse the eleventh user. The cookies and CSRF header are the ones the console sends.
      for (const u of users) {
        const s = await env.ctx.services.org.login(u.username, DEMO_PASSWORD, { ip: '127.0.0.1' });
        headers.set(u.username, { cookie: `${SESSION_COOKIE}=${s.token}; ${CSRF_COOKIE}=${s.csrfToken}`, 'x-csrf-token': s.csrfToken });
      }
      ctx = await opts.setup(env, org);
    });
    afterAll(() => env?.close());

    for (const row of opts.rows) {
      describe(`${row.method} ${row.path}`, () => {
        for (const user of users) {
          const expected = expectedStatus(row, user);
          const where = user.store === null ? 'group' : user.store === 1 ? 'own store' : 'other store';
          it(`${user.username} (${user.role}, ${where}) → ${expected}`, async () => {
            const { url, body } = await row.request(ctx, user);
            const res = await env.app.inject({ method: row.method, url: `/api/v1${url}`, headers: headers.get(user.username)!, ...(body === undefined ? {} : { payload: body as object }) });
            const detail = `${row.method} ${url} as ${user.username}: ${res.statusCode} ${res.body.slice(0, 300)}`;
            if (expected === '2xx') expect(res.statusCode >= 200 && res.statusCode < 300, detail).toBe(true);
            else expect(res.statusCode, detail).toBe(expected);
          });
        }
      });
    }
  });
}
