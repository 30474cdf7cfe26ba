/**
 * The visual rule builder: nested AND / OR / NOT groups of conditions over the field catalogue the server offers
 * (`GET /segments/fields`), each condition with the editor its field type needs. Controlled and stateless: the
 * parent owns the rule, validation and counting, so the segment editor and the journeys editor use it alike.
 *
 *   <RuleBuilder value={rule} onChange={setRule} fields={fields.data} errors={issues} />
 *
 * `errors` are `{path, message}` with paths relative to the root group (`['children', 1, 'value']`), as the shared
 * `ruleIssues` and `issuesFromProblem` (a 400 from the server) produce them; each is shown under its condition.
 */
import { CloseOutlined, DeleteOutlined, PlusOutlined, QuestionCircleOutlined, StopOutlined } from '@ant-design/icons';
import { Button, DatePicker, Input, InputNumber, Radio, Segmented, Select, Space, Tooltip, Typography } from 'antd';
import { useMemo, type CSSProperties, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { isGroup, type TCmp, type TRelative, type TRuleCondition, type TRuleGroup, type TRuleIssue, type TRuleNode } from '../../../contracts/segments';
import { useTags } from '../../customers/api';
import { localize, type TLang } from '../../i18n';
import { dayjs } from '../../lib/format';
import { useStaffList, useStores } from '../../org/api';
import { useVehicleModels } from '../../vehicles/api';
import { fenToYuan, pick, yuanToFen } from '../labels';
import { appendAt, emptyCondition, emptyGroup, issuesByNode, notGroup, pathKey, updateAt, withCmp, withField, type TField, type TNodePath } from '../rule';
import type { SegmentFields } from '../api';
import '../segments.css';
import { useLang } from '../useLang';

export interface RuleBuilderProps {
  /** The rule being edited; its root is always a group. */
  value: TRuleGroup;
  onChange: (next: TRuleGroup) => void;
  /** The field catalogue (`GET /segments/fields`). */
  fields: SegmentFields;
  /** Problems to show next to their conditions, paths relative to the root. */
  errors?: readonly TRuleIssue[];
  disabled?: boolean;
  /** Limits the staff pickers (consultant, advisor) to one store. */
  storeId?: string;
}

interface Ctx {
  fields: SegmentFields;
  byId: Map<string, TField>;
  issues: Map<string, string[]>;
  disabled: boolean;
  storeId?: string;
  lang: TLang;
  root: TRuleGroup;
  onChange: (next: TRuleGroup) => void;
}

// Group colours by depth, each dark enough for its AND / OR label (≥ 4.5:1 on white).
const DEPTH_COLORS = ['#1d5bd8', '#08797e', '#722ed1', '#ad4e00', '#c41d7f', '#237804'];

export function RuleBuilder({ value, onChange, fields, errors = [], disabled = false, storeId }: RuleBuilderProps) {
  const lang = useLang();
  const byId = useMemo(() => new Map(fields.fields.map((f) => [f.id, f])), [fields]);
  const issues = useMemo(() => issuesByNode(errors), [errors]);
  const ctx: Ctx = { fields, byId, issues, disabled, storeId, lang, root: value, onChange };
  return (
    <div className="bk-rule" data-testid="rule-builder">
      <GroupNode ctx={ctx} node={value} path={[]} depth={0} />
    </div>
  );
}

function Issues({ messages }: { messages: string[] | undefined }) {
  const lang = useLang();
  if (!messages?.length) return null;
  return (
    <div role="alert" className="bk-rule-error">
      {[...new Set(messages)].map((m) => (
        <div key={m}>{localize(m, lang)}</div>
      ))}
    </div>
  );
}

function GroupNode({ ctx, node, path, depth }: { ctx: Ctx; node: TRuleGroup; path: TNodePath; depth: number }) {
  const { t } = useTranslation();
  const isRoot = path.length === 0;
  const isNot = node.op === 'not';
  const color = DEPTH_COLORS[depth % DEPTH_COLORS.length]!;
  const set = (next: TRuleNode | null) => ctx.onChange(updateAt(ctx.root, path, next));
  const add = (child: TRuleNode) => ctx.onChange(appendAt(ctx.root, path, child));
  const canAdd = !ctx.disabled && (!isNot || node.children.length === 0);
  const joiner = node.op === 'or' ? t('segments.builder.or') : t('segments.builder.and');
  const style: CSSProperties = { borderInlineStartColor: isNot ? '#cf1322' : color };
  return (
    <div className={`bk-rule-group${isRoot ? ' bk-rule-root' : ''}${isNot ? ' bk-rule-not' : ''}`} style={style} data-testid="rule-group" data-op={node.op}>
      <div className="bk-rule-group-head">
        {isNot ? (
          <Space size={6}>
            <StopOutlined style={{ color: '#cf1322' }} />
            <Typography.Text strong>{t('segments.builder.not')}</Typography.Text>
          </Space>
        ) : (
          <Segmented<'and' | 'or'>
            size="small"
            value={node.op === 'or' ? 'or' : 'and'}
            disabled={ctx.disabled}
            onChange={(op) => set({ ...node, op })}
            aria-label={t('segments.builder.groupOp')}
            options={[
              { value: 'and', label: t('segments.builder.all') },
              { value: 'or', label: t('segments.builder.any') },
            ]}
          />
        )}
        <span style={{ flex: 1 }} />
        {!isRoot && !ctx.disabled && (
          <Tooltip title={t('segments.builder.removeGroup')}>
            <Button size="small" type="text" icon={<CloseOutlined />} aria-label={t('segments.builder.removeGroup')} onClick={() => set(null)} />
          </Tooltip>
        )}
      </div>
      <Issues messages={ctx.issues.get(pathKey(path))} />
      {node.children.length === 0 && isRoot && <div className="bk-muted bk-rule-empty">{t('segments.builder.emptyRoot')}</div>}
      {node.children.map((child, i) => {
        const childPath = [...path, 'children', i];
        return (
          <div key={i} className="bk-rule-item">
            {i > 0 && !isNot && (
              <div className="bk-rule-joiner" style={{ color }}>
                {joiner}
              </div>
            )}
            {isGroup(child) ? <GroupNode ctx={ctx} node={child} path={childPath} depth={depth + 1} /> : <ConditionNode ctx={ctx} node={child} path={childPath} />}
          </div>
        );
      })}
      {canAdd && (
        <Space size={4} wrap className="bk-rule-actions">
          <Button size="small" type="link" icon={<PlusOutlined />} onClick={() => add(emptyCondition())} data-testid="add-condition">
            {t('segments.builder.addCondition')}
          </Button>
          {!isNot && (
            <>
              <Button size="small" type="link" icon={<PlusOutlined />} onClick={() => add(emptyGroup(node.op === 'and' ? 'or' : 'and'))} data-testid="add-group">
                {t('segments.builder.addGroup')}
              </Button>
              <Button size="small" type="link" icon={<StopOutlined />} onClick={() => add(notGroup())} data-testid="add-not" style={{ color: '#cf1322' }}>
                {t('segments.builder.addNot')}
              </Button>
            </>
          )}
        </Space>
      )}
    </div>
  );
}

function FieldSelect({ ctx, value, onChange }: { ctx: Ctx; value: string; onChange: (f: TField) => void }) {
  const { t } = useTranslation();
  const options = useMemo(
    () =>
      ctx.fields.groups.map((g) => ({
        label: pick(g, ctx.lang),
        title: pick(g, ctx.lang),
        options: ctx.fields.fields.filter((f) => f.group === g.key).map((f) => ({ value: f.id, label: pick(f.label, ctx.lang) })),
      })),
    [ctx.fields, ctx.lang],
  );
  return (
    <Select
      value={value || undefined}
      placeholder={t('segments.builder.field')}
      options={options}
      showSearch={{ optionFilterProp: 'label' }}
      disabled={ctx.disabled}
      onChange={(id: string) => onChange(ctx.byId.get(id)!)}
      style={{ width: 200 }}
      popupMatchSelectWidth={260}
      aria-label={t('segments.builder.field')}
      data-testid="condition-field"
    />
  );
}

function ConditionNode({ ctx, node, path }: { ctx: Ctx; node: TRuleCondition; path: TNodePath }) {
  const { t } = useTranslation();
  const field = ctx.byId.get(node.field);
  const messages = ctx.issues.get(pathKey(path));
  const set = (next: TRuleCondition | null) => ctx.onChange(updateAt(ctx.root, path, next));
  return (
    <div className={`bk-rule-cond${messages?.length ? ' bk-rule-cond-error' : ''}`} data-testid="rule-condition" data-field={node.field || undefined}>
      <div className="bk-rule-cond-row">
        <FieldSelect ctx={ctx} value={node.field} onChange={(f) => set(withField(f))} />
        {field && (
          <>
            <Select<TCmp>
              value={node.cmp}
              disabled={ctx.disabled}
              onChange={(cmp) => set(withCmp(node, field, cmp))}
              options={field.cmps.map((c) => ({ value: c.cmp, label: pick(c, ctx.lang) }))}
              style={{ width: 128 }}
              popupMatchSelectWidth={false}
              aria-label={t('segments.builder.cmp')}
              data-testid="condition-cmp"
            />
            <ValueEditor ctx={ctx} field={field} cond={node} onChange={(value) => set({ ...node, value })} />
            {field.period && <PeriodEditor ctx={ctx} value={node.period} onChange={(period) => set(period ? { ...node, period } : withoutKey(node, 'period'))} />}
            {field.kindOptions && (
              <Select<string[]>
                mode="multiple"
                allowClear
                value={node.kinds ?? []}
                disabled={ctx.disabled}
                placeholder={t('segments.builder.kindsAll')}
                onChange={(kinds) => set(kinds.length ? { ...node, kinds } : withoutKey(node, 'kinds'))}
                options={field.kindOptions.map((o) => ({ value: o.value, label: pick(o, ctx.lang) }))}
                style={{ minWidth: 150 }}
                maxTagCount="responsive"
                aria-label={t('segments.builder.kinds')}
              />
            )}
            {/* The catalogue's money hint ("in fen") is for API callers: the builder shows yuan. */}
            {field.hint && field.type !== 'money' && (
              <Tooltip title={pick(field.hint, ctx.lang)}>
                <QuestionCircleOutlined className="bk-muted" aria-label={pick(field.hint, ctx.lang)} />
              </Tooltip>
            )}
          </>
        )}
        <span style={{ flex: 1 }} />
        {!ctx.disabled && (
          <Tooltip title={t('segments.builder.remove')}>
            <Button size="small" type="text" icon={<DeleteOutlined />} aria-label={t('segments.builder.remove')} onClick={() => set(null)} />
          </Tooltip>
        )}
      </div>
      <Issues messages={messages} />
    </div>
  );
}

function withoutKey<K extends keyof TRuleCondition>(c: TRuleCondition, key: K): TRuleCondition {
  const { [key]: _drop, ...rest } = c;
  return rest as TRuleCondition;
}

const LIST_CMPS: readonly TCmp[] = ['in', 'not_in', 'all'];

/** The value input a field type and comparator need. */
function ValueEditor({ ctx, field, cond, onChange }: { ctx: Ctx; field: TField; cond: TRuleCondition; onChange: (v: unknown) => void }) {
  const { t } = useTranslation();
  const { cmp, value } = cond;
  if (cmp === 'is_empty' || cmp === 'is_not_empty') return null;
  const multiple = LIST_CMPS.includes(cmp);
  const common = { disabled: ctx.disabled, 'aria-label': t('segments.builder.value'), 'data-testid': 'condition-value' };

  if (field.type === 'boolean') {
    return (
      <Radio.Group value={value} onChange={(e) => onChange(e.target.value)} optionType="button" size="middle" disabled={ctx.disabled} aria-label={t('segments.builder.value')}>
        <Radio.Button value={true}>{t('segments.builder.yes')}</Radio.Button>
        <Radio.Button value={false}>{t('segments.builder.no')}</Radio.Button>
      </Radio.Group>
    );
  }

  if (field.type === 'enum' || field.type === 'tag') {
    const props = {
      ...common,
      value: (multiple ? (Array.isArray(value) ? value : []) : typeof value === 'string' ? value : undefined) as string | string[] | undefined,
      onChange: (v: string | string[]) => onChange(v),
      mode: multiple ? ('multiple' as const) : undefined,
      placeholder: t('segments.builder.choose'),
      style: { minWidth: 180, maxWidth: 360 },
      popupMatchSelectWidth: false,
      showSearch: { optionFilterProp: 'label' },
      maxTagCount: 'responsive' as const,
    };
    if (field.optionsSource) return <SourceSelect ctx={ctx} source={field.optionsSource} {...props} />;
    return <Select {...props} options={(field.options ?? []).map((o) => ({ value: o.value, label: pick(o, ctx.lang) }))} />;
  }

  if (field.type === 'number' || field.type === 'money') {
    const money = field.type === 'money';
    const unit = money ? t('segments.builder.yuan') : pick(field.unit, ctx.lang) || undefined;
    const toUi = (v: unknown) => (typeof v === 'number' ? (money ? fenToYuan(v) : v) : null);
    const fromUi = (v: number | null) => (v === null ? undefined : money ? yuanToFen(v) : v);
    const num = (v: unknown, set: (n: number | undefined) => void, label?: string) => (
      <InputNumber
        {...common}
        aria-label={label ?? t('segments.builder.value')}
        value={toUi(v)}
        onChange={(n) => set(fromUi(typeof n === 'number' ? n : null) ?? undefined)}
        precision={money ? 2 : field.integer ? 0 : 1}
        suffix={unit}
        style={{ width: 140 }}
      />
    );
    if (cmp === 'between') {
      const pair = Array.isArray(value) ? (value as unknown[]) : [undefined, undefined];
      return (
        <Space size={6}>
          {num(pair[0], (n) => onChange([n, pair[1]]), t('segments.builder.from'))}
          <span className="bk-muted">{t('segments.builder.to')}</span>
          {num(pair[1], (n) => onChange([pair[0], n]), t('segments.builder.until'))}
        </Space>
      );
    }
    if (multiple) {
      const list = Array.isArray(value) ? (value as number[]) : [];
      return (
        <Select<string[]>
          {...common}
          mode="tags"
          value={list.map((n) => String(money ? fenToYuan(n) : n))}
          onChange={(vs) => onChange(vs.map(Number).filter((n) => Number.isFinite(n)).map((n) => (money ? yuanToFen(n)! : n)))}
          placeholder={t('segments.builder.typeToAdd')}
          style={{ minWidth: 180 }}
          open={false}
          suffixIcon={null}
        />
      );
    }
    return num(value, (n) => onChange(n));
  }

  if (field.type === 'date') {
    if (cmp === 'within' || cmp === 'not_within') {
      return <RelativeEditor ctx={ctx} value={isRelative(value) ? value : undefined} onChange={onChange} window />;
    }
    if (cmp === 'between') {
      const pair = Array.isArray(value) ? (value as unknown[]) : [undefined, undefined];
      return (
        <Space size={6} wrap>
          <DateValue ctx={ctx} value={pair[0]} onChange={(v) => onChange([v, pair[1]])} label={t('segments.builder.from')} />
          <span className="bk-muted">{t('segments.builder.to')}</span>
          <DateValue ctx={ctx} value={pair[1]} onChange={(v) => onChange([pair[0], v])} label={t('segments.builder.until')} />
        </Space>
      );
    }
    return <DateValue ctx={ctx} value={value} onChange={onChange} />;
  }

  // text
  if (multiple) {
    return (
      <Select<string[]>
        {...common}
        mode="tags"
        value={Array.isArray(value) ? (value as string[]) : []}
        onChange={(vs) => onChange(vs.map((v) => v.trim()).filter(Boolean))}
        placeholder={t('segments.builder.typeToAdd')}
        style={{ minWidth: 180 }}
        open={false}
        suffixIcon={null}
      />
    );
  }
  return <Input {...common} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value || undefined)} maxLength={200} style={{ width: 200 }} />;
}

