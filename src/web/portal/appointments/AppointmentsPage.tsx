import { Button, Dialog, Tag, Toast } from 'antd-mobile';
import { AddOutline } from 'antd-mobile-icons';
import { useNavigate } from 'react-router';
import { ApiError } from '../api/client';
import { useAppointments, useCancelAppointment, type PortalAppointment } from '../api';
import { Empty, Failed, PageSkeleton, Screen } from '../components';
import { dayName, timeOf } from '../format';
import { usePortalT, type TPortalKey } from '../lang';

const STATUS_COLOR: Record<string, 'primary' | 'success' | 'warning' | 'default'> = { booked: 'primary', checked_in: 'success', no_show: 'warning', cancelled: 'default' };

function AppointmentCard({ a }: { a: PortalAppointment }) {
  const { t, lang, localize } = usePortalT();
  const navigate = useNavigate();
  const cancel = useCancelAppointment();
  const when = `${dayName(a.localDate, lang)} ${timeOf(a.slotStart)}`;
  return (
    <div className="pt-card" data-testid="appointment-card">
      <div className="pt-row">
        <b style={{ fontSize: 17 }} className="pt-num">
          {when}
        </b>
        <Tag color={STATUS_COLOR[a.status]} fill={a.status === 'booked' ? 'solid' : 'outline'} round>
          {t(`portal.appointments.status.${a.status}` as TPortalKey)}
        </Tag>
      </div>
      <div style={{ margin: '8px 0 4px' }}>
        {t(`portal.kinds.${a.kind}` as TPortalKey)} · <span className="pt-plate">{a.vehicle.plate ?? a.vehicle.modelName ?? t('portal.common.noPlate')}</span>
      </div>
      <div className="pt-muted">{t('portal.appointments.storeAt', { store: a.store.name, address: a.store.address })}</div>
      {a.note && (
        <div className="pt-muted" style={{ marginTop: 4 }}>
          {t('portal.appointments.note')}：{a.note}
        </div>
      )}
      {a.changeable && (
        <div style={{ display: 'flex', gap: 10, marginTop: 14 }}>
          <Button style={{ flex: 1, borderRadius: 10 }} onClick={() => void navigate(`/portal/appointments/${a.id}/reschedule`)}>
            {t('portal.appointments.reschedule')}
          </Button>
          <Button
            style={{ flex: 1, borderRadius: 10 }}
            color="danger"
            fill="outline"
            loading={cancel.isPending}
            onClick={() =>
              void Dialog.confirm({
                content: t('portal.appointments.cancelConfirm', { when }),
                confirmText: t('portal.appointments.cancel'),
                cancelText: t('portal.common.cancel'),
                onConfirm: async () => {
                  try {
                    await cancel.mutateAsync(a.id);
                    Toast.show({ icon: 'success', content: t('portal.appointments.cancelled') });
                  } catch (e) {
                    Toast.show({ icon: 'fail', content: e instanceof ApiError ? localize(e.title) : t('portal.common.networkError') });
                  }
                },
              })
            }
          >
            {t('portal.appointments.cancel')}
          </Button>
        </div>
      )}
    </div>
  );
}

/** The owner's bookings: upcoming ones to move or cancel, past ones for reference, and a way to book. */
export default function AppointmentsPage() {
  const { t } = usePortalT();
  const navigate = useNavigate();
  const q = useAppointments();
  const items = q.data?.items ?? [];
  const upcoming = items.filter((a) => a.status === 'booked').sort((a, b) => a.slotStart.localeCompare(b.slotStart));
  const past = items.filter((a) => a.status !== 'booked');
  return (
    <Screen title={t('portal.appointments.title')}>
      {q.isPending ? (
        <PageSkeleton />
      ) : q.isError ? (
        <Failed error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <div className="pt-page">
          <Button block color="primary" size="large" style={{ borderRadius: 12, marginBottom: 12 }} onClick={() => void navigate('/portal/appointments/new')} data-testid="book-new">
            <AddOutline /> {t('portal.appointments.new')}
          </Button>
          {items.length === 0 && <Empty title={t('portal.appointments.empty')} hint={t('portal.appointments.emptyHint')} />}
          {upcoming.length > 0 && <h2 className="pt-muted" style={{ margin: '4px 4px 8px', fontSize: 14 }}>{t('portal.appointments.upcoming')}</h2>}
          {upcoming.map((a) => (
            <AppointmentCard key={a.id} a={a} />
          ))}
          {past.length > 0 && <h2 className="pt-muted" style={{ margin: '16px 4px 8px', fontSize: 14 }}>{t('portal.appointments.past')}</h2>}
          {past.map((a) => (
            <AppointmentCard key={a.id} a={a} />
          ))}
        </div>
      )}
    </Screen>
  );
}
