import type { TDb } from '../db/index.js';
import { seedCatalogue } from './catalogue.js';
import { generateDemoData, type GenerateOptions, type GenerateResult } from './generator.js';
import { seedDemoOrg } from './org.js';
import { seedAppointmentSettings, seedDemoAppointments } from './appointments.js';
import { DEMO_OWNER_MOBILE, seedPortalDemoOwner } from './portal-owner.js';
import { stores } from '../modules/org/schema.js';
import { seedDemoLoyalty } from './loyalty.js';

export interface DemoSeedOptions {
  /** Number of owners (customers) to generate. */
  size: number;
  /** PRNG seed: the same seed and size give the same data. */
  seed?: number;
  /**
   * "Today" of the generated history. Default: now, so a fresh demo has maintenance due this week, insurance expiring
   * next month and repair orders in the workshop right now. Pass a fixed date for reproducible data.
   */
  asOf?: string | Date;
  log?: (m: string) => void;
  /** Passed on to the generator (benchmarks). */
  generator?: Omit<GenerateOptions, 'size' | 'seed' | 'asOf' | 'log'>;
}

/**
 * Seeds the demo dealer group: the three stores and their staff (more consultants and advisors for bigger groups),
 * the model catalogue, then `size` owners with years of history. Refuses (with a clear error) when customers exist.
 */
export async function seedDemo(db: TDb, opts: DemoSeedOptions): Promise<GenerateResult> {
  const log = opts.log ?? (() => {});
  // A consultant or advisor looks after several hundred owners: add staff as the group grows, up to 21 of each per store.
  const extraSalesPerStore = Math.min(20, Math.floor(opts.size / 2500));
  await seedDemoOrg(db, { extraSalesPerStore });
  const models = await seedCatalogue(db);
  log(`demo group ready: 3 stores, ${3 * (5 + 2 * extraSalesPerStore) + 1} staff, ${models.length} models`);
  const result = await generateDemoData(db, { ...opts.generator, size: opts.size, seed: opts.seed ?? 2026, asOf: opts.asOf ?? new Date(), log });
  log(
    `generated ${result.customers.toLocaleString('en-US')} customers, ${result.vehicles.toLocaleString('en-US')} vehicles, ` +
      `${result.repairOrders.toLocaleString('en-US')} repair orders, ${result.salesOrders.toLocaleString('en-US')} sales orders in ${result.seconds.toFixed(1)} s`,
  );
  return result;
}

/**
 * What the demo adds on top of the generated history (`npm start`, `npm run seed`): the stores' appointment settings,
 * four weeks of service appointments, the owner the README signs in to the portal with, and loyalty data. Relative to `asOf`.
 */
export async function seedDemoService(db: TDb, opts: { asOf?: string | Date; seed?: number; log?: (m: string) => void } = {}): Promise<void> {
  const asOf = opts.asOf ?? new Date();
  const at = typeof asOf === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(asOf) ? new Date(`${asOf}T10:00:00+08:00`) : new Date(asOf);
  await seedAppointmentSettings(db, await db.select().from(stores));
  const booked = await seedDemoAppointments(db, { asOf: at, seed: opts.seed ?? 2026 });
  await seedPortalDemoOwner(db, { asOf: at });
  opts.log?.(`appointments: ${booked.toLocaleString('en-US')} over four weeks; portal demo owner ${DEMO_OWNER_MOBILE}`);
  const l = await seedDemoLoyalty(db, { asOf: at });
  opts.log?.(`loyalty: ${l.customers.toLocaleString('en-US')} members, ${l.coupons.toLocaleString('en-US')} coupons, ${l.referrals.toLocaleString('en-US')} referrals`);
}
