import { Alert, Badge, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { dateTime } from '../../lib/format';
import { useCustomerAppointments, type Appointment } from './api';

const STATUS_COLOR: Record<string, string> = {
  booked: 'blue',
  checked_in: 'green',
  no_show: 'red',
  cancelled: 'default',
};

/** The "预约" tab label of the customer 360, with the count of appointments. */
export function CustomerAppointmentsLabel({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const q = useCustomerAppointments(customerId);
  const n = q.data?.items.length ?? 0;
  return (
    <span>
      {t('appointments.customer.tab')}
      {n > 0 && <Badge count={n} size="small" color="#c9cdd4" style={{ marginInlineStart: 6 }} overflowCount={99} />}
    </span>
  );
}

/** The customer 360's appointments: every visit booked, kept or missed, with the no-show count. */
export function CustomerAppointmentsTab({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const q = useCustomerAppointments(customerId);
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const items = q.data?.items ?? [];
  const noShows = items[0]?.customerNoShows ?? 0;
  if (!q.isPending && items.length === 0) {
    return (
      <EmptyState
        title={t('appointments.customer.empty')}
        hint={t('appointments.customer.emptyHint')}
        action={<Link to="/service/appointments">{t('appointments.nav')}</Link>}
      />
    );
  }
  return (
    <>
      {noShows > 0 && <Alert type="warning" showIcon title={t('appointments.customer.noShows', { n: noShows })} style={{ marginBottom: 12 }} />}
      <div data-testid="customer-appointments">
        <Table<Appointment>
          size="small"
          rowKey="id"
          loading={q.isPending}
          dataSource={items}
          pagination={false}
          columns={[
            {
              title: t('appointments.customer.columns.time'),
              render: (_, a) => (
                <Link to={`/service/appointments?date=${a.localDate}`} className="bk-num">
                  {dateTime(a.slotStart)}
                </Link>
              ),
            },
            {
              title: t('appointments.customer.columns.vehicle'),
              render: (_, a) => a.vehicle.plate ?? a.vehicle.vin,
            },
            {
              title: t('appointments.customer.columns.kind'),
              render: (_, a) => t(`roKinds.${a.kind}`),
            },
            {
              title: t('appointments.customer.columns.status'),
              render: (_, a) => <Tag color={STATUS_COLOR[a.status]}>{t(`appointments.status.${a.status}`)}</Tag>,
            },
            {
              title: t('appointments.customer.columns.source'),
              render: (_, a) => t(`appointments.source.${a.source}`),
            },
            {
              title: t('appointments.customer.columns.note'),
              dataIndex: 'note',
              ellipsis: true,
            },
          ]}
        />
      </div>
    </>
  );
}
