import { FilterOutlined, ReloadOutlined, UserSwitchOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Progress, Select, Space, Table, Tooltip, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { TASK_KINDS } from '../../../contracts/tasks';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { StaffSelect } from '../../components/pickers';
import { useSession } from '../../console/session';
import { applyApiError } from '../../lib/forms';
import { dayOf, integer } from '../../lib/format';
import { useReassignTasks, useTaskBoard, useTasks, type TaskBoard, type TaskBucket, type TaskKind } from '../api';
import { TaskDrawer } from '../components/TaskDrawer';
import { TaskTable } from '../components/TaskTable';

type BoardRow = TaskBoard['rows'][number];
const STATUS_FILTERS = ['open', 'overdue', 'today', 'upcoming', 'done'] as const;
type StatusFilter = (typeof STATUS_FILTERS)[number];
const STATUS_LABEL: Record<StatusFilter, 'statusOpen' | 'statusOverdue' | 'statusToday' | 'statusUpcoming' | 'statusDone'> = {
  open: 'statusOpen',
  overdue: 'statusOverdue',
  today: 'statusToday',
  upcoming: 'statusUpcoming',
  done: 'statusDone',
};

function Rate({ row }: { row: BoardRow }) {
  const { t } = useTranslation();
  if (row.completionRate === null) return <span className="bk-muted">{t('tasks.board.noRate')}</span>;
  const pct = Math.round(row.completionRate * 100);
  return (
    <Tooltip title={`${row.doneThisWeek} / ${row.dueThisWeek}`}>
      <Progress percent={pct} size="small" status={pct < 60 ? 'exception' : 'normal'} style={{ width: 140, margin: 0 }} format={(p) => `${p}%`} aria-label={`${row.staff.displayName} · ${t('tasks.board.completionRate')}`} />
    </Tooltip>
  );
}

/**
 * The store manager's view of the team: per person open, overdue, escalated, done this week and completion rate;
 * below, the store's tasks filtered by assignee, kind and status, selectable for bulk reassignment.
 */
export default function TeamBoardPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { storeId, storeName } = useSession();
  const [params, setParams] = useSearchParams();
  const assigneeId = params.get('assignee') ?? undefined;
  const kind = (params.get('kind') ?? undefined) as TaskKind | undefined;
  const asked = params.get('status') as StatusFilter | null;
  const status: StatusFilter = asked && STATUS_FILTERS.includes(asked) ? asked : 'open';
  const [selected, setSelected] = useState<string[]>([]);
  const [target, setTarget] = useState<{ id: string; name: string } | null>(null);
  const taskId = params.get('task') ?? undefined;
  const board = useTaskBoard(storeId, { enabled: Boolean(storeId) });
  const bucket: TaskBucket | undefined = status === 'open' ? undefined : status;
  const tasks = useTasks({ storeId, assigneeId, kind, bucket, limit: 100 }, { enabled: Boolean(storeId) });
  const rows = useMemo(() => tasks.data?.pages.flatMap((p) => p.items) ?? [], [tasks.data]);
  const reassign = useReassignTasks();

  // Only what the table shows can be acted on: a filter that hides a selected row also unselects it.
  const shown = useMemo(() => new Set(rows.filter((r) => r.status === 'open').map((r) => r.id)), [rows]);
  const picked = useMemo(() => selected.filter((id) => shown.has(id)), [selected, shown]);

  const set = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };

  if (!storeId) {
    return (
      <>
        <PageHeader title={t('tasks.board.title')} />
        <Card>
          <EmptyState title={t('tasks.board.chooseStore')} />
        </Card>
      </>
    );
  }

  const doReassign = () => {
    if (!target || picked.length === 0) return;
    reassign.mutate(
      { ids: picked, staffId: target.id },
      {
        onSuccess: (r) => {
          void message.success(t('tasks.board.reassigned', { count: r.updated, name: target.name }));
          setSelected([]);
          setTarget(null);
        },
        onError: (e) => void message.error(applyApiError(undefined, e)),
      },
    );
  };

  const num = (n: number, danger = false) => <span className="bk-num" style={danger && n > 0 ? { color: '#c62828', fontWeight: 600 } : undefined}>{integer(n)}</span>;

  return (
    <>
      <PageHeader
        title={t('tasks.board.title')}
        subtitle={board.data ? t('tasks.board.subtitle', { store: storeName(storeId), week: dayOf(board.data.weekStart) }) : storeName(storeId)}
        extra={
          <Tooltip title={t('common.refresh')}>
            <Button icon={<ReloadOutlined />} aria-label={t('common.refresh')} onClick={() => void Promise.all([board.refetch(), tasks.refetch()])} />
          </Tooltip>
        }
      />
      <Card size="small" styles={{ body: { padding: 0 } }} style={{ marginBottom: 16 }}>
        {board.isError ? (
          <ErrorState error={board.error} onRetry={() => void board.refetch()} />
        ) : (
          <Table<BoardRow>
            rowKey={(r) => r.staff.id}
            size="small"
            loading={board.isPending}
            dataSource={board.data?.rows ?? []}
            pagination={false}
            data-testid="board-table"
            locale={{ emptyText: <EmptyState title={t('tasks.board.noStaff')} /> }}
            rowClassName={(r) => (r.staff.id === assigneeId ? 'ant-table-row-selected' : '')}
            onRow={(r) => ({ onClick: () => set({ assignee: r.staff.id === assigneeId ? undefined : r.staff.id }), style: { cursor: 'pointer' } })}
            columns={[
              { key: 'staff', title: t('tasks.board.staff'), render: (_: unknown, r) => <Typography.Text strong>{r.staff.displayName}</Typography.Text> },
              { key: 'role', title: t('tasks.board.role'), width: 120, render: (_: unknown, r) => t(`roles.${r.staff.role}` as never) },
              { key: 'open', title: t('tasks.board.open'), width: 90, align: 'right', render: (_: unknown, r) => num(r.open) },
              { key: 'overdue', title: t('tasks.board.overdue'), width: 90, align: 'right', render: (_: unknown, r) => num(r.overdue, true) },
              { key: 'escalated', title: t('tasks.board.escalated'), width: 90, align: 'right', render: (_: unknown, r) => num(r.escalated, true) },
              { key: 'done', title: t('tasks.board.doneThisWeek'), width: 100, align: 'right', render: (_: unknown, r) => num(r.doneThisWeek) },
              {
                key: 'rate',
                title: <Tooltip title={t('tasks.board.rateHint')}>{t('tasks.board.completionRate')}</Tooltip>,
                width: 190,
                render: (_: unknown, r) => <Rate row={r} />,
              },
            ]}
          />
        )}
      </Card>
      <Card title={t('tasks.board.tasksTitle')} size="small" styles={{ body: { padding: 16 } }}>
        <div className="bk-toolbar">
          <FilterOutlined style={{ color: '#6b7280' }} aria-hidden />
          <StaffSelect
            storeId={storeId}
            allowClear
            aria-label={t('tasks.board.filterAssignee')}
            placeholder={t('tasks.board.filterAssignee')}
            data-testid="board-filter-assignee"
            value={assigneeId}
            onChange={(v?: string) => set({ assignee: v })}
            style={{ width: 150 }}
          />
          <Select
            allowClear
            aria-label={t('tasks.board.filterKind')}
            placeholder={t('tasks.board.filterKind')}
            value={kind}
            onChange={(v?: string) => set({ kind: v })}
            options={TASK_KINDS.map((k) => ({ value: k.key, label: t(`tasks.kinds.${k.key}`) }))}
            style={{ width: 150 }}
          />
          <Select
            aria-label={t('tasks.board.filterStatus')}
            value={status}
            onChange={(v: StatusFilter) => set({ status: v === 'open' ? undefined : v })}
            options={STATUS_FILTERS.map((s) => ({ value: s, label: t(`tasks.board.${STATUS_LABEL[s]}`) }))}
            style={{ width: 130 }}
          />
        </div>
        {picked.length > 0 && (
          <Alert
            type="info"
            style={{ marginBottom: 12 }}
            data-testid="bulk-bar"
            title={
              <Space wrap>
                <span>{t('tasks.board.selected', { count: picked.length })}</span>
                <UserSwitchOutlined aria-hidden />
                <StaffSelect
                  storeId={storeId}
                  aria-label={t('tasks.board.reassignTo')}
                  placeholder={t('tasks.board.reassignTo')}
                  value={target?.id}
                  onChange={(id: string, option) => setTarget({ id, name: (option as { label?: string } | undefined)?.label ?? '' })}
                  style={{ width: 160 }}
                />
                <Button type="primary" disabled={!target} loading={reassign.isPending} onClick={doReassign} data-testid="bulk-reassign">
                  {t('tasks.board.reassign')}
                </Button>
                <Button type="link" onClick={() => setSelected([])}>
                  {t('tasks.board.clearSelection')}
                </Button>
              </Space>
            }
          />
        )}
        {tasks.isError && !tasks.data ? (
          <ErrorState error={tasks.error} onRetry={() => void tasks.refetch()} />
        ) : (
          <TaskTable
            testId="board-tasks"
            rows={rows}
            columns={status === 'done' ? ['title', 'customer', 'vehicle', 'kind', 'assignee', 'status', 'completedAt', 'source'] : ['title', 'customer', 'vehicle', 'kind', 'priority', 'due', 'assignee', 'source']}
            pending={tasks.isPending}
            loading={tasks.isFetching && !tasks.isFetchingNextPage && !tasks.isPending}
            onOpen={(task) => set({ task: task.id })}
            rowSelection={
              status === 'done'
                ? undefined
                : { selectedRowKeys: picked, onChange: (keys) => setSelected(keys as string[]), getCheckboxProps: (r) => ({ disabled: r.status !== 'open', 'aria-label': r.title }) }
            }
            empty={<EmptyState title={t('tasks.board.empty')} hint={t('tasks.board.emptyHint')} />}
            hasMore={tasks.hasNextPage}
            loadingMore={tasks.isFetchingNextPage}
            onLoadMore={() => void tasks.fetchNextPage()}
          />
        )}
      </Card>
      <TaskDrawer taskId={taskId} onClose={() => set({ task: undefined })} onOpenTask={(id) => set({ task: id })} />
    </>
  );
}