const isRelative = (v: unknown): v is TRelative => !!v && typeof v === 'object' && 'relative' in v;

/**
 * A relative date: "最近 6 个月内" / "未来 30 天内" for a window (`within`), or "6 个月前" / "30 天后" for one day.
 */
function RelativeEditor({ ctx, value, onChange, window = false }: { ctx: Ctx; value: TRelative | undefined; onChange: (v: TRelative) => void; window?: boolean }) {
  const { t } = useTranslation();
  const rel = value?.relative ?? { direction: 'past' as const, amount: 6, unit: 'month' as const };
  const set = (patch: Partial<TRelative['relative']>) => onChange({ relative: { ...rel, ...patch } });
  const direction = (
    <Select<'past' | 'next'>
      value={rel.direction}
      disabled={ctx.disabled}
      onChange={(d) => set({ direction: d })}
      style={{ width: window ? 84 : 72 }}
      aria-label={t('segments.builder.direction')}
      options={
        window
          ? [
              { value: 'past', label: t('segments.builder.past') },
              { value: 'next', label: t('segments.builder.next') },
            ]
          : [
              { value: 'past', label: t('segments.builder.ago') },
              { value: 'next', label: t('segments.builder.later') },
            ]
      }
    />
  );
  return (
    <Space size={6} data-testid="relative-date">
      {window && direction}
      <InputNumber
        value={rel.amount}
        min={0}
        max={36_500}
        precision={0}
        disabled={ctx.disabled}
        onChange={(n) => set({ amount: typeof n === 'number' ? n : 0 })}
        style={{ width: 72 }}
        aria-label={t('segments.builder.amount')}
      />
      <UnitSelect ctx={ctx} value={rel.unit} onChange={(u) => set({ unit: u })} window={window} />
      {!window && direction}
    </Space>
  );
}

