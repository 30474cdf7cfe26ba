import { z } from 'zod';
import { ZFen, ZId, ZListQuery } from './common.js';
import { ZVin } from './validators.js';
import { optionKeys, ZStaffRef, ZVehicleRef } from './vehicles.js';

/** The delivery milestones 订车 → 车辆检测 → 运输 → PDI → 交车准备 → 交车, in order. */
export const DELIVERY_MILESTONES = [
  { key: 'ordered', zh: '订车', en: 'Ordered' },
  { key: 'inspection', zh: '车辆检测', en: 'Vehicle inspection' },
  { key: 'transport', zh: '运输', en: 'Transport' },
  { key: 'pdi', zh: 'PDI', en: 'PDI' },
  { key: 'handover_prep', zh: '交车准备', en: 'Handover preparation' },
  { key: 'delivered', zh: '交车', en: 'Delivered' },
] as const;

export const SALES_ORDER_STATUSES = [
  { key: 'open', zh: '进行中', en: 'Open' },
  { key: 'delivered', zh: '已交车', en: 'Delivered' },
  { key: 'cancelled', zh: '已取消', en: 'Cancelled' },
] as const;

export const ZDeliveryMilestone = z.enum(optionKeys(DELIVERY_MILESTONES));
export const ZSalesOrderStatus = z.enum(optionKeys(SALES_ORDER_STATUSES));
export type TDeliveryMilestone = z.infer<typeof ZDeliveryMilestone>;
export type TSalesOrderStatus = z.infer<typeof ZSalesOrderStatus>;

/** An instant sent by a client: ISO 8601 with a zone (`2026-11-23T10:00:00+08:00` or `…Z`). */
const ZInstantIn = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
/** Order numbers from a DMS or typed by staff: letters, digits, `-` and `_`. */
export const ZOrderNo = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, '单号只能包含字母、数字、- 和 _ / letters, digits, - and _ only');
/** Photo references (uploaded file URLs or ids). */
export const ZPhotos = z.array(z.string().trim().min(1).max(500)).max(20);

const orderFields = {
  modelId: ZId.nullable().optional(),
  vehicleId: ZId.nullable().optional(),
  consultantId: ZId.nullable().optional(),
  priceFen: ZFen,
  tradeInVin: ZVin.nullable().optional(),
  tradeInValueFen: ZFen.optional(),
  financeProvider: z.string().trim().max(100).optional(),
  loanAmountFen: ZFen.optional(),
  loanTermMonths: z.number().int().min(0).max(120).optional(),
  insuranceBundle: z.boolean().optional(),
  referrerCustomerId: ZId.nullable().optional(),
  note: z.string().trim().max(2000).optional(),
};

export const ZSalesOrderCreate = z.object({
  customerId: ZId,
  orderNo: ZOrderNo.optional(),
  orderedAt: ZInstantIn.optional(),
  ...orderFields,
});
/** `status: 'cancelled'` cancels an open order; delivery happens only through the `delivered` milestone. */
export const ZSalesOrderUpdate = z.object({
  ...orderFields,
  priceFen: ZFen.optional(),
  status: z.literal('cancelled').optional(),
});
export const ZMilestoneCreate = z.object({
  milestone: ZDeliveryMilestone,
  /** When it happened; defaults to now. */
  at: ZInstantIn.optional(),
  note: z.string().trim().max(2000).optional(),
  photos: ZPhotos.optional(),
});

export const ZSalesOrderMilestone = z.object({
  id: ZId,
  milestone: ZDeliveryMilestone,
  at: z.date(),
  note: z.string(),
  photos: z.array(z.string()),
  staff: ZStaffRef.nullable(),
});
export const ZSalesOrder = z.object({
  id: ZId,
  orderNo: z.string(),
  customerId: ZId,
  customerName: z.string(),
  storeId: ZId,
  vehicleId: ZId.nullable(),
  vehicle: ZVehicleRef.nullable(),
  modelId: ZId.nullable(),
  modelName: z.string().nullable(),
  consultantId: ZId.nullable(),
  consultant: ZStaffRef.nullable(),
  priceFen: z.number().int(),
  tradeInVin: z.string().nullable(),
  tradeInValueFen: z.number().int(),
  financeProvider: z.string(),
  loanAmountFen: z.number().int(),
  loanTermMonths: z.number().int(),
  insuranceBundle: z.boolean(),
  referrerCustomerId: ZId.nullable(),
  status: ZSalesOrderStatus,
  /** The furthest milestone reached. */
  milestone: ZDeliveryMilestone,
  orderedAt: z.date(),
  deliveredAt: z.date().nullable(),
  note: z.string(),
  createdAt: z.date(),
  updatedAt: z.date(),
  milestones: z.array(ZSalesOrderMilestone),
});
/** List rows carry the order without its milestone history (open the order for that). */
export const ZSalesOrderListItem = ZSalesOrder.omit({ milestones: true });
export const ZSalesOrderListQuery = ZListQuery.extend({
  customerId: ZId.optional(),
  storeId: ZId.optional(),
  consultantId: ZId.optional(),
  status: ZSalesOrderStatus.optional(),
});

export type TSalesOrderCreate = z.infer<typeof ZSalesOrderCreate>;
export type TSalesOrderUpdate = z.infer<typeof ZSalesOrderUpdate>;
export type TMilestoneCreate = z.infer<typeof ZMilestoneCreate>;
export type TSalesOrderMilestone = z.infer<typeof ZSalesOrderMilestone>;
export type TSalesOrder = z.infer<typeof ZSalesOrder>;
export type TSalesOrderListItem = z.infer<typeof ZSalesOrderListItem>;
export type TSalesOrderListQuery = z.infer<typeof ZSalesOrderListQuery>;
