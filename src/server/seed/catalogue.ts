import { sql } from 'drizzle-orm';
import type { TDbOrTx } from '../db/index.js';
import { vehicleModels } from '../modules/vehicles/schema.js';

type TModelRow = typeof vehicleModels.$inferInsert;

/**
 * One model of the demo catalogue plus what the generator needs to fake its history: a sales weight within its
 * brand, the first 8 VIN characters (WMI + VDS) and the plant codes of the 11th character.
 */
export interface DemoModel {
  brand: string;
  series: string;
  name: string;
  bodyType: NonNullable<TModelRow['bodyType']>;
  powertrain: NonNullable<TModelRow['powertrain']>;
  seats: number;
  /** Price band in yuan; stored in fen. */
  minPriceYuan: number;
  maxPriceYuan: number;
  luxury: boolean;
  maintenanceIntervalMonths: number;
  maintenanceIntervalKm: number;
  firstServiceMonths: number;
  firstServiceKm: number;
  /** Relative share of the brand's sales. */
  weight: number;
  vinHead: string;
  plants: string;
}

export const BRAND_LINGHANG = '领航 Linghang';
export const BRAND_JIGUANG = '极光 Jiguang';

// Linghang: WMI "LSL" (fictional, built like SAIC's LS…), plants B(eijing) T(ianjin) H C. Jiguang: WMI "LGJ", plants
// W(uhan) X Z K. Four plant letters per brand keep VINs unique for up to ~1.3 M generated owners.
const LH = (vds: string) => `LSL${vds}`;
const JG = (vds: string) => `LGJ${vds}`;

/**
 * The demo model catalogue: ≈12 models. Linghang sells petrol and hybrid SUVs, sedans and an MPV (maintenance every
 * 6 months / 5,000 km on the older engines, 12 months / 10,000 km on the newer ones; first service at 3 months /
 * 3,000 km); Jiguang sells battery-electric and plug-in hybrid cars (12 months / 20,000 km and 12 months /
 * 10,000 km). The top trims carry the luxury flag the value tiers use.
 */