type TUnit = TRelative['relative']['unit'];

/** Days / months / years; in a window the unit carries the "within" (天内 / 个月内 / 年内). */
function UnitSelect({ ctx, value, onChange, window }: { ctx: Ctx; value: TUnit; onChange: (u: TUnit) => void; window: boolean }) {
  const { t } = useTranslation();
  return (
    <Select<TUnit>
      value={value}
      disabled={ctx.disabled}
      onChange={onChange}
      options={ctx.fields.relativeUnits.map((u) => ({ value: u.unit, label: window ? t(`segments.builder.windowUnits.${u.unit}`) : t(`segments.builder.units.${u.unit}`) }))}
      style={{ width: 104 }}
      popupMatchSelectWidth={false}
      aria-label={t('segments.builder.unit')}
    />
  );
}

/** One date: a calendar day, or a day relative to today ("6 个月前"). */
function DateValue({ ctx, value, onChange, label }: { ctx: Ctx; value: unknown; onChange: (v: unknown) => void; label?: string }) {
  const { t } = useTranslation();
  const relative = isRelative(value);
  return (
    <Space size={6}>
      <Segmented<'absolute' | 'relative'>
        size="small"
        value={relative ? 'relative' : 'absolute'}
        disabled={ctx.disabled}
        onChange={(m) => onChange(m === 'relative' ? { relative: { direction: 'past', amount: 6, unit: 'month' } } : undefined)}
        options={[
          { value: 'absolute', label: t('segments.builder.absolute') },
          { value: 'relative', label: t('segments.builder.relative') },
        ]}
      />
      {relative ? (
        <RelativeEditor ctx={ctx} value={value} onChange={onChange} />
      ) : (
        <DatePicker
          value={typeof value === 'string' ? dayjs(value) : null}
          disabled={ctx.disabled}
          onChange={(d) => onChange(d ? d.format('YYYY-MM-DD') : undefined)}
          aria-label={label ?? t('segments.builder.value')}
          style={{ width: 136 }}
        />
      )}
    </Space>
  );
}

