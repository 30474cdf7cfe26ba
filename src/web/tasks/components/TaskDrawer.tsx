import { CheckCircleFilled, RetweetOutlined, UserSwitchOutlined } from '@ant-design/icons';
import { Alert, App, Button, DatePicker, Descriptions, Divider, Drawer, Form, Input, Radio, Result, Skeleton, Space, Typography, type FormInstance } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { TASK_OUTCOMES } from '../../../contracts/tasks';
import { ErrorState } from '../../components/ErrorState';
import { StaffSelect } from '../../components/pickers';
import { useSession } from '../../console/session';
import { applyApiError } from '../../lib/forms';
import { dateTime, dayjs } from '../../lib/format';
import { useCompleteTask, useReassignTasks, useTask, useTaskSettings, type Task, type TaskCompleteResult, type TaskOutcome } from '../api';
import { DueCell, OutcomeTag, PriorityTag, SourceCell } from './TaskBits';

interface FormValues {
  outcome?: TaskOutcome;
  note?: string;
  retryAt?: dayjs.Dayjs | null;
}

/** What happens after a not-reached call, said before the user submits. */
function RetryPlan({ task, retryAt, settings }: { task: Task; retryAt: dayjs.Dayjs | null | undefined; settings?: { retryDelayHours: number; maxAttempts: number } }) {
  const { t } = useTranslation();
  if (!settings) return null;
  if (task.attempt >= settings.maxAttempts) {
    return <Alert type="warning" showIcon title={t('tasks.drawer.retryLast', { attempt: task.attempt, max: settings.maxAttempts })} data-testid="retry-plan" />;
  }
  const at = retryAt ?? dayjs().add(settings.retryDelayHours, 'hour');
  return <Alert type="info" showIcon icon={<RetweetOutlined />} title={t('tasks.drawer.retryPlanned', { attempt: task.attempt + 1, at: dateTime(at.toDate()) })} data-testid="retry-plan" />;
}

function CompleteForm({ task, form, complete, onDone }: { task: Task; form: FormInstance<FormValues>; complete: ReturnType<typeof useCompleteTask>; onDone: (r: TaskCompleteResult) => void }) {
  const { t } = useTranslation();
  const settings = useTaskSettings(task.storeId);
  const [error, setError] = useState<string | null>(null);
  const outcome = Form.useWatch('outcome', form);
  const retryAt = Form.useWatch('retryAt', form);
  const lastTry = settings.data ? task.attempt >= settings.data.maxAttempts : false;
  // The form instance outlives one task (the drawer's footer submits it): start clean for each.
  useEffect(() => form.resetFields(), [form, task.id]);

  const submit = (v: FormValues) => {
    setError(null);
    // The promise, not mutate's callbacks: the saved task is closed, so this form unmounts before they would run.
    complete
      .mutateAsync({
        id: task.id,
        outcome: v.outcome!,
        note: v.note?.trim() || undefined,
        retryAt: v.outcome === 'not_reached' && v.retryAt && !lastTry ? v.retryAt.toISOString() : undefined,
      })
      .then(onDone, (e: unknown) => setError(applyApiError(form, e)));
  };

  return (
    <Form form={form} layout="vertical" onFinish={submit} requiredMark="optional" data-testid="complete-form">
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        {t('tasks.drawer.complete')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>
        {t('tasks.drawer.completeHint')}
      </Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form.Item name="outcome" label={t('tasks.fields.outcome')} rules={[{ required: true, message: t('tasks.drawer.outcomeRequired') }]}>
        <Radio.Group optionType="button" buttonStyle="solid" options={TASK_OUTCOMES.map((o) => ({ value: o.key, label: t(`tasks.outcomes.${o.key}`) }))} />
      </Form.Item>
      {outcome === 'not_reached' && (
        <>
          {!lastTry && settings.data && (
            <Form.Item
              name="retryAt"
              label={t('tasks.drawer.retryAt')}
              extra={t('tasks.drawer.retryDefault', { hours: settings.data.retryDelayHours, at: dateTime(dayjs().add(settings.data.retryDelayHours, 'hour').toDate()) })}
            >
              <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: 220 }} disabledDate={(d) => d.isBefore(dayjs().startOf('day'))} />
            </Form.Item>
          )}
          <div style={{ marginBottom: 16 }}>
            <RetryPlan task={task} retryAt={retryAt} settings={settings.data} />
          </div>
        </>
      )}
      {outcome === 'complaint_raised' && <Alert type="error" showIcon title={t('tasks.drawer.complaint')} style={{ marginBottom: 16 }} data-testid="complaint-explain" />}
      {outcome === 'booked' && <Alert type="success" showIcon title={t('tasks.drawer.booked')} style={{ marginBottom: 16 }} />}
      <Form.Item
        name="note"
        label={t('tasks.fields.note')}
        rules={outcome === 'complaint_raised' ? [{ required: true, whitespace: true, message: t('tasks.drawer.noteRequired') }] : []}
      >
        <Input.TextArea rows={3} maxLength={2000} showCount placeholder={t('tasks.drawer.notePlaceholder')} />
      </Form.Item>
    </Form>
  );
}

function Reassign({ task }: { task: Task }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const reassign = useReassignTasks();
  return (
    <Space size={4}>
      <UserSwitchOutlined className="bk-muted" aria-hidden />
      <StaffSelect
        storeId={task.storeId}
        aria-label={t('tasks.drawer.reassign')}
        placeholder={t('tasks.drawer.reassign')}
        value={undefined}
        size="small"
        variant="borderless"
        popupMatchSelectWidth={false}
        style={{ width: 110 }}
        disabled={reassign.isPending}
        onChange={(staffId, option) =>
          staffId &&
          reassign.mutate(
            { ids: [task.id], staffId },
            {
              onSuccess: () => void message.success(t('tasks.board.reassigned', { count: 1, name: (option as { label?: string } | undefined)?.label ?? '' })),
              onError: (e) => void message.error(applyApiError(undefined, e)),
            },
          )
        }
      />
    </Space>
  );
}

