import { ClockCircleOutlined, NodeIndexOutlined, RetweetOutlined, UserOutlined, WarningFilled } from '@ant-design/icons';
import { Space, Tag, Tooltip } from 'antd';
import relativeTime from 'dayjs/plugin/relativeTime';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useJourneyRules } from '../../journeys/api';
import { dateTime, dayjs, getDisplayTimezone } from '../../lib/format';
import type { Task, TaskPriority } from '../api';

dayjs.extend(relativeTime);

const PRIORITY_COLOR: Record<TaskPriority, string | undefined> = { urgent: 'red', high: 'orange', normal: undefined, low: 'default' };

export function PriorityTag({ priority }: { priority: TaskPriority }) {
  const { t } = useTranslation();
  if (priority === 'normal') return <span className="bk-muted">{t('tasks.priorities.normal')}</span>;
  return (
    <Tag color={PRIORITY_COLOR[priority]} variant="filled" style={{ marginInlineEnd: 0 }}>
      {t(`tasks.priorities.${priority}`)}
    </Tag>
  );
}

/** Due time in the store's time zone; an overdue open task in red with how long it is overdue. */
export function DueCell({ task, now = new Date() }: { task: Pick<Task, 'dueAt' | 'status' | 'overdue'>; now?: Date }) {
  const { t } = useTranslation();
  const due = dayjs(task.dueAt);
  const tz = getDisplayTimezone();
  const open = task.status === 'open';
  const overdue = open && (task.overdue || due.isBefore(now));
  const sameDay = due.tz(tz).format('YYYY-MM-DD') === dayjs(now).tz(tz).format('YYYY-MM-DD');
  return (
    <span className="bk-num" style={overdue ? { color: '#c62828', fontWeight: 500 } : undefined} data-overdue={overdue || undefined}>
      {overdue && <WarningFilled style={{ marginInlineEnd: 4 }} aria-hidden />}
      {open && sameDay && !overdue ? t('tasks.due.today', { time: due.tz(tz).format('HH:mm') }) : dateTime(task.dueAt)}
      {overdue && (
        <span style={{ display: 'block', fontSize: 12, fontWeight: 400 }}>{t('tasks.due.overdueBy', { time: due.from(now, true) })}</span>
      )}
    </span>
  );
}

/** Where a task came from: a journey rule (by name, linking to it) or a person, and which try of a missed call it is. */
export function SourceCell({ task }: { task: Pick<Task, 'sourceRuleId' | 'createdBy' | 'attempt'> }) {
  const { t, i18n } = useTranslation();
  const rules = useJourneyRules(null);
  const rule = task.sourceRuleId ? rules.data?.items.find((r) => r.id === task.sourceRuleId) : undefined;
  const ruleName = rule ? (i18n.language.startsWith('en') && rule.nameEn ? rule.nameEn : rule.nameZh) : null;
  return (
    <Space size={4} wrap>
      {task.sourceRuleId ? (
        <Tooltip title={ruleName ? t('tasks.source.ruleHint', { name: ruleName }) : t('tasks.source.ruleGone')}>
          <Tag icon={<NodeIndexOutlined />} color="geekblue" variant="filled" style={{ marginInlineEnd: 0 }}>
            {rule ? <Link to={`/journeys/${rule.id}`}>{ruleName}</Link> : t('tasks.source.rule')}
          </Tag>
        </Tooltip>
      ) : (
        <span className="bk-muted">
          <UserOutlined style={{ marginInlineEnd: 4 }} aria-hidden />
          {task.createdBy ? t('tasks.source.manualBy', { name: task.createdBy.displayName }) : t('tasks.source.manual')}
        </span>
      )}
      {task.attempt > 1 && (
        <Tag icon={<RetweetOutlined />} variant="filled" style={{ marginInlineEnd: 0 }}>
          {t('tasks.source.retry', { attempt: task.attempt })}
        </Tag>
      )}
    </Space>
  );
}

/** A done task's outcome as a coloured tag. */
export function OutcomeTag({ outcome }: { outcome: Task['outcome'] }) {
  const { t } = useTranslation();
  if (!outcome) return <span className="bk-muted">—</span>;
  const color = outcome === 'complaint_raised' ? 'red' : outcome === 'not_reached' ? 'orange' : outcome === 'not_interested' ? 'default' : 'green';
  return (
    <Tag color={color} variant="filled" style={{ marginInlineEnd: 0 }}>
      {t(`tasks.outcomes.${outcome}`)}
    </Tag>
  );
}

export function StatusCell({ task }: { task: Pick<Task, 'status' | 'outcome' | 'completedAt'> }) {
  const { t } = useTranslation();
  if (task.status === 'done') return <OutcomeTag outcome={task.outcome} />;
  if (task.status === 'cancelled') return <Tag style={{ marginInlineEnd: 0 }}>{t('tasks.statuses.cancelled')}</Tag>;
  return (
    <Tag icon={<ClockCircleOutlined />} color="blue" variant="filled" style={{ marginInlineEnd: 0 }}>
      {t('tasks.statuses.open')}
    </Tag>
  );
}
