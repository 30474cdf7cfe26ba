import { Alert, App, Button, Card, Col, Descriptions, Form, Input, InputNumber, Modal, Radio, Rate, Row, Select, Skeleton, Space, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { COMPENSATION_KINDS } from '../../../contracts/complaints';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { StaffSelect } from '../../components/pickers';
import { useSession } from '../../console/session';
import { applyApiError } from '../../lib/forms';
import { dateTime, money } from '../../lib/format';
import { useComplaint, useComplaintStep, type ComplaintDetail, type ComplaintStep } from '../api';
import { SeverityTag, StatusTag, useDuration } from '../components/bits';

type TAction = 'acknowledge' | 'assign' | 'pause' | 'resume' | 'resolve' | 'feedback' | 'revisit' | 'reopen' | 'compensate' | 'note';

/** Which steps the complaint's state allows, in the order a person does them. */
function actionsFor(c: ComplaintDetail): TAction[] {
  const working = c.status === 'received' || c.status === 'acknowledged' || c.status === 'reopened';
  const out: TAction[] = [];
  if (c.status === 'received') out.push('acknowledge');
  if (working) out.push('resolve');
  if (c.status === 'resolved') out.push('feedback');
  if (c.status === 'feedback_given') out.push('revisit');
  if (!working) out.push('reopen');
  if (c.status !== 'closed') out.push(c.paused ? 'resume' : 'pause', 'assign');
  out.push('compensate', 'note');
  return out;
}

/** One complaint: its deadlines counting down, the steps to take, the timeline, compensation and survey answers. */
export default function ComplaintDetailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const q = useComplaint(id);
  const step = useComplaintStep(id);
  const dur = useDuration();
  const [action, setAction] = useState<TAction | null>(null);
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);

  if (q.isPending) return <Skeleton active paragraph={{ rows: 10 }} />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const c = q.data;

  const submit = (v: Record<string, unknown>) => {
    if (!action) return;
    const note = String(v.note ?? '');
    const s: ComplaintStep =
      action === 'resolve'
        ? { step: 'resolve', body: { rootCause: String(v.rootCause), resolution: String(v.resolution) } }
        : action === 'revisit'
          ? { step: 'revisit', body: { satisfied: v.satisfied === true, score: typeof v.score === 'number' && v.score > 0 ? v.score : undefined, note } }
          : action === 'reopen'
            ? { step: 'reopen', body: { reason: String(v.reason) } }
            : action === 'assign'
              ? { step: 'assign', body: { staffId: String(v.staffId), note } }
              : action === 'compensate'
                ? { step: 'compensations', body: { kind: v.kind as 'coupon', amount: v.kind === 'points' ? Number(v.amount) : Math.round(Number(v.amount) * 100), note } }
                : { step: action === 'note' ? 'notes' : action, body: { note } };
    setError(null);
    step.mutate(s, {
      onSuccess: () => {
        void message.success(t('voice.detail.done'));
        setAction(null);
        form.resetFields();
      },
      onError: (e) => setError(applyApiError(form, e)),
    });
  };

  const clockCard = (k: ComplaintDetail['clocks'][number]) => {
    const over = k.remainingMinutes < 0;
    const state = k.metAt ? (k.breached ? t('voice.detail.metLate') : t('voice.detail.met')) : !k.running ? t('voice.detail.paused') : over ? t('voice.detail.overdue', { time: dur(k.remainingMinutes) }) : t('voice.detail.dueIn', { time: dur(k.remainingMinutes) });
    const color = k.metAt ? (k.breached ? 'orange' : 'green') : over ? 'red' : k.running && k.remainingMinutes < k.budgetMinutes * 0.2 ? 'orange' : 'blue';
    return (
      <Col xs={12} md={6} key={k.stage}>
        <Card size="small" data-testid={`clock-${k.stage}`}>
          <div className="bk-muted">{t(`voice.stages.${k.stage}`)}</div>
          <Tag color={color} style={{ marginTop: 6, fontSize: 14 }}>
            {state}
          </Tag>
          <div className="bk-muted" style={{ marginTop: 6, fontSize: 12 }}>
            {k.metAt ? dateTime(k.metAt) : k.dueAt ? dateTime(k.dueAt) : '—'}
          </div>
        </Card>
      </Col>
    );
  };

  return (
    <>
      <PageHeader
        crumbs={[{ title: t('voice.list.title'), to: '/complaints' }, { title: c.number }]}
        title={
          <Space>
            {c.title}
            <SeverityTag severity={c.severity} />
            <StatusTag status={c.status} />
          </Space>
        }
        subtitle={`${c.number} · ${t(`voice.channels.${c.channel}`)} · ${t(`voice.types.${c.type}`)}`}
        extra={
          can('complaints.write') && (
            <Space wrap>
              {actionsFor(c).map((a, i) => (
                <Button key={a} type={i === 0 ? 'primary' : 'default'} onClick={() => setAction(a)} data-testid={`action-${a}`}>
                  {t(`voice.detail.actions.${a}`)}
                </Button>
              ))}
            </Space>
          )
        }
      />
      {c.escalationLevel > 0 && c.escalatedTo && <Alert type="error" showIcon style={{ marginBottom: 12 }} title={t('voice.detail.escalated', { name: c.escalatedTo.displayName, level: c.escalationLevel })} />}
      <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
        {c.clocks.map(clockCard)}
      </Row>
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={14}>
          <Card title={t('voice.detail.timeline')} data-testid="complaint-timeline">
            <Timeline
              items={c.timeline.map((e) => ({
                color: e.kind === 'escalated' ? 'red' : e.kind === 'warning' ? 'orange' : e.kind === 'closed' ? 'green' : 'blue',
                content: (
                  <div>
                    <Typography.Text strong>{t(`voice.timeline.${e.kind}`)}</Typography.Text> <span className="bk-muted">· {e.actorName} · {dateTime(e.at)}</span>
                    {e.note && <div style={{ whiteSpace: 'pre-wrap' }}>{e.note}</div>}
                    {e.kind === 'resolved' && typeof e.detail.rootCause === 'string' && <div className="bk-muted">{t('voice.detail.rootCause')}：{e.detail.rootCause}</div>}
                    {e.kind === 'escalated' && <div className="bk-muted">{t(`voice.stages.${String(e.detail.stage)}` as never)}</div>}
                  </div>
                ),
              }))}
            />
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={t('voice.detail.info')} style={{ marginBottom: 12 }}>
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('voice.list.customer')}>
                <Link to={`/customers/${c.customer.id}`}>{c.customer.name}</Link>
                {c.vehicle?.plate ? ` · ${c.vehicle.plate}` : ''}
              </Descriptions.Item>
              <Descriptions.Item label={t('voice.list.assignee')}>{c.assignee?.displayName ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('voice.list.received')}>{dateTime(c.receivedAt)}</Descriptions.Item>
              {c.description && <Descriptions.Item label={t('voice.form.description')}>{c.description}</Descriptions.Item>}
              {c.rootCause && <Descriptions.Item label={t('voice.detail.rootCause')}>{c.rootCause}</Descriptions.Item>}
              {c.resolution && <Descriptions.Item label={t('voice.detail.resolution')}>{c.resolution}</Descriptions.Item>}
              {c.satisfied !== null && <Descriptions.Item label={t('voice.detail.actions.revisit')}>{c.satisfied ? t('voice.detail.satisfied') : t('voice.detail.unsatisfied')}</Descriptions.Item>}
            </Descriptions>
          </Card>
          <Card title={t('voice.detail.compensations')} style={{ marginBottom: 12 }}>
            {c.compensations.length === 0 ? (
              <span className="bk-muted">{t('voice.detail.noCompensation')}</span>
            ) : (
              c.compensations.map((x) => (
                <div key={x.id} style={{ marginBottom: 6 }}>
                  <Tag>{t(`voice.compensationKinds.${x.kind}`)}</Tag>
                  {x.kind === 'points' ? `${x.amount}` : money(x.amount)} {x.note} <span className="bk-muted">· {x.status === 'issued' ? t('voice.detail.issued') : t('voice.detail.recorded')}</span>
                </div>
              ))
            )}
          </Card>
          {c.surveyAnswers.length > 0 && (
            <Card title={t('voice.detail.answers')}>
              <Descriptions column={1} size="small">
                {c.surveyAnswers.map((a) => (
                  <Descriptions.Item key={a.question} label={a.question}>
                    {a.answer}
                  </Descriptions.Item>
                ))}
              </Descriptions>
            </Card>
          )}
        </Col>
      </Row>
      <Modal open={action !== null} title={action ? t(`voice.detail.actions.${action}`) : ''} onCancel={() => setAction(null)} onOk={() => form.submit()} okText={t('common.save')} confirmLoading={step.isPending} destroyOnHidden>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" onFinish={submit} initialValues={{ satisfied: true, kind: 'coupon' }} data-testid="action-form">
          {action === 'resolve' && (
            <>
              <Form.Item name="rootCause" label={t('voice.detail.rootCause')} rules={[{ required: true, max: 500 }]}>
                <Input maxLength={500} />
              </Form.Item>
              <Form.Item name="resolution" label={t('voice.detail.resolution')} rules={[{ required: true, max: 2000 }]}>
                <Input.TextArea rows={3} maxLength={2000} />
              </Form.Item>
            </>
          )}
          {action === 'revisit' && (
            <>
              <Form.Item name="satisfied" label={t('voice.detail.actions.revisit')}>
                <Radio.Group optionType="button" buttonStyle="solid" options={[{ value: true, label: t('voice.detail.satisfied') }, { value: false, label: t('voice.detail.unsatisfied') }]} />
              </Form.Item>
              <Form.Item name="score" label={t('voice.detail.score')}>
                <Rate />
              </Form.Item>
            </>
          )}
          {action === 'reopen' && (
            <Form.Item name="reason" label={t('voice.detail.reason')} rules={[{ required: true, max: 2000 }]}>
              <Input.TextArea rows={3} />
            </Form.Item>
          )}
          {action === 'assign' && (
            <Form.Item name="staffId" label={t('voice.list.assignee')} rules={[{ required: true }]}>
              <StaffSelect storeId={c.storeId} />
            </Form.Item>
          )}
          {action === 'compensate' && (
            <>
              <Form.Item name="kind" label={t('voice.detail.compensations')}>
                <Select options={COMPENSATION_KINDS.map((k) => ({ value: k.key, label: t(`voice.compensationKinds.${k.key}`) }))} />
              </Form.Item>
              <Form.Item name="amount" label={t('voice.detail.amount')} rules={[{ required: true }]}>
                <InputNumber min={1} max={1_000_000} style={{ width: 200 }} />
              </Form.Item>
            </>
          )}
          {action !== 'resolve' && action !== 'reopen' && (
            <Form.Item name="note" label={t('voice.detail.note')} rules={[{ required: action === 'note', max: 2000 }]}>
              <Input.TextArea rows={2} maxLength={2000} />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </>
  );
}