/** A records window: any time, or the last N days / months / years. */
function PeriodEditor({ ctx, value, onChange }: { ctx: Ctx; value: TRelative | undefined; onChange: (v: TRelative | undefined) => void }) {
  const { t } = useTranslation();
  return (
    <Space size={6}>
      <Select<'all' | 'past'>
        value={value ? 'past' : 'all'}
        disabled={ctx.disabled}
        onChange={(m) => onChange(m === 'past' ? { relative: { direction: 'past', amount: 90, unit: 'day' } } : undefined)}
        options={[
          { value: 'all', label: t('segments.builder.periodAll') },
          { value: 'past', label: t('segments.builder.periodPast') },
        ]}
        style={{ width: 120 }}
        popupMatchSelectWidth={false}
        aria-label={t('segments.builder.period')}
      />
      {value && (
        <>
          <InputNumber
            value={value.relative.amount}
            min={1}
            max={36_500}
            precision={0}
            disabled={ctx.disabled}
            onChange={(n) => onChange({ relative: { ...value.relative, amount: typeof n === 'number' ? n : 1 } })}
            style={{ width: 72 }}
            aria-label={t('segments.builder.amount')}
          />
          <UnitSelect ctx={ctx} value={value.relative.unit} onChange={(u) => onChange({ relative: { ...value.relative, unit: u } })} window />
        </>
      )}
    </Space>
  );
}

