import { Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Complaint } from '../api';

/** "2小时15分" / "2 h 15 min" from minutes. */
export function useDuration() {
  const { i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  return (minutes: number) => {
    const m = Math.abs(Math.round(minutes));
    const d = Math.floor(m / 1440);
    const h = Math.floor((m % 1440) / 60);
    const mm = m % 60;
    if (zh) return `${d ? `${d}天` : ''}${h ? `${h}小时` : ''}${!d && mm ? `${mm}分` : ''}` || '0分';
    return [d && `${d} d`, h && `${h} h`, !d && mm && `${mm} min`].filter(Boolean).join(' ') || '0 min';
  };
}

export function SeverityTag({ severity }: { severity: Complaint['severity'] }) {
  const { t } = useTranslation();
  return <Tag color={severity === 'urgent' ? 'red' : 'default'}>{t(`voice.severities.${severity}`)}</Tag>;
}

const STATUS_COLOR: Record<Complaint['status'], string> = { received: 'orange', acknowledged: 'blue', resolved: 'cyan', feedback_given: 'geekblue', closed: 'green', reopened: 'volcano' };
export function StatusTag({ status }: { status: Complaint['status'] }) {
  const { t } = useTranslation();
  return <Tag color={STATUS_COLOR[status]}>{t(`voice.statuses.${status}`)}</Tag>;
}

/** The countdown of the clock that runs out next (or the overdue time), coloured by urgency. */
export function NextDue({ c }: { c: Complaint }) {
  const { t } = useTranslation();
  const dur = useDuration();
  if (c.status === 'closed') return <span className="bk-muted">—</span>;
  if (c.paused) return <Tag>{t('voice.detail.paused')}</Tag>;
  const running = c.clocks.filter((k) => k.running).sort((a, b) => a.remainingMinutes - b.remainingMinutes)[0];
  if (!running) return <span className="bk-muted">—</span>;
  const over = running.remainingMinutes < 0;
  const soon = !over && running.remainingMinutes < running.budgetMinutes * 0.2;
  return (
    <Tooltip title={t(`voice.stages.${running.stage}`)}>
      <Tag color={over ? 'red' : soon ? 'orange' : 'default'} data-testid="next-due">
        {t(`voice.stages.${running.stage}`)} · {over ? t('voice.detail.overdue', { time: dur(running.remainingMinutes) }) : t('voice.detail.dueIn', { time: dur(running.remainingMinutes) })}
      </Tag>
    </Tooltip>
  );
}
