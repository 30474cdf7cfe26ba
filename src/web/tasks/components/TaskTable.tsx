import { Button, Divider, Skeleton, Table, Typography, type TableProps } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { dateTime } from '../../lib/format';
import type { Task } from '../api';
import { DueCell, PriorityTag, SourceCell, StatusCell } from './TaskBits';
import '../tasks.css';

type Column = 'title' | 'customer' | 'vehicle' | 'kind' | 'priority' | 'due' | 'assignee' | 'source' | 'status' | 'completedAt';

export const MY_COLUMNS: Column[] = ['title', 'customer', 'vehicle', 'kind', 'priority', 'due', 'source'];
export const DONE_COLUMNS: Column[] = ['title', 'customer', 'vehicle', 'kind', 'status', 'completedAt', 'source'];

interface Props {
  rows: Task[];
  columns: Column[];
  loading?: boolean;
  pending?: boolean;
  empty: ReactNode;
  onOpen: (task: Task) => void;
  rowSelection?: TableProps<Task>['rowSelection'];
  /** Paging footer: more pages to load. */
  hasMore?: boolean;
  loadingMore?: boolean;
  onLoadMore?: () => void;
  testId?: string;
}

/** The dense task table shared by "my tasks", the team board and the customer's task tab. */
export function TaskTable({ rows, columns, loading, pending, empty, onOpen, rowSelection, hasMore, loadingMore, onLoadMore, testId = 'task-table' }: Props) {
  const { t } = useTranslation();
  const now = new Date();
  const all: Record<Column, NonNullable<TableProps<Task>['columns']>[number]> = {
    title: {
      key: 'title',
      title: t('tasks.fields.title'),
      render: (_: unknown, r) => (
        <Button type="link" onClick={() => onOpen(r)} style={{ padding: 0, height: 'auto', textAlign: 'left', whiteSpace: 'normal' }} data-testid="task-open">
          {r.title}
        </Button>
      ),
    },
    customer: {
      key: 'customer',
      title: t('tasks.fields.customer'),
      width: 110,
      render: (_: unknown, r) => <Link to={`/customers/${r.customer.id}`}>{r.customer.name}</Link>,
    },
    vehicle: {
      key: 'vehicle',
      title: t('tasks.fields.vehicle'),
      width: 120,
      render: (_: unknown, r) => (r.vehicle ? <span className="bk-num">{r.vehicle.plate ?? r.vehicle.vin.slice(-6)}</span> : <span className="bk-muted">—</span>),
    },
    kind: { key: 'kind', title: t('tasks.fields.kind'), width: 110, render: (_: unknown, r) => t(`tasks.kinds.${r.kind}`) },
    priority: { key: 'priority', title: t('tasks.fields.priority'), width: 76, render: (_: unknown, r) => <PriorityTag priority={r.priority} /> },
    due: { key: 'due', title: t('tasks.fields.dueAt'), width: 150, render: (_: unknown, r) => <DueCell task={r} now={now} /> },
    assignee: { key: 'assignee', title: t('tasks.fields.assignee'), width: 96, render: (_: unknown, r) => r.assignee.displayName },
    source: { key: 'source', title: t('tasks.fields.source'), width: 170, render: (_: unknown, r) => <SourceCell task={r} /> },
    status: { key: 'status', title: t('tasks.fields.outcome'), width: 96, render: (_: unknown, r) => <StatusCell task={r} /> },
    completedAt: { key: 'completedAt', title: t('tasks.fields.completedAt'), width: 140, render: (_: unknown, r) => <span className="bk-num">{dateTime(r.completedAt)}</span> },
  };
  return (
    <>
      <Table<Task>
        rowKey="id"
        size="small"
        columns={columns.map((c) => all[c])}
        dataSource={rows}
        pagination={false}
        loading={loading}
        rowSelection={rowSelection}
        rowClassName={(r) => (r.status === 'open' && r.overdue ? 'bk-row-overdue' : '')}
        onRow={(r) => ({ onDoubleClick: () => onOpen(r) })}
        locale={{ emptyText: pending ? <Skeleton active title={false} paragraph={{ rows: 6 }} style={{ padding: '8px 0' }} /> : empty }}
        // No horizontal scroll: antd measures scrolling columns in an aria-hidden row that would copy the
        // selection checkbox (a focusable element hidden from screen readers).
        scroll={rowSelection ? undefined : { x: 'max-content' }}
        className="bk-nowrap-head"
        data-testid={testId}
      />
      {rows.length > 0 && onLoadMore && (
        <>
          <Divider style={{ margin: '12px 0' }} />
          <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between' }}>
            <Typography.Text type="secondary">{t('tasks.mine.shown', { count: rows.length })}</Typography.Text>
            {hasMore ? (
              <Button onClick={onLoadMore} loading={loadingMore}>
                {t('common.loadMore')}
              </Button>
            ) : (
              <Typography.Text type="secondary">{t('common.allLoaded')}</Typography.Text>
            )}
          </div>
        </>
      )}
    </>
  );
}
