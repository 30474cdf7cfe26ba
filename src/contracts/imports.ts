import { z } from 'zod';
import { ZId, ZListQuery } from './common.js';

/**
 * Bulk import of DMS exports (.xlsx / .csv): the kinds, the target fields each kind maps file columns onto (with the
 * Chinese and English header names a DMS typically uses), and the request/response shapes of `/imports`.
 */

export const IMPORT_KINDS = [
  { key: 'customers', zh: '客户', en: 'Customers' },
  { key: 'vehicles', zh: '车辆', en: 'Vehicles' },
  { key: 'sales_orders', zh: '新车订单', en: 'Sales orders' },
  { key: 'repair_orders', zh: '维修工单', en: 'Repair orders' },
] as const;
export const ZImportKind = z.enum(['customers', 'vehicles', 'sales_orders', 'repair_orders']);
export type TImportKind = z.infer<typeof ZImportKind>;

export const IMPORT_STATUSES = [
  { key: 'uploaded', zh: '已上传', en: 'Uploaded' },
  { key: 'previewed', zh: '已预览', en: 'Previewed' },
  { key: 'queued', zh: '排队中', en: 'Queued' },
  { key: 'running', zh: '导入中', en: 'Running' },
  { key: 'completed', zh: '已完成', en: 'Completed' },
  { key: 'failed', zh: '失败', en: 'Failed' },
] as const;
export const ZImportStatus = z.enum(['uploaded', 'previewed', 'queued', 'running', 'completed', 'failed']);
/** The step of a running import: `read` the file (rows counted in `processedRows`), `match` it against the records, `write`. */
export const ZImportPhase = z.enum(['read', 'match', 'write']);
export type TImportPhase = z.infer<typeof ZImportPhase>;
export type TImportStatus = z.infer<typeof ZImportStatus>;

/** One target field of an import kind. `synonyms` are header names that map to it (compared after normalising). */
export interface TImportFieldDef {
  field: string;
  zh: string;
  en: string;
  required: boolean;
  synonyms: readonly string[];
  /** Shown under the field in the mapping form. */
  hint?: string;
}

const f = (field: string, zh: string, en: string, synonyms: string[], opts: { required?: boolean; hint?: string } = {}): TImportFieldDef => ({
  field,
  zh,
  en,
  required: opts.required ?? false,
  synonyms: [zh, en, ...synonyms],
  hint: opts.hint,
});

const MOBILE = ['手机号', '手机', '手机号码', '联系电话', '电话', '联系方式', '移动电话', '客户手机', 'mobile', 'phone', 'mobile phone', 'cell phone', 'telephone', 'tel'];
const VIN = ['车架号', 'VIN', '底盘号', '车辆识别代号', '车辆识别码', 'VIN码', 'vin code', 'chassis number', 'chassis no'];
const PLATE = ['车牌号', '车牌', '车牌号码', '号牌号码', 'plate', 'plate number', 'plate no', 'licence plate', 'license plate'];
const MODEL = ['车型', '车型名称', '车系车型', '车款', 'model', 'vehicle model', 'model name'];
const NAME = ['客户姓名', '姓名', '车主姓名', '客户名称', '车主', '客户', 'name', 'customer name', 'customer', 'full name', 'owner name'];

