import { DatePicker, Form, Input, Modal, Select } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { dayjs } from '../../lib/format';

export interface AdvanceValues {
  step: string;
  at: dayjs.Dayjs;
  note?: string;
}

/**
 * Record the next step of a process (delivery milestone, workshop stage): which step (the next one by default; the
 * server allows skipping forward, never back), when, and a note.
 */
export function AdvanceModal({
  open,
  title,
  steps,
  onCancel,
  onSubmit,
  pending,
  error,
}: {
  open: boolean;
  title: string;
  steps: { value: string; label: string }[];
  onCancel: () => void;
  onSubmit: (v: AdvanceValues) => void;
  pending: boolean;
  error?: string | null;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<AdvanceValues>();
  useEffect(() => {
    if (open) form.setFieldsValue({ step: steps[0]?.value, at: dayjs(), note: '' });
  }, [open, steps, form]);
  return (
    <Modal
      open={open}
      title={title}
      okText={t('common.confirm')}
      cancelText={t('common.cancel')}
      onCancel={onCancel}
      onOk={() => form.submit()}
      confirmLoading={pending}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={onSubmit}>
        <Form.Item name="step" label={t('advance.step')} rules={[{ required: true }]} extra={steps.length > 1 ? t('advance.skipHint') : undefined}>
          <Select options={steps} />
        </Form.Item>
        <Form.Item name="at" label={t('advance.at')} rules={[{ required: true, message: t('advance.atRequired') }]}>
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} disabledDate={(d) => d.isAfter(dayjs().endOf('day'))} />
        </Form.Item>
        <Form.Item name="note" label={t('advance.note')} validateStatus={error ? 'error' : undefined} help={error ?? undefined}>
          <Input.TextArea rows={3} maxLength={2000} showCount placeholder={t('advance.notePlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
