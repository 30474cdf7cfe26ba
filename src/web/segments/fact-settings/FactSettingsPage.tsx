import { RollbackOutlined, SaveOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Form, InputNumber, Row, Select, Skeleton, Space, Switch, Tag, Typography } from 'antd';
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { BEHAVIOUR_KINDS, DEFAULT_FACT_SETTINGS, type TFactSettings, type TFactSettingsPatch } from '../../../contracts/segments';
import { ApiError } from '../../api/client';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { useSession } from '../../console/session';
import { localize } from '../../i18n';
import { dateTime, integer, moneyShort } from '../../lib/format';
import { useStores } from '../../org/api';
import { useFactSettings, usePutFactSettings } from '../api';
import { fenToYuan, optionText, yuanToFen } from '../labels';
import { useLang } from '../useLang';
import '../segments.css';

type TKey = keyof TFactSettings;
type TKind = { kind: 'number'; min: number; max: number; step?: number; precision?: number } | { kind: 'money' } | { kind: 'bool' } | { kind: 'words' } | { kind: 'kinds' } | { kind: 'bodyTypes' };

const BODY_TYPES = ['suv', 'sedan', 'mpv', 'hatchback', 'wagon', 'pickup'] as const;
/** Editors of lists take the row's remaining width. */
const LIST_KINDS = new Set<TKind['kind']>(['words', 'kinds', 'bodyTypes']);
const int = (min: number, max: number): TKind => ({ kind: 'number', min, max, precision: 0 });
const years = (max: number): TKind => ({ kind: 'number', min: 0, max, step: 0.5, precision: 1 });
/** 80000 → "80,000" in an input (and back). */
const thousands = { formatter: (v: number | string | undefined) => (v === undefined || v === '' ? '' : String(v).replace(/\B(?=(\d{3})+(?!\d))/g, ',')), parser: (v: string | undefined) => Number((v ?? '').replace(/,/g, '')) };

/** The settings in the order a store manager reads them, with their editors. */
const SECTIONS: { key: 'lifecycle' | 'value' | 'tradeIn' | 'needs' | 'churn' | 'vehicle'; fields: [TKey, TKind][] }[] = [
  { key: 'lifecycle', fields: [['newOwnerMaxYears', years(10)], ['regularMaxYears', years(20)]] },
  { key: 'value', fields: [['highValueSpendFen', { kind: 'money' }], ['luxuryIsHighValue', { kind: 'bool' }], ['potentialMaxSpendFen', { kind: 'money' }]] },
  {
    key: 'tradeIn',
    fields: [
      ['tradeInAgeYears', years(30)],
      ['tradeInMileageKm', { kind: 'number', min: 0, max: 2_000_000, step: 5000, precision: 0 }],
      ['tradeInRepairs6m', int(1, 100)],
      ['tradeInValuations', int(1, 100)],
      ['tradeInModelViews', int(1, 100)],
      ['intentWindowDays', int(1, 3650)],
      ['tradeInTags', { kind: 'words' }],
      ['valuationKinds', { kind: 'kinds' }],
      ['modelViewKinds', { kind: 'kinds' }],
      ['addOnKinds', { kind: 'kinds' }],
    ],
  },
  {
    key: 'needs',
    fields: [
      ['familyMinSeats', int(2, 60)],
      ['familyBodyTypes', { kind: 'bodyTypes' }],
      ['familyKeywords', { kind: 'words' }],
      ['familyTags', { kind: 'words' }],
      ['businessOccupations', { kind: 'words' }],
      ['businessTags', { kind: 'words' }],
      ['businessLuxury', { kind: 'bool' }],
      ['youngMaxAge', int(1, 100)],
    ],
  },
  { key: 'churn', fields: [['churnMediumDays', int(1, 3650)], ['churnHighDays', int(1, 3650)]] },
  {
    key: 'vehicle',
    fields: [
      ['defaultKmPerDay', { kind: 'number', min: 0, max: 500, precision: 0 }],
      ['warrantyYears', years(20)],
      ['defaultIntervalMonths', int(1, 60)],
      ['defaultIntervalKm', { kind: 'number', min: 500, max: 100_000, step: 500, precision: 0 }],
      ['defaultFirstServiceMonths', int(1, 60)],
      ['defaultFirstServiceKm', { kind: 'number', min: 100, max: 100_000, step: 500, precision: 0 }],
    ],
  },
];

/**
 * `/segments/settings`: the thresholds of the derived facts, per level. Group admins edit the group's defaults or any
 * store; a store manager edits their store. A value not set at a level follows the level above (shown beside it).
 */