export const DEMO_MODELS: readonly DemoModel[] = [
  { brand: BRAND_LINGHANG, series: 'L5', name: '1.5T 舒适版', bodyType: 'suv', powertrain: 'ice', seats: 5, minPriceYuan: 129_800, maxPriceYuan: 145_800, luxury: false, maintenanceIntervalMonths: 6, maintenanceIntervalKm: 5_000, firstServiceMonths: 3, firstServiceKm: 3_000, weight: 22, vinHead: LH('A5B2F'), plants: 'BTHC' },
  { brand: BRAND_LINGHANG, series: 'L5', name: '1.5T 豪华版', bodyType: 'suv', powertrain: 'ice', seats: 5, minPriceYuan: 149_800, maxPriceYuan: 162_800, luxury: false, maintenanceIntervalMonths: 6, maintenanceIntervalKm: 5_000, firstServiceMonths: 3, firstServiceKm: 3_000, weight: 14, vinHead: LH('A5B3F'), plants: 'BTHC' },
  { brand: BRAND_LINGHANG, series: 'L7', name: '2.0T 四驱旗舰版', bodyType: 'suv', powertrain: 'ice', seats: 7, minPriceYuan: 229_800, maxPriceYuan: 259_800, luxury: true, maintenanceIntervalMonths: 12, maintenanceIntervalKm: 10_000, firstServiceMonths: 6, firstServiceKm: 5_000, weight: 7, vinHead: LH('A7D4G'), plants: 'BTHC' },
  { brand: BRAND_LINGHANG, series: 'L7', name: '双擎混动 尊享版', bodyType: 'suv', powertrain: 'hev', seats: 7, minPriceYuan: 219_800, maxPriceYuan: 239_800, luxury: false, maintenanceIntervalMonths: 12, maintenanceIntervalKm: 10_000, firstServiceMonths: 6, firstServiceKm: 5_000, weight: 9, vinHead: LH('A7H4E'), plants: 'BTHC' },
  { brand: BRAND_LINGHANG, series: 'S3', name: '1.5L CVT 精英版', bodyType: 'sedan', powertrain: 'ice', seats: 5, minPriceYuan: 89_800, maxPriceYuan: 105_800, luxury: false, maintenanceIntervalMonths: 6, maintenanceIntervalKm: 5_000, firstServiceMonths: 3, firstServiceKm: 3_000, weight: 18, vinHead: LH('B3C1A'), plants: 'BTHC' },
  { brand: BRAND_LINGHANG, series: 'S6', name: '2.0T 豪华版', bodyType: 'sedan', powertrain: 'ice', seats: 5, minPriceYuan: 169_800, maxPriceYuan: 192_800, luxury: false, maintenanceIntervalMonths: 12, maintenanceIntervalKm: 10_000, firstServiceMonths: 6, firstServiceKm: 5_000, weight: 9, vinHead: LH('B6D2G'), plants: 'BTHC' },
  { brand: BRAND_LINGHANG, series: 'S6', name: '混动 智享版', bodyType: 'sedan', powertrain: 'hev', seats: 5, minPriceYuan: 179_800, maxPriceYuan: 199_800, luxury: false, maintenanceIntervalMonths: 12, maintenanceIntervalKm: 10_000, firstServiceMonths: 6, firstServiceKm: 5_000, weight: 8, vinHead: LH('B6H2E'), plants: 'BTHC' },
  { brand: BRAND_LINGHANG, series: 'M8', name: '2.0T 七座商务版', bodyType: 'mpv', powertrain: 'ice', seats: 7, minPriceYuan: 249_800, maxPriceYuan: 289_800, luxury: false, maintenanceIntervalMonths: 6, maintenanceIntervalKm: 5_000, firstServiceMonths: 3, firstServiceKm: 3_000, weight: 5, vinHead: LH('C8D3G'), plants: 'BTHC' },
  { brand: BRAND_LINGHANG, series: 'M8', name: '双擎混动 旗舰版', bodyType: 'mpv', powertrain: 'hev', seats: 7, minPriceYuan: 319_800, maxPriceYuan: 359_800, luxury: true, maintenanceIntervalMonths: 12, maintenanceIntervalKm: 10_000, firstServiceMonths: 6, firstServiceKm: 5_000, weight: 3, vinHead: LH('C8H3E'), plants: 'BTHC' },
  { brand: BRAND_JIGUANG, series: 'E3', name: '标准续航版', bodyType: 'sedan', powertrain: 'bev', seats: 5, minPriceYuan: 119_800, maxPriceYuan: 139_800, luxury: false, maintenanceIntervalMonths: 12, maintenanceIntervalKm: 20_000, firstServiceMonths: 6, firstServiceKm: 5_000, weight: 26, vinHead: JG('E3A1K'), plants: 'WXZK' },
  { brand: BRAND_JIGUANG, series: 'E5', name: '长续航智驾版', bodyType: 'suv', powertrain: 'bev', seats: 5, minPriceYuan: 199_800, maxPriceYuan: 239_800, luxury: false, maintenanceIntervalMonths: 12, maintenanceIntervalKm: 20_000, firstServiceMonths: 6, firstServiceKm: 5_000, weight: 30, vinHead: JG('E5B2K'), plants: 'WXZK' },
  { brand: BRAND_JIGUANG, series: 'E7', name: '四驱性能旗舰版', bodyType: 'suv', powertrain: 'bev', seats: 5, minPriceYuan: 299_800, maxPriceYuan: 349_800, luxury: true, maintenanceIntervalMonths: 12, maintenanceIntervalKm: 20_000, firstServiceMonths: 6, firstServiceKm: 5_000, weight: 10, vinHead: JG('E7C4M'), plants: 'WXZK' },
  { brand: BRAND_JIGUANG, series: 'P6', name: 'DM 插混 领先版', bodyType: 'suv', powertrain: 'phev', seats: 5, minPriceYuan: 159_800, maxPriceYuan: 189_800, luxury: false, maintenanceIntervalMonths: 12, maintenanceIntervalKm: 10_000, firstServiceMonths: 6, firstServiceKm: 5_000, weight: 24, vinHead: JG('P6D2H'), plants: 'WXZK' },
  { brand: BRAND_JIGUANG, series: 'P9', name: '插混 六座旗舰版', bodyType: 'suv', powertrain: 'phev', seats: 6, minPriceYuan: 329_800, maxPriceYuan: 369_800, luxury: true, maintenanceIntervalMonths: 12, maintenanceIntervalKm: 10_000, firstServiceMonths: 6, firstServiceKm: 5_000, weight: 10, vinHead: JG('P9D6H'), plants: 'WXZK' },
];

export type TVehicleModelRow = typeof vehicleModels.$inferSelect;

/** Inserts the demo catalogue (models already present are left as they are) and returns every model in the table. */
export async function seedCatalogue(db: TDbOrTx): Promise<TVehicleModelRow[]> {
  const rows: TModelRow[] = DEMO_MODELS.map((m) => ({
    brand: m.brand,
    series: m.series,
    name: m.name,
    bodyType: m.bodyType,
    powertrain: m.powertrain,
    seats: m.seats,
    minPriceFen: m.minPriceYuan * 100,
    maxPriceFen: m.maxPriceYuan * 100,
    luxury: m.luxury,
    maintenanceIntervalMonths: m.maintenanceIntervalMonths,
    maintenanceIntervalKm: m.maintenanceIntervalKm,
    firstServiceMonths: m.firstServiceMonths,
    firstServiceKm: m.firstServiceKm,
  }));
  await db.insert(vehicleModels).values(rows).onConflictDoNothing({ target: [vehicleModels.brand, vehicleModels.series, vehicleModels.name] });
  return db.select().from(vehicleModels).orderBy(sql`${vehicleModels.brand}, ${vehicleModels.series}, ${vehicleModels.name}`);
}

/** The generator's extra facts for a stored model, or defaults when the model is not one of the demo's. */
export function demoModelFacts(m: Pick<TVehicleModelRow, 'brand' | 'series' | 'name' | 'powertrain'>): Pick<DemoModel, 'weight' | 'vinHead' | 'plants'> {
  const known = DEMO_MODELS.find((d) => d.brand === m.brand && d.series === m.series && d.name === m.name);
  if (known) return { weight: known.weight, vinHead: known.vinHead, plants: known.plants };
  return { weight: 5, vinHead: m.powertrain === 'bev' || m.powertrain === 'phev' ? JG('Z9Z9Z') : LH('Z9Z9Z'), plants: 'RSUV' };
}
