import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Form, Input, InputNumber, Modal, Row, Select, Skeleton, Switch, Table, Tag } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { yuanToFen } from '../../../contracts/validators';
import type { VehicleModel } from '../../api/types';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { useSession } from '../../console/session';
import { localize } from '../../i18n';
import { applyApiError } from '../../lib/forms';
import { moneyShort } from '../../lib/format';
import { useCreateVehicleModel, useUpdateVehicleModel, useVehicleModels } from '../api';

const BODY_TYPES = ['suv', 'sedan', 'mpv', 'hatchback', 'wagon', 'pickup'] as const;
const POWERTRAINS = ['ice', 'hev', 'phev', 'bev'] as const;
const POWERTRAIN_COLOR: Record<(typeof POWERTRAINS)[number], string> = { ice: 'default', hev: 'cyan', phev: 'geekblue', bev: 'green' };

type FormValues = Omit<VehicleModel, 'id' | 'createdAt' | 'updatedAt' | 'minPriceFen' | 'maxPriceFen'> & { minPrice: number; maxPrice: number };

const yuanFormatter = (v: string | number | undefined) => (v === undefined || v === '' ? '' : String(v).replace(/\B(?=(\d{3})+(?!\d))/g, ','));
const yuanParser = (v: string | undefined) => (v ? v.replace(/[¥,\s]/g, '') : '') as unknown as number;

function toFen(yuan: number): number {
  const r = yuanToFen(yuan);
  if (!r.ok) throw new Error(localize(r.reason));
  return r.value;
}

