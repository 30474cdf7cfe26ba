/**
 * Small typed seed helpers for the engagement modules' tests (and demos): a customer with the fields messages and
 * tasks look at, a consent answer, a vehicle. They write rows directly, as an import would.
 */
import { completeVin } from '../../../contracts/validators.js';
import type { TDbOrTx } from '../../db/index.js';
import type { Actor } from '../../platform/rbac.js';
import { customerConsents, customers } from '../customers/schema.js';
import type { staff } from '../org/schema.js';
import { vehicles } from '../vehicles/schema.js';

let seq = 0;
const next = () => ++seq + Math.floor(Math.random() * 1e6) * 100;

/** The actor of a seeded staff member. */
export function actorFor(s: typeof staff.$inferSelect): Actor {
  return { staffId: s.id, username: s.username, displayName: s.displayName, role: s.role, storeId: s.storeId };
}

export async function seedCustomer(db: TDbOrTx, storeId: string, o: Partial<typeof customers.$inferInsert> = {}) {
  const n = next();
  const [c] = await db
    .insert(customers)
    .values({ storeId, name: `测试客户${n % 10000}`, mobile: `+86139${String(n).padStart(8, '0').slice(-8)}`, ...o })
    .returning();
  return c!;
}

export async function seedConsent(db: TDbOrTx, c: { id: string; storeId: string }, channel: 'sms' | 'wechat' | 'phone' | 'email', purpose: 'service' | 'marketing', granted = true) {
  await db
    .insert(customerConsents)
    .values({ customerId: c.id, storeId: c.storeId, channel, purpose, granted, source: '测试 / test' })
    .onConflictDoUpdate({ target: [customerConsents.customerId, customerConsents.channel, customerConsents.purpose], set: { granted } });
}

export async function seedVehicle(db: TDbOrTx, c: { id: string; storeId: string }, o: Partial<typeof vehicles.$inferInsert> = {}) {
  const n = String(next()).padStart(8, '0').slice(-8);
  const [v] = await db
    .insert(vehicles)
    .values({ customerId: c.id, storeId: c.storeId, vin: completeVin('LSVAB2BL', n), plate: `京A·${n.slice(-5)}`, ...o })
    .returning();
  return v!;
}
