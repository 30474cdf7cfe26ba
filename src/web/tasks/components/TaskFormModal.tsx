import { Alert, App, DatePicker, Form, Input, Modal, Radio, Select } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TASK_KINDS, TASK_PRIORITIES } from '../../../contracts/tasks';
import { StaffSelect } from '../../components/pickers';
import { useSession } from '../../console/session';
import { CustomerPicker } from '../../customers/components/CustomerPicker';
import { applyApiError } from '../../lib/forms';
import { dayjs } from '../../lib/format';
import { useCreateTask, type Task, type TaskKind, type TaskPriority } from '../api';

/** The customer a task is for, as the 360 page or a search result knows it. */
export interface TaskCustomer {
  id: string;
  name: string;
  storeId: string;
  vehicles: { id: string; plate: string | null; vin: string; modelName?: string | null }[];
}

interface FormValues {
  customerId?: string;
  vehicleId?: string;
  title: string;
  kind: TaskKind;
  priority: TaskPriority;
  dueAt: dayjs.Dayjs;
  assigneeId?: string;
  description?: string;
}

/** Tomorrow at 10:00: a sensible default for a follow-up call. */
const defaultDue = () => dayjs().add(1, 'day').hour(10).minute(0).second(0).millisecond(0);

/**
 * A manual task: for the customer of the 360 page (`customer`) or one picked here. Staff give themselves the task;
 * managers may give it to anyone of the customer's store (a group admin must name someone).
 */
export function TaskFormModal({ open, onClose, customer, onCreated }: { open: boolean; onClose: () => void; customer?: TaskCustomer; onCreated?: (t: Task) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can, groupWide } = useSession();
  const [form] = Form.useForm<FormValues>();
  const create = useCreateTask();
  const [error, setError] = useState<string | null>(null);
  const [picked, setPicked] = useState<TaskCustomer | null>(null);
  const target = customer ?? picked;
  const manage = can('tasks.manage');

  useEffect(() => {
    if (!open) return;
    setError(null);
    setPicked(null);
    form.resetFields();
    form.setFieldsValue({ kind: 'manual', priority: 'normal', dueAt: defaultDue() });
  }, [open, form]);

  const vehicleOptions = useMemo(
    () => [
      { value: '', label: t('tasks.form.noVehicle') },
      ...(target?.vehicles ?? []).map((v) => ({ value: v.id, label: `${v.plate ?? v.vin}${v.modelName ? ` · ${v.modelName}` : ''}` })),
    ],
    [target, t],
  );

  const submit = (v: FormValues) => {
    if (!target) return;
    setError(null);
    create.mutate(
      {
        customerId: target.id,
        vehicleId: v.vehicleId || undefined,
        assigneeId: v.assigneeId || undefined,
        title: v.title.trim(),
        description: v.description?.trim() || undefined,
        kind: v.kind,
        priority: v.priority,
        dueAt: v.dueAt.toISOString(),
      },
      {
        onSuccess: (task) => {
          void message.success(t('tasks.form.created'));
          onCreated?.(task);
          onClose();
        },
        onError: (e) => setError(applyApiError(form, e)),
      },
    );
  };

  return (
    <Modal
      open={open}
      title={customer ? t('tasks.form.titleFor', { name: customer.name }) : t('tasks.form.heading')}
      okText={t('tasks.form.create')}
      cancelText={t('common.cancel')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={create.isPending}
      width={600}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" onFinish={submit} requiredMark="optional" data-testid="task-form">
        {!customer && (
          <Form.Item name="customerId" label={t('tasks.form.customer')} rules={[{ required: true, message: t('tasks.form.customerRequired') }]}>
            <CustomerPicker
              aria-label={t('tasks.form.customer')}
              placeholder={t('tasks.form.customerPlaceholder')}
              onChange={(id, c) => {
                form.setFieldsValue({ customerId: id, vehicleId: '', assigneeId: undefined });
                setPicked(c ? { id: c.id, name: c.name, storeId: c.storeId, vehicles: c.vehicles } : null);
              }}
            />
          </Form.Item>
        )}
        <Form.Item name="title" label={t('tasks.form.title')} rules={[{ required: true, whitespace: true, message: t('tasks.form.titleRequired') }]}>
          <Input maxLength={200} placeholder={t('tasks.form.titlePlaceholder')} />
        </Form.Item>
        <div style={{ display: 'flex', gap: 16 }}>
          <Form.Item name="kind" label={t('tasks.fields.kind')} style={{ flex: 1 }}>
            <Select options={TASK_KINDS.map((k) => ({ value: k.key, label: t(`tasks.kinds.${k.key}`) }))} />
          </Form.Item>
          <Form.Item name="vehicleId" label={t('tasks.form.vehicle')} style={{ flex: 1 }}>
            <Select options={vehicleOptions} disabled={!target} placeholder={t('tasks.form.noVehicle')} />
          </Form.Item>
        </div>
        <div style={{ display: 'flex', gap: 16 }}>
          <Form.Item name="dueAt" label={t('tasks.form.dueAt')} rules={[{ required: true, message: t('tasks.form.dueRequired') }]} style={{ flex: 1 }}>
            <DatePicker showTime={{ format: 'HH:mm', minuteStep: 5 }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="priority" label={t('tasks.fields.priority')} style={{ flex: 'none' }}>
            <Radio.Group optionType="button" options={TASK_PRIORITIES.map((p) => ({ value: p.key, label: t(`tasks.priorities.${p.key}`) }))} />
          </Form.Item>
        </div>
        {manage && (
          <Form.Item
            name="assigneeId"
            label={t('tasks.form.assignee')}
            rules={groupWide ? [{ required: true, message: t('tasks.form.assigneeRequired') }] : []}
          >
            <StaffSelect storeId={target?.storeId} disabled={!target} allowClear placeholder={groupWide ? t('pickers.staff') : t('tasks.form.assigneeSelf')} />
          </Form.Item>
        )}
        <Form.Item name="description" label={t('tasks.form.description')}>
          <Input.TextArea rows={3} maxLength={2000} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}
