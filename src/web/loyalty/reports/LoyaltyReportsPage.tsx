import { Card, Space, Statistic, Table } from 'antd';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { money } from '../../lib/format';
import { useLiability, useRedemptionRate } from '../api';
import { useLoyaltyT } from '../useT';

const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);

/** Points liability by store and month, and the coupon redemption rate. */
export default function LoyaltyReportsPage() {
  const { t } = useLoyaltyT();
  const l = useLiability();
  const r = useRedemptionRate();
  return (
    <>
      <PageHeader title={t('loyalty.reports.title')} />
      <Space direction="vertical" size={16} style={{ width: '100%' }}>
        <Card title={t('loyalty.reports.liability')} extra={<span style={{ color: '#667085' }}>{t('loyalty.reports.liabilityHint')}</span>}>
          {l.isError ? (
            <ErrorState error={l.error} onRetry={() => void l.refetch()} />
          ) : (
            <>
              <Space size={48} style={{ marginBottom: 16 }}>
                <Statistic title={t('loyalty.reports.points')} value={l.data?.totalPoints ?? 0} loading={l.isPending} />
                <Statistic title={t('loyalty.reports.value')} value={money(l.data?.totalValueFen ?? 0)} loading={l.isPending} />
              </Space>
              <Table
                rowKey={(x) => `${x.storeId}:${x.month}`}
                size="middle"
                loading={l.isPending}
                dataSource={l.data?.rows ?? []}
                pagination={{ pageSize: 12 }}
                columns={[
                  { title: t('loyalty.reports.month'), dataIndex: 'month' },
                  { title: t('loyalty.reports.store'), dataIndex: 'storeName' },
                  { title: t('loyalty.reports.points'), dataIndex: 'points', align: 'right', render: (n: number) => n.toLocaleString('en-US') },
                  { title: t('loyalty.reports.value'), dataIndex: 'valueFen', align: 'right', render: (f: number) => money(f) },
                ]}
              />
            </>
          )}
        </Card>
        <Card title={t('loyalty.reports.rate')}>
          {r.isError ? (
            <ErrorState error={r.error} onRetry={() => void r.refetch()} />
          ) : (
            <>
              <Space size={48} style={{ marginBottom: 16 }}>
                <Statistic title={t('loyalty.reports.issued')} value={r.data?.issued ?? 0} loading={r.isPending} />
                <Statistic title={t('loyalty.reports.redeemed')} value={r.data?.redeemed ?? 0} loading={r.isPending} />
                <Statistic title={t('loyalty.reports.ratio')} value={pct(r.data?.rate ?? null)} loading={r.isPending} />
              </Space>
              <Table
                rowKey={(x) => `${x.storeId}:${x.month}`}
                size="middle"
                loading={r.isPending}
                dataSource={r.data?.rows ?? []}
                pagination={{ pageSize: 12 }}
                columns={[
                  { title: t('loyalty.reports.month'), dataIndex: 'month' },
                  { title: t('loyalty.reports.store'), dataIndex: 'storeName' },
                  { title: t('loyalty.reports.issued'), dataIndex: 'issued', align: 'right' },
                  { title: t('loyalty.reports.redeemed'), dataIndex: 'redeemed', align: 'right' },
                  { title: t('loyalty.reports.voided'), dataIndex: 'voided', align: 'right' },
                  { title: t('loyalty.reports.expired'), dataIndex: 'expired', align: 'right' },
                  { title: t('loyalty.reports.ratio'), dataIndex: 'rate', align: 'right', render: pct },
                ]}
              />
            </>
          )}
        </Card>
      </Space>
    </>
  );
}
