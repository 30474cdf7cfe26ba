import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Modal, Select, Skeleton, Switch, Table, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ZStoreCreate } from '../../../contracts/org';
import type { Store } from '../../api/types';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { applyApiError, zodRule } from '../../lib/forms';
import { useCreateStore, useStores, useUpdateStore, type StoreInput } from '../api';

const TIMEZONES = ['Asia/Shanghai', 'Asia/Urumqi', 'Asia/Hong_Kong', 'Asia/Macau', 'Asia/Taipei'];

function StoreModal({ open, onClose, store }: { open: boolean; onClose: () => void; store?: Store }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<StoreInput>();
  const create = useCreateStore();
  const update = useUpdateStore();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!open) return;
    setError(null);
    form.resetFields();
    form.setFieldsValue(store ?? { timezone: 'Asia/Shanghai', brands: [], active: true });
  }, [open, store, form]);
  const submit = (v: StoreInput) => {
    setError(null);
    const opts = { onSuccess: onClose, onError: (e: unknown) => setError(applyApiError(form, e)) };
    if (store) update.mutate({ id: store.id, ...v }, opts);
    else {
      const { active: _active, ...body } = v;
      create.mutate(body, opts);
    }
  };
  return (
    <Modal
      open={open}
      onCancel={onClose}
      title={store ? t('stores.editTitle') : t('stores.createTitle')}
      okText={store ? t('common.save') : t('stores.create')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      confirmLoading={create.isPending || update.isPending}
      destroyOnHidden
      width={600}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" onFinish={submit} requiredMark="optional">
        <div style={{ display: 'flex', gap: 16 }}>
          <Form.Item name="code" label={t('stores.fields.code')} rules={[{ required: true, message: t('stores.codeRequired') }, zodRule(ZStoreCreate.shape.code)]} style={{ width: 180 }}>
            <Input className="bk-mono" maxLength={32} placeholder="BJ-LH" />
          </Form.Item>
          <Form.Item name="name" label={t('stores.fields.name')} rules={[{ required: true, whitespace: true, message: t('stores.nameRequired') }]} style={{ flex: 1 }}>
            <Input maxLength={100} />
          </Form.Item>
        </div>
        <Form.Item name="brands" label={t('stores.fields.brands')} extra={t('stores.brandsHint')}>
          <Select mode="tags" tokenSeparators={[',', '，']} maxCount={10} open={false} suffixIcon={null} />
        </Form.Item>
        <div style={{ display: 'flex', gap: 16 }}>
          <Form.Item name="city" label={t('stores.fields.city')} style={{ width: 180 }}>
            <Input maxLength={50} />
          </Form.Item>
          <Form.Item name="phone" label={t('stores.fields.phone')} style={{ flex: 1 }}>
            <Input maxLength={30} />
          </Form.Item>
          <Form.Item name="timezone" label={t('stores.fields.timezone')} style={{ width: 180 }}>
            <Select options={TIMEZONES.map((z) => ({ value: z, label: z }))} />
          </Form.Item>
        </div>
        <Form.Item name="address" label={t('stores.fields.address')}>
          <Input maxLength={200} />
        </Form.Item>
        {store && (
          <Form.Item name="active" label={t('stores.fields.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

export default function StoresPage() {
  const { t } = useTranslation();
  const stores = useStores();
  const [editing, setEditing] = useState<Store | 'new' | null>(null);
  return (
    <>
      <PageHeader
        title={t('stores.title')}
        subtitle={t('stores.subtitle')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
            {t('stores.create')}
          </Button>
        }
      />
      <Card styles={{ body: { padding: 0 } }}>
        {stores.isError ? (
          <ErrorState error={stores.error} onRetry={() => void stores.refetch()} />
        ) : (
          <Table<Store>
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={stores.data ?? []}
            locale={{ emptyText: stores.isPending ? <Skeleton active title={false} /> : <EmptyState title={t('stores.empty')} hint={t('stores.emptyHint')} /> }}
            columns={[
              { key: 'code', title: t('stores.fields.code'), dataIndex: 'code', width: 100, render: (v: string) => <span className="bk-mono">{v}</span> },
              { key: 'name', title: t('stores.fields.name'), dataIndex: 'name', width: 200 },
              { key: 'brands', title: t('stores.fields.brands'), dataIndex: 'brands', render: (b: string[]) => b.map((x) => <Tag key={x}>{x}</Tag>) },
              { key: 'city', title: t('stores.fields.city'), dataIndex: 'city', width: 80 },
              { key: 'address', title: t('stores.fields.address'), dataIndex: 'address', ellipsis: true },
              { key: 'phone', title: t('stores.fields.phone'), dataIndex: 'phone', width: 130, render: (v: string) => <span className="bk-num">{v || '—'}</span> },
              {
                key: 'active',
                title: t('stores.fields.active'),
                dataIndex: 'active',
                width: 80,
                render: (a: boolean) => <Tag color={a ? 'green' : 'default'}>{a ? t('common.active') : t('common.inactive')}</Tag>,
              },
              {
                key: 'actions',
                title: t('common.actions'),
                width: 80,
                render: (_: unknown, s) => (
                  <Button size="small" type="link" icon={<EditOutlined />} onClick={() => setEditing(s)} style={{ paddingInline: 0 }}>
                    {t('common.edit')}
                  </Button>
                ),
              },
            ]}
          />
        )}
      </Card>
      <StoreModal open={editing !== null} onClose={() => setEditing(null)} store={editing && editing !== 'new' ? editing : undefined} />
    </>
  );
}
