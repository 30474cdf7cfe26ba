import { Tag } from 'antd-mobile';
import { RightOutline } from 'antd-mobile-icons';
import { Link } from 'react-router';
import { useGarage, type PortalGarage } from '../api';
import { Empty, Failed, PageSkeleton, Screen } from '../components';
import { km } from '../format';
import { usePortalT, type TPortalKey } from '../lang';

type TCar = PortalGarage['vehicles'][number];

function CarCard({ car }: { car: TCar }) {
  const { t } = usePortalT();
  return (
    <Link to={`/portal/cars/${car.id}`} className="pt-card" style={{ display: 'block' }} data-testid="car-card">
      <div className="pt-row">
        <span className="pt-plate">{car.plate ?? t('portal.common.noPlate')}</span>
        <span style={{ display: 'flex', gap: 6, alignItems: 'center' }}>
          {car.openRepairOrder && (
            <Tag color="warning" fill="solid" round>
              {t('portal.cars.badge.workshop')}
            </Tag>
          )}
          {car.openSalesOrder && (
            <Tag color="primary" fill="solid" round>
              {t('portal.cars.badge.delivery')}
            </Tag>
          )}
          {car.nextAppointment && (
            <Tag color="primary" fill="outline" round>
              {t('portal.cars.badge.booked')}
            </Tag>
          )}
          {car.status !== 'in_use' && <Tag round>{t(`portal.cars.status.${car.status}` as TPortalKey)}</Tag>}
          <RightOutline color="#a7adb8" />
        </span>
      </div>
      <div className="pt-car-model">
        {car.brand ? `${car.brand.split(' ')[0]} ` : ''}
        {car.modelName ?? t('portal.common.unknownModel')}
      </div>
      <div className="pt-muted">
        {car.openRepairOrder
          ? t('portal.home.currentStage', { stage: t(`portal.stages.${car.openRepairOrder.stage}` as TPortalKey) })
          : car.openSalesOrder
            ? t('portal.home.currentStage', { stage: t(`portal.milestones.${car.openSalesOrder.milestone}` as TPortalKey) })
            : km(car.lastMileageKm)}
      </div>
    </Link>
  );
}

/** The owner's cars, with what is going on with each, and new cars still on order. */
export default function CarsPage() {
  const { t } = usePortalT();
  const q = useGarage();
  return (
    <Screen title={t('portal.cars.title')}>
      {q.isPending ? (
        <PageSkeleton />
      ) : q.isError ? (
        <Failed error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <div className="pt-page">
          {q.data.vehicles.length === 0 && q.data.orders.length === 0 && <Empty title={t('portal.cars.empty')} hint={t('portal.cars.emptyHint')} />}
          {q.data.vehicles.map((car) => (
            <CarCard key={car.id} car={car} />
          ))}
          {q.data.orders.map((o) => (
            <Link key={o.id} to={`/portal/orders/${o.id}`} className="pt-card" style={{ display: 'block' }}>
              <div className="pt-row">
                <b>{t('portal.cars.onOrder')}</b>
                <Tag color="primary" fill="solid" round>
                  {t('portal.cars.badge.delivery')}
                </Tag>
              </div>
              <div className="pt-car-model">{o.modelName ?? t('portal.common.unknownModel')}</div>
              <div className="pt-muted">{t('portal.home.currentStage', { stage: t(`portal.milestones.${o.milestone}` as TPortalKey) })}</div>
            </Link>
          ))}
        </div>
      )}
    </Screen>
  );
}
