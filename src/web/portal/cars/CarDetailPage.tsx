import { Button, List, Tag } from 'antd-mobile';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { useVehicle, type PortalVehicle } from '../api';
import { Empty, Failed, PageSkeleton, Screen } from '../components';
import { dateOf, dayName, daysUntil, km, money, timeOf } from '../format';
import { usePortalT, type TPortalKey } from '../lang';
import { DeliverySteps, WorkshopSteps } from './progress';
import { RoCharges } from './RoCharges';

function Expiry({ day }: { day: string | null }) {
  const { t } = usePortalT();
  if (!day) return <b>—</b>;
  const d = daysUntil(day) ?? 0;
  return (
    <b>
      {day}
      <div
        className="pt-muted"
        style={{
          color: d < 0 ? 'var(--adm-color-danger)' : d <= 60 ? 'var(--adm-color-warning)' : undefined,
        }}
      >
        {d < 0 ? t('portal.cars.expired') : t('portal.cars.daysLeft', { n: d })}
      </div>
    </b>
  );
}

function Facts({ v }: { v: PortalVehicle }) {
  const { t } = usePortalT();
  // A new car still on its way has no mileage, insurance or service yet.
  const onItsWay = !!v.openSalesOrder && !v.deliveryDate;
  return (
    <div className="pt-card">
      <div className="pt-row">
        <span className="pt-plate" data-testid="car-plate">
          {v.plate ?? t('portal.common.noPlate')}
        </span>
        {v.status !== 'in_use' && <Tag round>{t(`portal.cars.status.${v.status}` as TPortalKey)}</Tag>}
      </div>
      <div className="pt-car-model">
        {v.brand ? `${v.brand.split(' ')[0]} ` : ''}
        {v.modelName ?? t('portal.common.unknownModel')}
      </div>
      <div className="pt-muted" style={{ marginBottom: onItsWay ? 0 : 14 }}>
        {t('portal.cars.vin')} {v.vin}
      </div>
      {!onItsWay && (
        <div className="pt-kv">
          <div>
            <span>{t('portal.cars.mileage')}</span>
            <b>{km(v.lastMileageKm)}</b>
            {v.lastMileageAt && <div className="pt-muted">{t('portal.cars.mileageAt', { date: v.lastMileageAt })}</div>}
          </div>
          <div>
            <span>{t('portal.cars.delivered')}</span>
            <b>{v.deliveryDate ?? '—'}</b>
          </div>
          <div>
            <span>{t('portal.cars.insurance')}</span>
            <Expiry day={v.insuranceExpiry} />
          </div>
          <div>
            <span>{t('portal.cars.warranty')}</span>
            <Expiry day={v.warrantyEnd} />
          </div>
        </div>
      )}
      {v.nextMaintenance && (
        <div
          style={{
            marginTop: 14,
            paddingTop: 12,
            borderTop: '1px solid #f0f1f4',
          }}
        >
          <span className="pt-muted">{t('portal.home.nextMaintenance')}</span>
          <div>
            {v.nextMaintenance.dueDate && v.nextMaintenance.dueKm
              ? t('portal.home.maintenanceDue', {
                  date: v.nextMaintenance.dueDate,
                  km: km(v.nextMaintenance.dueKm),
                })
              : v.nextMaintenance.dueDate
                ? t('portal.home.maintenanceDueDate', {
                    date: v.nextMaintenance.dueDate,
                  })
                : t('portal.home.maintenanceDueKm', {
                    km: km(v.nextMaintenance.dueKm),
                  })}
          </div>
        </div>
      )}
    </div>
  );
}