function ModelModal({ open, onClose, model }: { open: boolean; onClose: () => void; model?: VehicleModel }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<FormValues>();
  const create = useCreateVehicleModel();
  const update = useUpdateVehicleModel();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!open) return;
    setError(null);
    form.resetFields();
    if (model) form.setFieldsValue({ ...model, minPrice: model.minPriceFen / 100, maxPrice: model.maxPriceFen / 100 });
    else form.setFieldsValue({ bodyType: 'suv', powertrain: 'ice', seats: 5, luxury: false, maintenanceIntervalMonths: 12, maintenanceIntervalKm: 10000, firstServiceMonths: 6, firstServiceKm: 5000, active: true });
  }, [open, model, form]);

  const submit = (v: FormValues) => {
    setError(null);
    let minPriceFen: number, maxPriceFen: number;
    try {
      minPriceFen = toFen(v.minPrice);
      maxPriceFen = toFen(v.maxPrice);
    } catch (e) {
      setError((e as Error).message);
      return;
    }
    const { minPrice: _a, maxPrice: _b, active, ...rest } = v;
    const opts = { onSuccess: onClose, onError: (e: unknown) => setError(applyApiError(form, e)) };
    if (model) update.mutate({ id: model.id, ...rest, minPriceFen, maxPriceFen, active }, opts);
    else create.mutate({ ...rest, minPriceFen, maxPriceFen }, opts);
  };

  const num = (name: keyof FormValues, label: string, min: number, max: number, suffix?: string) => (
    <Form.Item name={name} label={label} rules={[{ required: true, message: t('catalogue.required') }, { type: 'number', min, max, message: t('catalogue.range', { min, max }) }]}>
      <InputNumber style={{ width: '100%' }} min={min} max={max} precision={0} suffix={suffix} />
    </Form.Item>
  );

  return (
    <Modal
      open={open}
      onCancel={onClose}
      title={model ? t('catalogue.editTitle') : t('catalogue.createTitle')}
      okText={model ? t('common.save') : t('catalogue.create')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      confirmLoading={create.isPending || update.isPending}
      destroyOnHidden
      width={680}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" onFinish={submit} requiredMark="optional">
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item name="brand" label={t('catalogue.fields.brand')} rules={[{ required: true, whitespace: true, message: t('catalogue.required') }]}>
              <Input maxLength={50} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="series" label={t('catalogue.fields.series')} rules={[{ required: true, whitespace: true, message: t('catalogue.required') }]}>
              <Input maxLength={50} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="name" label={t('catalogue.fields.name')} rules={[{ required: true, whitespace: true, message: t('catalogue.required') }]}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item name="bodyType" label={t('catalogue.fields.bodyType')} rules={[{ required: true }]}>
              <Select options={BODY_TYPES.map((b) => ({ value: b, label: t(`bodyTypes.${b}`) }))} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="powertrain" label={t('catalogue.fields.powertrain')} rules={[{ required: true }]}>
              <Select options={POWERTRAINS.map((p) => ({ value: p, label: t(`powertrains.${p}`) }))} />
            </Form.Item>
          </Col>
          <Col span={8}>{num('seats', t('catalogue.fields.seats'), 1, 60)}</Col>
        </Row>
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item name="minPrice" label={t('catalogue.fields.minPrice')} rules={[{ required: true, message: t('catalogue.required') }]}>
              <InputNumber<number> style={{ width: '100%' }} min={0} precision={0} prefix="¥" formatter={yuanFormatter} parser={yuanParser} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item
              name="maxPrice"
              label={t('catalogue.fields.maxPrice')}
              dependencies={['minPrice']}
              rules={[
                { required: true, message: t('catalogue.required') },
                ({ getFieldValue }) => ({
                  validator: (_r, v: number | undefined) =>
                    v === undefined || v === null || (getFieldValue('minPrice') as number) <= v ? Promise.resolve() : Promise.reject(new Error(t('catalogue.priceBand'))),
                }),
              ]}
            >
              <InputNumber<number> style={{ width: '100%' }} min={0} precision={0} prefix="¥" formatter={yuanFormatter} parser={yuanParser} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="luxury" label={t('catalogue.fields.luxury')} valuePropName="checked">
              <Switch />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={6}>{num('maintenanceIntervalMonths', t('catalogue.fields.intervalMonths'), 1, 60, t('catalogue.months'))}</Col>
          <Col span={6}>{num('maintenanceIntervalKm', t('catalogue.fields.intervalKm'), 500, 100000, 'km')}</Col>
          <Col span={6}>{num('firstServiceMonths', t('catalogue.fields.firstServiceMonths'), 1, 60, t('catalogue.months'))}</Col>
          <Col span={6}>{num('firstServiceKm', t('catalogue.fields.firstServiceKm'), 500, 100000, 'km')}</Col>
        </Row>
        {model && (
          <Form.Item name="active" label={t('catalogue.fields.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

export default function CataloguePage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const manage = can('catalogue.manage');
  const models = useVehicleModels({ includeInactive: manage });
  const [editing, setEditing] = useState<VehicleModel | 'new' | null>(null);
  const [q, setQ] = useState('');
  const [brand, setBrand] = useState<string | undefined>();
  const [bodyType, setBodyType] = useState<string | undefined>();
  const [powertrain, setPowertrain] = useState<string | undefined>();
  const brands = useMemo(() => [...new Set((models.data ?? []).map((m) => m.brand))].sort(), [models.data]);
  const rows = useMemo(() => {
    const s = q.trim().toLowerCase();
    return (models.data ?? []).filter(
      (m) =>
        (!brand || m.brand === brand) &&
        (!bodyType || m.bodyType === bodyType) &&
        (!powertrain || m.powertrain === powertrain) &&
        (!s || `${m.brand} ${m.series} ${m.name}`.toLowerCase().includes(s)),
    );
  }, [models.data, q, brand, bodyType, powertrain]);

  return (
    <>
      <PageHeader
        title={t('catalogue.title')}
        subtitle={t('catalogue.subtitle')}
        extra={
          manage && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
              {t('catalogue.create')}
            </Button>
          )
        }
      />
      <Card styles={{ body: { padding: 16 } }}>
        <div className="bk-toolbar">
          <Input.Search allowClear placeholder={t('catalogue.searchPlaceholder')} aria-label={t('catalogue.searchPlaceholder')} value={q} onChange={(e) => setQ(e.target.value)} style={{ width: 240 }} />
          <Select allowClear placeholder={t('catalogue.allBrands')} aria-label={t('catalogue.fields.brand')} value={brand} onChange={setBrand} style={{ width: 160 }} options={brands.map((b) => ({ value: b, label: b }))} />
          <Select allowClear placeholder={t('catalogue.allBodyTypes')} aria-label={t('catalogue.fields.bodyType')} value={bodyType} onChange={setBodyType} style={{ width: 130 }} options={BODY_TYPES.map((b) => ({ value: b, label: t(`bodyTypes.${b}`) }))} />
          <Select allowClear placeholder={t('catalogue.allPowertrains')} aria-label={t('catalogue.fields.powertrain')} value={powertrain} onChange={setPowertrain} style={{ width: 140 }} options={POWERTRAINS.map((p) => ({ value: p, label: t(`powertrains.${p}`) }))} />
        </div>
        {models.isError ? (
          <ErrorState error={models.error} onRetry={() => void models.refetch()} />
        ) : (
          <Table<VehicleModel>
            size="small"
            rowKey="id"
            dataSource={rows}
            pagination={rows.length > 50 ? { pageSize: 50, size: 'small', showSizeChanger: false } : false}
            scroll={{ x: 'max-content' }}
            className="bk-nowrap-head"
            locale={{
              emptyText: models.isPending ? (
                <Skeleton active title={false} paragraph={{ rows: 6 }} />
              ) : (
                <EmptyState title={t('catalogue.empty')} hint={manage ? t('catalogue.emptyHintAdmin') : t('catalogue.emptyHint')} />
              ),
            }}
            columns={[
              { key: 'brand', title: t('catalogue.fields.brand'), dataIndex: 'brand', width: 120 },
              { key: 'series', title: t('catalogue.fields.series'), dataIndex: 'series', width: 80 },
              { key: 'name', title: t('catalogue.fields.name'), dataIndex: 'name', width: 150 },
              { key: 'bodyType', title: t('catalogue.fields.bodyType'), dataIndex: 'bodyType', width: 70, render: (b: VehicleModel['bodyType']) => t(`bodyTypes.${b}`) },
              {
                key: 'powertrain',
                title: t('catalogue.fields.powertrain'),
                dataIndex: 'powertrain',
                width: 96,
                render: (p: VehicleModel['powertrain']) => <Tag color={POWERTRAIN_COLOR[p]}>{t(`powertrains.${p}`)}</Tag>,
              },
              { key: 'seats', title: t('catalogue.fields.seats'), dataIndex: 'seats', width: 56, align: 'right' },
              {
                key: 'price',
                title: t('catalogue.fields.priceBand'),
                width: 190,
                align: 'right',
                render: (_: unknown, m) => (
                  <span className="bk-num">
                    {moneyShort(m.minPriceFen)} – {moneyShort(m.maxPriceFen)}
                  </span>
                ),
              },
              {
                key: 'interval',
                title: t('catalogue.fields.interval'),
                width: 170,
                render: (_: unknown, m) => (
                  <span className="bk-num">
                    {t('catalogue.intervalValue', { months: m.maintenanceIntervalMonths, km: m.maintenanceIntervalKm.toLocaleString('en-US') })}
                    <div className="bk-muted" style={{ fontSize: 12 }}>
                      {t('catalogue.firstServiceValue', { months: m.firstServiceMonths, km: m.firstServiceKm.toLocaleString('en-US') })}
                    </div>
                  </span>
                ),
              },
              {
                key: 'flags',
                title: t('catalogue.fields.flags'),
                width: 96,
                render: (_: unknown, m) => (
                  <>
                    {m.luxury && <Tag color="gold">{t('catalogue.fields.luxury')}</Tag>}
                    {!m.active && <Tag>{t('common.inactive')}</Tag>}
                  </>
                ),
              },
              ...(manage
                ? [
                    {
                      key: 'actions',
                      title: t('common.actions'),
                      width: 70,
                      render: (_: unknown, m: VehicleModel) => (
                        <Button size="small" type="link" icon={<EditOutlined />} onClick={() => setEditing(m)} style={{ paddingInline: 0 }}>
                          {t('common.edit')}
                        </Button>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        )}
      </Card>
      {manage && <ModelModal open={editing !== null} onClose={() => setEditing(null)} model={editing && editing !== 'new' ? editing : undefined} />}
    </>
  );
}
