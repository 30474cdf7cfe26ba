import { CommentOutlined, MailOutlined, MessageOutlined, PhoneOutlined, PlusOutlined, ShopOutlined, WechatOutlined, FormOutlined } from '@ant-design/icons';
import { Alert, App, AutoComplete, Button, DatePicker, Form, Input, Modal, Radio, Table, Tag } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { INTERACTION_KINDS, type Interaction, type InteractionKind } from '../../api/types';
import { EmptyState } from '../../components/EmptyState';
import { useSession } from '../../console/session';
import { applyApiError } from '../../lib/forms';
import { dateTime, dayjs } from '../../lib/format';
import { useCodeLabel } from '../../lib/labels';
import { useLogInteraction } from '../api';

export const KIND_ICON: Record<InteractionKind, ReactNode> = {
  call: <PhoneOutlined />,
  visit: <ShopOutlined />,
  wechat: <WechatOutlined />,
  sms: <MessageOutlined />,
  email: <MailOutlined />,
  note: <FormOutlined />,
};
const OUTCOMES = ['reached', 'not_reached', 'booked', 'not_interested', 'follow_up', 'complaint'] as const;

interface FormValues {
  kind: InteractionKind;
  direction: 'inbound' | 'outbound';
  occurredAt: dayjs.Dayjs;
  outcome?: string;
  summary: string;
}

export function LogInteractionModal({ open, onClose, customerId }: { open: boolean; onClose: () => void; customerId: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const log = useLogInteraction(customerId);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!open) return;
    setError(null);
    form.resetFields();
    form.setFieldsValue({ kind: 'call', direction: 'outbound', occurredAt: dayjs() });
  }, [open, form]);

  const submit = (v: FormValues) => {
    setError(null);
    // A known outcome is stored as its code, so reports can count it in any language.
    const outcome = OUTCOMES.find((o) => t(`outcomes.${o}`) === v.outcome) ?? v.outcome?.trim() ?? '';
    log.mutate(
      { kind: v.kind, direction: v.direction, occurredAt: v.occurredAt.toISOString(), outcome: outcome || undefined, summary: v.summary.trim() },
      {
        onSuccess: () => {
          void message.success(t('interactions.saved'));
          onClose();
        },
        onError: (e) => setError(applyApiError(form, e)),
      },
    );
  };

  return (
    <Modal
      open={open}
      title={t('interactions.logTitle')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={log.isPending}
      width={560}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" onFinish={submit} requiredMark="optional">
        <Form.Item name="kind" label={t('interactions.fields.kind')} rules={[{ required: true }]}>
          <Radio.Group optionType="button" buttonStyle="solid" options={INTERACTION_KINDS.map((k) => ({ value: k, label: t(`interactions.kinds.${k}`) }))} />
        </Form.Item>
        <div style={{ display: 'flex', gap: 16 }}>
          <Form.Item name="direction" label={t('interactions.fields.direction')} style={{ flex: 'none' }}>
            <Radio.Group
              options={[
                { value: 'outbound', label: t('interactions.direction.outbound') },
                { value: 'inbound', label: t('interactions.direction.inbound') },
              ]}
            />
          </Form.Item>
          <Form.Item name="occurredAt" label={t('interactions.fields.occurredAt')} rules={[{ required: true }]} style={{ flex: 1 }}>
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} disabledDate={(d) => d.isAfter(dayjs().endOf('day'))} />
          </Form.Item>
        </div>
        <Form.Item name="outcome" label={t('interactions.fields.outcome')}>
          <AutoComplete options={OUTCOMES.map((o) => ({ value: t(`outcomes.${o}`) }))} placeholder={t('interactions.outcomePlaceholder')} maxLength={100} />
        </Form.Item>
        <Form.Item
          name="summary"
          label={t('interactions.fields.summary')}
          rules={[{ required: true, whitespace: true, message: t('interactions.summaryRequired') }]}
        >
          <Input.TextArea rows={4} maxLength={2000} showCount placeholder={t('interactions.summaryPlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function InteractionsTab({ customerId, interactions }: { customerId: string; interactions: Interaction[] }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const code = useCodeLabel();
  const [open, setOpen] = useState(false);
  const writable = can('interactions.write');
  return (
    <>
      {writable && interactions.length > 0 && (
        <div className="bk-toolbar" style={{ justifyContent: 'flex-end' }}>
          <Button icon={<PlusOutlined />} onClick={() => setOpen(true)}>
            {t('interactions.log')}
          </Button>
        </div>
      )}
      <Table<Interaction>
        size="small"
        rowKey="id"
        pagination={interactions.length > 20 ? { pageSize: 20, size: 'small' } : false}
        dataSource={[...interactions].sort((a, b) => (a.occurredAt < b.occurredAt ? 1 : -1))}
        locale={{
          emptyText: (
            <EmptyState
              title={t('interactions.empty')}
              hint={t('interactions.emptyHint')}
              action={writable && <Button type="primary" icon={<CommentOutlined />} onClick={() => setOpen(true)}>{t('interactions.log')}</Button>}
            />
          ),
        }}
        columns={[
          { key: 'at', title: t('interactions.fields.occurredAt'), dataIndex: 'occurredAt', width: 150, render: (v: string) => <span className="bk-num">{dateTime(v)}</span> },
          {
            key: 'kind',
            title: t('interactions.fields.kind'),
            dataIndex: 'kind',
            width: 110,
            render: (k: InteractionKind) => (
              <Tag icon={KIND_ICON[k]} color="blue" variant="filled">
                {t(`interactions.kinds.${k}`)}
              </Tag>
            ),
          },
          { key: 'direction', title: t('interactions.fields.direction'), dataIndex: 'direction', width: 80, render: (d: 'inbound' | 'outbound') => t(`interactions.direction.${d}`) },
          { key: 'staff', title: t('interactions.fields.staff'), width: 100, render: (_: unknown, r) => r.staff?.displayName ?? '—' },
          { key: 'outcome', title: t('interactions.fields.outcome'), dataIndex: 'outcome', width: 110, render: (o: string) => code('outcomes', o) || '—' },
          { key: 'summary', title: t('interactions.fields.summary'), dataIndex: 'summary', render: (s: string) => <span style={{ whiteSpace: 'pre-wrap' }}>{s}</span> },
        ]}
      />
      <LogInteractionModal open={open} onClose={() => setOpen(false)} customerId={customerId} />
    </>
  );
}
