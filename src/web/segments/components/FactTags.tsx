/** Small displays of derived facts shared by the customer 360, the customer list and the segment screens. */
import { Space, Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { CHURN_RISKS, LIFECYCLE_STAGES, NEEDS, VALUE_TIERS } from '../../../contracts/facts';
import { daysUntil, date } from '../../lib/format';
import { CHURN_COLOR, NEED_COLOR, optionText, scoreColor, STAGE_COLOR, TIER_COLOR, tradeInSummaryText } from '../labels';
import { useLang } from '../useLang';

/** Label functions for the fact enums in the UI language. */
export function useFactLabels() {
  const lang = useLang();
  return {
    lang,
    stage: (v: string | null | undefined) => optionText(LIFECYCLE_STAGES, v, lang),
    tier: (v: string | null | undefined) => optionText(VALUE_TIERS, v, lang),
    need: (v: string | null | undefined) => optionText(NEEDS, v, lang),
    churn: (v: string | null | undefined) => optionText(CHURN_RISKS, v, lang),
  };
}

export function StageTag({ value }: { value: string }) {
  const l = useFactLabels();
  return (
    <Tag color={STAGE_COLOR[value] ?? 'default'} style={{ marginInlineEnd: 0 }} data-testid="fact-stage">
      {l.stage(value)}
    </Tag>
  );
}

export function TierTag({ value }: { value: string }) {
  const l = useFactLabels();
  return (
    <Tag color={TIER_COLOR[value] ?? 'default'} style={{ marginInlineEnd: 0 }} data-testid="fact-tier">
      {l.tier(value)}
    </Tag>
  );
}

export function ChurnTag({ value }: { value: string }) {
  const { t } = useTranslation();
  const l = useFactLabels();
  return (
    <Tag color={CHURN_COLOR[value] ?? 'default'} style={{ marginInlineEnd: 0 }} data-testid="fact-churn">
      {t('segments.facts.churnValue', { risk: l.churn(value) })}
    </Tag>
  );
}

export function NeedsTags({ value, empty }: { value: readonly string[]; empty?: string }) {
  const l = useFactLabels();
  if (value.length === 0) return empty ? <span className="bk-muted">{empty}</span> : <span className="bk-muted">—</span>;
  return (
    <Space size={4} wrap>
      {value.map((n) => (
        <Tag key={n} color={NEED_COLOR[n] ?? 'default'} style={{ marginInlineEnd: 0 }}>
          {l.need(n)}
        </Tag>
      ))}
    </Space>
  );
}

/** A trade-in score coloured by heat, with its reasons on hover. */
export function TradeInScore({ score, reasons }: { score: number; reasons?: readonly string[] }) {
  const lang = useLang();
  const n = (
    <span className="bk-num" style={{ color: scoreColor(score), fontWeight: 600 }}>
      {score}
    </span>
  );
  return reasons?.length ? <Tooltip title={tradeInSummaryText(reasons, lang)}>{n}</Tooltip> : n;
}

/**
 * A calendar date with its countdown: "2026-12-20 · 还有 27 天", "今天到期", "已逾期 3 天" (or "已过期" for expiries).
 * Soon (≤ 30 days) and past dates get a colour.
 */
export function DateCountdown({ value, days, past = 'overdue', testId }: { value: string | null; days?: number | null; past?: 'overdue' | 'expired'; testId?: string }) {
  const { t } = useTranslation();
  if (!value) return <span className="bk-muted">—</span>;
  const d = days ?? daysUntil(value);
  const text = d === null ? '' : d === 0 ? t('segments.facts.dueToday') : d > 0 ? t('segments.facts.inDays', { days: d }) : past === 'expired' ? t('segments.facts.expired', { days: -d }) : t('segments.facts.overdue', { days: -d });
  const color = d === null ? undefined : d < 0 ? '#cf1322' : d <= 30 ? '#ad4e00' : undefined;
  return (
    <span className="bk-num" data-testid={testId}>
      {date(value)}
      {text && <span style={{ color: color ?? '#6b7280', marginInlineStart: 6 }}>{text}</span>}
    </span>
  );
}
