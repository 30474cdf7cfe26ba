import { z } from 'zod';
import { ZDate, ZFen, ZId, ZListQuery } from './common.js';
import { ZPlate, ZVin } from './validators.js';

/** Body types of the model catalogue, in the order the console lists them. */
export const BODY_TYPES = [
  { key: 'suv', zh: 'SUV', en: 'SUV' },
  { key: 'sedan', zh: '轿车', en: 'Sedan' },
  { key: 'mpv', zh: 'MPV', en: 'MPV' },
  { key: 'hatchback', zh: '两厢车', en: 'Hatchback' },
  { key: 'wagon', zh: '旅行车', en: 'Wagon' },
  { key: 'pickup', zh: '皮卡', en: 'Pickup' },
] as const;

export const POWERTRAINS = [
  { key: 'ice', zh: '燃油', en: 'Petrol (ICE)' },
  { key: 'hev', zh: '油电混动', en: 'Hybrid (HEV)' },
  { key: 'phev', zh: '插电混动', en: 'Plug-in hybrid (PHEV)' },
  { key: 'bev', zh: '纯电动', en: 'Battery electric (BEV)' },
] as const;

export const VEHICLE_STATUSES = [
  { key: 'in_use', zh: '在用', en: 'In use' },
  { key: 'sold', zh: '已转卖', en: 'Sold on' },
  { key: 'scrapped', zh: '已报废', en: 'Scrapped' },
] as const;

type Keys<T extends readonly { key: string }[]> = { [I in keyof T]: T[I]['key'] };
/** The keys of a labelled option list as a tuple, for `z.enum` (the list stays the one source of the values). */
export const optionKeys = <T extends readonly { key: string }[]>(list: T) => list.map((x) => x.key) as unknown as Keys<T>;

export const ZBodyType = z.enum(optionKeys(BODY_TYPES));
export const ZPowertrain = z.enum(optionKeys(POWERTRAINS));
export const ZVehicleStatus = z.enum(optionKeys(VEHICLE_STATUSES));
export type TBodyType = z.infer<typeof ZBodyType>;
export type TPowertrain = z.infer<typeof ZPowertrain>;
export type TVehicleStatus = z.infer<typeof ZVehicleStatus>;

/** A calendar date within [min, max] (ISO dates compare correctly as strings). */
export const zDateBetween = (min: string, max: string) =>
  ZDate.refine((d) => d >= min && d <= max, { message: `日期须在 ${min} 至 ${max} 之间 / Date must be between ${min} and ${max}` });

/**
 * Any date a vehicle record holds. Past facts (purchase, delivery, a mileage reading) are also refused by the server
 * when after today in the store's time zone; contract dates (insurance expiry, warranty end) may lie ahead.
 */
const ZVehicleDate = zDateBetween('1980-01-01', '2100-12-31');
export const ZMileageKm = z.number().int().min(0).max(2_000_000);

// ---------------------------------------------------------------------------
// Model catalogue
// ---------------------------------------------------------------------------

const ZVehicleModelFields = z.object({
  brand: z.string().trim().min(1).max(50),
  series: z.string().trim().min(1).max(50),
  name: z.string().trim().min(1).max(100),
  bodyType: ZBodyType,
  powertrain: ZPowertrain,
  seats: z.number().int().min(1).max(60),
  minPriceFen: ZFen,
  maxPriceFen: ZFen,
  luxury: z.boolean(),
  maintenanceIntervalMonths: z.number().int().min(1).max(60),
  maintenanceIntervalKm: z.number().int().min(500).max(100_000),
  firstServiceMonths: z.number().int().min(1).max(60),
  firstServiceKm: z.number().int().min(500).max(100_000),
});

const priceBandMessage = '最低价不能高于最高价 / The minimum price must not exceed the maximum price';

