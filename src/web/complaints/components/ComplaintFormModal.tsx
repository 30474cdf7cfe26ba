import { Alert, App, Form, Input, Modal, Radio, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { COMPLAINT_CHANNELS, COMPLAINT_TYPES, type TComplaintCreate } from '../../../contracts/complaints';
import { StaffSelect } from '../../components/pickers';
import { useSession } from '../../console/session';
import { CustomerPicker } from '../../customers/components/CustomerPicker';
import { applyApiError } from '../../lib/forms';
import { useCreateComplaint, type Complaint } from '../api';

/** Take a complaint from the hotline, the showroom or WeChat; routing picks the assignee unless one is named. */
export function ComplaintFormModal({ open, onClose, customerId, onCreated }: { open: boolean; onClose: () => void; customerId?: string; onCreated?: (c: Complaint) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { storeId } = useSession();
  const [form] = Form.useForm<TComplaintCreate>();
  const create = useCreateComplaint();
  const [error, setError] = useState<string | null>(null);
  const submit = (v: TComplaintCreate) => {
    setError(null);
    create.mutate(
      { ...v, customerId: customerId ?? v.customerId },
      {
        onSuccess: (c) => {
          void message.success(t('voice.form.created'));
          form.resetFields();
          onClose();
          onCreated?.(c);
        },
        onError: (e) => setError(applyApiError(form, e)),
      },
    );
  };
  return (
    <Modal open={open} title={t('voice.list.new')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={create.isPending} okText={t('common.save')} destroyOnHidden width={640}>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ channel: 'hotline', severity: 'normal', type: 'attitude' }} data-testid="complaint-form">
        {!customerId && (
          <Form.Item name="customerId" label={t('voice.form.customer')} rules={[{ required: true }]}>
            <CustomerPicker style={{ width: '100%' }} aria-label={t('voice.form.customer')} />
          </Form.Item>
        )}
        <Form.Item name="channel" label={t('voice.form.channel')}>
          <Radio.Group optionType="button" options={COMPLAINT_CHANNELS.filter((c) => c.key !== 'survey' && c.key !== 'portal').map((c) => ({ value: c.key, label: t(`voice.channels.${c.key}`) }))} />
        </Form.Item>
        <Form.Item name="severity" label={t('voice.form.severity')}>
          <Radio.Group optionType="button" buttonStyle="solid" options={(['normal', 'urgent'] as const).map((k) => ({ value: k, label: t(`voice.severities.${k}`) }))} />
        </Form.Item>
        <Form.Item name="type" label={t('voice.form.type')}>
          <Select options={COMPLAINT_TYPES.map((c) => ({ value: c.key, label: t(`voice.types.${c.key}`) }))} aria-label={t('voice.form.type')} />
        </Form.Item>
        <Form.Item name="title" label={t('voice.form.title')} rules={[{ required: true, max: 200 }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="description" label={t('voice.form.description')} rules={[{ max: 4000 }]}>
          <Input.TextArea rows={3} maxLength={4000} />
        </Form.Item>
        <Form.Item name="assigneeStaffId" label={t('voice.form.assignee')}>
          <StaffSelect storeId={storeId} allowClear />
        </Form.Item>
      </Form>
    </Modal>
  );
}
