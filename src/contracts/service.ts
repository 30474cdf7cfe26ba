import { z } from 'zod';
import { ZFen, ZId, ZListQuery } from './common.js';
import { ZOrderNo, ZPhotos } from './sales.js';
import { optionKeys, ZMileageKm, ZStaffRef, ZVehicleRef } from './vehicles.js';

/** The workshop stages 预约 → 接车 → 诊断 → 维修 → 质检 → 洗车 → 待交车 → 已交车, in order. */
export const WORKSHOP_STAGES = [
  { key: 'booked', zh: '预约', en: 'Booked' },
  { key: 'received', zh: '接车', en: 'Received' },
  { key: 'diagnosis', zh: '诊断', en: 'Diagnosis' },
  { key: 'repair', zh: '维修', en: 'Repair' },
  { key: 'qc', zh: '质检', en: 'Quality check' },
  { key: 'wash', zh: '洗车', en: 'Wash' },
  { key: 'ready', zh: '待交车', en: 'Ready for pick-up' },
  { key: 'delivered', zh: '已交车', en: 'Delivered' },
] as const;

export const RO_KINDS = [
  { key: 'first_service', zh: '首保', en: 'First service' },
  { key: 'maintenance', zh: '保养', en: 'Maintenance' },
  { key: 'repair', zh: '维修', en: 'Repair' },
  { key: 'warranty', zh: '保修', en: 'Warranty' },
  { key: 'accident', zh: '事故', en: 'Accident' },
  { key: 'recall', zh: '召回', en: 'Recall' },
  { key: 'inspection', zh: '检测', en: 'Inspection' },
] as const;

export const RO_ITEM_KINDS = [
  { key: 'labour', zh: '工时', en: 'Labour' },
  { key: 'part', zh: '配件', en: 'Part' },
] as const;

export const ZWorkshopStage = z.enum(optionKeys(WORKSHOP_STAGES));
export const ZRoKind = z.enum(optionKeys(RO_KINDS));
export type TWorkshopStage = z.infer<typeof ZWorkshopStage>;
export type TRoKind = z.infer<typeof ZRoKind>;

const ZInstantIn = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

export const ZRoItem = z.object({
  name: z.string().trim().min(1).max(100),
  kind: z.enum(optionKeys(RO_ITEM_KINDS)),
  /** Hours of labour or units of a part (4.5 litres of oil is 4.5). */
  quantity: z.number().positive().max(10_000),
  amountFen: ZFen,
});
/** OBD / DTC codes such as `P0301`, upper-cased. */
export const ZFaultCode = z
  .string()
  .trim()
  .min(1)
  .max(20)
  .regex(/^[A-Za-z0-9_-]+$/, '故障码只能包含字母、数字 / letters and digits only')
  .transform((s) => s.toUpperCase());

const roFields = {
  roNo: ZOrderNo,
  advisorId: ZId.nullable(),
  kind: ZRoKind,
  /** The odometer at reception; a reading above the vehicle's last known mileage updates the vehicle. */
  mileageKm: ZMileageKm.nullable(),
  labourFen: ZFen,
  partsFen: ZFen,
  faultCodes: z.array(ZFaultCode).max(50),
  items: z.array(ZRoItem).max(200),
  note: z.string().trim().max(2000),
};

export const ZRepairOrderCreate = z.object({
  vehicleId: ZId,
  roNo: roFields.roNo.optional(),
  advisorId: roFields.advisorId.optional(),
  kind: roFields.kind,
  mileageKm: roFields.mileageKm.optional(),
  labourFen: roFields.labourFen,
  partsFen: roFields.partsFen,
  faultCodes: roFields.faultCodes.optional(),
  items: roFields.items.optional(),
  openedAt: ZInstantIn.optional(),
  /** A booked appointment or a car already at reception (default). */
  stage: z.enum(['booked', 'received']).optional(),
  note: roFields.note.optional(),
});
export const ZRepairOrderUpdate = z.object(roFields).partial();
export const ZStageCreate = z.object({
  stage: ZWorkshopStage,
  /** When it happened; defaults to now. */
  at: ZInstantIn.optional(),
  note: z.string().trim().max(2000).optional(),
  photos: ZPhotos.optional(),
});

export const ZRepairOrderStage = z.object({
  id: ZId,
  stage: ZWorkshopStage,
  at: z.date(),
  note: z.string(),
  photos: z.array(z.string()),
  staff: ZStaffRef.nullable(),
});
export const ZRepairOrder = z.object({
  id: ZId,
  roNo: z.string(),
  customerId: ZId,
  customerName: z.string(),
  storeId: ZId,
  vehicleId: ZId,
  vehicle: ZVehicleRef,
  advisorId: ZId.nullable(),
  advisor: ZStaffRef.nullable(),
  kind: ZRoKind,
  mileageKm: z.number().int().nullable(),
  labourFen: z.number().int(),
  partsFen: z.number().int(),
  totalFen: z.number().int(),
  faultCodes: z.array(z.string()),
  items: z.array(z.object({ name: z.string(), kind: z.enum(optionKeys(RO_ITEM_KINDS)), quantity: z.number(), amountFen: z.number().int() })),
  /** The furthest stage reached. */
  stage: ZWorkshopStage,
  openedAt: z.date(),
  closedAt: z.date().nullable(),
  note: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
  stages: z.array(ZRepairOrderStage),
});
/** List rows carry the RO without its stage history (open the RO for that). */
export const ZRepairOrderListItem = ZRepairOrder.omit({ stages: true });
export const ZRepairOrderListQuery = ZListQuery.extend({
  customerId: ZId.optional(),
  vehicleId: ZId.optional(),
  storeId: ZId.optional(),
  advisorId: ZId.optional(),
  stage: ZWorkshopStage.optional(),
  kind: ZRoKind.optional(),
});

export type TRoItemIn = z.infer<typeof ZRoItem>;
export type TRepairOrderCreate = z.infer<typeof ZRepairOrderCreate>;
export type TRepairOrderUpdate = z.infer<typeof ZRepairOrderUpdate>;
export type TStageCreate = z.infer<typeof ZStageCreate>;
export type TRepairOrderStage = z.infer<typeof ZRepairOrderStage>;
export type TRepairOrder = z.infer<typeof ZRepairOrder>;
export type TRepairOrderListItem = z.infer<typeof ZRepairOrderListItem>;
export type TRepairOrderListQuery = z.infer<typeof ZRepairOrderListQuery>;