/** One task: what, for whom, when, where it came from; and the form to close it with its outcome. */
export function TaskDrawer({ taskId, onClose, onOpenTask }: { taskId: string | undefined; onClose: () => void; onOpenTask?: (id: string) => void }) {
  const { t } = useTranslation();
  const { me, can } = useSession();
  const q = useTask(taskId);
  const [form] = Form.useForm<FormValues>();
  const complete = useCompleteTask();
  const [result, setResult] = useState<TaskCompleteResult | null>(null);
  useEffect(() => setResult(null), [taskId]);
  const task = q.data;
  const mayAct = task ? task.assignee.id === me.id || can('tasks.manage') : false;
  const completing = task?.status === 'open' && mayAct;

  return (
    <Drawer
      open={Boolean(taskId)}
      onClose={onClose}
      size={560}
      title={t('tasks.drawer.title')}
      destroyOnHidden
      data-testid="task-drawer"
      footer={
        completing ? (
          <Space style={{ float: 'right' }}>
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button type="primary" loading={complete.isPending} onClick={() => form.submit()} data-testid="complete-submit">
              {t('tasks.drawer.submit')}
            </Button>
          </Space>
        ) : undefined
      }
    >
      {q.isPending ? (
        <Skeleton active paragraph={{ rows: 10 }} />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : task ? (
        <>
          <Typography.Title level={4} style={{ marginTop: 0, marginBottom: 4 }}>
            {task.title}
          </Typography.Title>
          <Space size={8} wrap style={{ marginBottom: 16 }}>
            <span className="bk-muted">{t(`tasks.kinds.${task.kind}`)}</span>
            <PriorityTag priority={task.priority} />
            <SourceCell task={task} />
          </Space>
          {task.escalatedTo && task.status === 'open' && <Alert type="warning" showIcon title={t('tasks.drawer.escalated', { name: task.escalatedTo.displayName })} style={{ marginBottom: 12 }} />}
          <Descriptions size="small" column={1} bordered styles={{ label: { width: 110 } }}>
            <Descriptions.Item label={t('tasks.fields.customer')}>
              <Link to={`/customers/${task.customer.id}`} onClick={onClose}>
                {task.customer.name}
              </Link>
            </Descriptions.Item>
            <Descriptions.Item label={t('tasks.fields.vehicle')}>{task.vehicle ? <span className="bk-num">{task.vehicle.plate ?? task.vehicle.vin}</span> : '—'}</Descriptions.Item>
            <Descriptions.Item label={t('tasks.fields.dueAt')}>
              <DueCell task={task} />
            </Descriptions.Item>
            <Descriptions.Item label={t('tasks.fields.assignee')}>
              <Space size={12} wrap>
                <span data-testid="task-assignee">{task.assignee.displayName}</span>
                {completing && <Reassign task={task} />}
              </Space>
            </Descriptions.Item>
            {task.description ? (
              <Descriptions.Item label={t('tasks.fields.description')}>
                <span style={{ whiteSpace: 'pre-wrap' }}>{task.description}</span>
              </Descriptions.Item>
            ) : null}
            <Descriptions.Item label={t('tasks.fields.createdAt')}>
              <span className="bk-num">{dateTime(task.createdAt)}</span>
            </Descriptions.Item>
            {task.status !== 'open' && (
              <>
                <Descriptions.Item label={t('tasks.fields.outcome')}>
                  <OutcomeTag outcome={task.outcome} />
                </Descriptions.Item>
                {task.outcomeNote ? (
                  <Descriptions.Item label={t('tasks.fields.note')}>
                    <span style={{ whiteSpace: 'pre-wrap' }}>{task.outcomeNote}</span>
                  </Descriptions.Item>
                ) : null}
                <Descriptions.Item label={t('tasks.fields.completedAt')}>
                  <span className="bk-num">{dateTime(task.completedAt)}</span>
                  {task.completedBy && <span className="bk-muted"> · {task.completedBy.displayName}</span>}
                </Descriptions.Item>
              </>
            )}
          </Descriptions>
          {completing && (
            <>
              <Divider />
              <CompleteForm task={task} form={form} complete={complete} onDone={setResult} />
            </>
          )}
          {result && (
            <Result
              status="success"
              icon={<CheckCircleFilled />}
              title={t('tasks.drawer.doneTitle')}
              subTitle={
                result.task.outcome === 'not_reached' ? (
                  result.retryTask ? (
                    <span data-testid="retry-result">{t('tasks.drawer.retryCreated', { attempt: result.retryTask.attempt, at: dateTime(result.retryTask.dueAt) })}</span>
                  ) : (
                    <span data-testid="retry-result">{t('tasks.drawer.noRetry')}</span>
                  )
                ) : undefined
              }
              extra={
                result.retryTask && onOpenTask ? (
                  <Button onClick={() => onOpenTask(result.retryTask!.id)} icon={<RetweetOutlined />}>
                    {t('tasks.source.retry', { attempt: result.retryTask.attempt })}
                  </Button>
                ) : undefined
              }
              style={{ padding: '24px 0 0' }}
            />
          )}
        </>
      ) : null}
    </Drawer>
  );
}
