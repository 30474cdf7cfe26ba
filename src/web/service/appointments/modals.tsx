import { Alert, App, Checkbox, DatePicker, Form, Input, InputNumber, Modal, Select, Space, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RO_KINDS, type CustomerListItem, type RoKind } from '../../api/types';
import { StaffSelect } from '../../components/pickers';
import { useCustomerSearch } from '../../customers/api';
import { applyApiError } from '../../lib/forms';
import { dayjs, getDisplayTimezone } from '../../lib/format';
import { newIdempotencyKey } from '../../lib/idempotency';
import { useAvailability, useBookAppointment, useCheckIn, useRescheduleAppointment, type Appointment } from './api';

interface TBookValues {
  customerId?: string;
  vehicleId?: string;
  kind: RoKind;
  date: dayjs.Dayjs;
  slotStart?: string;
  advisorId?: string;
  note?: string;
}

/** The free slots of one day of the store as select options (full or past ones disabled). */
function useSlotOptions(storeId: string, date: dayjs.Dayjs | undefined, keep?: string) {
  const { t } = useTranslation();
  const day = (date ?? dayjs()).format('YYYY-MM-DD');
  const av = useAvailability(storeId, day, 1);
  const options = (av.data?.days[0]?.slots ?? []).map((s) => ({
    value: s.start,
    label: s.available === 0 ? t('appointments.form.slotFull', { time: s.time }) : t('appointments.form.slotOption', { time: s.time, n: s.available }),
    disabled: !s.bookable && s.start !== keep,
  }));
  return { options, loading: av.isFetching, closed: av.data?.days[0]?.closed ?? false };
}

/**
 * Books a visit for a customer (search → car → service → day → slot), or with `appointment` moves that one to another
 * slot. `preset` opens it on a given day and slot (the board's "+").
 */
