import { Alert, Button, Col, DatePicker, Drawer, Form, Input, Radio, Row, Select, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { normalizeMobile } from '../../../contracts/validators';
import { ApiError } from '../../api/client';
import type { Customer, CustomerInput } from '../../api/types';
import { StaffSelect, StoreSelect } from '../../components/pickers';
import { useSession } from '../../console/session';
import { applyApiError, compact, validatorRule } from '../../lib/forms';
import { dayjs } from '../../lib/format';
import { useCreateCustomer, useUpdateCustomer } from '../api';

export const SOURCE_CHANNELS = ['walk_in', 'phone', 'website', 'wechat', 'douyin', 'autohome', 'dongchedi', 'referral', 'event', 'other'] as const;

interface FormValues {
  storeId?: string;
  name: string;
  gender: 'male' | 'female' | 'unknown';
  mobile?: string;
  birthday?: dayjs.Dayjs | null;
  email?: string;
  city?: string;
  occupation?: string;
  sourceChannel?: string;
  salesConsultantId?: string | null;
  serviceAdvisorId?: string | null;
  idNumber?: string;
  householdNotes?: string;
}

/** Create a customer, or edit one (`customer` given). Validates as you type with the shared validators. */
export function CustomerFormDrawer({
  open,
  onClose,
  customer,
  onSaved,
}: {
  open: boolean;
  onClose: () => void;
  customer?: Customer;
  onSaved?: (c: Customer) => void;
}) {
  const { t } = useTranslation();
  const { groupWide, storeId: scopeStore } = useSession();
  const [form] = Form.useForm<FormValues>();
  const create = useCreateCustomer();
  const update = useUpdateCustomer(customer?.id ?? '');
  const [error, setError] = useState<string | null>(null);
  const [duplicate, setDuplicate] = useState<{ id: string; label?: string } | null>(null);
  const editing = !!customer;
  const storeId = Form.useWatch('storeId', form) ?? customer?.storeId ?? scopeStore;
  const mobile = Form.useWatch('mobile', form);
  const normalised = mobile ? normalizeMobile(mobile) : null;

  useEffect(() => {
    if (!open) return;
    setError(null);
    setDuplicate(null);
    form.resetFields();
    form.setFieldsValue(
      customer
        ? {
            name: customer.name,
            gender: customer.gender,
            birthday: customer.birthday ? dayjs(customer.birthday) : null,
            email: customer.email ?? '',
            city: customer.city,
            occupation: customer.occupation,
            sourceChannel: customer.sourceChannel || undefined,
            salesConsultantId: customer.salesConsultant?.id ?? null,
            serviceAdvisorId: customer.serviceAdvisor?.id ?? null,
            householdNotes: customer.householdNotes,
          }
        : { gender: 'unknown', storeId: scopeStore },
    );
  }, [open, customer, form, scopeStore]);

  const submit = (v: FormValues) => {
    setError(null);
    setDuplicate(null);
    const mobileValue = v.mobile ? normalizeMobile(v.mobile) : null;
    const body: CustomerInput = {
      name: v.name.trim(),
      gender: v.gender,
      mobile: mobileValue?.ok ? mobileValue.value : (v.mobile ?? ''),
      birthday: v.birthday ? v.birthday.format('YYYY-MM-DD') : null,
      email: v.email?.trim() || null,
      city: v.city?.trim() ?? '',
      occupation: v.occupation?.trim() ?? '',
      sourceChannel: v.sourceChannel ?? '',
      salesConsultantId: v.salesConsultantId ?? null,
      serviceAdvisorId: v.serviceAdvisorId ?? null,
      householdNotes: v.householdNotes?.trim() ?? '',
      idNumber: v.idNumber?.trim() || undefined,
    };
    const onError = (e: unknown) => {
      if (e instanceof ApiError && e.status === 409 && e.existing) {
        setDuplicate({ id: e.existing.id, label: e.existing.label });
        form.setFields([{ name: 'mobile', errors: [t('customers.form.mobileTaken')] }]);
        return;
      }
      setError(applyApiError(form, e));
    };
    if (editing) {
      const patch: Partial<CustomerInput> = { ...body };
      if (!v.mobile) delete patch.mobile;
      if (!v.idNumber) delete patch.idNumber;
      update.mutate(patch, { onSuccess: (c) => (onSaved?.(c), onClose()), onError });
    } else {
      create.mutate({ ...(compact(body as unknown as Record<string, unknown>) as unknown as CustomerInput), storeId: groupWide ? v.storeId : undefined }, {
        onSuccess: (c) => (onSaved?.(c), onClose()),
        onError,
      });
    }
  };

  const pending = create.isPending || update.isPending;
  return (
    <Drawer
      open={open}
      onClose={onClose}
      size={600}
      destroyOnHidden
      title={editing ? t('customers.form.editTitle') : t('customers.form.createTitle')}
      footer={
        <Space style={{ float: 'right' }}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={pending} onClick={() => form.submit()} data-testid="customer-form-submit">
            {editing ? t('common.save') : t('customers.form.create')}
          </Button>
        </Space>
      }
    >
      {duplicate && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={
            <Trans
              i18nKey="customers.form.duplicate"
              values={{ name: duplicate.label ?? '' }}
              components={{ customer: <Link to={`/customers/${duplicate.id}`} onClick={onClose} /> }}
            />
          }
        />
      )}
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form
        form={form}
        layout="vertical"
        onFinish={submit}
        requiredMark="optional"
        scrollToFirstError
        onValuesChange={(changed: Partial<FormValues>) => {
          if ('mobile' in changed) setDuplicate(null);
        }}
      >
        {groupWide && !editing && (
          <Form.Item name="storeId" label={t('customers.fields.store')} rules={[{ required: true, message: t('customers.form.storeRequired') }]}>
            <StoreSelect />
          </Form.Item>
        )}
        <Row gutter={16}>
          <Col span={14}>
            <Form.Item name="name" label={t('customers.fields.name')} rules={[{ required: true, whitespace: true, message: t('customers.form.nameRequired') }, { max: 50 }]}>
              <Input autoFocus maxLength={50} />
            </Form.Item>
          </Col>
          <Col span={10}>
            <Form.Item name="gender" label={t('customers.fields.gender')}>
              <Radio.Group
                optionType="button"
                options={[
                  { value: 'male', label: t('gender.male') },
                  { value: 'female', label: t('gender.female') },
                  { value: 'unknown', label: t('gender.unknown') },
                ]}
              />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={14}>
            <Form.Item
              name="mobile"
              label={t('customers.fields.mobile')}
              rules={[...(editing ? [] : [{ required: true, message: t('customers.form.mobileRequired') }]), validatorRule(normalizeMobile)]}
              extra={
                duplicate
                  ? undefined
                  : normalised?.ok
                  ? t('customers.form.mobileSavedAs', { value: normalised.value })
                  : editing
                    ? t('customers.form.mobileKeep', { masked: customer?.mobileMasked ?? '' })
                    : undefined
              }
            >
              <Input inputMode="tel" placeholder={editing ? (customer?.mobileMasked ?? '') : '138 1234 5678'} maxLength={40} />
            </Form.Item>
          </Col>
          <Col span={10}>
            <Form.Item name="birthday" label={t('customers.fields.birthday')}>
              <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isAfter(dayjs())} />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="city" label={t('customers.fields.city')}>
              <Input maxLength={50} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="occupation" label={t('customers.fields.occupation')}>
              <Input maxLength={50} />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="email" label={t('customers.fields.email')} rules={[{ type: 'email', message: t('customers.form.emailInvalid') }]}>
              <Input inputMode="email" maxLength={200} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="sourceChannel" label={t('customers.fields.sourceChannel')}>
              <Select allowClear options={SOURCE_CHANNELS.map((c) => ({ value: c, label: t(`sourceChannels.${c}`) }))} />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="salesConsultantId" label={t('customers.fields.consultant')}>
              <StaffSelect storeId={storeId} role="sales" allowClear disabled={!storeId} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="serviceAdvisorId" label={t('customers.fields.advisor')}>
              <StaffSelect storeId={storeId} role="service" allowClear disabled={!storeId} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="idNumber" label={t('customers.fields.idNumber')} extra={editing ? t('customers.form.idNumberKeep') : undefined}>
          <Input maxLength={30} autoComplete="off" />
        </Form.Item>
        <Form.Item name="householdNotes" label={t('customers.fields.householdNotes')}>
          <Input.TextArea rows={3} maxLength={1000} showCount placeholder={t('customers.form.householdPlaceholder')} />
        </Form.Item>
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 0 }}>
          {t('customers.form.privacyNote')}
        </Typography.Paragraph>
      </Form>
    </Drawer>
  );
}
