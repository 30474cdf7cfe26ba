import { Alert, App, Button, Card, Checkbox, Col, Form, InputNumber, Row, Select, Skeleton, Switch, Table, TimePicker } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ROUTING_ROLES, type TRoutingRole as TRole, type TComplaintSettingsInput, type TRoutingRulesInput } from '../../../contracts/complaints';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader } from '../../components/PageHeader';
import { StaffSelect } from '../../components/pickers';
import { useSession } from '../../console/session';
import { applyApiError } from '../../lib/forms';
import { dayjs } from '../../lib/format';
import { usePutComplaintSettings, usePutRouting, useComplaintSettings, useRouting } from '../api';

type TForm = Omit<TComplaintSettingsInput, 'businessHours'> & { hoursOn: boolean; days: number[]; open: dayjs.Dayjs; close: dayjs.Dayjs };
const NUMBERS = ['acknowledgeMinutes', 'resolveUrgentMinutes', 'resolveNormalMinutes', 'feedbackMinutes', 'revisitMinutes', 'warnPercent', 'escalateCxAfterMinutes'] as const;

/** A store's SLA budgets, business hours and routing rules. */
export default function ComplaintSettingsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { storeId, can } = useSession();
  const s = useComplaintSettings(storeId);
  const r = useRouting(storeId);
  const put = usePutComplaintSettings(storeId);
  const putR = usePutRouting(storeId);
  const [form] = Form.useForm<TForm>();
  const [rules, setRules] = useState<TRoutingRulesInput['rules']>([]);
  const [error, setError] = useState<string | null>(null);
  const editable = can('complaints.manage');
  useEffect(() => {
    if (!s.data) return;
    const b = s.data.businessHours;
    form.setFieldsValue({ ...s.data, hoursOn: Boolean(b), days: b?.days ?? [1, 2, 3, 4, 5, 6], open: dayjs(`2000-01-01T${b?.open ?? '08:30'}`), close: dayjs(`2000-01-01T${b?.close ?? '18:00'}`) });
  }, [s.data, form]);
  useEffect(() => {
    if (r.data) setRules(r.data.rules.map((x) => ({ type: x.type, role: x.role, staffId: x.staff?.id ?? null })));
  }, [r.data]);
  if (!storeId)
    return (
      <>
        <PageHeader title={t('voice.settings.title')} />
        <Card>
          <EmptyState title={t('voice.settings.chooseStore')} />
        </Card>
      </>
    );
  const submit = (v: TForm) => {
    setError(null);
    const body: TComplaintSettingsInput = {
      ...Object.fromEntries(NUMBERS.map((k) => [k, v[k]])),
      businessHours: v.hoursOn ? { days: [...v.days].sort(), open: v.open.format('HH:mm'), close: v.close.format('HH:mm') } : null,
    } as TComplaintSettingsInput;
    put.mutate(body, { onSuccess: () => void message.success(t('voice.settings.saved')), onError: (e) => setError(applyApiError(form, e)) });
  };
  const weekdays = t('voice.settings.weekdays').split(',');
  return (
    <>
      <PageHeader title={t('voice.settings.title')} subtitle={s.data?.timezone} />
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={11}>
          <Card title={t('voice.settings.sla')}>
            {s.isPending ? (
              <Skeleton active />
            ) : (
              <Form form={form} layout="horizontal" labelCol={{ span: 12 }} onFinish={submit} disabled={!editable} data-testid="complaint-settings-form">
                {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
                {NUMBERS.map((k) => (
                  <Form.Item key={k} name={k} label={t(`voice.settings.${k}`)} rules={[{ required: true }]}>
                    <InputNumber min={1} max={k === 'warnPercent' ? 99 : 100_000} precision={0} style={{ width: 140 }} />
                  </Form.Item>
                ))}
                <Form.Item name="hoursOn" label={t('voice.settings.businessHours')} valuePropName="checked">
                  <Switch />
                </Form.Item>
                <Form.Item name="days" label={t('voice.settings.days')}>
                  <Checkbox.Group options={weekdays.map((d, i) => ({ value: i + 1, label: d }))} />
                </Form.Item>
                <Form.Item name="open" label={t('voice.settings.open')}>
                  <TimePicker format="HH:mm" minuteStep={15} />
                </Form.Item>
                <Form.Item name="close" label={t('voice.settings.close')}>
                  <TimePicker format="HH:mm" minuteStep={15} />
                </Form.Item>
                {editable && (
                  <Button type="primary" htmlType="submit" loading={put.isPending}>
                    {t('common.save')}
                  </Button>
                )}
              </Form>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={13}>
          <Card title={t('voice.settings.routing')} extra={<span className="bk-muted">{t('voice.settings.routingHint')}</span>}>
            <Table
              rowKey="type"
              size="small"
              pagination={false}
              loading={r.isPending}
              dataSource={rules}
              data-testid="routing-rules"
              columns={[
                { title: t('voice.list.type'), dataIndex: 'type', render: (v: string) => t(`voice.types.${v}` as never) },
                {
                  title: t('voice.settings.role'),
                  dataIndex: 'role',
                  render: (v: string, row, i) => (
                    <Select<TRole> disabled={!editable} value={v as TRole} style={{ width: 170 }} onChange={(role) => setRules(rules.map((x, j) => (j === i ? { ...x, role } : x)))} options={ROUTING_ROLES.map((k) => ({ value: k, label: t(`voice.roles.${k}`) }))} aria-label={`${row.type} role`} />
                  ),
                },
                {
                  title: t('voice.settings.person'),
                  dataIndex: 'staffId',
                  render: (v: string | null, _row, i) => <StaffSelect disabled={!editable} storeId={storeId} allowClear value={v ?? undefined} style={{ width: 160 }} onChange={(staffId) => setRules(rules.map((x, j) => (j === i ? { ...x, staffId: staffId ?? null } : x)))} />,
                },
              ]}
            />
            {editable && (
              <Button type="primary" style={{ marginTop: 12 }} loading={putR.isPending} onClick={() => putR.mutate({ rules }, { onSuccess: () => void message.success(t('voice.settings.saved')) })}>
                {t('common.save')}
              </Button>
            )}
          </Card>
        </Col>
      </Row>
    </>
  );
}