/** The target fields per kind, in the order the mapping form shows them. */
export const IMPORT_FIELDS: Record<TImportKind, readonly TImportFieldDef[]> = {
  customers: [
    f('name', '客户姓名', 'Name', NAME, { required: true, hint: '新客户必填；已有客户留空则不修改 / Needed for new customers' }),
    f('mobile', '手机号', 'Mobile', MOBILE, { required: true, hint: '按手机号匹配已有客户 / Customers are matched by mobile' }),
    f('gender', '性别', 'Gender', ['gender', 'sex']),
    f('birthday', '生日', 'Birthday', ['出生日期', '出生年月日', '生日日期', 'date of birth', 'dob', 'birth date']),
    f('city', '城市', 'City', ['所在城市', '居住城市', '所在地', 'city']),
    f('email', '邮箱', 'Email', ['电子邮箱', '电子邮件', '邮件', 'e-mail', 'mail', 'email address']),
    f('idNumber', '身份证号', 'ID number', ['身份证', '身份证号码', '证件号码', '证件号', 'id number', 'id no', 'id card', 'id card number']),
    f('occupation', '职业', 'Occupation', ['工作', 'job', 'profession']),
    f('sourceChannel', '来源渠道', 'Source channel', ['来源', '渠道', '客户来源', '线索来源', 'source', 'channel', 'lead source']),
  ],
  vehicles: [
    f('vin', '车架号', 'VIN', VIN, { required: true, hint: '按车架号匹配已有车辆 / Vehicles are matched by VIN' }),
    f('plate', '车牌号', 'Plate', PLATE),
    f('model', '车型', 'Model', MODEL, { hint: '与车型库按「车型名称」或「车系 车型名称」匹配 / Matched against the catalogue by name or "series name"' }),
    f('color', '颜色', 'Colour', ['车身颜色', '外观颜色', '车辆颜色', 'color', 'colour']),
    f('purchaseDate', '购车日期', 'Purchase date', ['购买日期', '开票日期', '销售日期', 'purchase date', 'purchased at', 'sale date']),
    f('deliveryDate', '交车日期', 'Delivery date', ['交付日期', '提车日期', 'delivery date', 'delivered at']),
    f('mileageKm', '行驶里程', 'Mileage (km)', ['里程', '当前里程', '公里数', '表显里程', 'mileage', 'odometer', 'km']),
    f('insuranceExpiry', '保险到期日', 'Insurance expiry', ['保险到期日期', '保险到期', '商业险到期日', '交强险到期日', 'insurance expiry', 'insurance expiry date', 'insurance end']),
    f('warrantyEnd', '保修到期日', 'Warranty end', ['保修到期日期', '质保到期日', '保修截止日期', '保修到期', 'warranty end', 'warranty expiry', 'warranty end date']),
    f('ownerMobile', '车主手机号', 'Owner mobile', ['车主手机', '车主电话', ...MOBILE, 'owner mobile', 'owner phone'], { hint: '新车辆必填，用于匹配或建立车主 / Needed for new vehicles' }),
    f('ownerName', '车主姓名', 'Owner name', [...NAME, 'owner']),
  ],
  sales_orders: [
    f('orderNo', '订单号', 'Order number', ['订单编号', '合同号', '合同编号', '销售订单号', 'order no', 'order number', 'order id'], { required: true }),
    f('mobile', '手机号', 'Mobile', MOBILE, { required: true }),
    f('customerName', '客户姓名', 'Customer name', [...NAME, '购车人']),
    f('vin', '车架号', 'VIN', VIN),
    f('model', '车型', 'Model', MODEL),
    f('priceYuan', '成交价', 'Price (yuan)', ['成交价格', '价格', '车价', '成交金额', '合同金额', '售价', 'price', 'deal price', 'amount', 'price yuan'], { required: true }),
    f('orderedAt', '订车日期', 'Order date', ['下单日期', '订单日期', '签约日期', '订车时间', '合同日期', 'order date', 'ordered at', 'ordered on'], { required: true }),
    f('deliveredAt', '交车日期', 'Delivery date', ['交付日期', '交车时间', '提车日期', 'delivery date', 'delivered at', 'delivered on']),
    f('consultant', '销售顾问', 'Sales consultant', ['顾问', '销售员', '销售', 'consultant', 'salesperson', 'sales']),
  ],
  repair_orders: [
    f('roNo', '工单号', 'RO number', ['维修工单号', '工单编号', '委托书号', 'RO号', 'ro number', 'ro no', 'repair order no', 'repair order number', 'work order', 'work order no'], { required: true }),
    f('vin', '车架号', 'VIN', VIN, { hint: '车架号或车牌号至少一项 / VIN or plate' }),
    f('plate', '车牌号', 'Plate', PLATE),
    f('mobile', '手机号', 'Mobile', MOBILE, { hint: '车辆不在系统中时用于建立车主 / Used to create the owner of an unknown vehicle' }),
    f('customerName', '客户姓名', 'Customer name', [...NAME, '送修人']),
    f('kind', '维修类型', 'Type', ['工单类型', '业务类型', '服务类型', '维修性质', '类型', 'type', 'ro type', 'service type', 'kind'], { hint: '首保/保养/维修/保修/事故/召回/检测，留空为维修 / Empty means repair' }),
    f('openedAt', '进厂日期', 'Opened at', ['开单日期', '进厂时间', '开单时间', '接车日期', '接车时间', '进店日期', 'opened at', 'open date', 'date in'], { required: true }),
    f('closedAt', '结算日期', 'Closed at', ['出厂日期', '结算时间', '出厂时间', '交车时间', '完工日期', 'closed at', 'close date', 'settlement date', 'date out']),
    f('mileageKm', '进厂里程', 'Mileage (km)', ['里程', '行驶里程', '公里数', '表显里程', 'mileage', 'odometer', 'km']),
    f('labourYuan', '工时费', 'Labour (yuan)', ['工时费用', '工时金额', '人工费', 'labour', 'labor', 'labour cost', 'labor cost']),
    f('partsYuan', '材料费', 'Parts (yuan)', ['配件费', '零件费', '材料金额', '配件金额', '材料费用', 'parts', 'parts cost', 'material', 'materials']),
    f('totalYuan', '总金额', 'Total (yuan)', ['金额', '合计', '合计金额', '结算金额', '工单金额', '维修金额', 'total', 'amount', 'total amount'], {
      hint: '只有总金额时计入工时费 / A total alone counts as labour',
    }),
    f('advisor', '服务顾问', 'Service advisor', ['接待顾问', '顾问', '接车员', 'advisor', 'service advisor']),
    f('faultCodes', '故障码', 'Fault codes', ['故障代码', 'DTC', 'fault code', 'fault codes', 'dtc codes']),
  ],
};

