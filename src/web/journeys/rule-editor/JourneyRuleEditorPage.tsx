import { DeleteOutlined, PlayCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App as AntApp, Button, Card, Col, Empty, Form, Input, InputNumber, Popconfirm, Radio, Row, Select, Skeleton, Space, Switch, Table, Tooltip, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { DATE_FIELDS, TRIGGER_EVENTS, type TActionSpec, type TCondition, type TTrigger } from '../../../contracts/journeys';
import type { TRuleGroup } from '../../../contracts/segments';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { useSession } from '../../console/session';
import { integer } from '../../lib/format';
import { useSegmentFields, useSegments } from '../../segments/api';
import { RuleBuilder } from '../../segments/components/RuleBuilder';
import { emptyRule } from '../../segments/rule';
import { useDebounced } from '../../segments/useDebounced';
import {
  useCreateJourneyRule,
  useDeleteJourneyRule,
  useJourneyCatalogue,
  useJourneyPreview,
  useJourneyRule,
  useStartJourneyRun,
  useSwitchJourneyRule,
  useUpdateJourneyRule,
  type JourneyCatalogue,
  type JourneyDraft,
  type JourneyPreview,
} from '../api';
import { useOptionLabel } from '../labels';
import { RunProgress } from '../runs/RunProgress';

type TAudienceMode = 'all' | 'segment' | 'rule';

const NEW_DRAFT: JourneyDraft = {
  nameZh: '',
  nameEn: '',
  descriptionZh: '',
  descriptionEn: '',
  trigger: { kind: 'date_offset', field: 'customer.birthday', offsetDays: 0 },
  audience: null,
  conditions: [],
  actions: [{ kind: 'create_task', params: { title: '', kind: 'care', assignTo: 'owner_advisor', dueInDays: 3, priority: 'normal' } }],
};

const defaultTrigger = (kind: TTrigger['kind']): TTrigger =>
  kind === 'daily'
    ? { kind, scope: 'customer', period: 'once' }
    : kind === 'annual_date'
      ? { kind, month: 1, day: 1 }
      : kind === 'event'
        ? { kind, eventType: 'sales_order.delivered', delayDays: 0 }
        : { kind, field: 'customer.birthday', offsetDays: 0 };

/** A rule's editor: names, trigger, audience (segment or inline conditions), actions from the registry, the 30-day preview; run it now. */
export default function JourneyRuleEditorPage() {
  const { id } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { message } = AntApp.useApp();
  const { can, groupWide, storeId } = useSession();
  const rule = useJourneyRule(id);
  const catalogue = useJourneyCatalogue();
  const [draft, setDraft] = useState<JourneyDraft>(NEW_DRAFT);
  const [runId, setRunId] = useState<string | null>(null);
  const create = useCreateJourneyRule();
  const update = useUpdateJourneyRule(id ?? '');
  const toggle = useSwitchJourneyRule();
  const remove = useDeleteJourneyRule();
  const start = useStartJourneyRun();

  useEffect(() => {
    if (rule.data) {
      const r = rule.data;
      setDraft({ nameZh: r.nameZh, nameEn: r.nameEn, descriptionZh: r.descriptionZh, descriptionEn: r.descriptionEn, trigger: r.trigger, audience: r.audience, conditions: r.conditions, actions: r.actions });
    }
  }, [rule.data]);

  const editable = can('journeys.manage') && (!rule.data || !!rule.data.storeId || groupWide);
  const debounced = useDebounced(draft, 500);
  const previewInput = useMemo(() => (id && rule.data ? { ruleId: id, rule: debounced } : { rule: debounced }), [id, rule.data, debounced]);
  const preview = useJourneyPreview(id && !rule.data ? null : previewInput);

  if (id && rule.isError) return <ErrorState error={rule.error} onRetry={() => void rule.refetch()} />;
  if ((id && rule.isPending) || catalogue.isPending) return <Skeleton active />;
  const cat = catalogue.data!;

  const save = () => {
    const body = { ...draft, nameEn: draft.nameEn ?? '' };
    if (!id) {
      create.mutate(body, {
        onSuccess: (r) => {
          void message.success(t('journeys.editor.created'));
          void navigate(`/journeys/${r.id}`, { replace: true });
        },
        onError: (e) => void message.error(e.message),
      });
    } else {
      update.mutate({ ...body, version: rule.data!.version }, { onSuccess: () => void message.success(t('journeys.editor.saved')), onError: (e) => void message.error(e.message) });
    }
  };

  return (
    <>
      <PageHeader
        title={id ? t('journeys.editor.editTitle') : t('journeys.editor.newTitle')}
        subtitle={<Link to="/journeys">{t('journeys.editor.back')}</Link>}
        extra={
          <Space>
            {rule.data && (
              <Space>
                <span>{t('journeys.editor.enabled')}</span>
                <Switch
                  checked={rule.data.enabledHere}
                  disabled={!can('journeys.manage')}
                  data-testid="rule-enabled"
                  onChange={(v) => toggle.mutate({ id: rule.data!.id, enabled: v, storeId: storeId ?? undefined }, { onSuccess: () => void rule.refetch(), onError: (e) => void message.error(e.message) })}
                />
              </Space>
            )}
            {rule.data && can('journeys.manage') && (
              <Button
                icon={<PlayCircleOutlined />}
                data-testid="run-rule"
                loading={start.isPending}
                onClick={() => start.mutate({ ruleId: rule.data!.id, storeId: storeId ?? undefined }, { onSuccess: (r) => setRunId(r.id), onError: (e) => void message.error(e.message) })}
              >
                {t('journeys.editor.runNow')}
              </Button>
            )}
            {rule.data && !rule.data.isDefault && editable && (
              <Popconfirm title={t('journeys.editor.deleteConfirm')} onConfirm={() => remove.mutate(rule.data!.id, { onSuccess: () => void navigate('/journeys') })}>
                <Button danger icon={<DeleteOutlined />}>
                  {t('journeys.editor.delete')}
                </Button>
              </Popconfirm>
            )}
            {editable && (
              <Button type="primary" onClick={save} loading={create.isPending || update.isPending} data-testid="save-rule">
                {t('journeys.editor.save')}
              </Button>
            )}
          </Space>
        }
      />
      {runId && <RunProgress runId={runId} onClose={() => setRunId(null)} />}
      {!editable && rule.data && !rule.data.storeId && <Alert style={{ marginBottom: 16 }} type="info" message={t('journeys.editor.groupReadOnly')} />}
      <Row gutter={16}>
        <Col xs={24} xl={14}>
          <RuleForm draft={draft} setDraft={setDraft} cat={cat} disabled={!editable} storeId={storeId ?? undefined} />
        </Col>
        <Col xs={24} xl={10}>
          <PreviewPanel data={preview.data} loading={preview.isFetching} error={preview.error} />
        </Col>
      </Row>
    </>
  );
}

function RuleForm({ draft, setDraft, cat, disabled, storeId }: { draft: JourneyDraft; setDraft: (f: (d: JourneyDraft) => JourneyDraft) => void; cat: JourneyCatalogue; disabled: boolean; storeId?: string }) {
  const { t } = useTranslation();
  const label = useOptionLabel();
  const fields = useSegmentFields();
  const segments = useSegments('');
  const set = <K extends keyof JourneyDraft>(k: K, v: JourneyDraft[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const tr = draft.trigger;
  const setTrigger = (patch: Partial<TTrigger>) => set('trigger', { ...tr, ...patch } as TTrigger);
  const mode: TAudienceMode = !draft.audience ? 'all' : 'segmentId' in draft.audience ? 'segment' : 'rule';
  const setAction = (i: number, a: TActionSpec) => set('actions', draft.actions.map((x, j) => (j === i ? a : x)));

  return (
    <Form layout="vertical" disabled={disabled}>
      <Card size="small" style={{ marginBottom: 16 }}>
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item label={t('journeys.editor.nameZh')} required>
              <Input value={draft.nameZh} onChange={(e) => set('nameZh', e.target.value)} data-testid="rule-name-zh" maxLength={80} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label={t('journeys.editor.nameEn')}>
              <Input value={draft.nameEn} onChange={(e) => set('nameEn', e.target.value)} maxLength={120} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label={t('journeys.editor.descriptionZh')}>
              <Input.TextArea rows={2} value={draft.descriptionZh} onChange={(e) => set('descriptionZh', e.target.value)} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label={t('journeys.editor.descriptionEn')}>
              <Input.TextArea rows={2} value={draft.descriptionEn} onChange={(e) => set('descriptionEn', e.target.value)} />
            </Form.Item>
          </Col>
        </Row>
      </Card>

      <Card size="small" title={t('journeys.editor.triggerKind')} style={{ marginBottom: 16 }}>
        <Radio.Group
          optionType="button"
          value={tr.kind}
          onChange={(e) => set('trigger', defaultTrigger(e.target.value as TTrigger['kind']))}
          options={cat.triggers.map((x) => ({ value: x.key, label: label(x) }))}
          style={{ marginBottom: 12 }}
        />
        {tr.kind === 'date_offset' && (
          <Space wrap>
            <Form.Item label={t('journeys.editor.field')}>
              <Select style={{ width: 200 }} value={tr.field} onChange={(v) => setTrigger({ field: v })} options={DATE_FIELDS.map((f) => ({ value: f.key, label: label(f) }))} data-testid="trigger-field" />
            </Form.Item>
            <Form.Item label={t('journeys.editor.offsetDays')}>
              <InputNumber value={tr.offsetDays} min={-730} max={730} onChange={(v) => setTrigger({ offsetDays: v ?? 0 })} />
            </Form.Item>
          </Space>
        )}
        {tr.kind === 'annual_date' && (
          <Space>
            <Form.Item label={t('journeys.editor.month')}>
              <InputNumber value={tr.month} min={1} max={12} onChange={(v) => setTrigger({ month: v ?? 1 })} />
            </Form.Item>
            <Form.Item label={t('journeys.editor.day')}>
              <InputNumber value={tr.day} min={1} max={31} onChange={(v) => setTrigger({ day: v ?? 1 })} />
            </Form.Item>
          </Space>
        )}
        {tr.kind === 'event' && (
          <Space wrap>
            <Form.Item label={t('journeys.editor.event')}>
              <Select style={{ width: 200 }} value={tr.eventType} onChange={(v) => setTrigger({ eventType: v })} options={TRIGGER_EVENTS.map((f) => ({ value: f.key, label: label(f) }))} />
            </Form.Item>
            <Form.Item label={t('journeys.editor.delayDays')}>
              <InputNumber value={tr.delayDays} min={0} max={365} onChange={(v) => setTrigger({ delayDays: v ?? 0 })} />
            </Form.Item>
          </Space>
        )}
        {tr.kind === 'daily' && (
          <Space wrap>
            <Form.Item label={t('journeys.editor.scope')}>
              <Select
                style={{ width: 140 }}
                value={tr.scope}
                onChange={(v) => setTrigger({ scope: v })}
                options={[
                  { value: 'customer', label: t('journeys.editor.scopeCustomer') },
                  { value: 'vehicle', label: t('journeys.editor.scopeVehicle') },
                ]}
              />
            </Form.Item>
            <Form.Item label={t('journeys.editor.period')}>
              <Select style={{ width: 160 }} value={tr.period} onChange={(v) => setTrigger({ period: v })} options={(['once', 'year', 'quarter', 'month', 'week'] as const).map((p) => ({ value: p, label: t(`journeys.periods.${p}`) }))} />
            </Form.Item>
          </Space>
        )}
        <Form.Item label={t('journeys.editor.conditions')}>
          <Space wrap>
            <Select<TCondition['kind'][]>
              mode="multiple"
              style={{ minWidth: 280 }}
              value={draft.conditions.map((c) => c.kind)}
              onChange={(kinds) => set('conditions', kinds.map((k) => draft.conditions.find((c) => c.kind === k) ?? { kind: k, ...(k === 'mileage_over' ? { km: 40_000 } : {}) }))}
              options={cat.conditions.map((c) => ({ value: c.key as TCondition['kind'], label: label(c) }))}
            />
            {draft.conditions.some((c) => c.kind === 'mileage_over') && (
              <InputNumber
                addonBefore={t('journeys.editor.km')}
                value={draft.conditions.find((c) => c.kind === 'mileage_over')?.km}
                min={0}
                step={5000}
                onChange={(v) => set('conditions', draft.conditions.map((c) => (c.kind === 'mileage_over' ? { ...c, km: v ?? 0 } : c)))}
              />
            )}
          </Space>
        </Form.Item>
      </Card>

      <Card size="small" title={t('journeys.editor.audience')} style={{ marginBottom: 16 }}>
        <Radio.Group
          value={mode}
          data-testid="audience-mode"
          onChange={(e) => {
            const m = e.target.value as TAudienceMode;
            set('audience', m === 'all' ? null : m === 'segment' ? { segmentId: segments.data?.pages[0]?.items[0]?.id ?? '' } : { rule: emptyRule() });
          }}
          options={[
            { value: 'all', label: t('journeys.editor.audienceAll') },
            { value: 'segment', label: t('journeys.editor.audienceSegment') },
            { value: 'rule', label: t('journeys.editor.audienceRule') },
          ]}
          style={{ marginBottom: 12 }}
        />
        {draft.audience && 'segmentId' in draft.audience && (
          <Form.Item label={t('journeys.editor.segment')}>
            <Select
              showSearch
              optionFilterProp="label"
              data-testid="audience-segment"
              value={draft.audience.segmentId || undefined}
              onChange={(v) => set('audience', { segmentId: v })}
              options={(segments.data?.pages.flatMap((p) => p.items) ?? []).map((s) => ({ value: s.id, label: s.name }))}
            />
          </Form.Item>
        )}
        {draft.audience && 'rule' in draft.audience && fields.data && (
          <RuleBuilder value={draft.audience.rule as TRuleGroup} onChange={(rule) => set('audience', { rule })} fields={fields.data} disabled={disabled} storeId={storeId} />
        )}
      </Card>

      <Card
        size="small"
        title={t('journeys.editor.actions')}
        extra={
          <Button size="small" icon={<PlusOutlined />} onClick={() => set('actions', [...draft.actions, { kind: 'send_message', params: {} }])} disabled={disabled || draft.actions.length >= 6}>
            {t('journeys.editor.addAction')}
          </Button>
        }
      >
        {draft.actions.map((a, i) => (
          <ActionEditor key={i} index={i} action={a} cat={cat} onChange={(x) => setAction(i, x)} onRemove={draft.actions.length > 1 ? () => set('actions', draft.actions.filter((_, j) => j !== i)) : undefined} />
        ))}
      </Card>
    </Form>
  );
}

/** One action: its kind from the registry, and the params form the registry describes. */
function ActionEditor({ index, action, cat, onChange, onRemove }: { index: number; action: TActionSpec; cat: JourneyCatalogue; onChange: (a: TActionSpec) => void; onRemove?: () => void }) {
  const { t } = useTranslation();
  const label = useOptionLabel();
  const def = cat.actions.find((x) => x.kind === action.kind);
  const setParam = (k: string, v: unknown) => onChange({ ...action, params: { ...action.params, [k]: v } });
  return (
    <Card type="inner" size="small" style={{ marginBottom: 8 }} data-testid={`action-${index}`}
      title={
        <Select
          style={{ width: 200 }}
          value={action.kind}
          onChange={(kind) => {
            const d = cat.actions.find((x) => x.kind === kind);
            onChange({ kind, params: Object.fromEntries((d?.fields ?? []).filter((f) => f.default !== undefined).map((f) => [f.key, f.default])) });
          }}
          options={cat.actions.map((x) => ({ value: x.kind, label: label(x) }))}
        />
      }
      extra={onRemove && <Button size="small" type="text" danger icon={<DeleteOutlined />} onClick={onRemove} aria-label={t('journeys.editor.removeAction')} />}
    >
      <Row gutter={12}>
        {(def?.fields ?? []).map((f) => {
          const v = action.params[f.key] ?? f.default;
          return (
            <Col span={f.type === 'text' ? 24 : 12} key={f.key}>
              <Form.Item label={label(f)} required={f.required}>
                {f.type === 'number' ? (
                  <InputNumber value={typeof v === 'number' ? v : undefined} onChange={(x) => setParam(f.key, x ?? 0)} style={{ width: '100%' }} data-testid={`action-${index}-${f.key}`} />
                ) : f.type === 'select' ? (
                  <Select value={v as string | undefined} onChange={(x) => setParam(f.key, x)} options={(f.options ?? []).map((o) => ({ value: o.value, label: label(o) }))} data-testid={`action-${index}-${f.key}`} />
                ) : (
                  <Input value={(v as string | undefined) ?? ''} onChange={(e) => setParam(f.key, e.target.value)} data-testid={`action-${index}-${f.key}`} placeholder={f.type === 'template' ? 'journeys.birthday' : undefined} />
                )}
              </Form.Item>
            </Col>
          );
        })}
      </Row>
    </Card>
  );
}

/** The 30-day preview: a bar per day (antd, no chart library) and a sample of who would fire. */
function PreviewPanel({ data, loading, error }: { data: JourneyPreview | undefined; loading: boolean; error: unknown }) {
  const { t } = useTranslation();
  const max = Math.max(1, ...(data?.days.map((d) => d.count) ?? [0]));
  return (
    <Card size="small" title={t('journeys.preview.title')} loading={!data && loading} data-testid="preview" extra={data && <Typography.Text type="secondary">{t('journeys.preview.ms', { ms: data.ms })}</Typography.Text>}>
      {error ? <Alert type="warning" message={(error as Error).message} /> : null}
      {data && (
        <>
          <Typography.Title level={4} style={{ marginTop: 0 }} data-testid="preview-total">
            {t('journeys.preview.total', { n: integer(data.total) })}
          </Typography.Title>
          <div style={{ display: 'flex', alignItems: 'flex-end', gap: 2, height: 120, marginBottom: 4 }} role="img" aria-label={t('journeys.preview.title')}>
            {data.days.map((d) => (
              <Tooltip key={d.day} title={`${d.day}: ${integer(d.count)}`}>
                <div style={{ flex: 1, height: `${Math.max(2, (100 * d.count) / max)}%`, background: d.count ? '#1677ff' : '#e6e6e6', borderRadius: 2 }} data-testid={`bar-${d.day}`} />
              </Tooltip>
            ))}
          </div>
          <div style={{ display: 'flex', justifyContent: 'space-between', fontSize: 12, color: '#595959', marginBottom: 12 }}>
            <span>{data.days[0]?.day}</span>
            <span>{data.days[data.days.length - 1]?.day}</span>
          </div>
          {data.sample.length === 0 ? (
            <Empty description={t('journeys.preview.none')} />
          ) : (
            <Table
              size="small"
              rowKey={(r) => `${r.day}:${r.customerId}`}
              pagination={false}
              dataSource={data.sample}
              title={() => t('journeys.preview.sample')}
              columns={[
                { title: t('journeys.preview.day'), dataIndex: 'day', width: 110 },
                { title: t('journeys.preview.customer'), dataIndex: 'customerName', render: (n: string, r) => <Link to={`/customers/${r.customerId}`}>{n}</Link> },
                { title: t('journeys.preview.reason'), dataIndex: 'reason', ellipsis: true },
              ]}
            />
          )}
        </>
      )}
    </Card>
  );
}