// Defaults live on the create schema only: on a PATCH an absent field must stay absent, not reset to its default.
export const ZVehicleModelCreate = ZVehicleModelFields.extend({
  luxury: ZVehicleModelFields.shape.luxury.default(false),
  firstServiceMonths: ZVehicleModelFields.shape.firstServiceMonths.default(6),
  firstServiceKm: ZVehicleModelFields.shape.firstServiceKm.default(5000),
}).refine((m) => m.minPriceFen <= m.maxPriceFen, { message: priceBandMessage, path: ['maxPriceFen'] });
/** The server re-checks the price band against the stored model, as a patch may carry only one side of it. */
export const ZVehicleModelUpdate = ZVehicleModelFields.partial().extend({ active: z.boolean().optional() });
export const ZVehicleModel = ZVehicleModelFields.extend({
  id: ZId,
  active: z.boolean(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export const ZVehicleModelListQuery = ZListQuery.extend({
  q: z.string().trim().max(50).optional(),
  bodyType: ZBodyType.optional(),
  powertrain: ZPowertrain.optional(),
  includeInactive: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});
export type TVehicleModelCreate = z.infer<typeof ZVehicleModelCreate>;
export type TVehicleModelUpdate = z.infer<typeof ZVehicleModelUpdate>;
export type TVehicleModel = z.infer<typeof ZVehicleModel>;
export type TVehicleModelListQuery = z.infer<typeof ZVehicleModelListQuery>;
export { priceBandMessage as VEHICLE_MODEL_PRICE_BAND_MESSAGE };

// ---------------------------------------------------------------------------
// Vehicles
// ---------------------------------------------------------------------------

const vehicleFields = {
  plate: ZPlate.nullable().optional(),
  modelId: ZId.nullable().optional(),
  color: z.string().trim().max(30).optional(),
  purchaseDate: ZVehicleDate.nullable().optional(),
  deliveryDate: ZVehicleDate.nullable().optional(),
  lastMileageKm: ZMileageKm.nullable().optional(),
  lastMileageAt: ZVehicleDate.nullable().optional(),
  insuranceExpiry: ZVehicleDate.nullable().optional(),
  warrantyEnd: ZVehicleDate.nullable().optional(),
  status: ZVehicleStatus.optional(),
};

/** VIN and plate are normalised (upper-case, `京A·12345`) by the schema, so stored values are canonical. */
export const ZVehicleCreate = z.object({ customerId: ZId, vin: ZVin, ...vehicleFields });
/** Changing `customerId` hands the car to another owner (the vehicle then belongs to that owner's store). */
export const ZVehicleUpdate = z.object({ customerId: ZId.optional(), vin: ZVin.optional(), ...vehicleFields });

export const ZVehicleModelRef = z.object({ id: ZId, brand: z.string(), series: z.string(), name: z.string(), bodyType: ZBodyType, powertrain: ZPowertrain });
export const ZVehicle = z.object({
  id: ZId,
  customerId: ZId,
  customerName: z.string(),
  storeId: ZId,
  vin: z.string(),
  plate: z.string().nullable(),
  modelId: ZId.nullable(),
  /** `brand series name`, e.g. `领航 L7 2025款 智享版`; null when the model is unknown. */
  modelName: z.string().nullable(),
  model: ZVehicleModelRef.nullable(),
  color: z.string(),
  purchaseDate: ZDate.nullable(),
  deliveryDate: ZDate.nullable(),
  lastMileageKm: z.number().int().nullable(),
  lastMileageAt: ZDate.nullable(),
  insuranceExpiry: ZDate.nullable(),
  warrantyEnd: ZDate.nullable(),
  status: ZVehicleStatus,
  createdAt: z.date(),
  updatedAt: z.date(),
});
export const ZVehicleListQuery = ZListQuery.extend({
  customerId: ZId.optional(),
  storeId: ZId.optional(),
  modelId: ZId.optional(),
  /** A plate (exact, any spelling `validatePlate` accepts), or part of a VIN or plate. */
  q: z.string().trim().max(50).optional(),
});
export type TVehicleCreate = z.infer<typeof ZVehicleCreate>;
export type TVehicleUpdate = z.infer<typeof ZVehicleUpdate>;
export type TVehicle = z.infer<typeof ZVehicle>;
export type TVehicleListQuery = z.infer<typeof ZVehicleListQuery>;

/** The short reference to a car other records embed (orders, repair orders). */
export const ZVehicleRef = z.object({ id: ZId, vin: z.string(), plate: z.string().nullable(), modelName: z.string().nullable() });
export type TVehicleRef = z.infer<typeof ZVehicleRef>;
/** `{id, displayName}` of a staff member named on a record (consultant, advisor, who recorded a step). */
export const ZStaffRef = z.object({ id: ZId, displayName: z.string() });
export type TStaffRef = z.infer<typeof ZStaffRef>;
