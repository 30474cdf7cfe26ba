/**
 * Who may call what: every customers route × every role × own store / other store. Other modules add their own
 * tables with `describeAccessMatrix` (see matrix.ts), here or in their own test files.
 */
import { customers, tags } from '../modules/customers/schema.js';
import type { TRole } from '../platform/rbac.js';
import type { TestEnv } from './harness.js';
import { ALL_ROLES, describeAccessMatrix, type TMatrixRow, type TMatrixUser } from './matrix.js';

const WRITE: TRole[] = ['group_admin', 'store_manager', 'sales', 'service'];
const REVEAL: TRole[] = ['group_admin', 'store_manager', 'sales', 'service', 'cx'];
const MERGE: TRole[] = ['group_admin', 'store_manager'];
const CONSENT: TRole[] = ['group_admin', 'store_manager', 'sales', 'service', 'cx'];
const INTERACT: TRole[] = ['group_admin', 'store_manager', 'sales', 'service', 'cx'];
const BEHAVIOUR: TRole[] = ['group_admin', 'store_manager', 'marketing'];

interface Ctx {
  env: TestEnv;
  store1: string;
  /** A customer of store 1 that reads and idempotent writes can share. */
  customerId: string;
  tagId: string;
  /** A fresh customer of store 1, for writes that change or consume their target. */
  freshCustomer(): Promise<string>;
  next(): number;
}

/** Group admins create in a store they name; store staff in their own. */
const storeFor = (c: Ctx, u: TMatrixUser) => (u.store === null ? { storeId: c.store1 } : {});

const customersRows: TMatrixRow<Ctx>[] = [
  { method: 'GET', path: '/customers', allowed: ALL_ROLES, target: 'none', request: () => ({ url: '/customers?q=4321&sort=name_asc' }) },
  {
    method: 'POST',
    path: '/customers',
    allowed: WRITE,
    target: 'none',
    request: (c, u) => ({ url: '/customers', body: { name: '矩阵客户', mobile: `+86137${String(10_000_000 + c.next()).slice(-8)}`, ...storeFor(c, u) } }),
  },
  { method: 'GET', path: '/customers/{id}', allowed: ALL_ROLES, request: (c) => ({ url: `/customers/${c.customerId}` }) },
  { method: 'PATCH', path: '/customers/{id}', allowed: WRITE, request: (c) => ({ url: `/customers/${c.customerId}`, body: { city: `城市${c.next()}` } }) },
  { method: 'POST', path: '/customers/{id}/reveal', allowed: REVEAL, request: (c) => ({ url: `/customers/${c.customerId}/reveal`, body: { field: 'mobile' } }) },
  {
    method: 'PUT',
    path: '/customers/{id}/consents/{channel}/{purpose}',
    allowed: CONSENT,
    request: (c) => ({ url: `/customers/${c.customerId}/consents/wechat/marketing`, body: { granted: true, source: '矩阵测试' } }),
  },
  { method: 'GET', path: '/tags', allowed: ALL_ROLES, target: 'none', request: () => ({ url: '/tags' }) },
  { method: 'POST', path: '/tags', allowed: ALL_ROLES, target: 'none', request: (c) => ({ url: '/tags', body: { name: `矩阵标签${c.next()}` } }) },
  { method: 'POST', path: '/customers/{id}/tags', allowed: ALL_ROLES, request: (c) => ({ url: `/customers/${c.customerId}/tags`, body: { tagId: c.tagId } }) },
  { method: 'DELETE', path: '/customers/{id}/tags/{tagId}', allowed: ALL_ROLES, request: (c) => ({ url: `/customers/${c.customerId}/tags/${c.tagId}` }) },
  { method: 'POST', path: '/customers/{id}/interactions', allowed: INTERACT, request: (c) => ({ url: `/customers/${c.customerId}/interactions`, body: { kind: 'call', summary: '回访' } }) },
  { method: 'POST', path: '/customers/{id}/behaviour-events', allowed: BEHAVIOUR, request: (c) => ({ url: `/customers/${c.customerId}/behaviour-events`, body: { kind: 'model.viewed' } }) },
  {
    method: 'POST',
    path: '/customers/{id}/merge',
    allowed: MERGE,
    // A merge consumes its source: every case gets a fresh pair.
    request: async (c) => ({ url: `/customers/${await c.freshCustomer()}/merge`, body: { sourceId: await c.freshCustomer() } }),
  },
];

describeAccessMatrix<Ctx>('customers', {
  async setup(env, org) {
    const store1 = org.stores[0]!.id;
    let n = 0;
    const next = () => ++n;
    const freshCustomer = async () => {
      const [c] = await env.ctx.db
        .insert(customers)
        .values({ storeId: store1, name: `矩阵${next()}`, mobile: `+86136${String(10_000_000 + next()).slice(-8)}` })
        .returning({ id: customers.id });
      return c!.id;
    };
    const [t] = await env.ctx.db.insert(tags).values({ name: '矩阵固定标签' }).returning({ id: tags.id });
    return { env, store1, customerId: await freshCustomer(), tagId: t!.id, freshCustomer, next };
  },
  rows: customersRows,
});