/** Target field → source column header. */
export const ZImportMapping = z.record(z.string().trim().min(1).max(64), z.string().trim().min(1).max(200));
export type TImportMapping = z.infer<typeof ZImportMapping>;

export const ZImportField = z.object({ field: z.string(), label: z.string(), required: z.boolean(), hint: z.string().nullable() });
export type TImportField = z.infer<typeof ZImportField>;

/** Multipart text fields sent with the file on `POST /imports`. */
export const ZImportUploadFields = z.object({ kind: ZImportKind, storeId: ZId.optional() });

export const ZImportUpload = z.object({
  id: ZId,
  kind: ZImportKind,
  storeId: ZId,
  fileName: z.string(),
  format: z.enum(['csv', 'xlsx']),
  /** The file's column headers (blank headers become `列N`, repeated ones get ` (2)`), in file order. */
  headers: z.array(z.string()),
  suggestedMapping: ZImportMapping,
  /** The saved mapping the suggestion came from, when one fits the file. */
  savedMappingName: z.string().nullable(),
  /** The first data rows, as text, aligned with `headers`. */
  sampleRows: z.array(z.array(z.string())),
  /** Data rows in the file: an estimate for CSV (its line count), exact after the preview. */
  totalRows: z.number().int(),
  fields: z.array(ZImportField),
});
export type TImportUpload = z.infer<typeof ZImportUpload>;

export const ZImportRejection = z.object({
  /** The spreadsheet row number (the header is row 1). */
  row: z.number().int(),
  reason: z.string(),
});

/** A dry run: what a run would do to the target records now. */
export const ZImportPreview = z.object({
  totalRows: z.number().int(),
  createdCount: z.number().int(),
  updatedCount: z.number().int(),
  unchangedCount: z.number().int(),
  rejectedCount: z.number().int(),
  /** Owners and cars an order/RO/vehicle import would create along the way. */
  customersCreated: z.number().int(),
  vehiclesCreated: z.number().int(),
  /** At most 20, in row order. */
  sampleRejections: z.array(ZImportRejection),
});
export type TImportPreview = z.infer<typeof ZImportPreview>;

export const ZImportPreviewBody = z.object({
  mapping: ZImportMapping,
  saveMappingAs: z.string().trim().min(1).max(100).optional(),
});

export const ZImportJob = z.object({
  id: ZId,
  storeId: ZId,
  kind: ZImportKind,
  fileName: z.string(),
  format: z.enum(['csv', 'xlsx']),
  fileBytes: z.number().int(),
  status: ZImportStatus,
  headers: z.array(z.string()),
  mapping: ZImportMapping,
  /** An estimate until the preview has counted the file. */
  totalRows: z.number().int(),
  processedRows: z.number().int(),
  /** While `running`: the step it is on; null otherwise. */
  phase: ZImportPhase.nullable(),
  createdCount: z.number().int(),
  updatedCount: z.number().int(),
  unchangedCount: z.number().int(),
  rejectedCount: z.number().int(),
  preview: ZImportPreview.nullable(),
  error: z.string().nullable(),
  /** `GET /imports/{id}/errors` has the rejected rows (a completed import with rejections). */
  hasErrorFile: z.boolean(),
  createdBy: z.object({ id: ZId, displayName: z.string() }).nullable(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type TImportJob = z.infer<typeof ZImportJob>;

export const ZImportListQuery = ZListQuery.extend({ kind: ZImportKind.optional(), status: ZImportStatus.optional() });
export type TImportListQuery = z.infer<typeof ZImportListQuery>;

export const ZImportMappingPreset = z.object({
  id: ZId,
  kind: ZImportKind,
  name: z.string(),
  mapping: ZImportMapping,
  createdAt: z.date(),
  updatedAt: z.date(),
});
export const ZImportMappingSave = z.object({ kind: ZImportKind, name: z.string().trim().min(1).max(100), mapping: ZImportMapping });
export type TImportMappingSave = z.infer<typeof ZImportMappingSave>;