export function BookModal({
  open,
  onClose,
  storeId,
  preset,
  appointment,
}: {
  open: boolean;
  onClose: () => void;
  storeId: string;
  preset?: { date?: string; slotStart?: string };
  appointment?: Appointment;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<TBookValues>();
  const [q, setQ] = useState('');
  const [picked, setPicked] = useState<CustomerListItem | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [key, setKey] = useState(newIdempotencyKey);
  const search = useCustomerSearch(q);
  const book = useBookAppointment();
  const move = useRescheduleAppointment();
  const date = Form.useWatch('date', form);
  const slots = useSlotOptions(storeId, date, appointment?.slotStart);

  useEffect(() => {
    if (!open) return;
    setError(null);
    setPicked(null);
    setQ('');
    setKey(newIdempotencyKey());
    form.resetFields();
    const d = preset?.date ?? appointment?.localDate;
    form.setFieldsValue({ kind: appointment?.kind ?? 'maintenance', date: d ? dayjs(d) : dayjs().tz(getDisplayTimezone()), slotStart: preset?.slotStart });
  }, [open, preset, appointment, form]);

  const vehicles = picked?.vehicles ?? [];
  const customerOptions = useMemo(
    () =>
      (search.data?.items ?? []).map((c) => ({
        value: c.id,
        label: (
          <span>
            {c.name} <Typography.Text type="secondary">{c.mobileMasked}</Typography.Text> {c.vehicles.map((v) => v.plate).filter(Boolean).join(' ')}
          </span>
        ),
        item: c,
      })),
    [search.data],
  );

  const submit = (v: TBookValues) => {
    setError(null);
    if (!v.slotStart) return;
    const onError = (e: unknown) => setError(applyApiError(form, e));
    if (appointment) {
      move.mutate(
        { id: appointment.id, slotStart: v.slotStart },
        {
          onSuccess: () => {
            void message.success(t('appointments.form.rescheduled'));
            onClose();
          },
          onError,
        },
      );
      return;
    }
    if (!v.vehicleId) return;
    book.mutate(
      { vehicleId: v.vehicleId, kind: v.kind, slotStart: v.slotStart, note: v.note?.trim() || undefined, advisorId: v.advisorId || undefined, idempotencyKey: key },
      {
        onSuccess: () => {
          void message.success(t('appointments.form.booked'));
          onClose();
        },
        onError,
      },
    );
  };

  return (
    <Modal
      open={open}
      onCancel={onClose}
      title={appointment ? t('appointments.form.rescheduleTitle', { name: appointment.customer.name }) : t('appointments.form.title')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      confirmLoading={book.isPending || move.isPending}
      destroyOnHidden
      width={560}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" onFinish={submit} requiredMark="optional">
        {!appointment && (
          <>
            <Form.Item name="customerId" label={t('appointments.form.customer')} rules={[{ required: true, message: t('appointments.form.required') }]}>
              <Select
                showSearch={{ filterOption: false, onSearch: setQ }}
                placeholder={t('appointments.form.customerPlaceholder')}
                loading={search.isFetching}
                options={customerOptions}
                onChange={(_v, opt) => {
                  const item = (opt as { item?: CustomerListItem } | undefined)?.item ?? null;
                  setPicked(item);
                  form.setFieldsValue({ vehicleId: item?.vehicles.length === 1 ? item.vehicles[0]!.id : undefined });
                }}
                notFoundContent={q ? undefined : null}
                aria-label={t('appointments.form.customer')}
              />
            </Form.Item>
            <Form.Item
              name="vehicleId"
              label={t('appointments.form.vehicle')}
              rules={[{ required: true, message: t('appointments.form.required') }]}
              extra={picked && vehicles.length === 0 ? t('appointments.form.noVehicle') : undefined}
            >
              <Select
                placeholder={t('appointments.form.vehiclePlaceholder')}
                options={vehicles.map((v) => ({ value: v.id, label: `${v.plate ?? v.vin} ${v.modelName ?? ''}` }))}
                disabled={!picked}
                aria-label={t('appointments.form.vehicle')}
              />
            </Form.Item>
            <Form.Item name="kind" label={t('appointments.form.kind')} rules={[{ required: true }]}>
              <Select options={RO_KINDS.map((k) => ({ value: k, label: t(`roKinds.${k}`) }))} aria-label={t('appointments.form.kind')} />
            </Form.Item>
          </>
        )}
        <Space.Compact block>
          <Form.Item name="date" label={t('appointments.form.date')} rules={[{ required: true }]} style={{ width: '45%' }}>
            <DatePicker
              style={{ width: '100%' }}
              allowClear={false}
              disabledDate={(d) => d.isBefore(dayjs().tz(getDisplayTimezone()).startOf('day'), 'day')}
              onChange={() => form.setFieldsValue({ slotStart: undefined })}
              aria-label={t('appointments.form.date')}
            />
          </Form.Item>
          <Form.Item name="slotStart" label={t('appointments.form.slot')} rules={[{ required: true, message: t('appointments.form.slotPlaceholder') }]} style={{ width: '55%' }}>
            <Select placeholder={t('appointments.form.slotPlaceholder')} options={slots.options} loading={slots.loading} notFoundContent={slots.closed ? t('appointments.closed') : undefined} aria-label={t('appointments.form.slot')} />
          </Form.Item>
        </Space.Compact>
        {!appointment && (
          <>
            <Form.Item name="advisorId" label={t('appointments.form.advisor')}>
              <StaffSelect storeId={storeId} role="service" allowClear placeholder={t('appointments.form.advisorPlaceholder')} />
            </Form.Item>
            <Form.Item name="note" label={t('appointments.form.note')}>
              <Input.TextArea rows={2} maxLength={500} showCount placeholder={t('appointments.form.notePlaceholder')} />
            </Form.Item>
          </>
        )}
      </Form>
    </Modal>
  );
}

/** The car has arrived: check it in, by default opening its repair order at 接车. */
export function CheckInModal({ appointment, onClose }: { appointment: Appointment | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ openRepairOrder: boolean; mileageKm?: number; note?: string }>();
  const checkIn = useCheckIn();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!appointment) return;
    setError(null);
    form.resetFields();
    form.setFieldsValue({ openRepairOrder: true });
  }, [appointment, form]);
  const openRo = Form.useWatch('openRepairOrder', form);
  return (
    <Modal
      open={!!appointment}
      onCancel={onClose}
      title={appointment ? t('appointments.checkIn.title', { name: appointment.customer.name }) : ''}
      okText={t('appointments.checkIn.submit')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      confirmLoading={checkIn.isPending}
      destroyOnHidden
    >
      {appointment && (
        <p style={{ marginTop: 0 }}>
          <Tag>{appointment.vehicle.plate ?? appointment.vehicle.vin}</Tag>
          {appointment.vehicle.modelName} · {t(`roKinds.${appointment.kind}`)}
          {appointment.note && <Typography.Paragraph type="secondary" style={{ margin: '6px 0 0' }}>{appointment.note}</Typography.Paragraph>}
        </p>
      )}
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => {
          if (!appointment) return;
          setError(null);
          checkIn.mutate(
            { id: appointment.id, openRepairOrder: v.openRepairOrder, mileageKm: v.mileageKm ?? undefined, note: v.note?.trim() || undefined },
            {
              onSuccess: (a) => {
                void message.success(a.repairOrderId ? t('appointments.checkIn.doneWithRo') : t('appointments.checkIn.done'));
                onClose();
              },
              onError: (e) => setError(applyApiError(form, e)),
            },
          );
        }}
      >
        <Form.Item name="openRepairOrder" valuePropName="checked" extra={t('appointments.checkIn.openRoHint')}>
          <Checkbox>{t('appointments.checkIn.openRo')}</Checkbox>
        </Form.Item>
        {openRo && (
          <>
            <Form.Item name="mileageKm" label={t('appointments.checkIn.mileage')}>
              <InputNumber min={0} max={2_000_000} precision={0} style={{ width: 200 }} />
            </Form.Item>
            <Form.Item name="note" label={t('appointments.checkIn.note')}>
              <Input.TextArea rows={2} maxLength={2000} />
            </Form.Item>
          </>
        )}
      </Form>
    </Modal>
  );
}
