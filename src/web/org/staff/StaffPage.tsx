import { EditOutlined, KeyOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, Modal, Select, Skeleton, Space, Switch, Table, Tag } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ROLES, type TRole } from '../../../contracts/common';
import { ZStaffCreate } from '../../../contracts/org';
import type { Staff } from '../../api/types';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { StoreSelect } from '../../components/pickers';
import { useSession } from '../../console/session';
import { applyApiError, zodRule } from '../../lib/forms';
import { dateTime } from '../../lib/format';
import { useCreateStaff, useStaffList, useUpdateStaff, type StaffInput } from '../api';

const ROLE_COLOR: Record<TRole, string> = { group_admin: 'magenta', store_manager: 'purple', sales: 'blue', service: 'orange', cx: 'cyan', marketing: 'green' };

function StaffModal({ open, onClose, staff }: { open: boolean; onClose: () => void; staff?: Staff }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<StaffInput>();
  const create = useCreateStaff();
  const update = useUpdateStaff();
  const [error, setError] = useState<string | null>(null);
  const role = Form.useWatch('role', form);
  useEffect(() => {
    if (!open) return;
    setError(null);
    form.resetFields();
    form.setFieldsValue(staff ? { displayName: staff.displayName, role: staff.role, storeId: staff.storeId, mobile: staff.mobile, email: staff.email, active: staff.active } : { role: 'sales', active: true });
  }, [open, staff, form]);
  const submit = (v: StaffInput) => {
    setError(null);
    const body: StaffInput = { ...v, storeId: v.role === 'group_admin' ? null : (v.storeId ?? null), mobile: v.mobile?.trim() || null, email: v.email?.trim() || null };
    const opts = { onSuccess: onClose, onError: (e: unknown) => setError(applyApiError(form, e)) };
    if (staff) update.mutate({ id: staff.id, ...body }, opts);
    else {
      const { active: _a, ...rest } = body;
      create.mutate(rest, opts);
    }
  };
  return (
    <Modal
      open={open}
      onCancel={onClose}
      title={staff ? t('staff.editTitle', { name: staff.displayName }) : t('staff.createTitle')}
      okText={staff ? t('common.save') : t('staff.create')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      confirmLoading={create.isPending || update.isPending}
      destroyOnHidden
      width={560}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" onFinish={submit} requiredMark="optional">
        {!staff && (
          <Form.Item name="username" label={t('staff.fields.username')} rules={[{ required: true, message: t('staff.usernameRequired') }, zodRule(ZStaffCreate.shape.username)]}>
            <Input maxLength={64} autoComplete="off" className="bk-mono" />
          </Form.Item>
        )}
        <Form.Item name="displayName" label={t('staff.fields.displayName')} rules={[{ required: true, whitespace: true, message: t('staff.displayNameRequired') }]}>
          <Input maxLength={50} />
        </Form.Item>
        <div style={{ display: 'flex', gap: 16 }}>
          <Form.Item name="role" label={t('staff.fields.role')} rules={[{ required: true }]} style={{ width: 200 }}>
            <Select options={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))} />
          </Form.Item>
          <Form.Item
            name="storeId"
            label={t('staff.fields.store')}
            style={{ flex: 1 }}
            rules={[{ required: role !== 'group_admin', message: t('staff.storeRequired') }]}
            extra={role === 'group_admin' ? t('staff.groupWide') : undefined}
          >
            <StoreSelect disabled={role === 'group_admin'} allowClear />
          </Form.Item>
        </div>
        <div style={{ display: 'flex', gap: 16 }}>
          <Form.Item name="mobile" label={t('staff.fields.mobile')} style={{ flex: 1 }}>
            <Input maxLength={30} />
          </Form.Item>
          <Form.Item name="email" label={t('staff.fields.email')} style={{ flex: 1 }} rules={[{ type: 'email', message: t('customers.form.emailInvalid') }]}>
            <Input maxLength={200} />
          </Form.Item>
        </div>
        {!staff && (
          <Form.Item name="password" label={t('staff.fields.password')} rules={[{ required: true, message: t('staff.passwordRequired') }, zodRule(ZStaffCreate.shape.password)]}>
            <Input.Password maxLength={200} autoComplete="new-password" />
          </Form.Item>
        )}
        {staff && (
          <Form.Item name="active" label={t('staff.fields.active')} valuePropName="checked" extra={t('staff.activeHint')}>
            <Switch />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

function ResetPasswordModal({ staff, onClose }: { staff: Staff | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ password: string; confirm: string }>();
  const update = useUpdateStaff();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (staff) {
      form.resetFields();
      setError(null);
    }
  }, [staff, form]);
  return (
    <Modal
      open={!!staff}
      onCancel={onClose}
      title={staff ? t('staff.resetTitle', { name: staff.displayName }) : ''}
      okText={t('staff.resetConfirm')}
      cancelText={t('common.cancel')}
      onOk={() => form.submit()}
      confirmLoading={update.isPending}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) =>
          staff &&
          update.mutate(
            { id: staff.id, password: v.password },
            {
              onSuccess: () => {
                void message.success(t('staff.resetDone'));
                onClose();
              },
              onError: (e) => setError(applyApiError(form, e)),
            },
          )
        }
      >
        <Form.Item name="password" label={t('staff.newPassword')} rules={[{ required: true, message: t('staff.passwordRequired') }, zodRule(ZStaffCreate.shape.password)]}>
          <Input.Password autoComplete="new-password" maxLength={200} />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t('staff.confirmPassword')}
          dependencies={['password']}
          rules={[
            { required: true, message: t('staff.passwordRequired') },
            ({ getFieldValue }) => ({
              validator: (_r, v) => (!v || getFieldValue('password') === v ? Promise.resolve() : Promise.reject(new Error(t('staff.passwordMismatch')))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" maxLength={200} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export default function StaffPage() {
  const { t } = useTranslation();
  const { storeName, storeId: scopeStore } = useSession();
  const [storeId, setStoreId] = useState<string | undefined>(scopeStore);
  const [role, setRole] = useState<TRole | undefined>();
  const [q, setQ] = useState('');
  const list = useStaffList({ storeId, role });
  const [editing, setEditing] = useState<Staff | 'new' | null>(null);
  const [resetting, setResetting] = useState<Staff | null>(null);
  const rows = useMemo(() => {
    const s = q.trim().toLowerCase();
    return (list.data ?? []).filter((x) => !s || x.username.toLowerCase().includes(s) || x.displayName.toLowerCase().includes(s));
  }, [list.data, q]);
  return (
    <>
      <PageHeader
        title={t('staff.title')}
        subtitle={t('staff.subtitle')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
            {t('staff.create')}
          </Button>
        }
      />
      <Card styles={{ body: { padding: 16 } }}>
        <div className="bk-toolbar">
          <Input.Search allowClear placeholder={t('staff.searchPlaceholder')} aria-label={t('staff.searchPlaceholder')} value={q} onChange={(e) => setQ(e.target.value)} style={{ width: 240 }} />
          <StoreSelect allowClear placeholder={t('shell.allStores')} aria-label={t('staff.fields.store')} value={storeId} onChange={(v) => setStoreId(v || undefined)} style={{ width: 200 }} />
          <Select
            allowClear
            placeholder={t('staff.allRoles')}
            aria-label={t('staff.fields.role')}
            value={role}
            onChange={(v?: TRole) => setRole(v)}
            style={{ width: 150 }}
            options={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
          />
        </div>
        {list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : (
          <Table<Staff>
            size="small"
            rowKey="id"
            dataSource={rows}
            pagination={rows.length > 50 ? { pageSize: 50, size: 'small', showSizeChanger: false } : false}
            locale={{ emptyText: list.isPending ? <Skeleton active title={false} paragraph={{ rows: 6 }} /> : <EmptyState title={t('staff.empty')} hint={t('staff.emptyHint')} /> }}
            columns={[
              { key: 'username', title: t('staff.fields.username'), dataIndex: 'username', width: 130, render: (v: string) => <span className="bk-mono">{v}</span> },
              { key: 'displayName', title: t('staff.fields.displayName'), dataIndex: 'displayName', width: 150 },
              { key: 'role', title: t('staff.fields.role'), dataIndex: 'role', width: 120, render: (r: TRole) => <Tag color={ROLE_COLOR[r]}>{t(`roles.${r}`)}</Tag> },
              { key: 'store', title: t('staff.fields.store'), dataIndex: 'storeId', render: (s: string | null) => (s ? storeName(s) : <span className="bk-muted">{t('staff.groupWide')}</span>) },
              { key: 'mobile', title: t('staff.fields.mobile'), dataIndex: 'mobile', width: 130, render: (v: string | null) => <span className="bk-num">{v ?? '—'}</span> },
              { key: 'lastLoginAt', title: t('staff.fields.lastLoginAt'), dataIndex: 'lastLoginAt', width: 150, render: (v: string | null) => <span className="bk-num">{v ? dateTime(v) : t('staff.never')}</span> },
              {
                key: 'active',
                title: t('staff.fields.active'),
                dataIndex: 'active',
                width: 80,
                render: (a: boolean) => <Tag color={a ? 'green' : 'default'}>{a ? t('common.active') : t('common.inactive')}</Tag>,
              },
              {
                key: 'actions',
                title: t('common.actions'),
                width: 170,
                render: (_: unknown, s) => (
                  <Space size={12}>
                    <Button size="small" type="link" icon={<EditOutlined />} onClick={() => setEditing(s)} style={{ paddingInline: 0 }}>
                      {t('common.edit')}
                    </Button>
                    <Button size="small" type="link" icon={<KeyOutlined />} onClick={() => setResetting(s)} style={{ paddingInline: 0 }}>
                      {t('staff.resetPassword')}
                    </Button>
                  </Space>
                ),
              },
            ]}
          />
        )}
      </Card>
      <StaffModal open={editing !== null} onClose={() => setEditing(null)} staff={editing && editing !== 'new' ? editing : undefined} />
      <ResetPasswordModal staff={resetting} onClose={() => setResetting(null)} />
    </>
  );
}
