import { z } from 'zod';
import { ZDate, ZId } from './common.js';
import { ZRoKind } from './service.js';
import { optionKeys, ZMileageKm, ZStaffRef, ZVehicleRef } from './vehicles.js';

/** 已预约 → 已到店 (check-in, optionally opening a repair order) | 爽约 (no-show) | 已取消. */
export const APPOINTMENT_STATUSES = [
  { key: 'booked', zh: '已预约', en: 'Booked' },
  { key: 'checked_in', zh: '已到店', en: 'Checked in' },
  { key: 'no_show', zh: '爽约', en: 'No-show' },
  { key: 'cancelled', zh: '已取消', en: 'Cancelled' },
] as const;

/** Who booked it: staff in the console (by phone, at the counter) or the owner in the portal. */
export const APPOINTMENT_SOURCES = [
  { key: 'console', zh: '门店登记', en: 'Store' },
  { key: 'portal', zh: '车主端', en: 'Owner portal' },
] as const;

/** Slot lengths a store may choose, in minutes. */
export const SLOT_MINUTES = [15, 20, 30, 45, 60, 90, 120] as const;
/** Weekday order of `hours`: index 0 is Monday, 6 is Sunday. */
export const WEEKDAYS = [
  { key: 'mon', zh: '周一', en: 'Mon' },
  { key: 'tue', zh: '周二', en: 'Tue' },
  { key: 'wed', zh: '周三', en: 'Wed' },
  { key: 'thu', zh: '周四', en: 'Thu' },
  { key: 'fri', zh: '周五', en: 'Fri' },
  { key: 'sat', zh: '周六', en: 'Sat' },
  { key: 'sun', zh: '周日', en: 'Sun' },
] as const;

export const ZAppointmentStatus = z.enum(optionKeys(APPOINTMENT_STATUSES));
export const ZAppointmentSource = z.enum(optionKeys(APPOINTMENT_SOURCES));
export type TAppointmentStatus = z.infer<typeof ZAppointmentStatus>;
export type TAppointmentSource = z.infer<typeof ZAppointmentSource>;

const ZInstantIn = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
/** A store-local wall time `HH:mm` (24 h). */
export const ZHhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式应为 HH:mm / Use HH:mm');

export const ZOpeningHours = z
  .object({ open: ZHhmm, close: ZHhmm })
  .refine((h) => h.open < h.close, { message: '营业结束时间须晚于开始时间 / Closing must be after opening', path: ['close'] });
export type TOpeningHours = z.infer<typeof ZOpeningHours>;

/**
 * A store's appointment capacity: slot length, opening hours per weekday (null = closed that day), service bays and
 * technicians. Each slot takes as many cars as there are bays *and* technicians for them: min(bays, technicians).
 */
export const ZAppointmentSettingsInput = z
  .object({
    slotMinutes: z
      .number()
      .int()
      .refine((m) => (SLOT_MINUTES as readonly number[]).includes(m), '时段长度须为 15/20/30/45/60/90/120 分钟 / Slot length must be one of 15, 20, 30, 45, 60, 90, 120 minutes'),
    bays: z.number().int().min(0).max(200),
    technicians: z.number().int().min(0).max(500),
    hours: z.array(ZOpeningHours.nullable()).length(7),
    /** After the end of its slot plus this, an appointment nobody came to is marked no-show. */
    graceMinutes: z.number().int().min(0).max(240),
    /** The earliest bookable slot starts this long from now. */
    leadMinutes: z.number().int().min(0).max(4320),
    /** How many days ahead owners and staff may book. */
    horizonDays: z.number().int().min(1).max(90),
    /** Whole days the workshop is closed (holidays), `YYYY-MM-DD`. */
    closedDates: z.array(ZDate).max(200),
  })
  .refine((s) => s.hours.every((h) => !h || minutesOf(h.close) - minutesOf(h.open) >= s.slotMinutes), {
    message: '每个营业日至少要能放下一个时段 / Every open day must fit at least one slot',
    path: ['hours'],
  });
export type TAppointmentSettingsInput = z.infer<typeof ZAppointmentSettingsInput>;

export const ZAppointmentSettings = z.object({
  storeId: ZId,
  timezone: z.string(),
  slotMinutes: z.number().int(),
  bays: z.number().int(),
  technicians: z.number().int(),
  /** Cars per slot: min(bays, technicians). */
  capacity: z.number().int(),
  hours: z.array(z.object({ open: z.string(), close: z.string() }).nullable()),
  graceMinutes: z.number().int(),
  leadMinutes: z.number().int(),
  horizonDays: z.number().int(),
  closedDates: z.array(z.string()),
  /** The store has not saved its own settings; these are the defaults. */
  isDefault: z.boolean(),
  updatedAt: z.date().nullable(),
});
export type TAppointmentSettings = z.infer<typeof ZAppointmentSettings>;
export const ZAppointmentSettingsQuery = z.object({ storeId: ZId.optional() });

