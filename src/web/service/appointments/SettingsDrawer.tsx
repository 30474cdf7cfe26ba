import { Alert, App, Button, DatePicker, Drawer, Form, InputNumber, Select, Skeleton, Space, Switch, TimePicker, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SLOT_MINUTES, WEEKDAYS } from '../../../contracts/appointments';
import { applyApiError } from '../../lib/forms';
import { dayjs } from '../../lib/format';
import { useAppointmentSettings, usePutAppointmentSettings, type AppointmentSettingsInput } from './api';

interface TFormValues {
  slotMinutes: number;
  bays: number;
  technicians: number;
  graceMinutes: number;
  leadMinutes: number;
  horizonDays: number;
  days: { open: boolean; range: [dayjs.Dayjs, dayjs.Dayjs] }[];
  closedDates: dayjs.Dayjs[];
}

const hm = (s: string) => dayjs(`2000-01-01 ${s}`);

/** Slot length, bays and technicians (capacity per slot), opening hours per weekday and closed days of a store. */
export function SettingsDrawer({ open, onClose, storeId, storeName }: { open: boolean; onClose: () => void; storeId: string; storeName: string }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const q = useAppointmentSettings(open ? storeId : undefined);
  const put = usePutAppointmentSettings(storeId);
  const [form] = Form.useForm<TFormValues>();
  const [error, setError] = useState<string | null>(null);
  const bays = Form.useWatch('bays', form);
  const technicians = Form.useWatch('technicians', form);

  useEffect(() => {
    if (!open || !q.data) return;
    setError(null);
    const s = q.data;
    form.setFieldsValue({
      slotMinutes: s.slotMinutes,
      bays: s.bays,
      technicians: s.technicians,
      graceMinutes: s.graceMinutes,
      leadMinutes: s.leadMinutes,
      horizonDays: s.horizonDays,
      days: s.hours.map((h) => ({ open: !!h, range: [hm(h?.open ?? '08:30'), hm(h?.close ?? '17:30')] })),
      closedDates: s.closedDates.map((d) => dayjs(d)),
    });
  }, [open, q.data, form]);

  const submit = (v: TFormValues) => {
    setError(null);
    const body: AppointmentSettingsInput = {
      slotMinutes: v.slotMinutes,
      bays: v.bays,
      technicians: v.technicians,
      graceMinutes: v.graceMinutes,
      leadMinutes: v.leadMinutes,
      horizonDays: v.horizonDays,
      hours: v.days.map((d) => (d.open ? { open: d.range[0].format('HH:mm'), close: d.range[1].format('HH:mm') } : null)),
      closedDates: (v.closedDates ?? []).map((d) => d.format('YYYY-MM-DD')),
    };
    put.mutate(body, {
      onSuccess: () => {
        void message.success(t('appointments.settingsForm.saved'));
        onClose();
      },
      onError: (e) => setError(applyApiError(form, e)),
    });
  };

  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t('appointments.settingsForm.title', { store: storeName })}
      size={520}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={put.isPending} onClick={() => form.submit()}>
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      {!q.data ? (
        <Skeleton active paragraph={{ rows: 10 }} />
      ) : (
        <>
          {q.data.isDefault && <Alert type="info" showIcon title={t('appointments.settingsForm.default')} style={{ marginBottom: 16 }} />}
          {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
          <Form form={form} layout="vertical" onFinish={submit} requiredMark={false}>
            <Space size={16} wrap>
              <Form.Item name="slotMinutes" label={t('appointments.settingsForm.slotMinutes')}>
                <Select style={{ width: 140 }} options={SLOT_MINUTES.map((n) => ({ value: n, label: t('appointments.settingsForm.minutes', { n }) }))} />
              </Form.Item>
              <Form.Item name="bays" label={t('appointments.settingsForm.bays')}>
                <InputNumber min={0} max={200} precision={0} style={{ width: 110 }} />
              </Form.Item>
              <Form.Item name="technicians" label={t('appointments.settingsForm.technicians')}>
                <InputNumber min={0} max={500} precision={0} style={{ width: 110 }} />
              </Form.Item>
            </Space>
            <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
              {t('appointments.settingsForm.capacityHint', { n: Math.max(0, Math.min(bays ?? 0, technicians ?? 0)) })}
            </Typography.Paragraph>
            <Typography.Title level={5} style={{ marginTop: 8 }}>
              {t('appointments.settingsForm.hours')}
            </Typography.Title>
            <Form.List name="days">
              {(fields) =>
                fields.map((f, i) => (
                  <Space key={f.key} align="baseline" style={{ display: 'flex', marginBottom: 4 }}>
                    <span style={{ width: 48, display: 'inline-block' }}>{i18n.language === 'en-US' ? WEEKDAYS[i]!.en : WEEKDAYS[i]!.zh}</span>
                    <Form.Item name={[f.name, 'open']} valuePropName="checked" style={{ marginBottom: 8 }}>
                      <Switch checkedChildren={t('appointments.settingsForm.open')} unCheckedChildren={t('appointments.settingsForm.closedDay')} />
                    </Form.Item>
                    <Form.Item noStyle shouldUpdate>
                      {() =>
                        form.getFieldValue(['days', f.name, 'open']) ? (
                          <Form.Item name={[f.name, 'range']} style={{ marginBottom: 8 }}>
                            <TimePicker.RangePicker format="HH:mm" minuteStep={15} allowClear={false} order />
                          </Form.Item>
                        ) : null
                      }
                    </Form.Item>
                  </Space>
                ))
              }
            </Form.List>
            <Space size={16} wrap style={{ marginTop: 8 }}>
              <Form.Item name="graceMinutes" label={t('appointments.settingsForm.graceMinutes')}>
                <InputNumber min={0} max={240} precision={0} style={{ width: 140 }} />
              </Form.Item>
              <Form.Item name="leadMinutes" label={t('appointments.settingsForm.leadMinutes')}>
                <InputNumber min={0} max={4320} precision={0} style={{ width: 140 }} />
              </Form.Item>
              <Form.Item name="horizonDays" label={t('appointments.settingsForm.horizonDays')}>
                <InputNumber min={1} max={90} precision={0} style={{ width: 140 }} />
              </Form.Item>
            </Space>
            <Form.Item name="closedDates" label={t('appointments.settingsForm.closedDates')} extra={t('appointments.settingsForm.closedDatesHint')}>
              <DatePicker multiple style={{ width: '100%' }} maxTagCount="responsive" />
            </Form.Item>
          </Form>
        </>
      )}
    </Drawer>
  );
}
