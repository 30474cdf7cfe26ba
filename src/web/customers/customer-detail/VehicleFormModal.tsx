import { Alert, Col, DatePicker, Form, Input, InputNumber, Modal, Row, Select } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { validatePlate, validateVin } from '../../../contracts/validators';
import type { CustomerVehicle as Vehicle, VehicleStatus } from '../../api/types';
import { ModelSelect } from '../../components/pickers';
import { applyApiError, validatorRule } from '../../lib/forms';
import { dayjs } from '../../lib/format';
import { useCreateVehicle, useUpdateVehicle, type VehicleInput } from '../../vehicles/api';

const STATUSES = ['in_use', 'sold', 'scrapped'] as const;
const DATE_FIELDS = ['purchaseDate', 'deliveryDate', 'lastMileageAt', 'insuranceExpiry', 'warrantyEnd'] as const;

type FormValues = Omit<VehicleInput, (typeof DATE_FIELDS)[number]> & Partial<Record<(typeof DATE_FIELDS)[number], dayjs.Dayjs | null>>;

/** Add a car to a customer or edit one; VIN check digit and plate format are checked as you type. */
export function VehicleFormModal({ open, onClose, customerId, vehicle }: { open: boolean; onClose: () => void; customerId: string; vehicle?: Vehicle }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<FormValues>();
  const create = useCreateVehicle();
  const update = useUpdateVehicle();
  const [error, setError] = useState<string | null>(null);
  const plate = Form.useWatch('plate', form);
  const vin = Form.useWatch('vin', form);
  const plateOk = plate ? validatePlate(plate) : null;
  const vinOk = vin ? validateVin(vin) : null;

  useEffect(() => {
    if (!open) return;
    setError(null);
    form.resetFields();
    if (vehicle) {
      const dates = Object.fromEntries(DATE_FIELDS.map((f) => [f, vehicle[f] ? dayjs(vehicle[f]) : null]));
      form.setFieldsValue({
        vin: vehicle.vin,
        plate: vehicle.plate ?? '',
        modelId: vehicle.modelId,
        color: vehicle.color,
        lastMileageKm: vehicle.lastMileageKm,
        status: vehicle.status as VehicleStatus,
        ...dates,
      });
    } else form.setFieldsValue({ status: 'in_use' });
  }, [open, vehicle, form]);

  const submit = (v: FormValues) => {
    setError(null);
    const body: VehicleInput = {
      vin: vinOk?.ok ? vinOk.value : v.vin,
      plate: v.plate ? (plateOk?.ok ? plateOk.value : v.plate) : null,
      modelId: v.modelId ?? null,
      color: v.color?.trim() ?? '',
      lastMileageKm: v.lastMileageKm ?? null,
      status: v.status,
    };
    for (const f of DATE_FIELDS) body[f] = v[f] ? v[f].format('YYYY-MM-DD') : null;
    const opts = { onSuccess: onClose, onError: (e: unknown) => setError(applyApiError(form, e)) };
    if (vehicle) update.mutate({ id: vehicle.id, ...body }, opts);
    else create.mutate({ customerId, ...body }, opts);
  };

  const dateItem = (name: (typeof DATE_FIELDS)[number], future = false) => (
    <Form.Item name={name} label={t(`vehicles.fields.${name}`)}>
      <DatePicker style={{ width: '100%' }} disabledDate={future ? undefined : (d) => d.isAfter(dayjs())} />
    </Form.Item>
  );

  return (
    <Modal
      open={open}
      onCancel={onClose}
      title={vehicle ? t('vehicles.form.editTitle') : t('vehicles.form.createTitle')}
      okText={vehicle ? t('common.save') : t('vehicles.form.create')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      confirmLoading={create.isPending || update.isPending}
      width={680}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" onFinish={submit} requiredMark="optional">
        <Row gutter={16}>
          <Col span={14}>
            <Form.Item
              name="vin"
              label={t('vehicles.fields.vin')}
              rules={[{ required: true, message: t('vehicles.form.vinRequired') }, validatorRule(validateVin)]}
              extra={vinOk?.ok && vinOk.value !== vin ? t('vehicles.form.savedAs', { value: vinOk.value }) : undefined}
            >
              <Input className="bk-mono" maxLength={20} placeholder="LSVAU2333N2123456" autoComplete="off" />
            </Form.Item>
          </Col>
          <Col span={10}>
            <Form.Item
              name="plate"
              label={t('vehicles.fields.plate')}
              rules={[validatorRule(validatePlate)]}
              extra={plateOk?.ok && plateOk.value !== plate ? t('vehicles.form.savedAs', { value: plateOk.value }) : undefined}
            >
              <Input maxLength={12} placeholder="京A·12345" autoComplete="off" />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={14}>
            <Form.Item name="modelId" label={t('vehicles.fields.model')}>
              <ModelSelect allowClear />
            </Form.Item>
          </Col>
          <Col span={10}>
            <Form.Item name="color" label={t('vehicles.fields.color')}>
              <Input maxLength={30} />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={8}>{dateItem('purchaseDate')}</Col>
          <Col span={8}>{dateItem('deliveryDate')}</Col>
          <Col span={8}>
            <Form.Item name="status" label={t('vehicles.fields.status')}>
              <Select options={STATUSES.map((s) => ({ value: s, label: t(`vehicles.status.${s}`) }))} />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item name="lastMileageKm" label={t('vehicles.fields.lastMileageKm')} rules={[{ type: 'integer', min: 0, max: 2_000_000, message: t('vehicles.form.mileageInvalid') }]}>
              <InputNumber style={{ width: '100%' }} min={0} max={2_000_000} precision={0} suffix="km" />
            </Form.Item>
          </Col>
          <Col span={8}>{dateItem('lastMileageAt')}</Col>
          <Col span={8} />
        </Row>
        <Row gutter={16}>
          <Col span={8}>{dateItem('insuranceExpiry', true)}</Col>
          <Col span={8}>{dateItem('warrantyEnd', true)}</Col>
        </Row>
      </Form>
    </Modal>
  );
}
