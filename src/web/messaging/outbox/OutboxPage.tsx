import { FilterOutlined, ReloadOutlined } from '@ant-design/icons';
import { Button, Card, DatePicker, Select, Tooltip } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { MESSAGE_CHANNELS, MESSAGE_PURPOSES, MESSAGE_STATUSES } from '../../../contracts/messaging';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { useSession } from '../../console/session';
import { CustomerPicker } from '../../customers/components/CustomerPicker';
import { dayjs, getDisplayTimezone } from '../../lib/format';
import { useMessages, type MessageChannel, type MessageListQuery, type MessagePurpose, type MessageStatus } from '../api';
import { MessageDrawer } from '../components/MessageDrawer';
import { MessageTable } from '../components/MessageTable';

const FILTERS = ['status', 'channel', 'purpose', 'customerId', 'from', 'to'] as const;

/** The outbox a person reads: every message asked for, what became of it and why, filterable; detail in a drawer. */
export default function OutboxPage() {
  const { t } = useTranslation();
  const { storeId, groupWide, storeName } = useSession();
  const [params, setParams] = useSearchParams();
  const get = (k: (typeof FILTERS)[number]) => params.get(k) ?? undefined;
  const tz = getDisplayTimezone();
  const query: MessageListQuery = useMemo(() => {
    const from = params.get('from');
    const to = params.get('to');
    return {
      storeId: groupWide ? storeId : undefined,
      status: (params.get('status') ?? undefined) as MessageStatus | undefined,
      channel: (params.get('channel') ?? undefined) as MessageChannel | undefined,
      purpose: (params.get('purpose') ?? undefined) as MessagePurpose | undefined,
      customerId: params.get('customerId') ?? undefined,
      // Days are the store's days: from its midnight, to the midnight after the last day.
      createdFrom: from ? dayjs.tz(from, tz).toISOString() : undefined,
      createdTo: to ? dayjs.tz(to, tz).add(1, 'day').toISOString() : undefined,
    };
  }, [params, storeId, groupWide, tz]);
  const list = useMessages(query);
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const filtered = FILTERS.some((k) => params.get(k));
  const [customerName, setCustomerName] = useState<string | undefined>();

  const set = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };
  const reset = () => {
    const next = new URLSearchParams();
    const m = params.get('message');
    if (m) next.set('message', m);
    setParams(next, { replace: true });
  };

  return (
    <>
      <PageHeader
        title={t('messaging.outbox.title')}
        subtitle={groupWide && !storeId ? t('messaging.outbox.subtitle') : `${storeName(storeId)} · ${t('messaging.outbox.subtitle')}`}
        extra={
          <Tooltip title={t('common.refresh')}>
            <Button icon={<ReloadOutlined />} aria-label={t('common.refresh')} onClick={() => void list.refetch()} />
          </Tooltip>
        }
      />
      <Card styles={{ body: { padding: 16 } }}>
        <div className="bk-toolbar" style={{ marginBottom: 16 }}>
          <FilterOutlined style={{ color: '#6b7280' }} aria-hidden />
          <Select
            allowClear
            aria-label={t('messaging.outbox.filterStatus')}
            placeholder={t('messaging.outbox.filterStatus')}
            value={get('status')}
            onChange={(v?: string) => set({ status: v })}
            options={MESSAGE_STATUSES.map((s) => ({ value: s.key, label: t(`messaging.statuses.${s.key}`) }))}
            style={{ width: 120 }}
          />
          <Select
            allowClear
            aria-label={t('messaging.outbox.filterChannel')}
            placeholder={t('messaging.outbox.filterChannel')}
            value={get('channel')}
            onChange={(v?: string) => set({ channel: v })}
            options={MESSAGE_CHANNELS.map((s) => ({ value: s.key, label: t(`messaging.channels.${s.key}`) }))}
            style={{ width: 130 }}
          />
          <Select
            allowClear
            aria-label={t('messaging.outbox.filterPurpose')}
            placeholder={t('messaging.outbox.filterPurpose')}
            value={get('purpose')}
            onChange={(v?: string) => set({ purpose: v })}
            options={MESSAGE_PURPOSES.map((s) => ({ value: s.key, label: t(`messaging.purposes.${s.key}`) }))}
            style={{ width: 120 }}
          />
          <DatePicker.RangePicker
            aria-label={t('messaging.outbox.dateRange')}
            placeholder={[t('messaging.outbox.dateFrom'), t('messaging.outbox.dateTo')]}
            value={get('from') && get('to') ? [dayjs(get('from')), dayjs(get('to'))] : null}
            onChange={(r) => set({ from: r?.[0]?.format('YYYY-MM-DD'), to: r?.[1]?.format('YYYY-MM-DD') })}
            style={{ width: 270 }}
          />
          <CustomerPicker
            allowClear
            aria-label={t('messaging.outbox.filterCustomer')}
            placeholder={t('messaging.outbox.customerPlaceholder')}
            value={get('customerId')}
            valueLabel={customerName}
            onChange={(id, c) => {
              setCustomerName(c?.name);
              set({ customerId: id });
            }}
            style={{ width: 180 }}
            popupMatchSelectWidth={false}
          />
          {filtered && (
            <Button type="link" onClick={reset} style={{ paddingInline: 4 }}>
              {t('common.resetFilters')}
            </Button>
          )}
        </div>
        {list.isError && !list.data ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : (
          <MessageTable
            rows={rows}
            pending={list.isPending}
            loading={list.isFetching && !list.isFetchingNextPage && !list.isPending}
            onOpen={(m) => set({ message: m.id })}
            empty={
              filtered ? (
                <EmptyState title={t('messaging.outbox.noMatch')} hint={t('messaging.outbox.noMatchHint')} action={<Button onClick={reset}>{t('common.resetFilters')}</Button>} />
              ) : (
                <EmptyState title={t('messaging.outbox.empty')} hint={t('messaging.outbox.emptyHint')} />
              )
            }
            hasMore={list.hasNextPage}
            loadingMore={list.isFetchingNextPage}
            onLoadMore={() => void list.fetchNextPage()}
          />
        )}
      </Card>
      <MessageDrawer messageId={params.get('message') ?? undefined} onClose={() => set({ message: undefined })} />
    </>
  );
}
