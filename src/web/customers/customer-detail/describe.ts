import { useTranslation } from 'react-i18next';
import type { Customer360, CustomerRepairOrder, CustomerSalesOrder, Interaction, TimelineEntry } from '../../api/types';
import { localize } from '../../i18n';
import { km, money } from '../../lib/format';
import { useCodeLabel } from '../../lib/labels';

export interface TimelineView {
  entry: TimelineEntry;
  title: string;
  detail: string;
}

const sameInstant = (a: string, b: string) => new Date(a).getTime() === new Date(b).getTime();
const join = (...parts: (string | null | undefined)[]) => parts.filter((p) => p && p.trim()).join(' · ');

/** Renders one behaviour payload as words: money fields as ¥, mileage in km, percentages, the rest as `key: value`. */
export function usePayloadText() {
  const { t, i18n } = useTranslation();
  return (payload: Record<string, unknown>): string =>
    Object.entries(payload ?? {})
      .filter(([k]) => !/Id$/.test(k))
      .map(([k, v]) => {
        const labelKey = `behaviourPayload.${k}`;
        const label = i18n.exists(labelKey) ? String(t(labelKey as never)) : k;
        let value: string;
        if (typeof v === 'number' && /Fen$/.test(k)) value = money(v);
        else if (typeof v === 'number' && /Km$/.test(k)) value = km(v);
        else if (typeof v === 'number' && /Pct$/.test(k)) value = `${v}%`;
        else if (v !== null && typeof v === 'object') value = JSON.stringify(v);
        else value = String(v);
        return `${label}: ${value}`;
      })
      .join('，');
}

/**
 * Timeline titles and details in the UI language, rebuilt from the 360's structured records (the server's
 * strings are bilingual); entries whose record is not in the 360 (older than its latest 50) fall back to the
 * server's text.
 */
export function useTimelineView(d: Customer360): (e: TimelineEntry) => TimelineView {
  const { t } = useTranslation();
  const code = useCodeLabel();
  const payloadText = usePayloadText();
  const orders = new Map<string, CustomerSalesOrder>(d.salesOrders.map((o) => [o.id, o]));
  const ros = new Map<string, CustomerRepairOrder>(d.repairOrders.map((r) => [r.id, r]));
  const interactions = new Map<string, Interaction>(d.interactions.map((i) => [i.id, i]));
  const behaviour = new Map(d.behaviourEvents.map((b) => [b.id, b]));

  return (entry) => {
    const fallback = { entry, title: localize(entry.title), detail: localize(entry.detail) };
    const ref = entry.refId ?? '';
    switch (entry.kind) {
      case 'created':
        return { entry, title: t('timeline.titles.created'), detail: d.customer.sourceChannel ? t('timeline.titles.source', { source: code('sourceChannels', d.customer.sourceChannel) }) : '' };
      case 'interaction': {
        const i = interactions.get(ref);
        if (!i) return fallback;
        return { entry, title: join(t(`interactions.kinds.${i.kind}`), code('outcomes', i.outcome)), detail: join(i.staff?.displayName, i.summary) };
      }
      case 'sales_order': {
        const o = orders.get(ref);
        if (!o) return fallback;
        return { entry, title: t('timeline.titles.salesOrder', { no: o.orderNo }), detail: join(money(o.priceFen), o.modelName, o.note) };
      }
      case 'milestone': {
        const o = orders.get(ref);
        const m = o?.milestones.find((x) => sameInstant(x.at, entry.at));
        if (!o || !m) return fallback;
        return { entry, title: t('timeline.titles.milestone', { step: t(`milestones.${m.milestone as 'ordered'}`) }), detail: join(o.orderNo, m.note) };
      }
      case 'repair_order': {
        const r = ros.get(ref);
        if (!r) return fallback;
        return { entry, title: join(t('timeline.titles.repairOrder', { no: r.roNo }), t(`roKinds.${r.kind as 'repair'}`)), detail: join(money(r.totalFen), r.plate, r.note) };
      }
      case 'ro_stage': {
        const r = ros.get(ref);
        const s = r?.stages.find((x) => sameInstant(x.at, entry.at));
        if (!r || !s) return fallback;
        return { entry, title: t('timeline.titles.roStage', { step: t(`stages.${s.stage as 'booked'}`) }), detail: join(r.roNo, s.note) };
      }
      case 'behaviour': {
        const b = behaviour.get(ref);
        if (!b) return { entry, title: code('behaviourKinds', entry.title), detail: entry.detail };
        return { entry, title: code('behaviourKinds', b.kind), detail: payloadText(b.payload) };
      }
      default:
        return fallback;
    }
  };
}
