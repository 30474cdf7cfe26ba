import { FilterOutlined, ManOutlined, PlusOutlined, ReloadOutlined, SettingOutlined, WomanOutlined } from '@ant-design/icons';
import { Button, Card, Checkbox, DatePicker, Divider, Input, InputNumber, Popover, Select, Skeleton, Space, Table, Tooltip, Typography, type TableProps } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { CustomerListItem, CustomerListQuery, CustomerSort } from '../../api/types';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { ModelSelect, StaffSelect, StoreSelect, TagSelect } from '../../components/pickers';
import { useSession } from '../../console/session';
import { CHURN_RISKS, LIFECYCLE_STAGES, NEEDS, VALUE_TIERS } from '../../../contracts/facts';
import { dateTime, dayjs, dayOf, money } from '../../lib/format';
import { ChurnTag, DateCountdown, NeedsTags, StageTag, TierTag, TradeInScore, useFactLabels } from '../../segments/components/FactTags';
import { useLocalStorage } from '../../lib/useLocalStorage';
import { useCustomers } from '../api';
import { CustomerFormDrawer } from '../components/CustomerFormDrawer';
import { CustomerTags } from '../components/TagList';

const BASE_COLUMNS = ['name', 'mobile', 'store', 'tags', 'vehicles', 'consultant', 'advisor', 'city', 'createdAt'] as const;
/** Optional columns of derived facts (labels in the segments bundle). */
const FACT_COLUMNS = ['lifecycle', 'valueTier', 'needs', 'churnRisk', 'tradeInScore', 'lastVisit', 'nextMaintenance', 'spend12m'] as const;
const COLUMN_KEYS = [...BASE_COLUMNS, ...FACT_COLUMNS] as const;
type ColumnKey = (typeof COLUMN_KEYS)[number];
type FactColumn = (typeof FACT_COLUMNS)[number];
const isFactColumn = (k: ColumnKey): k is FactColumn => (FACT_COLUMNS as readonly string[]).includes(k);
const DEFAULT_COLUMNS: ColumnKey[] = ['name', 'mobile', 'store', 'tags', 'vehicles', 'consultant', 'advisor', 'createdAt'];
const FACT_PARAMS = ['lifecycleStage', 'valueTier', 'needs', 'churnRisk', 'tradeInScoreMin', 'maintenanceDueInDays', 'lastVisitBefore'] as const;
const FILTER_PARAMS = ['q', 'tagId', 'consultantId', 'advisorId', 'modelId', 'purchasedFrom', 'purchasedTo', 'sort', ...FACT_PARAMS] as const;
/** A fact filter in use shows its column even when the user has not chosen it. */
const FILTER_COLUMN: Record<(typeof FACT_PARAMS)[number], FactColumn> = {
  lifecycleStage: 'lifecycle',
  valueTier: 'valueTier',
  needs: 'needs',
  churnRisk: 'churnRisk',
  tradeInScoreMin: 'tradeInScore',
  maintenanceDueInDays: 'nextMaintenance',
  lastVisitBefore: 'lastVisit',
};
const DUE_WITHIN = [7, 15, 30, 60, 90] as const;
const csv = (v: string | null | undefined) => (v ? v.split(',').filter(Boolean) : []);

