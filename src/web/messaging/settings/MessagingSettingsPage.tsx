import { Alert, App, Button, Card, Form, InputNumber, Skeleton, Space, TimePicker, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TMessagingSettingsInput } from '../../../contracts/messaging';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { useSession } from '../../console/session';
import { applyApiError } from '../../lib/forms';
import { dayjs } from '../../lib/format';
import { useMessagingSettings, usePutMessagingSettings, type MessagingSettings } from '../api';

interface FormValues {
  quietStart: dayjs.Dayjs;
  quietEnd: dayjs.Dayjs;
  marketingCap: number;
  capWindowDays: number;
  maxAttempts: number;
}

/** `21:00` → a dayjs of today at that time (the time picker's value). */
const clock = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return dayjs().hour(h ?? 0).minute(m ?? 0).second(0).millisecond(0);
};

const toForm = (s: MessagingSettings): FormValues => ({
  quietStart: clock(s.quietStart),
  quietEnd: clock(s.quietEnd),
  marketingCap: s.marketingCap,
  capWindowDays: s.capWindowDays,
  maxAttempts: s.maxAttempts,
});

/** A store's sending rules: quiet hours (deferred, never dropped), the marketing cap, and send attempts. */
export default function MessagingSettingsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { storeId, storeName, can } = useSession();
  const settings = useMessagingSettings(storeId, { enabled: Boolean(storeId) });
  const put = usePutMessagingSettings(storeId);
  const [form] = Form.useForm<FormValues>();
  const [error, setError] = useState<string | null>(null);
  const editable = can('messaging.settings');

  useEffect(() => {
    if (settings.data) form.setFieldsValue(toForm(settings.data));
  }, [settings.data, form]);

  const header = <PageHeader title={t('messaging.settings.title')} subtitle={storeId ? t('messaging.settings.subtitle', { store: storeName(storeId) }) : undefined} />;
  if (!storeId)
    return (
      <>
        {header}
        <Card>
          <EmptyState title={t('messaging.settings.chooseStore')} />
        </Card>
      </>
    );

  const submit = (v: FormValues) => {
    setError(null);
    const body: TMessagingSettingsInput = {
      quietStart: v.quietStart.format('HH:mm'),
      quietEnd: v.quietEnd.format('HH:mm'),
      marketingCap: v.marketingCap,
      capWindowDays: v.capWindowDays,
      maxAttempts: v.maxAttempts,
    };
    put.mutate(body, {
      onSuccess: () => void message.success(t('messaging.settings.saved')),
      onError: (e) => setError(applyApiError(form, e)),
    });
  };

  const s = settings.data;
  return (
    <>
      {header}
      <Card style={{ maxWidth: 760 }}>
        {settings.isPending ? (
          <Skeleton active paragraph={{ rows: 8 }} />
        ) : settings.isError ? (
          <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />
        ) : (
          <Form form={form} layout="vertical" onFinish={submit} disabled={!editable} data-testid="messaging-settings-form">
            {s && (
              <Alert
                type="info"
                showIcon
                style={{ marginBottom: 20 }}
                data-testid="messaging-settings-summary"
                title={
                  s.quietStart === s.quietEnd
                    ? t('messaging.settings.noQuiet', { cap: s.marketingCap, days: s.capWindowDays, attempts: s.maxAttempts })
                    : t('messaging.settings.summary', { start: s.quietStart, end: s.quietEnd, cap: s.marketingCap, days: s.capWindowDays, attempts: s.maxAttempts })
                }
              />
            )}
            {!editable && <Alert type="warning" showIcon title={t('messaging.settings.readOnly')} style={{ marginBottom: 16 }} />}
            {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
            <Typography.Title level={5}>{t('messaging.settings.quiet')}</Typography.Title>
            <Space size={16} align="start">
              <Form.Item name="quietStart" label={t('messaging.settings.quietStart')} rules={[{ required: true }]}>
                <TimePicker format="HH:mm" minuteStep={5} allowClear={false} style={{ width: 130 }} />
              </Form.Item>
              <Form.Item name="quietEnd" label={t('messaging.settings.quietEnd')} rules={[{ required: true }]}>
                <TimePicker format="HH:mm" minuteStep={5} allowClear={false} style={{ width: 130 }} />
              </Form.Item>
            </Space>
            <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
              {t('messaging.settings.quietHint')}
            </Typography.Paragraph>
            <Typography.Title level={5}>{t('messaging.settings.cap')}</Typography.Title>
            <Space size={16} align="start">
              <Form.Item name="marketingCap" label={t('messaging.settings.capCount')} rules={[{ required: true }]}>
                <InputNumber min={0} max={100} precision={0} suffix={t('messaging.settings.messages')} style={{ width: 150 }} />
              </Form.Item>
              <Form.Item name="capWindowDays" label={t('messaging.settings.capWindow')} rules={[{ required: true }]}>
                <InputNumber min={1} max={90} precision={0} suffix={t('messaging.settings.days')} style={{ width: 150 }} />
              </Form.Item>
            </Space>
            <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
              {t('messaging.settings.capHint')}
            </Typography.Paragraph>
            <Typography.Title level={5}>{t('messaging.settings.attempts')}</Typography.Title>
            <Form.Item name="maxAttempts" extra={t('messaging.settings.attemptsHint')} rules={[{ required: true }]}>
              <InputNumber min={1} max={20} precision={0} suffix={t('messaging.settings.times')} style={{ width: 150 }} />
            </Form.Item>
            {editable && (
              <Button type="primary" htmlType="submit" loading={put.isPending} data-testid="messaging-settings-save">
                {t('common.save')}
              </Button>
            )}
          </Form>
        )}
      </Card>
    </>
  );
}
