/**
 * Pure rules of the customers module: how a search box input is understood, how ID numbers are masked, how the 360
 * timeline reads. No database, no clock: unit-tested in rules.test.ts.
 */
import { formatFen, normalizeMobile, validatePlate } from '../../../contracts/validators.js';
import { APPOINTMENT_STATUSES } from '../../../contracts/appointments.js';
import { RO_KINDS } from '../../../contracts/service.js';
import type { TTimelineKind } from '../../../contracts/customers.js';

export type TSearch =
  | { kind: 'last4'; value: string }
  | { kind: 'mobile'; value: string }
  | { kind: 'plate'; value: string }
  | { kind: 'vin'; value: string }
  /** `contains`: the value can be matched anywhere in the name (trigram index); otherwise a name prefix. */
  | { kind: 'name'; value: string; contains: boolean };

/**
 * Understands the one search box of the customer list, in this order: 4 digits → mobile last 4; a full mobile in any
 * accepted format → exact mobile (E.164); a plate with or without `·` → exact plate; 6–17 letters and digits with at
 * least one of each (and none of I, O, Q, which no VIN contains) → VIN fragment; anything else → name.
 * Returns null for a blank query.
 */
export function classifySearch(input: string): TSearch | null {
  const s = input.normalize('NFKC').trim().replace(/\s+/g, ' ');
  if (s === '') return null;
  if (/^\d{4}$/.test(s)) return { kind: 'last4', value: s };
  const mobile = normalizeMobile(s);
  if (mobile.ok) return { kind: 'mobile', value: mobile.value };
  const plate = validatePlate(s);
  if (plate.ok) return { kind: 'plate', value: plate.value };
  const compact = s.replace(/[\s-]/g, '').toUpperCase();
  if (/^[A-HJ-NPR-Z0-9]{6,17}$/.test(compact) && /\d/.test(compact) && /[A-Z]/.test(compact)) return { kind: 'vin', value: compact };
  // pg_trgm extracts trigrams only from characters the database locale calls alphanumeric: with the embedded
  // server's C locale that excludes CJK, so a Chinese name can only be served by the btree as a prefix. Latin
  // names of 3+ characters get the contains match the trigram index serves in every locale.
  const contains = s.length >= 3 && /^[\x20-\x7e]+$/.test(s) && /[A-Za-z0-9]{3}/.test(s);
  return { kind: 'name', value: s, contains };
}

/** Escapes `%`, `_` and `\` so user text is matched literally inside a LIKE pattern. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Masks an ID number for display: the first 3 and last 4 characters stay (region and check digit of a resident ID,
 * enough to tell two cards apart); short numbers keep only their last 2.
 */
export function maskIdNumber(id: string | null): string | null {
  if (!id) return null;
  if (id.length >= 10) return `${id.slice(0, 3)}${'*'.repeat(id.length - 7)}${id.slice(-4)}`;
  return `${'*'.repeat(Math.max(0, id.length - 2))}${id.slice(-2)}`;
}

/**
 * The names of the fields whose value a patch really changes (for the audit log: names only, never values).
 * `undefined` in the patch means "not sent".
 */
export function changedFields(before: Record<string, unknown>, patch: Record<string, unknown>): string[] {
  return Object.keys(patch).filter((k) => patch[k] !== undefined && (patch[k] ?? null) !== (before[k] ?? null));
}

/** The profile fields a merge copies from the source when the survivor has none. */
export const MERGE_FILLABLE = [
  'gender',
  'birthday',
  'mobile',
  'idNumber',
  'wechatOpenid',
  'wechatUnionid',
  'email',
  'city',
  'occupation',
  'householdNotes',
  'sourceChannel',
  'salesConsultantId',
  'serviceAdvisorId',
] as const;
export type TMergeFillable = (typeof MERGE_FILLABLE)[number];

const isEmpty = (field: TMergeFillable, v: unknown) => v === null || v === undefined || v === '' || (field === 'gender' && v === 'unknown');

/**
 * What a merge fills in on the survivor: every profile field the survivor lacks and the source has. Owners
 * (consultant, advisor) only move within one store, as staff of another store cannot own this store's customer.
 */
export function mergeFill(
  survivor: Record<TMergeFillable, unknown> & { storeId: string },
  source: Record<TMergeFillable, unknown> & { storeId: string },
): Partial<Record<TMergeFillable, unknown>> {
  const fill: Partial<Record<TMergeFillable, unknown>> = {};
  for (const f of MERGE_FILLABLE) {
    if ((f === 'salesConsultantId' || f === 'serviceAdvisorId') && survivor.storeId !== source.storeId) continue;
    if (isEmpty(f, survivor[f]) && !isEmpty(f, source[f])) fill[f] = source[f];
  }
  return fill;
}

// ---------------------------------------------------------------------------
// Timeline
// ---------------------------------------------------------------------------

