import { App, Button, Card, Form, Input, InputNumber, Modal, Select, Switch, Table, Tag } from 'antd';
import { useState } from 'react';
import { REWARD_KINDS, REWARD_KIND_LABELS, type TRewardInput } from '../../../contracts/loyalty';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { useSession } from '../../console/session';
import { applyApiError } from '../../lib/forms';
import { money } from '../../lib/format';
import { useLoyaltyConfig, useRewards, useSaveReward, type Reward } from '../api';
import { useLoyaltyT } from '../useT';

type TForm = Omit<TRewardInput, 'valueFen' | 'availableFrom' | 'availableUntil' | 'storeId'> & { valueYuan: number };

/** The rewards catalogue 权益: labour vouchers, parts discounts, perks, merchandise, charity projects. */
export default function RewardsPage() {
  const { t, en } = useLoyaltyT();
  const { message } = App.useApp();
  const { can } = useSession();
  const editable = can('loyalty.manage');
  const q = useRewards();
  const cfg = useLoyaltyConfig();
  const save = useSaveReward();
  const [editing, setEditing] = useState<Reward | 'new' | null>(null);
  const [form] = Form.useForm<TForm>();
  const tiers = (cfg.data?.tiers ?? []).filter((x) => x.preset === cfg.data?.settings.activePreset);
  const kindLabel = (k: Reward['kind']) => REWARD_KIND_LABELS[k][en ? 'en' : 'zh'];
  const open = (r: Reward | 'new') => {
    setEditing(r);
    form.setFieldsValue(r === 'new' ? { kind: 'labour_voucher', pointsCost: 1000, valueYuan: 100, validDays: 90, minTierRank: 0, stock: null, perCustomerLimit: null, active: true, name: '', description: '' } : { ...r, valueYuan: r.valueFen / 100 });
  };
  const submit = () =>
    void form.validateFields().then(({ valueYuan, ...v }) =>
      save.mutate({ ...(editing !== 'new' && editing ? { id: editing.id } : {}), ...v, valueFen: Math.round((valueYuan ?? 0) * 100) }, { onSuccess: () => setEditing(null), onError: (e) => void message.error(applyApiError(form, e)) }),
    );
  return (
    <>
      <PageHeader title={t('loyalty.rewards.title')} extra={editable && <Button type="primary" onClick={() => open('new')}>{t('loyalty.rewards.add')}</Button>} />
      <Card>
        {q.isError ? (
          <ErrorState error={q.error} onRetry={() => void q.refetch()} />
        ) : !q.isPending && q.data.length === 0 ? (
          <EmptyState title={t('loyalty.rewards.empty')} hint={t('loyalty.rewards.emptyHint')} />
        ) : (
          <Table<Reward>
            rowKey="id"
            loading={q.isPending}
            dataSource={q.data}
            pagination={false}
            onRow={(r) => ({ onClick: () => editable && open(r), style: { cursor: editable ? 'pointer' : undefined } })}
            columns={[
              { title: t('loyalty.rewards.kind'), dataIndex: 'kind', render: (k: Reward['kind']) => <Tag>{kindLabel(k)}</Tag> },
              { title: t('loyalty.rewards.name'), dataIndex: 'name' },
              { title: t('loyalty.rewards.cost'), dataIndex: 'pointsCost', align: 'right', render: (n: number) => n.toLocaleString('en-US') },
              { title: t('loyalty.rewards.value'), dataIndex: 'valueFen', align: 'right', render: (f: number) => (f > 0 ? money(f) : '—') },
              { title: t('loyalty.rewards.stock'), dataIndex: 'stock', align: 'right', render: (s: number | null) => (s === null ? t('loyalty.rewards.unlimited') : s) },
              { title: t('loyalty.rewards.issued'), render: (_, r) => (r.kind === 'charity' ? `${t('loyalty.rewards.donated')} ${r.donatedPoints.toLocaleString('en-US')}` : r.issuedCount), align: 'right' },
              { title: t('loyalty.rewards.minTier'), dataIndex: 'minTierRank', render: (n: number) => { const x = tiers.find((tt) => tt.rank === n); return x ? (en ? x.nameEn : x.nameZh) : n; } },
              { title: t('loyalty.rewards.active'), dataIndex: 'active', render: (a: boolean) => (a ? <Tag color="green">✓</Tag> : <Tag>—</Tag>) },
            ]}
          />
        )}
      </Card>
      <Modal open={!!editing} title={editing === 'new' ? t('loyalty.rewards.add') : t('loyalty.rewards.edit')} onCancel={() => setEditing(null)} onOk={submit} confirmLoading={save.isPending} width={640}>
        <Form form={form} layout="vertical">
          <Form.Item name="kind" label={t('loyalty.rewards.kind')} rules={[{ required: true }]}>
            <Select options={REWARD_KINDS.map((k) => ({ value: k, label: kindLabel(k) }))} />
          </Form.Item>
          <Form.Item name="name" label={t('loyalty.rewards.name')} rules={[{ required: true, max: 100 }]}><Input /></Form.Item>
          <Form.Item name="description" label={t('loyalty.rewards.description')}><Input.TextArea rows={2} maxLength={1000} /></Form.Item>
          <div style={{ display: 'grid', gridTemplateColumns: 'repeat(3, 1fr)', gap: 12 }}>
            <Form.Item name="pointsCost" label={t('loyalty.rewards.cost')} rules={[{ required: true }]}><InputNumber min={1} precision={0} style={{ width: '100%' }} /></Form.Item>
            <Form.Item name="valueYuan" label={t('loyalty.rewards.value')}><InputNumber min={0} precision={2} style={{ width: '100%' }} /></Form.Item>
            <Form.Item name="validDays" label={t('loyalty.rewards.validDays')}><InputNumber min={1} max={3650} precision={0} style={{ width: '100%' }} /></Form.Item>
            <Form.Item name="stock" label={t('loyalty.rewards.stock')} extra={t('loyalty.rewards.unlimited')}><InputNumber min={0} precision={0} style={{ width: '100%' }} /></Form.Item>
            <Form.Item name="perCustomerLimit" label={t('loyalty.rewards.limit')}><InputNumber min={1} precision={0} style={{ width: '100%' }} /></Form.Item>
            <Form.Item name="minTierRank" label={t('loyalty.rewards.minTier')}><Select options={tiers.map((x) => ({ value: x.rank, label: en ? x.nameEn : x.nameZh }))} /></Form.Item>
          </div>
          <Form.Item name="active" label={t('loyalty.rewards.active')} valuePropName="checked"><Switch /></Form.Item>
        </Form>
      </Modal>
    </>
  );
}