export default function CustomerListPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { can, groupWide, storeId, setStoreId, storeName } = useSession();
  const [params, setParams] = useSearchParams();
  const [columns, setColumns] = useLocalStorage<ColumnKey[]>('baoke.customers.columns', DEFAULT_COLUMNS);
  const [creating, setCreating] = useState(false);
  const [searchText, setSearchText] = useState(params.get('q') ?? '');
  const factLabels = useFactLabels();

  const query: CustomerListQuery = useMemo(() => {
    const q: CustomerListQuery = { storeId };
    for (const k of FILTER_PARAMS) {
      const v = params.get(k);
      if (v) (q as Record<string, string>)[k] = v;
    }
    return q;
  }, [params, storeId]);
  const sort: CustomerSort = query.sort ?? 'created_desc';

  const setParam = (patch: Partial<Record<(typeof FILTER_PARAMS)[number], string | undefined>>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };

  const list = useCustomers(query);
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const total = list.data?.pages[0]?.total;
  const filtered = FILTER_PARAMS.some((k) => k !== 'sort' && params.get(k));

  const allColumns: Record<ColumnKey, NonNullable<TableProps<CustomerListItem>['columns']>[number]> = {
    name: {
      key: 'name',
      title: t('customers.fields.name'),
      dataIndex: 'name',
      width: 120,
      fixed: 'left',
      sorter: true,
      sortOrder: sort === 'name_asc' ? 'ascend' : sort === 'name_desc' ? 'descend' : null,
      render: (_: unknown, r) => (
        <Space size={4}>
          <Link to={`/customers/${r.id}`}>{r.name}</Link>
          {r.gender === 'male' && <ManOutlined style={{ color: '#4f7cd6', fontSize: 11 }} aria-label={t('gender.male')} />}
          {r.gender === 'female' && <WomanOutlined style={{ color: '#d65f8a', fontSize: 11 }} aria-label={t('gender.female')} />}
        </Space>
      ),
    },
    mobile: {
      key: 'mobile',
      title: t('customers.fields.mobile'),
      dataIndex: 'mobileMasked',
      width: 116,
      render: (v: string | null) => <span className="bk-num">{v ?? '—'}</span>,
    },
    store: { key: 'store', title: t('customers.fields.store'), dataIndex: 'storeName', width: 150, ellipsis: true },
    tags: { key: 'tags', title: t('customers.fields.tags'), dataIndex: 'tags', width: 170, render: (_: unknown, r) => <CustomerTags tags={r.tags} /> },
    vehicles: {
      key: 'vehicles',
      title: t('customers.fields.vehicles'),
      dataIndex: 'vehicles',
      width: 230,
      render: (_: unknown, r) =>
        r.vehicles.length === 0 ? (
          <span className="bk-muted">{t('customers.list.noVehicle')}</span>
        ) : (
          <Space orientation="vertical" size={0}>
            {r.vehicles.slice(0, 2).map((v) => (
              <span key={v.id}>
                <span className="bk-num" style={{ fontWeight: 500 }}>{v.plate ?? t('customers.list.noPlate')}</span>
                {v.modelName && <span className="bk-muted"> · {v.modelName}</span>}
              </span>
            ))}
            {r.vehicles.length > 2 && <span className="bk-muted">{t('customers.list.moreVehicles', { count: r.vehicles.length - 2 })}</span>}
          </Space>
        ),
    },
    consultant: { key: 'consultant', title: t('customers.fields.consultant'), width: 84, render: (_: unknown, r) => r.salesConsultant?.displayName ?? '—' },
    advisor: { key: 'advisor', title: t('customers.fields.advisor'), width: 84, render: (_: unknown, r) => r.serviceAdvisor?.displayName ?? '—' },
    city: { key: 'city', title: t('customers.fields.city'), dataIndex: 'city', width: 90, render: (v: string) => v || '—' },
    createdAt: {
      key: 'createdAt',
      title: t('customers.fields.createdAt'),
      dataIndex: 'createdAt',
      width: 140,
      sorter: true,
      sortOrder: sort === 'created_asc' ? 'ascend' : sort === 'created_desc' ? 'descend' : null,
      render: (v: string) => <span className="bk-num">{dateTime(v)}</span>,
    },
    lifecycle: { key: 'lifecycle', title: t('segments.columns.lifecycle'), width: 96, render: (_: unknown, r) => (r.facts ? <StageTag value={r.facts.lifecycleStage} /> : '—') },
    valueTier: { key: 'valueTier', title: t('segments.columns.valueTier'), width: 90, render: (_: unknown, r) => (r.facts ? <TierTag value={r.facts.valueTier} /> : '—') },
    needs: { key: 'needs', title: t('segments.columns.needs'), width: 150, render: (_: unknown, r) => (r.facts ? <NeedsTags value={r.facts.needs} /> : '—') },
    churnRisk: { key: 'churnRisk', title: t('segments.columns.churnRisk'), width: 96, render: (_: unknown, r) => (r.facts ? <ChurnTag value={r.facts.churnRisk} /> : '—') },
    tradeInScore: { key: 'tradeInScore', title: t('segments.columns.tradeInScore'), width: 96, align: 'right', render: (_: unknown, r) => (r.facts ? <TradeInScore score={r.facts.tradeInScore} /> : '—') },
    lastVisit: { key: 'lastVisit', title: t('segments.columns.lastVisit'), width: 110, render: (_: unknown, r) => <span className="bk-num">{r.facts?.lastVisitAt ? dayOf(r.facts.lastVisitAt) : '—'}</span> },
    nextMaintenance: { key: 'nextMaintenance', title: t('segments.columns.nextMaintenance'), width: 190, render: (_: unknown, r) => <DateCountdown value={r.facts?.nextMaintenanceDueDate ?? null} /> },
    spend12m: { key: 'spend12m', title: t('segments.columns.spend12m'), width: 120, align: 'right', render: (_: unknown, r) => <span className="bk-num">{r.facts ? money(r.facts.spend12mFen) : '—'}</span> },
  };
  const forced = new Set(FACT_PARAMS.filter((k) => params.get(k)).map((k) => FILTER_COLUMN[k]));
  const visible = COLUMN_KEYS.filter((k) => (columns.includes(k) || forced.has(k as FactColumn)) && (k !== 'store' || groupWide)).map((k) => allColumns[k]);

  const onTableChange: TableProps<CustomerListItem>['onChange'] = (_p, _f, sorter) => {
    const s = Array.isArray(sorter) ? sorter[0] : sorter;
    let next: CustomerSort = 'created_desc';
    if (s?.order && s.columnKey === 'name') next = s.order === 'ascend' ? 'name_asc' : 'name_desc';
    if (s?.order && s.columnKey === 'createdAt') next = s.order === 'ascend' ? 'created_asc' : 'created_desc';
    setParam({ sort: next === 'created_desc' ? undefined : next });
  };

  const columnChooser = (
    <Checkbox.Group
      value={columns}
      onChange={(v) => setColumns(v.length ? (v as ColumnKey[]) : ['name'])}
      style={{ display: 'flex', flexDirection: 'column', gap: 6 }}
      options={COLUMN_KEYS.filter((k) => k !== 'store' || groupWide).map((k) => ({
        value: k,
        label: isFactColumn(k) ? t(`segments.columns.${k}`) : t(`customers.columns.${k}`),
        disabled: k === 'name',
      }))}
    />
  );

  const resetFilters = () => {
    setSearchText('');
    setParams(new URLSearchParams(), { replace: true });
  };

  const emptyText = list.isPending ? (
    <Skeleton active title={false} paragraph={{ rows: 10 }} style={{ padding: '8px 0' }} />
  ) : filtered ? (
    <EmptyState title={t('customers.list.noMatch')} hint={t('customers.list.noMatchHint')} action={<Button onClick={resetFilters}>{t('common.resetFilters')}</Button>} />
  ) : (
    <EmptyState
      title={t('customers.list.empty')}
      hint={t('customers.list.emptyHint')}
      action={
        <Space>
          {can('customers.write') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('customers.list.new')}
            </Button>
          )}
          {can('imports.run') && <Button onClick={() => void navigate('/imports')}>{t('customers.list.goImport')}</Button>}
        </Space>
      }
    />
  );

  return (
    <>
      <PageHeader
        title={t('customers.list.title')}
        subtitle={groupWide && !storeId ? t('customers.list.subtitleAll') : t('customers.list.subtitle', { store: storeName(storeId) })}
        extra={
          can('customers.write') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="new-customer">
              {t('customers.list.new')}
            </Button>
          )
        }
      />
      <Card styles={{ body: { padding: 16 } }}>
        <div className="bk-toolbar">
          <Input.Search
            aria-label={t('customers.list.searchLabel')}
            placeholder={t('customers.list.searchPlaceholder')}
            allowClear
            value={searchText}
            onChange={(e) => {
              setSearchText(e.target.value);
              if (!e.target.value) setParam({ q: undefined });
            }}
            onSearch={(v) => setParam({ q: v.trim() || undefined })}
            style={{ width: 400 }}
            enterButton
            data-testid="customer-search"
          />
          <span style={{ flex: 1 }} />
          <Tooltip title={t('common.refresh')}>
            <Button icon={<ReloadOutlined />} onClick={() => void list.refetch()} aria-label={t('common.refresh')} />
          </Tooltip>
          <Popover trigger="click" placement="bottomRight" title={t('customers.list.columns')} content={columnChooser}>
            <Button icon={<SettingOutlined />}>{t('customers.list.columns')}</Button>
          </Popover>
        </div>
        <div className="bk-toolbar">
          <FilterOutlined style={{ color: '#6b7280' }} aria-hidden />
          {groupWide && (
            <StoreSelect
              aria-label={t('customers.fields.store')}
              allowClear
              placeholder={t('shell.allStores')}
              value={storeId}
              onChange={(v) => setStoreId(v || undefined)}
              style={{ width: 180 }}
            />
          )}
          <TagSelect aria-label={t('customers.fields.tags')} allowClear value={query.tagId} onChange={(v) => setParam({ tagId: v })} style={{ width: 140 }} />
          <StaffSelect
            aria-label={t('customers.fields.consultant')}
            placeholder={t('customers.list.filterConsultant')}
            role="sales"
            storeId={storeId}
            allowClear
            value={query.consultantId}
            onChange={(v) => setParam({ consultantId: v })}
            style={{ width: 130 }}
          />
          <StaffSelect
            aria-label={t('customers.fields.advisor')}
            placeholder={t('customers.list.filterAdvisor')}
            role="service"
            storeId={storeId}
            allowClear
            value={query.advisorId}
            onChange={(v) => setParam({ advisorId: v })}
            style={{ width: 130 }}
          />
          <ModelSelect
            aria-label={t('customers.fields.model')}
            allowClear
            value={query.modelId}
            onChange={(v) => setParam({ modelId: v })}
            style={{ width: 190 }}
            popupMatchSelectWidth={false}
          />
          <DatePicker.RangePicker
            aria-label={t('customers.list.purchaseRange')}
            placeholder={[t('customers.list.purchasedFrom'), t('customers.list.purchasedTo')]}
            value={query.purchasedFrom && query.purchasedTo ? [dayjs(query.purchasedFrom), dayjs(query.purchasedTo)] : null}
            onChange={(r) => setParam({ purchasedFrom: r?.[0]?.format('YYYY-MM-DD'), purchasedTo: r?.[1]?.format('YYYY-MM-DD') })}
            style={{ width: 290 }}
          />
        </div>
        <div className="bk-toolbar" style={{ marginBottom: 16, marginTop: -4 }} data-testid="fact-filters">
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('segments.filters.label')}
          </Typography.Text>
          {(
            [
              { param: 'lifecycleStage', label: t('segments.filters.lifecycle'), minWidth: 110, options: LIFECYCLE_STAGES.map((o) => ({ value: o.value, label: factLabels.stage(o.value) })) },
              { param: 'valueTier', label: t('segments.filters.valueTier'), minWidth: 104, options: VALUE_TIERS.map((o) => ({ value: o.value, label: factLabels.tier(o.value) })) },
              { param: 'needs', label: t('segments.filters.needs'), minWidth: 104, options: NEEDS.map((o) => ({ value: o.value, label: factLabels.need(o.value) })) },
              { param: 'churnRisk', label: t('segments.filters.churnRisk'), minWidth: 104, options: CHURN_RISKS.map((o) => ({ value: o.value, label: t('segments.facts.churnValue', { risk: factLabels.churn(o.value) }) })) },
            ] as const
          ).map((f) => (
            // One multi-select per categorical fact, its choice kept in the URL as a comma-separated list.
            <Select
              key={f.param}
              mode="multiple"
              allowClear
              aria-label={f.label}
              placeholder={f.label}
              value={csv(params.get(f.param))}
              onChange={(v: string[]) => setParam({ [f.param]: v.join(',') || undefined })}
              options={[...f.options]}
              style={{ minWidth: f.minWidth }}
              maxTagCount="responsive"
              popupMatchSelectWidth={false}
            />
          ))}
          <InputNumber
            aria-label={t('segments.filters.tradeInScoreMin')}
            placeholder="0–100"
            prefix={<span className="bk-muted">{t('segments.filters.tradeInPrefix')}</span>}
            min={0}
            max={100}
            precision={0}
            value={params.get('tradeInScoreMin') ? Number(params.get('tradeInScoreMin')) : null}
            onChange={(v) => setParam({ tradeInScoreMin: typeof v === 'number' ? String(v) : undefined })}
            style={{ width: 136 }}
          />
          <Select
            allowClear
            aria-label={t('segments.filters.maintenanceDue')}
            placeholder={t('segments.filters.maintenanceDue')}
            value={params.get('maintenanceDueInDays') ?? undefined}
            onChange={(v: string | undefined) => setParam({ maintenanceDueInDays: v })}
            options={DUE_WITHIN.map((d) => ({ value: String(d), label: t('segments.filters.dueWithin', { days: d }) }))}
            style={{ width: 128 }}
            popupMatchSelectWidth={false}
          />
          <DatePicker
            aria-label={t('segments.filters.lastVisitBefore')}
            placeholder={t('segments.filters.lastVisitBefore')}
            value={params.get('lastVisitBefore') ? dayjs(params.get('lastVisitBefore')) : null}
            onChange={(d) => setParam({ lastVisitBefore: d ? d.format('YYYY-MM-DD') : undefined })}
            style={{ width: 136 }}
          />
          {filtered && (
            <Button type="link" onClick={resetFilters} style={{ paddingInline: 4 }}>
              {t('common.resetFilters')}
            </Button>
          )}
        </div>
        {list.isError && !list.data ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : (
          <>
            <Table<CustomerListItem>
              rowKey="id"
              size="small"
              columns={visible}
              dataSource={rows}
              pagination={false}
              loading={list.isFetching && !list.isFetchingNextPage && !list.isPending}
              onChange={onTableChange}
              scroll={{ x: 'max-content' }}
              locale={{ emptyText }}
              onRow={(r) => ({ onDoubleClick: () => void navigate(`/customers/${r.id}`) })}
              data-testid="customer-table"
              className="bk-nowrap-head"
            />
            {rows.length > 0 && (
              <>
                <Divider style={{ margin: '12px 0' }} />
                <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between' }}>
                  <Typography.Text type="secondary">
                    {total !== undefined ? t('customers.list.shownOfTotal', { shown: rows.length, total }) : t('customers.list.shown', { shown: rows.length })}
                  </Typography.Text>
                  {list.hasNextPage ? (
                    <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
                      {t('common.loadMore')}
                    </Button>
                  ) : (
                    <Typography.Text type="secondary">{t('common.allLoaded')}</Typography.Text>
                  )}
                </div>
              </>
            )}
          </>
        )}
      </Card>
      <CustomerFormDrawer open={creating} onClose={() => setCreating(false)} onSaved={(c) => void navigate(`/customers/${c.id}`)} />
    </>
  );
}
