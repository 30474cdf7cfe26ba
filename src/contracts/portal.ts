import { z } from 'zod';
import { ZAppointmentNote, ZAppointmentStatus } from './appointments.js';
import { ZId } from './common.js';
import { CONSENT_CHANNELS } from './customers.js';
import { LOAN_MAX_PRICE_FEN, LOAN_MAX_RATE_PCT, LOAN_MIN_PRINCIPAL_FEN, LOAN_RATE_SCALE } from './loan.js';
import { ZDeliveryMilestone, ZSalesOrderStatus } from './sales.js';
import { ZRoKind, ZWorkshopStage } from './service.js';
import { ZMobile } from './validators.js';
import { ZVehicleStatus } from './vehicles.js';

/** The owner portal's one-time sign-in code: 6 digits, 5 minutes, 5 tries. */
export const PORTAL_CODE_LENGTH = 6;

export const ZPortalCodeRequest = z.object({ mobile: ZMobile });
/** The same answer whether or not the number belongs to an owner (no enumeration). */
export const ZPortalCodeSent = z.object({ resendAfterSeconds: z.number().int(), expiresInSeconds: z.number().int(), codeLength: z.number().int() });
export const ZPortalVerify = z.object({
  mobile: ZMobile,
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, '请输入 6 位数字验证码 / Enter the 6-digit code'),
});

export const ZPortalConsent = z.object({
  channel: z.enum(CONSENT_CHANNELS),
  /** Marketing consent only: service notices about the owner's own cars need none. */
  granted: z.boolean(),
  source: z.string().nullable(),
  recordedAt: z.date().nullable(),
});
export const ZPortalConsentPut = z.object({ granted: z.boolean() });

export const ZPortalStore = z.object({ id: ZId, name: z.string(), phone: z.string(), address: z.string(), city: z.string(), timezone: z.string() });

export const ZPortalMe = z.object({
  customerId: ZId,
  name: z.string(),
  mobileMasked: z.string().nullable(),
  store: ZPortalStore,
  consents: z.array(ZPortalConsent),
  /** Echo in `X-CSRF-Token` on every unsafe request. */
  csrfToken: z.string(),
});

export const ZPortalStep = z.object({ at: z.date(), note: z.string(), photos: z.array(z.string()) });

export const ZPortalRoSummary = z.object({
  id: ZId,
  roNo: z.string(),
  kind: ZRoKind,
  stage: ZWorkshopStage,
  openedAt: z.date(),
  closedAt: z.date().nullable(),
  mileageKm: z.number().int().nullable(),
  totalFen: z.number().int(),
});
export const ZPortalRepairOrder = ZPortalRoSummary.extend({
  vehicleId: ZId,
  labourFen: z.number().int(),
  partsFen: z.number().int(),
  items: z.array(z.object({ name: z.string(), kind: z.enum(['labour', 'part']), quantity: z.number(), amountFen: z.number().int() })),
  advisorName: z.string().nullable(),
  note: z.string(),
  stages: z.array(ZPortalStep.extend({ stage: ZWorkshopStage })),
});

export const ZPortalSalesOrder = z.object({
  id: ZId,
  orderNo: z.string(),
  vehicleId: ZId.nullable(),
  modelName: z.string().nullable(),
  status: ZSalesOrderStatus,
  milestone: ZDeliveryMilestone,
  orderedAt: z.date(),
  deliveredAt: z.date().nullable(),
  consultantName: z.string().nullable(),
  milestones: z.array(ZPortalStep.extend({ milestone: ZDeliveryMilestone })),
});

export const ZPortalAppointment = z.object({
  id: ZId,
  vehicle: z.object({ id: ZId, plate: z.string().nullable(), modelName: z.string().nullable() }),
  kind: ZRoKind,
  status: ZAppointmentStatus,
  slotStart: z.date(),
  slotEnd: z.date(),
  localDate: z.string(),
  note: z.string(),
  /** The owner may still cancel or move it (booked, and the slot has not begun). */
  changeable: z.boolean(),
  store: z.object({ name: z.string(), phone: z.string(), address: z.string() }),
});

export const ZPortalMaintenance = z.object({
  vehicleId: ZId,
  plate: z.string().nullable(),
  dueDate: z.string().nullable(),
  dueKm: z.number().int().nullable(),
  kind: z.enum(['first_service', 'maintenance']).nullable(),
});

export const ZPortalVehicle = z.object({
  id: ZId,
  plate: z.string().nullable(),
  vin: z.string(),
  modelName: z.string().nullable(),
  brand: z.string().nullable(),
  color: z.string(),
  purchaseDate: z.string().nullable(),
  deliveryDate: z.string().nullable(),
  lastMileageKm: z.number().int().nullable(),
  lastMileageAt: z.string().nullable(),
  insuranceExpiry: z.string().nullable(),
  warrantyEnd: z.string().nullable(),
  status: ZVehicleStatus,
  nextMaintenance: ZPortalMaintenance.nullable(),
  /** The repair order in the workshop now, with its stages. */
  openRepairOrder: ZPortalRepairOrder.nullable(),
  /** The open sales order of this car (delivery in progress), with its milestones. */
  openSalesOrder: ZPortalSalesOrder.nullable(),
  nextAppointment: ZPortalAppointment.nullable(),
});
export const ZPortalVehicleDetail = ZPortalVehicle.extend({ history: z.array(ZPortalRoSummary) });