const INTERACTION_LABELS: Record<string, string> = {
  call: '电话 / Call',
  visit: '到店 / Visit',
  wechat: '微信 / WeChat',
  sms: '短信 / SMS',
  email: '邮件 / Email',
  note: '备注 / Note',
};
const MILESTONE_LABELS: Record<string, string> = {
  ordered: '订车 / Ordered',
  inspection: '车辆检测 / Inspection',
  transport: '运输 / Transport',
  pdi: 'PDI',
  handover_prep: '交车准备 / Handover prep',
  delivered: '交车 / Delivered',
};
const RO_KIND_LABELS: Record<string, string> = {
  first_service: '首保 / First service',
  maintenance: '保养 / Maintenance',
  repair: '维修 / Repair',
  warranty: '保修 / Warranty',
  accident: '事故 / Accident',
  recall: '召回 / Recall',
  inspection: '检测 / Inspection',
};
const STAGE_LABELS: Record<string, string> = {
  booked: '预约 / Booked',
  received: '接车 / Received',
  diagnosis: '诊断 / Diagnosis',
  repair: '维修 / Repair',
  qc: '质检 / QC',
  wash: '洗车 / Wash',
  ready: '待交车 / Ready',
  delivered: '已交车 / Delivered',
};

/** One row of the timeline query, before it is given words. */
export interface TTimelineRaw {
  at: Date;
  kind: TTimelineKind;
  /** interaction kind, order status, milestone, RO kind, stage, behaviour kind */
  sub: string;
  /** order or RO number, interaction outcome */
  label: string;
  note: string;
  amountFen: number | null;
  refId: string | null;
}

const TASK_STATUS_TEXT: Record<string, [string, string]> = { open: ['待办', 'Open'], done: ['已完成', 'Done'], cancelled: ['已取消', 'Cancelled'] };
const TASK_OUTCOME_TEXT: Record<string, [string, string]> = {
  reached: ['已联系', 'Reached'],
  not_reached: ['未接通', 'Not reached'],
  booked: ['已预约', 'Booked'],
  not_interested: ['无意向', 'Not interested'],
  complaint_raised: ['客户投诉', 'Complaint raised'],
};

const join = (...parts: (string | null | undefined)[]) => parts.filter((p) => p).join(' · ');

/** Gives a timeline row its title and detail, in the bilingual style of the console. */
export function describeTimelineEntry(r: TTimelineRaw): { at: Date; kind: TTimelineKind; title: string; detail: string; refId: string | null } {
  const base = { at: r.at, kind: r.kind, refId: r.refId };
  switch (r.kind) {
    case 'created':
      return { ...base, title: '建档 / Customer created', detail: r.note ? `来源 / Source: ${r.note}` : '' };
    case 'interaction':
      return { ...base, title: join(INTERACTION_LABELS[r.sub] ?? r.sub, r.label), detail: r.note };
    case 'sales_order':
      return { ...base, title: `新车订单 / Sales order ${r.label}`, detail: join(r.amountFen === null ? '' : formatFen(r.amountFen), r.note) };
    case 'milestone':
      return { ...base, title: `交车进度 / Delivery: ${MILESTONE_LABELS[r.sub] ?? r.sub}`, detail: join(r.label, r.note) };
    case 'repair_order':
      return { ...base, title: `维修工单 / Repair order ${r.label} · ${RO_KIND_LABELS[r.sub] ?? r.sub}`, detail: join(r.amountFen === null ? '' : formatFen(r.amountFen), r.note) };
    case 'ro_stage':
      return { ...base, title: `工单进度 / Workshop: ${STAGE_LABELS[r.sub] ?? r.sub}`, detail: join(r.label, r.note) };
    case 'behaviour':
      return { ...base, title: r.sub, detail: r.note === '{}' ? '' : r.note.slice(0, 200) };
    case 'journey': {
      // label: `中文名 / English name` (or the Chinese name alone); note: the firing's bilingual reason.
      const [zh = r.label, en = zh] = r.label.split(' / ');
      return { ...base, title: `全周期关怀：${zh} / Journey: ${en}`, detail: r.note };
    }
    case 'task': {
      const [sZh, sEn] = TASK_STATUS_TEXT[r.sub] ?? [r.sub, r.sub];
      const [oZh, oEn] = r.note ? (TASK_OUTCOME_TEXT[r.note] ?? [r.note, r.note]) : ['', ''];
      return { ...base, title: `任务：${r.label} / Task: ${r.label}`, detail: `${join(sZh, oZh)} / ${join(sEn, oEn)}` };
    }
    case 'appointment': {
      // Booked at `at`, for the slot in `label` (`status|YYYY-MM-DD HH:mm`, store time). One bilingual title
      // (`中文 / English`) with the slot, the kind and the state of the booking; the note as written.
      const [statusKey = '', slot = ''] = r.label.split('|');
      const kind = RO_KINDS.find((k) => k.key === r.sub);
      const status = APPOINTMENT_STATUSES.find((x) => x.key === statusKey);
      return {
        ...base,
        title: `预约到店 ${slot} · ${kind?.zh ?? r.sub} · ${status?.zh ?? statusKey} / Appointment ${slot} · ${kind?.en ?? r.sub} · ${status?.en ?? statusKey}`,
        detail: r.note,
      };
    }
  }
}