/** One car: facts, the workshop or delivery progress as it happens, the next visit and the service history. */
export default function CarDetailPage() {
  const { id = '' } = useParams();
  const { t, lang } = usePortalT();
  const navigate = useNavigate();
  const q = useVehicle(id);
  if (q.isPending)
    return (
      <Screen back="/portal/cars" title={t('portal.cars.title')}>
        <PageSkeleton />
      </Screen>
    );
  if (q.isError) {
    return (
      <Screen back="/portal/cars" title={t('portal.cars.title')}>
        {q.error instanceof ApiError && q.error.status === 404 ? (
          <div className="pt-page">
            <Empty title={t('portal.cars.notFound')} hint={t('portal.cars.emptyHint')} />
          </div>
        ) : (
          <Failed error={q.error} onRetry={() => void q.refetch()} />
        )}
      </Screen>
    );
  }
  const v = q.data;
  const ro = v.openRepairOrder;
  const order = v.openSalesOrder;
  const onItsWay = !!order && !v.deliveryDate;
  return (
    <Screen back="/portal/cars" title={v.plate ?? v.modelName ?? t('portal.cars.title')}>
      <div className="pt-page">
        <Facts v={v} />
        {ro && (
          <>
            <div className="pt-card" data-testid="workshop-card">
              <div className="pt-card-title">
                <span>{t('portal.cars.workshopTitle')}</span>
                <Tag color="warning" fill="outline">
                  {t(`portal.kinds.${ro.kind}` as TPortalKey)}
                </Tag>
              </div>
              <div className="pt-muted">{t('portal.cars.roNo', { no: ro.roNo })}</div>
              {ro.advisorName && <div className="pt-muted">{t('portal.cars.advisor', { name: ro.advisorName })}</div>}
              <div className="pt-muted" style={{ margin: '4px 0 12px' }}>
                {t('portal.cars.liveNote')}
              </div>
              <WorkshopSteps ro={ro} />
            </div>
            {ro.items.length > 0 || ro.totalFen > 0 ? <RoCharges ro={ro} /> : null}
          </>
        )}
        {order && (
          <div className="pt-card" data-testid="delivery-card">
            <div className="pt-card-title">
              <span>{t('portal.cars.deliveryTitle')}</span>
              <small>{t('portal.cars.orderNo', { no: order.orderNo })}</small>
            </div>
            {order.consultantName && (
              <div className="pt-muted" style={{ marginBottom: 12 }}>
                {t('portal.cars.consultant', { name: order.consultantName })}
              </div>
            )}
            <DeliverySteps order={order} />
          </div>
        )}
        {v.nextAppointment && (
          <Link to="/portal/appointments" className="pt-card" style={{ display: 'block' }}>
            <div className="pt-card-title">{t('portal.home.nextAppointment')}</div>
            <b>
              {dayName(v.nextAppointment.localDate, lang)} {timeOf(v.nextAppointment.slotStart)} · {t(`portal.kinds.${v.nextAppointment.kind}` as TPortalKey)}
            </b>
          </Link>
        )}
        {!onItsWay && (
          <div className="pt-card" style={{ padding: '16px 0 4px' }}>
            <div className="pt-card-title" style={{ padding: '0 16px' }}>
              {t('portal.cars.history')}
            </div>
            {v.history.length === 0 ? (
              <p className="pt-muted" style={{ padding: '0 16px 12px', margin: 0 }}>
                {t('portal.cars.noHistory')}
              </p>
            ) : (
              <List style={{ '--border-top': 'none', '--border-bottom': 'none' }}>
                {v.history.map((h) => (
                  <List.Item
                    key={h.id}
                    onClick={() => void navigate(`/portal/repair-orders/${h.id}`)}
                    description={`${dateOf(h.closedAt ?? h.openedAt)} · ${km(h.mileageKm)}`}
                    extra={<span className="pt-num">{money(h.totalFen, lang)}</span>}
                  >
                    {t(`portal.kinds.${h.kind}` as TPortalKey)}
                  </List.Item>
                ))}
              </List>
            )}
          </div>
        )}
        {v.status === 'in_use' && !v.nextAppointment && !ro && !onItsWay && (
          <Button block color="primary" size="large" style={{ borderRadius: 12 }} onClick={() => void navigate(`/portal/appointments/new?vehicleId=${v.id}`)}>
            {t('portal.cars.book')}
          </Button>
        )}
      </div>
    </Screen>
  );
}