export default function FactSettingsPage() {
  const { t } = useTranslation();
  const { groupWide, me, storeName } = useSession();
  const stores = useStores();
  const [level, setLevel] = useState<string>(groupWide ? '' : (me.storeId ?? ''));
  const storeId = level || null;
  const view = useFactSettings(storeId);
  const parent = useFactSettings(null, storeId !== null);

  const levelSelect = groupWide ? (
    <Select
      value={level}
      onChange={setLevel}
      style={{ width: 260 }}
      aria-label={t('segments.settings.level')}
      options={[{ value: '', label: t('segments.settings.group') }, ...(stores.data ?? []).map((s) => ({ value: s.id, label: t('segments.settings.store', { store: s.name }) }))]}
    />
  ) : (
    <Tag>{t('segments.settings.store', { store: storeName(me.storeId) })}</Tag>
  );

  return (
    <>
      <PageHeader crumbs={[{ title: t('segments.editor.crumb'), to: '/segments' }, { title: t('segments.settings.title') }]} title={t('segments.settings.title')} subtitle={t('segments.settings.subtitle')} />
      {view.isError ? (
        <ErrorState error={view.error} onRetry={() => void view.refetch()} />
      ) : view.isPending || (storeId !== null && parent.isPending) ? (
        <Card>
          <Skeleton active paragraph={{ rows: 10 }} />
        </Card>
      ) : (
        <SettingsForm
          key={level}
          storeId={storeId}
          overrides={view.data.overrides}
          parentValues={storeId !== null && parent.data ? parent.data.effective : DEFAULT_FACT_SETTINGS}
          parentName={storeId !== null ? t('segments.settings.parentGroup') : t('segments.settings.parentDefault')}
          updatedAt={view.data.updatedAt}
          levelSelect={levelSelect}
        />
      )}
    </>
  );
}

