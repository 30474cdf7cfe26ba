import { COMPLAINT_STATUSES, COMPLAINT_TYPES, TIMELINE_KINDS } from '../../../contracts/complaints';
import { defineTexts, type Mirror } from '../../i18n/mirror';

type TOption = { key: string; zh: string; en: string };
const labels = <T extends readonly TOption[]>(l: T, lang: 'zh' | 'en') => Object.fromEntries(l.map((o) => [o.key, o[lang]])) as Record<T[number]['key'], string>;

const zh = {
  title: '我的投诉',
  new: '我要投诉',
  empty: '您还没有投诉记录',
  emptyHint: '对我们的服务有任何不满意，都可以告诉我们，客户体验官会在1小时内联系您。',
  type: '问题类型',
  summary: '一句话描述',
  summaryHint: '例如：结算金额比报价高',
  details: '详细说明（选填）',
  submit: '提交',
  submitted: '已提交，我们会尽快联系您',
  progress: '处理进度',
  result: '处理结果',
  types: labels(COMPLAINT_TYPES, 'zh'),
  statuses: labels(COMPLAINT_STATUSES, 'zh'),
  steps: labels(TIMELINE_KINDS, 'zh'),
};
const en: Mirror<typeof zh> = {
  title: 'My complaints',
  new: 'Raise a complaint',
  empty: 'No complaints yet',
  emptyHint: 'Tell us whatever went wrong; our customer-experience officer will call you within an hour.',
  type: 'What about',
  summary: 'In one sentence',
  summaryHint: 'e.g. the bill was higher than the quote',
  details: 'Details (optional)',
  submit: 'Submit',
  submitted: 'Sent — we will contact you shortly',
  progress: 'Progress',
  result: 'Resolution',
  types: labels(COMPLAINT_TYPES, 'en'),
  statuses: labels(COMPLAINT_STATUSES, 'en'),
  steps: labels(TIMELINE_KINDS, 'en'),
};
export const complaintsPortalTexts = defineTexts(zh, en);
