import { Alert, App, Button, Card, Form, InputNumber, Skeleton } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TTaskSettingsInput } from '../../../contracts/tasks';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { useSession } from '../../console/session';
import { applyApiError } from '../../lib/forms';
import { usePutTaskSettings, useTaskSettings } from '../api';

/** A store's escalation and retry policy (the store manager's, or a group admin's for the store picked in the header). */
export default function TaskSettingsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { storeId, storeName, can } = useSession();
  const settings = useTaskSettings(storeId, { enabled: Boolean(storeId) });
  const put = usePutTaskSettings(storeId);
  const [form] = Form.useForm<TTaskSettingsInput>();
  const [error, setError] = useState<string | null>(null);
  const editable = can('tasks.manage');

  useEffect(() => {
    if (settings.data) form.setFieldsValue(settings.data);
  }, [settings.data, form]);

  const header = <PageHeader title={t('tasks.settings.title')} subtitle={storeId ? t('tasks.settings.subtitle', { store: storeName(storeId) }) : undefined} />;
  if (!storeId)
    return (
      <>
        {header}
        <Card>
          <EmptyState title={t('tasks.board.chooseStore')} />
        </Card>
      </>
    );

  const submit = (v: TTaskSettingsInput) => {
    setError(null);
    put.mutate(v, {
      onSuccess: () => void message.success(t('tasks.settings.saved')),
      onError: (e) => setError(applyApiError(form, e)),
    });
  };

  const hours = (name: 'escalateAfterHours' | 'retryDelayHours', label: string, hint: string) => (
    <Form.Item name={name} label={label} extra={hint} rules={[{ required: true }]}>
      <InputNumber min={1} max={720} precision={0} suffix={t('tasks.settings.hours')} style={{ width: 180 }} disabled={!editable} />
    </Form.Item>
  );

  return (
    <>
      {header}
      <Card style={{ maxWidth: 720 }}>
        {settings.isPending ? (
          <Skeleton active paragraph={{ rows: 6 }} />
        ) : settings.isError ? (
          <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />
        ) : (
          <Form form={form} layout="vertical" onFinish={submit} data-testid="task-settings-form">
            {!editable && <Alert type="info" showIcon title={t('tasks.settings.readOnly')} style={{ marginBottom: 16 }} />}
            {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
            {hours('escalateAfterHours', t('tasks.settings.escalateAfterHours'), t('tasks.settings.escalateHint'))}
            {hours('retryDelayHours', t('tasks.settings.retryDelayHours'), t('tasks.settings.retryHint'))}
            <Form.Item name="maxAttempts" label={t('tasks.settings.maxAttempts')} extra={t('tasks.settings.maxAttemptsHint')} rules={[{ required: true }]}>
              <InputNumber min={1} max={10} precision={0} suffix={t('tasks.settings.times')} style={{ width: 180 }} disabled={!editable} />
            </Form.Item>
            {editable && (
              <Button type="primary" htmlType="submit" loading={put.isPending}>
                {t('common.save')}
              </Button>
            )}
          </Form>
        )}
      </Card>
    </>
  );
}
