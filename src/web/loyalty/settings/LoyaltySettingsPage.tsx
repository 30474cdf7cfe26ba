import { Alert, App, Button, Card, DatePicker, Form, Input, InputNumber, Modal, Select, Space, Switch, Table, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { POINTS_SOURCES, type TLoyaltySettings } from '../../../contracts/loyalty';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { PageSkeleton } from '../../components/PageSkeleton';
import { useSession } from '../../console/session';
import { applyApiError } from '../../lib/forms';
import { dateTime, dayjs } from '../../lib/format';
import { useCreateMultiplier, useDeleteMultiplier, useLoyaltyConfig, usePutEarnRules, usePutSettings, useUpdateTier, type LoyaltyConfig } from '../api';
import { useLoyaltyT } from '../useT';

type Tier = LoyaltyConfig['tiers'][number];
type Rule = LoyaltyConfig['earnRules'][number];

/** Tier scheme and thresholds, points settings, earn rules per source and RO kind, campaign multipliers. */
export default function LoyaltySettingsPage() {
  const { t, tt, en } = useLoyaltyT();
  const { message } = App.useApp();
  const { can, groupWide } = useSession();
  const editable = can('loyalty.manage');
  // Tiers, earn rules and the points settings are the group's; a store edits only its campaigns (multipliers).
  const programmeEditable = editable && groupWide;
  const cfg = useLoyaltyConfig();
  const putSettings = usePutSettings();
  const putRules = usePutEarnRules();
  const updateTier = useUpdateTier();
  const createMult = useCreateMultiplier();
  const delMult = useDeleteMultiplier();
  const [form] = Form.useForm<TLoyaltySettings>();
  const [rules, setRules] = useState<Rule[]>([]);
  const [editing, setEditing] = useState<Tier | null>(null);
  const [tierForm] = Form.useForm<{ nameZh: string; nameEn: string; minPoints12m: number; minReferrals: number; maintenanceDiscountPct: number; benefits: string }>();
  const [multOpen, setMultOpen] = useState(false);
  const [multForm] = Form.useForm<{ name: string; factorX100: number; source: string | null; window: [dayjs.Dayjs, dayjs.Dayjs] }>();

  useEffect(() => {
    if (cfg.data) {
      form.setFieldsValue(cfg.data.settings);
      setRules(cfg.data.earnRules);
    }
  }, [cfg.data, form]);

  const header = <PageHeader title={t('loyalty.settings.title')} />;
  if (cfg.isPending) return <>{header}<PageSkeleton /></>;
  if (cfg.isError) return <>{header}<ErrorState error={cfg.error} onRetry={() => void cfg.refetch()} /></>;
  const c = cfg.data;
  const activeTiers = c.tiers.filter((x) => x.preset === c.settings.activePreset);
  const src = (s: string | null) => (s ? tt(`loyalty.settings.sources.${s}`) : t('loyalty.settings.anySource'));

  return (
    <>
      {header}
      <Space direction="vertical" size={16} style={{ width: '100%' }}>
        {editable && !groupWide && <Alert type="info" showIcon message={t('loyalty.settings.groupOnly')} data-testid="loyalty-group-only" />}
        <Card title={t('loyalty.settings.programme')}>
          <Form form={form} layout="inline" disabled={!programmeEditable} onFinish={(v) => putSettings.mutate(v, { onSuccess: () => void message.success(t('loyalty.settings.saved')), onError: (e) => void message.error(applyApiError(form, e)) })} data-testid="loyalty-settings-form">
            <Form.Item name="activePreset" label={t('loyalty.settings.preset')}>
              <Select style={{ width: 260 }} options={(['explorer', 'metal'] as const).map((p) => ({ value: p, label: tt(`loyalty.settings.presets.${p}`) }))} />
            </Form.Item>
            <Form.Item name="pointValueFen" label={t('loyalty.settings.pointValue')} tooltip={t('loyalty.settings.pointValueHint')}>
              <InputNumber min={0} max={10000} precision={0} />
            </Form.Item>
            <Form.Item name="expiryYears" label={t('loyalty.settings.expiryYears')}>
              <InputNumber min={0} max={10} precision={0} />
            </Form.Item>
            <Form.Item name="expiryNoticeDays" label={t('loyalty.settings.noticeDays')}>
              <InputNumber min={0} max={365} precision={0} />
            </Form.Item>
            {programmeEditable && <Button type="primary" htmlType="submit" loading={putSettings.isPending}>{t('common.save')}</Button>}
          </Form>
        </Card>

        <Card title={t('loyalty.settings.tiers')}>
          <Table<Tier>
            rowKey="id"
            size="middle"
            pagination={false}
            dataSource={activeTiers}
            columns={[
              { title: t('loyalty.settings.tier'), render: (_, x) => <Tag color={['default', 'blue', 'gold', 'purple'][x.rank] ?? 'default'}>{en ? x.nameEn : x.nameZh}</Tag> },
              { title: t('loyalty.settings.minPoints'), dataIndex: 'minPoints12m', align: 'right', render: (n: number) => n.toLocaleString('en-US') },
              { title: t('loyalty.settings.minReferrals'), dataIndex: 'minReferrals', align: 'right' },
              { title: t('loyalty.settings.discount'), dataIndex: 'maintenanceDiscountPct', align: 'right' },
              { title: t('loyalty.settings.benefits'), render: (_, x) => x.benefits.map((b) => (en ? b.en || b.zh : b.zh)).join('、') },
              ...(programmeEditable
                ? [
                    {
                      title: '',
                      width: 90,
                      render: (_: unknown, x: Tier) => (
                        <Button
                          type="link"
                          onClick={() => {
                            setEditing(x);
                            tierForm.setFieldsValue({ ...x, benefits: x.benefits.map((b) => b.zh).join('\n') });
                          }}
                        >
                          {t('loyalty.settings.editTier')}
                        </Button>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        </Card>

        <Card
          title={t('loyalty.settings.earnRules')}
          extra={programmeEditable && <Button type="primary" loading={putRules.isPending} onClick={() => putRules.mutate(rules, { onSuccess: () => void message.success(t('loyalty.settings.saved')) })}>{t('common.save')}</Button>}
        >
          <Table<Rule>
            rowKey={(r) => `${r.source}:${r.roKind}`}
            size="middle"
            pagination={false}
            dataSource={rules}
            columns={[
              { title: t('loyalty.settings.source'), render: (_, r) => src(r.source) },
              { title: t('loyalty.settings.roKind'), render: (_, r) => (r.source === 'repair_order' ? (r.roKind ? tt(`roKinds.${r.roKind}`) : t('loyalty.settings.allKinds')) : '—') },
              {
                title: t('loyalty.settings.rate'),
                render: (_, r, i) => (r.source === 'repair_order' ? <InputNumber disabled={!programmeEditable} min={0} max={1000} step={0.5} value={r.pointsPerYuanX100 / 100} onChange={(v) => setRules(rules.map((x, j) => (j === i ? { ...x, pointsPerYuanX100: Math.round(Number(v ?? 0) * 100) } : x)))} /> : '—'),
              },
              { title: t('loyalty.settings.fixed'), render: (_, r, i) => <InputNumber disabled={!programmeEditable} min={0} max={1_000_000} precision={0} value={r.fixedPoints} onChange={(v) => setRules(rules.map((x, j) => (j === i ? { ...x, fixedPoints: Number(v ?? 0) } : x)))} /> },
              { title: t('loyalty.settings.active'), render: (_, r, i) => <Switch disabled={!programmeEditable} checked={r.active} onChange={(v) => setRules(rules.map((x, j) => (j === i ? { ...x, active: v } : x)))} /> },
            ]}
          />
        </Card>

        <Card title={t('loyalty.settings.multipliers')} extra={editable && <Button onClick={() => setMultOpen(true)}>{t('loyalty.settings.addMultiplier')}</Button>}>
          <Table
            rowKey="id"
            size="middle"
            pagination={false}
            dataSource={c.multipliers}
            columns={[
              { title: t('loyalty.settings.name'), dataIndex: 'name' },
              { title: t('loyalty.settings.factor'), dataIndex: 'factorX100', render: (f: number) => `${f / 100}×` },
              { title: t('loyalty.settings.source'), dataIndex: 'source', render: (s: string | null) => src(s) },
              { title: t('loyalty.settings.window'), render: (_, m) => `${dateTime(m.startsAt)} – ${dateTime(m.endsAt)}` },
              ...(editable ? [{ title: '', width: 80, render: (_: unknown, m: { id: string }) => <Button type="link" danger onClick={() => delMult.mutate(m.id)}>{t('loyalty.settings.delete')}</Button> }] : []),
            ]}
          />
        </Card>
      </Space>

      <Modal
        open={!!editing}
        title={t('loyalty.settings.editTier')}
        onCancel={() => setEditing(null)}
        confirmLoading={updateTier.isPending}
        onOk={() =>
          void tierForm.validateFields().then((v) =>
            updateTier.mutate(
              { id: editing!.id, nameZh: v.nameZh, nameEn: v.nameEn, minPoints12m: v.minPoints12m, minReferrals: v.minReferrals, maintenanceDiscountPct: v.maintenanceDiscountPct, benefits: v.benefits.split('\n').map((s) => s.trim()).filter(Boolean).map((zh) => ({ zh, en: editing!.benefits.find((b) => b.zh === zh)?.en ?? '' })) },
              { onSuccess: () => setEditing(null), onError: (e) => void message.error(applyApiError(tierForm, e)) },
            ),
          )
        }
      >
        <Form form={tierForm} layout="vertical">
          <Space>
            <Form.Item name="nameZh" label="中文名" rules={[{ required: true }]}><Input maxLength={30} /></Form.Item>
            <Form.Item name="nameEn" label="English" rules={[{ required: true }]}><Input maxLength={30} /></Form.Item>
          </Space>
          <Space>
            <Form.Item name="minPoints12m" label={t('loyalty.settings.minPoints')}><InputNumber min={0} precision={0} /></Form.Item>
            <Form.Item name="minReferrals" label={t('loyalty.settings.minReferrals')}><InputNumber min={0} precision={0} /></Form.Item>
            <Form.Item name="maintenanceDiscountPct" label={t('loyalty.settings.discount')}><InputNumber min={0} max={100} precision={0} /></Form.Item>
          </Space>
          <Form.Item name="benefits" label={t('loyalty.settings.benefits')} extra={t('loyalty.settings.benefitsHint')}><Input.TextArea rows={4} /></Form.Item>
        </Form>
      </Modal>

      <Modal
        open={multOpen}
        title={t('loyalty.settings.addMultiplier')}
        onCancel={() => setMultOpen(false)}
        confirmLoading={createMult.isPending}
        onOk={() =>
          void multForm.validateFields().then((v) =>
            createMult.mutate(
              { name: v.name, factorX100: v.factorX100, source: (v.source ?? null) as never, roKind: null, storeId: null, startsAt: v.window[0].toISOString(), endsAt: v.window[1].toISOString() },
              { onSuccess: () => { setMultOpen(false); multForm.resetFields(); }, onError: (e) => void message.error(applyApiError(multForm, e)) },
            ),
          )
        }
      >
        <Form form={multForm} layout="vertical" initialValues={{ factorX100: 200, source: null }}>
          <Form.Item name="name" label={t('loyalty.settings.name')} rules={[{ required: true }]}><Input maxLength={100} /></Form.Item>
          <Form.Item name="factorX100" label={t('loyalty.settings.factor')}><Select options={[150, 200, 300].map((f) => ({ value: f, label: `${f / 100}×` }))} /></Form.Item>
          <Form.Item name="source" label={t('loyalty.settings.source')}><Select allowClear options={[{ value: null, label: t('loyalty.settings.anySource') }, ...POINTS_SOURCES.map((s) => ({ value: s, label: src(s) }))]} /></Form.Item>
          <Form.Item name="window" label={t('loyalty.settings.window')} rules={[{ required: true }]}><DatePicker.RangePicker showTime /></Form.Item>
        </Form>
      </Modal>
    </>
  );
}