/** The owner's cars, and open orders whose car has not been assigned yet (a new car on its way). */
export const ZPortalGarage = z.object({ vehicles: z.array(ZPortalVehicle), orders: z.array(ZPortalSalesOrder) });

export const ZPortalHome = z.object({
  name: z.string(),
  store: ZPortalStore,
  garage: ZPortalGarage,
  nextAppointment: ZPortalAppointment.nullable(),
  /** The soonest maintenance due over the owner's cars (from the derived vehicle facts). */
  nextMaintenance: ZPortalMaintenance.nullable(),
  unreadCount: z.number().int(),
});

export const ZPortalInboxItem = z.object({ id: ZId, subject: z.string(), body: z.string(), sentAt: z.date(), read: z.boolean() });
export const ZPortalInboxQuery = z.object({ limit: z.coerce.number().int().min(1).max(50).default(20), cursor: z.string().max(200).optional() });
export const ZPortalInbox = z.object({ items: z.array(ZPortalInboxItem), nextCursor: z.string().nullable(), unread: z.number().int() });

export const ZPortalAppointmentCreate = z.object({
  vehicleId: ZId,
  kind: ZRoKind,
  slotStart: z.iso.datetime({ offset: true }).transform((s) => new Date(s)),
  note: ZAppointmentNote.optional(),
});
export const ZPortalAvailabilityQuery = z.object({
  vehicleId: ZId,
  from: z.iso.date().optional(),
  days: z.coerce.number().int().min(1).max(14).default(7),
});

export const ZLoanInput = z
  .object({
    priceFen: z.number().int().min(1).max(LOAN_MAX_PRICE_FEN),
    downPaymentFen: z.number().int().min(0).max(LOAN_MAX_PRICE_FEN),
    /** Annual nominal rate in percent, e.g. 3.5 for 3.5 %; 0 for an interest-free offer. */
    annualRatePct: z
      .number()
      .min(0)
      .max(LOAN_MAX_RATE_PCT)
      .refine((r) => Math.abs(r * LOAN_RATE_SCALE - Math.round(r * LOAN_RATE_SCALE)) < 1e-6, '利率最多保留三位小数 / At most three decimals'),
    termMonths: z.number().int().min(1).max(120),
  })
  .refine((v) => v.downPaymentFen <= v.priceFen, { message: '首付不能高于车价 / The down payment cannot exceed the price', path: ['downPaymentFen'] })
  .refine((v) => v.downPaymentFen > v.priceFen || v.priceFen - v.downPaymentFen === 0 || v.priceFen - v.downPaymentFen >= LOAN_MIN_PRINCIPAL_FEN, {
    message: '贷款金额至少 ¥1,000 / The loan must be at least ¥1,000',
    path: ['downPaymentFen'],
  });

export const ZLoanQuote = z.object({
  principalFen: z.number().int(),
  /** What the owner pays every month (all months but possibly the last). */
  monthlyPaymentFen: z.number().int(),
  /** The last instalment: the monthly payment ± the rounding of the schedule. */
  lastPaymentFen: z.number().int(),
  totalInterestFen: z.number().int(),
  /** Principal + interest (excluding the down payment). */
  totalRepaymentFen: z.number().int(),
  termMonths: z.number().int(),
});

export const ZPortalLoanRequest = ZLoanInput;
export const ZPortalLoanQuote = ZLoanQuote;

export type TPortalMe = z.infer<typeof ZPortalMe>;
export type TPortalConsent = z.infer<typeof ZPortalConsent>;
export type TPortalStore = z.infer<typeof ZPortalStore>;
export type TPortalRoSummary = z.infer<typeof ZPortalRoSummary>;
export type TPortalRepairOrder = z.infer<typeof ZPortalRepairOrder>;
export type TPortalSalesOrder = z.infer<typeof ZPortalSalesOrder>;
export type TPortalAppointment = z.infer<typeof ZPortalAppointment>;
export type TPortalMaintenance = z.infer<typeof ZPortalMaintenance>;
export type TPortalVehicle = z.infer<typeof ZPortalVehicle>;
export type TPortalVehicleDetail = z.infer<typeof ZPortalVehicleDetail>;
export type TPortalGarage = z.infer<typeof ZPortalGarage>;
export type TPortalHome = z.infer<typeof ZPortalHome>;
export type TPortalInboxItem = z.infer<typeof ZPortalInboxItem>;
export type TPortalInbox = z.infer<typeof ZPortalInbox>;
export type TPortalCodeSent = z.infer<typeof ZPortalCodeSent>;