function SettingsForm({
  storeId,
  overrides: initial,
  parentValues,
  parentName,
  updatedAt,
  levelSelect,
}: {
  storeId: string | null;
  overrides: TFactSettingsPatch;
  parentValues: TFactSettings;
  parentName: string;
  updatedAt: string | null;
  levelSelect: ReactNode;
}) {
  const { t } = useTranslation();
  const lang = useLang();
  const { message } = App.useApp();
  const put = usePutFactSettings();
  const [overrides, setOverrides] = useState<TFactSettingsPatch>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => setOverrides(initial), [initial]);
  const dirty = JSON.stringify(overrides) !== JSON.stringify(initial);

  const set = <K extends TKey>(k: K, v: TFactSettings[K] | undefined) => {
    setErrors((e) => {
      const { [k]: _drop, ...rest } = e;
      return rest;
    });
    setOverrides((o) => {
      const next = { ...o } as Record<string, unknown>;
      if (v === undefined || v === null) delete next[k];
      else next[k] = v;
      return next as TFactSettingsPatch;
    });
  };

  const save = () => {
    setProblem(null);
    put.mutate(
      { storeId, overrides },
      {
        onSuccess: () => void message.success(t('segments.settings.saved')),
        onError: (e) => {
          if (e instanceof ApiError) {
            const map: Record<string, string> = {};
            for (const x of e.errors) {
              const k = x.path.replace(/^body\.overrides\./, '').split('.')[0]!;
              map[k] = localize(x.message);
            }
            setErrors(map);
            setProblem(localize(e.title));
          } else setProblem(String(e));
        },
      },
    );
  };

  const shown = (v: unknown, kind: TKind): string => {
    if (kind.kind === 'money') return moneyShort(v as number);
    if (kind.kind === 'bool') return v ? t('segments.settings.on') : t('segments.settings.off');
    if (kind.kind === 'bodyTypes') return (v as string[]).map((b) => t(`bodyTypes.${b as (typeof BODY_TYPES)[number]}`)).join('、') || '—';
    if (kind.kind === 'kinds') return (v as string[]).map((k) => optionText(BEHAVIOUR_KINDS, k, lang)).join('、') || '—';
    if (kind.kind === 'words') return (v as string[]).join('、') || '—';
    return integer(v as number);
  };

  const editor = (k: TKey, kind: TKind) => {
    const own = (overrides as Record<string, unknown>)[k];
    const value = own ?? parentValues[k];
    const label = t(`segments.settings.fields.${k}`);
    switch (kind.kind) {
      case 'number':
        return (
          <InputNumber<number>
            aria-label={label}
            value={value as number}
            min={kind.min}
            max={kind.max}
            step={kind.step ?? 1}
            precision={kind.precision}
            {...(kind.max >= 10_000 ? thousands : {})}
            onChange={(n) => set(k, (typeof n === 'number' ? n : undefined) as never)}
            style={{ width: 150 }}
          />
        );
      case 'money':
        return (
          <InputNumber<number>
            aria-label={label}
            value={fenToYuan(value as number)}
            min={0}
            max={1e9}
            step={1000}
            precision={0}
            prefix="¥"
            {...thousands}
            onChange={(n) => set(k, (typeof n === 'number' ? yuanToFen(n) : undefined) as never)}
            style={{ width: 150 }}
          />
        );
      case 'bool':
        return <Switch aria-label={label} checked={value as boolean} onChange={(b) => set(k, b as never)} />;
      case 'bodyTypes':
        return (
          <Select<string[]>
            aria-label={label}
            mode="multiple"
            value={value as string[]}
            onChange={(v) => set(k, v as never)}
            options={BODY_TYPES.map((b) => ({ value: b, label: t(`bodyTypes.${b}`) }))}
            style={{ width: '100%' }}
          />
        );
      case 'kinds':
        return (
          <Select<string[]>
            aria-label={label}
            mode="tags"
            value={value as string[]}
            onChange={(v) => set(k, v as never)}
            options={BEHAVIOUR_KINDS.map((o) => ({ value: o.value, label: optionText(BEHAVIOUR_KINDS, o.value, lang) }))}
            style={{ width: '100%' }}
            placeholder={t('segments.settings.wordsPlaceholder')}
          />
        );
      case 'words':
        return (
          <Select<string[]>
            aria-label={label}
            mode="tags"
            value={value as string[]}
            onChange={(v) => set(k, v.map((x) => x.trim()).filter(Boolean) as never)}
            open={false}
            suffixIcon={null}
            style={{ width: '100%' }}
            placeholder={t('segments.settings.wordsPlaceholder')}
          />
        );
    }
  };

  return (
    <>
      <Card styles={{ body: { padding: 16 } }}>
        <div style={{ display: 'flex', alignItems: 'center', gap: 12, flexWrap: 'wrap' }}>
          <Typography.Text type="secondary">{t('segments.settings.level')}</Typography.Text>
          {levelSelect}
          <Typography.Text type="secondary">{t('segments.settings.inherits', { parent: parentName })}</Typography.Text>
          <span style={{ flex: 1 }} />
          {updatedAt && <Typography.Text type="secondary">{t('segments.settings.updatedAt', { at: dateTime(updatedAt) })}</Typography.Text>}
          <Button type="primary" icon={<SaveOutlined />} onClick={save} loading={put.isPending} disabled={!dirty} data-testid="save-settings">
            {t('segments.settings.save')}
          </Button>
        </div>
        {problem && <Alert type="error" showIcon title={problem} style={{ marginTop: 12 }} />}
        {!problem && dirty && <Alert type="info" showIcon title={t('segments.settings.effectNote')} style={{ marginTop: 12 }} />}
      </Card>
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        {SECTIONS.map((sec) => (
          <Col key={sec.key} xs={24} xl={12}>
            <Card title={t(`segments.settings.sections.${sec.key}`)} size="small" styles={{ body: { paddingBottom: 4 } }}>
              <Form layout="horizontal" labelCol={{ flex: '0 0 230px' }} labelWrap colon={false}>
                {sec.fields.map(([k, kind]) => {
                  const isOwn = k in overrides;
                  return (
                    <Form.Item
                      key={k}
                      label={t(`segments.settings.fields.${k}`)}
                      validateStatus={errors[k] ? 'error' : undefined}
                      help={errors[k]}
                      style={{ marginBottom: 12 }}
                    >
                      <div className="bk-settings-field">
                        <div style={LIST_KINDS.has(kind.kind) ? { flex: 1, minWidth: 200 } : { flex: 'none' }}>{editor(k, kind)}</div>
                        {isOwn ? (
                          <Space size={4} style={{ flex: 'none' }}>
                            <Tag color="blue" style={{ marginInlineEnd: 0 }}>
                              {t('segments.settings.overridden')}
                            </Tag>
                            <Typography.Text type="secondary" ellipsis={{ tooltip: shown(parentValues[k], kind) }} style={{ fontSize: 12, maxWidth: 140 }}>
                              {t('segments.settings.parentValue', { value: shown(parentValues[k], kind) })}
                            </Typography.Text>
                            <Button size="small" type="link" icon={<RollbackOutlined />} onClick={() => set(k, undefined)} style={{ paddingInline: 2 }}>
                              {t('segments.settings.reset')}
                            </Button>
                          </Space>
                        ) : null}
                      </div>
                    </Form.Item>
                  );
                })}
              </Form>
            </Card>
          </Col>
        ))}
      </Row>
    </>
  );
}
