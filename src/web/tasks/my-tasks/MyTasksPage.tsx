import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { Badge, Button, Card, Select, Tabs, Tooltip } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { TASK_KINDS } from '../../../contracts/tasks';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { PageSkeleton } from '../../components/PageSkeleton';
import { useSession } from '../../console/session';
import { useTaskCounts, useTasks, type TaskBucket, type TaskKind } from '../api';
import { TaskDrawer } from '../components/TaskDrawer';
import { TaskFormModal } from '../components/TaskFormModal';
import { DONE_COLUMNS, MY_COLUMNS, TaskTable } from '../components/TaskTable';

const TABS: TaskBucket[] = ['overdue', 'today', 'upcoming', 'done'];

/** "我的任务": the signed-in person's open tasks by overdue / today / upcoming, and what they completed. */
export default function MyTasksPage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const [params, setParams] = useSearchParams();
  const [creating, setCreating] = useState(false);
  const kind = (params.get('kind') ?? undefined) as TaskKind | undefined;
  const counts = useTaskCounts({ kind });
  const asked = params.get('tab') as TaskBucket | null;
  // Without a tab in the URL, open the most pressing one that has something in it.
  const tab: TaskBucket | undefined =
    asked && TABS.includes(asked) ? asked : counts.data ? (counts.data.overdue > 0 ? 'overdue' : counts.data.today > 0 || counts.data.upcoming === 0 ? 'today' : 'upcoming') : undefined;
  const list = useTasks({ bucket: tab, kind }, { enabled: Boolean(tab) });
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const taskId = params.get('task') ?? undefined;

  const set = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };

  if (!tab) return counts.isError ? <ErrorState error={counts.error} onRetry={() => void counts.refetch()} /> : <PageSkeleton />;

  const count = (b: TaskBucket) => {
    if (b === 'done' || !counts.data) return null;
    const n = counts.data[b];
    if (n === 0) return <span className="bk-tab-count">0</span>;
    return <Badge count={n} overflowCount={999} size="small" color={b === 'overdue' ? '#c62828' : '#6b7280'} style={{ marginInlineStart: 6 }} />;
  };

  return (
    <>
      <PageHeader
        title={t('tasks.mine.title')}
        subtitle={t('tasks.mine.subtitle')}
        extra={
          <>
            {/* Not in the tab bar: a tablist may hold only tabs (screen readers announce it as one). */}
            <Select
              allowClear
              aria-label={t('tasks.fields.kind')}
              placeholder={t('tasks.fields.kind')}
              value={kind}
              onChange={(v?: string) => set({ kind: v })}
              options={TASK_KINDS.map((k) => ({ value: k.key, label: t(`tasks.kinds.${k.key}`) }))}
              style={{ width: 150 }}
            />
            <Tooltip title={t('common.refresh')}>
              <Button icon={<ReloadOutlined />} aria-label={t('common.refresh')} onClick={() => void Promise.all([list.refetch(), counts.refetch()])} />
            </Tooltip>
            {can('tasks.write') && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="new-task">
                {t('tasks.mine.new')}
              </Button>
            )}
          </>
        }
      />
      <Card styles={{ body: { paddingTop: 4 } }}>
        <Tabs
          activeKey={tab}
          onChange={(k) => set({ tab: k })}
          items={TABS.map((b) => ({
            key: b,
            label: (
              <span data-testid={`tab-${b}`} style={b === 'overdue' && (counts.data?.overdue ?? 0) > 0 ? { color: '#c62828' } : undefined}>
                {t(`tasks.buckets.${b}`)}
                {count(b)}
              </span>
            ),
          }))}
        />
        {list.isError && !list.data ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : (
          <TaskTable
            rows={rows}
            columns={tab === 'done' ? DONE_COLUMNS : MY_COLUMNS}
            pending={list.isPending}
            loading={list.isFetching && !list.isFetchingNextPage && !list.isPending}
            onOpen={(task) => set({ task: task.id })}
            empty={<EmptyState title={t(`tasks.mine.empty.${tab}`)} hint={t(`tasks.mine.empty.${tab}Hint`)} />}
            hasMore={list.hasNextPage}
            loadingMore={list.isFetchingNextPage}
            onLoadMore={() => void list.fetchNextPage()}
          />
        )}
      </Card>
      <TaskDrawer taskId={taskId} onClose={() => set({ task: undefined })} onOpenTask={(id) => set({ task: id })} />
      <TaskFormModal open={creating} onClose={() => setCreating(false)} />
    </>
  );
}