export const ZAvailabilityQuery = z.object({
  storeId: ZId.optional(),
  /** First store-local day, default today. */
  from: ZDate.optional(),
  days: z.coerce.number().int().min(1).max(14).default(7),
});
export const ZSlot = z.object({
  start: z.date(),
  end: z.date(),
  /** Store-local `HH:mm` of the start. */
  time: z.string(),
  capacity: z.number().int(),
  booked: z.number().int(),
  available: z.number().int(),
  /** Free and still bookable (not in the past, not inside the lead time, within the horizon). */
  bookable: z.boolean(),
});
export const ZAvailabilityDay = z.object({
  date: z.string(),
  /** 0 = Monday … 6 = Sunday. */
  weekday: z.number().int(),
  closed: z.boolean(),
  slots: z.array(ZSlot),
});
export const ZAvailability = z.object({ storeId: ZId, timezone: z.string(), capacity: z.number().int(), slotMinutes: z.number().int(), days: z.array(ZAvailabilityDay) });
export type TSlot = z.infer<typeof ZSlot>;
export type TAvailabilityDay = z.infer<typeof ZAvailabilityDay>;
export type TAvailability = z.infer<typeof ZAvailability>;
export type TAvailabilityQuery = z.infer<typeof ZAvailabilityQuery>;

export const ZAppointmentNote = z.string().trim().max(500);

export const ZAppointmentCreate = z.object({
  vehicleId: ZId,
  kind: ZRoKind,
  /** The start of a free slot, as the availability answer gives it. */
  slotStart: ZInstantIn,
  note: ZAppointmentNote.optional(),
  /** The service advisor who will receive the car; default the owner's advisor. */
  advisorId: ZId.nullable().optional(),
});
export const ZAppointmentReschedule = z.object({ slotStart: ZInstantIn });
export const ZAppointmentCancel = z.object({ reason: z.string().trim().max(200).optional() });
export const ZAppointmentCheckIn = z.object({
  /** Open the repair order (stage 接车) for the car now; default yes. */
  openRepairOrder: z.boolean().default(true),
  mileageKm: ZMileageKm.optional(),
  note: z.string().trim().max(2000).optional(),
});
export type TAppointmentCreate = z.infer<typeof ZAppointmentCreate>;
export type TAppointmentCheckIn = z.infer<typeof ZAppointmentCheckIn>;

export const ZAppointment = z.object({
  id: ZId,
  storeId: ZId,
  customer: z.object({ id: ZId, name: z.string(), mobileMasked: z.string().nullable() }),
  vehicle: ZVehicleRef,
  kind: ZRoKind,
  status: ZAppointmentStatus,
  slotStart: z.date(),
  slotEnd: z.date(),
  /** The store-local day of the slot. */
  localDate: z.string(),
  note: z.string(),
  source: ZAppointmentSource,
  advisor: ZStaffRef.nullable(),
  createdBy: ZStaffRef.nullable(),
  repairOrderId: ZId.nullable(),
  checkedInAt: z.date().nullable(),
  cancelledAt: z.date().nullable(),
  cancelReason: z.string(),
  noShowAt: z.date().nullable(),
  remindedAt: z.date().nullable(),
  rescheduleCount: z.number().int(),
  createdAt: z.date(),
  /** How many appointments this customer has missed, ever (advisors call ahead for repeat no-shows). */
  customerNoShows: z.number().int(),
});
export type TAppointment = z.infer<typeof ZAppointment>;

export const ZAppointmentListQuery = z
  .object({
    storeId: ZId.optional(),
    /** Store-local days, inclusive; at most 31 days apart. */
    from: ZDate.optional(),
    to: ZDate.optional(),
    status: ZAppointmentStatus.optional(),
    customerId: ZId.optional(),
    vehicleId: ZId.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(200),
  })
  .refine((q) => q.customerId || q.vehicleId || (q.from && q.to), { message: '请指定日期范围或客户 / Give a date range or a customer', path: ['from'] })
  .refine((q) => !q.from || !q.to || (q.from <= q.to && daysBetween(q.from, q.to) <= 31), { message: '日期范围最多 31 天 / At most 31 days', path: ['to'] });
export type TAppointmentListQuery = z.infer<typeof ZAppointmentListQuery>;

function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

export { minutesOf as hhmmToMinutes };
