import { Space, Table } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { CustomerListItem } from '../../api/types';
import { useSession } from '../../console/session';
import { dayOf } from '../../lib/format';
import { DateCountdown, StageTag, TierTag, TradeInScore } from './FactTags';

/** Customers of a segment (sample or pages): who they are, their masked mobile and the facts a segment is about. */
export function SegmentCustomerTable({ rows, loading, empty, testId }: { rows: CustomerListItem[]; loading?: boolean; empty: ReactNode; testId?: string }) {
  const { t } = useTranslation();
  const { groupWide } = useSession();
  return (
    <Table<CustomerListItem>
      rowKey="id"
      size="small"
      dataSource={rows}
      loading={loading}
      pagination={false}
      locale={{ emptyText: empty }}
      scroll={{ x: 'max-content' }}
      className="bk-nowrap-head"
      data-testid={testId}
      columns={[
        { key: 'name', title: t('customers.fields.name'), render: (_: unknown, r) => <Link to={`/customers/${r.id}`}>{r.name}</Link> },
        { key: 'mobile', title: t('customers.fields.mobile'), render: (_: unknown, r) => <span className="bk-num">{r.mobileMasked ?? '—'}</span> },
        ...(groupWide ? [{ key: 'store', title: t('customers.fields.store'), ellipsis: true, render: (_: unknown, r: CustomerListItem) => r.storeName }] : []),
        { key: 'lifecycle', title: t('segments.columns.lifecycle'), render: (_: unknown, r) => (r.facts ? <StageTag value={r.facts.lifecycleStage} /> : '—') },
        { key: 'valueTier', title: t('segments.columns.valueTier'), render: (_: unknown, r) => (r.facts ? <TierTag value={r.facts.valueTier} /> : '—') },
        { key: 'tradeIn', title: t('segments.columns.tradeInScore'), align: 'right' as const, render: (_: unknown, r) => (r.facts ? <TradeInScore score={r.facts.tradeInScore} /> : '—') },
        { key: 'lastVisit', title: t('segments.columns.lastVisit'), render: (_: unknown, r) => <span className="bk-num">{r.facts?.lastVisitAt ? dayOf(r.facts.lastVisitAt) : '—'}</span> },
        { key: 'nextMaintenance', title: t('segments.columns.nextMaintenance'), render: (_: unknown, r) => <DateCountdown value={r.facts?.nextMaintenanceDueDate ?? null} /> },
        {
          key: 'vehicles',
          title: t('customers.fields.vehicles'),
          render: (_: unknown, r) =>
            r.vehicles.length === 0 ? (
              <span className="bk-muted">{t('customers.list.noVehicle')}</span>
            ) : (
              <Space size={4} wrap>
                {r.vehicles.slice(0, 2).map((v) => (
                  <span key={v.id}>
                    <span className="bk-num">{v.plate ?? t('customers.list.noPlate')}</span>
                    {v.modelName && <span className="bk-muted"> · {v.modelName}</span>}
                  </span>
                ))}
              </Space>
            ),
        },
      ]}
    />
  );
}
