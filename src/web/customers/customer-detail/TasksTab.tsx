import { PlusOutlined } from '@ant-design/icons';
import { Badge, Button, Segmented } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { useSession } from '../../console/session';
import { useTaskCounts, useTasks } from '../../tasks/api';
import { TaskDrawer } from '../../tasks/components/TaskDrawer';
import { DONE_COLUMNS, TaskTable } from '../../tasks/components/TaskTable';

/** The customer's tasks (issue 3): open ones by due time, or the done ones with their outcomes. */
export function TasksTab({ customerId, onCreate }: { customerId: string; onCreate: () => void }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const [show, setShow] = useState<'open' | 'done'>('open');
  const [taskId, setTaskId] = useState<string | undefined>();
  const list = useTasks({ customerId, bucket: show === 'done' ? 'done' : undefined });
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  return (
    <>
      <div className="bk-toolbar" style={{ justifyContent: 'space-between' }}>
        <Segmented
          value={show}
          onChange={(v) => setShow(v as 'open' | 'done')}
          options={[
            { value: 'open', label: t('tasks.customerTab.open') },
            { value: 'done', label: t('tasks.customerTab.done') },
          ]}
        />
        {can('tasks.write') && (
          <Button icon={<PlusOutlined />} onClick={onCreate}>
            {t('tasks.customerTab.new')}
          </Button>
        )}
      </div>
      {list.isError && !list.data ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <TaskTable
          testId="customer-tasks"
          rows={rows}
          columns={show === 'done' ? DONE_COLUMNS.filter((c) => c !== 'customer') : ['title', 'vehicle', 'kind', 'priority', 'due', 'assignee', 'source']}
          pending={list.isPending}
          loading={list.isFetching && !list.isFetchingNextPage && !list.isPending}
          onOpen={(task) => setTaskId(task.id)}
          empty={show === 'done' ? <EmptyState title={t('tasks.customerTab.doneEmpty')} /> : <EmptyState title={t('tasks.customerTab.empty')} hint={t('tasks.customerTab.emptyHint')} />}
          hasMore={list.hasNextPage}
          loadingMore={list.isFetchingNextPage}
          onLoadMore={() => void list.fetchNextPage()}
        />
      )}
      <TaskDrawer taskId={taskId} onClose={() => setTaskId(undefined)} onOpenTask={setTaskId} />
    </>
  );
}

/** The tab's label: the customer's open tasks, red when any is overdue. */
export function TasksTabLabel({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const counts = useTaskCounts({ customerId });
  const open = counts.data ? counts.data.overdue + counts.data.today + counts.data.upcoming : 0;
  return (
    <span>
      {t('tasks.customerTab.title')}
      {open > 0 && <Badge count={open} size="small" color={counts.data!.overdue > 0 ? '#d32f2f' : '#c9cdd4'} style={{ marginInlineStart: 6 }} overflowCount={99} />}
    </span>
  );
}