type SourceProps = {
  ctx: Ctx;
  source: string;
  value: string | string[] | undefined;
  onChange: (v: string | string[]) => void;
  mode?: 'multiple';
  placeholder?: string;
  style?: CSSProperties;
  disabled?: boolean;
  popupMatchSelectWidth?: boolean;
  showSearch?: { optionFilterProp: string };
  maxTagCount?: 'responsive';
  'aria-label'?: string;
  'data-testid'?: string;
};

/** Options loaded from the API: stores, sales or service staff, vehicle models, tags (values are ids). */
function SourceSelect({ ctx, source, ...props }: SourceProps): ReactNode {
  const stores = useStores();
  const staff = useStaffList({ storeId: ctx.storeId, role: source === 'service' ? 'service' : 'sales' }, { enabled: source === 'sales' || source === 'service' });
  const models = useVehicleModels();
  const tags = useTags();
  const { options, loading } = useMemo(() => {
    switch (source) {
      case 'stores':
        return { options: (stores.data ?? []).map((s) => ({ value: s.id, label: s.name })), loading: stores.isPending };
      case 'sales':
      case 'service':
        return { options: (staff.data ?? []).filter((s) => s.active).map((s) => ({ value: s.id, label: s.displayName })), loading: staff.isPending };
      case 'models':
        return { options: (models.data ?? []).map((m) => ({ value: m.id, label: `${m.brand} ${m.series} ${m.name}` })), loading: models.isPending };
      case 'tags':
        return { options: (tags.data ?? []).map((x) => ({ value: x.id, label: x.name })), loading: tags.isPending };
      default:
        return { options: [], loading: false };
    }
  }, [source, stores.data, stores.isPending, staff.data, staff.isPending, models.data, models.isPending, tags.data, tags.isPending]);
  return <Select {...props} options={options} loading={loading} />;
}
