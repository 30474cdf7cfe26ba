import { Button, Tag } from 'antd-mobile';
import { RightOutline } from 'antd-mobile-icons';
import { Link } from 'react-router';
import { useHome, type PortalHome } from '../api';
import { CardSkeleton, Failed } from '../components';
import { DELIVERY_MILESTONES, StageBar, WORKSHOP_STAGES } from '../cars/progress';
import { dayName, daysUntil, km, localHour, timeOf } from '../format';
import { usePortalT, type TPortalKey } from '../lang';
import { PORTAL_ENTRIES } from '../modules';

function hello(): 'morning' | 'afternoon' | 'evening' {
  const h = localHour();
  return h < 12 ? 'morning' : h < 18 ? 'afternoon' : 'evening';
}

/** The one car to show at a glance: in the workshop first, then on its way, then the newest. */
function CarAtAGlance({ home }: { home: PortalHome }) {
  const { t } = usePortalT();
  const { vehicles, orders } = home.garage;
  const inShop = vehicles.find((v) => v.openRepairOrder);
  const delivering = vehicles.find((v) => v.openSalesOrder);
  if (inShop?.openRepairOrder) {
    const ro = inShop.openRepairOrder;
    const last = ro.stages.at(-1);
    return (
      <Link to={`/portal/cars/${inShop.id}`} className="pt-card" style={{ display: 'block' }} data-testid="home-car">
        <div className="pt-card-title">
          <span>{t('portal.home.myCar')}</span>
          <Tag color="warning" fill="solid" round>
            {t('portal.home.inWorkshop')}
          </Tag>
        </div>
        <span className="pt-plate">{inShop.plate ?? t('portal.common.noPlate')}</span>
        <div className="pt-car-model">{inShop.modelName ?? t('portal.common.unknownModel')}</div>
        <div className="pt-row" style={{ margin: '10px 0 8px' }}>
          <b data-testid="home-stage">
            {t('portal.home.currentStage', {
              stage: t(`portal.stages.${ro.stage}` as TPortalKey),
            })}
          </b>
          <span className="pt-link">
            {t('portal.home.viewProgress')} <RightOutline />
          </span>
        </div>
        <StageBar order={WORKSHOP_STAGES} current={ro.stage} />
        {last?.note && (
          <p className="pt-muted" style={{ margin: '10px 0 0' }}>
            {last.note}
          </p>
        )}
      </Link>
    );
  }
  const order = delivering?.openSalesOrder ?? orders[0];
  if (order) {
    const target = delivering ? `/portal/cars/${delivering.id}` : `/portal/orders/${order.id}`;
    return (
      <Link to={target} className="pt-card" style={{ display: 'block' }} data-testid="home-car">
        <div className="pt-card-title">
          <span>{t('portal.home.myCar')}</span>
          <Tag color="primary" fill="solid" round>
            {t('portal.home.onTheWay')}
          </Tag>
        </div>
        <div className="pt-car-model">{order.modelName ?? t('portal.common.unknownModel')}</div>
        <div className="pt-row" style={{ margin: '10px 0 8px' }}>
          <b>
            {t('portal.home.currentStage', {
              stage: t(`portal.milestones.${order.milestone}` as TPortalKey),
            })}
          </b>
          <span className="pt-link">
            {t('portal.home.viewProgress')} <RightOutline />
          </span>
        </div>
        <StageBar order={DELIVERY_MILESTONES} current={order.milestone} />
      </Link>
    );
  }
  const car = vehicles[0];
  if (!car) {
    return (
      <div className="pt-card" data-testid="home-car">
        <div className="pt-card-title">{t('portal.home.noCar')}</div>
        <p className="pt-muted" style={{ margin: 0 }}>
          {t('portal.home.noCarHint')}
        </p>
      </div>
    );
  }
  return (
    <Link to={`/portal/cars/${car.id}`} className="pt-card" style={{ display: 'block' }} data-testid="home-car">
      <div className="pt-card-title">
        <span>{t('portal.home.myCar')}</span>
        <Tag color="success" fill="outline" round>
          {t('portal.home.allGood')}
        </Tag>
      </div>
      <span className="pt-plate">{car.plate ?? t('portal.common.noPlate')}</span>
      <div className="pt-car-model">{car.modelName ?? t('portal.common.unknownModel')}</div>
      <div className="pt-muted">{km(car.lastMileageKm)}</div>
    </Link>
  );
}

function relativeDay(day: string, lang: 'zh-CN' | 'en-US', t: (k: TPortalKey, v?: Record<string, string | number>) => string) {
  const d = daysUntil(day);
  if (d === 0) return t('portal.common.today');
  if (d === 1) return t('portal.common.tomorrow');
  if (d === 2) return `${t('portal.common.dayAfter')} ${dayName(day, lang)}`;
  return dayName(day, lang);
}

export default function HomePage() {
  const { t, lang } = usePortalT();
  const q = useHome();
  if (q.isError) return <Failed error={q.error} onRetry={() => void q.refetch()} />;
  const home = q.data;
  const m = home?.nextMaintenance;
  const a = home?.nextAppointment;
  const overdue = m?.dueDate ? (daysUntil(m.dueDate) ?? 1) < 0 : false;
  // The car that is due is already booked in: say when, rather than urging a booking.
  const booked = m ? home?.garage.vehicles.find((v) => v.id === m.vehicleId)?.nextAppointment : undefined;
  return (
    <>
      <div className="pt-hero">
        <h1 data-testid="home-greeting">
          {home
            ? t('portal.home.greeting', {
                hello: t(`portal.home.${hello()}`),
                name: home.name,
              })
            : t('portal.brand')}
        </h1>
        {home && <p>{t('portal.home.yourStore', { store: home.store.name })}</p>}
      </div>
      <div className="pt-page">
        {!home ? (
          <>
            <CardSkeleton rows={4} />
            <CardSkeleton />
          </>
        ) : (
          <>
            <CarAtAGlance home={home} />
            {a && (
              <Link to="/portal/appointments" className="pt-card" style={{ display: 'block' }} data-testid="home-appointment">
                <div className="pt-card-title">
                  <span>{t('portal.home.nextAppointment')}</span>
                  <RightOutline color="#a7adb8" />
                </div>
                <div className="pt-row">
                  <b style={{ fontSize: 17 }}>
                    {relativeDay(a.localDate, lang, t)} {timeOf(a.slotStart)}
                  </b>
                  <Tag color="primary" fill="outline">
                    {t(`portal.kinds.${a.kind}` as TPortalKey)}
                  </Tag>
                </div>
                <div className="pt-muted" style={{ marginTop: 6 }}>
                  {a.vehicle.plate ?? a.vehicle.modelName} · {a.store.name}
                </div>
              </Link>
            )}
            {m && !(booked && a && booked.id === a.id) && (
              <div className="pt-card" data-testid="home-maintenance">
                <div className="pt-card-title">
                  <span>{t('portal.home.nextMaintenance')}</span>
                  {m.plate && <span className="pt-plate">{m.plate}</span>}
                </div>
                {booked ? (
                  <p style={{ margin: 0 }}>
                    {t('portal.home.maintenanceBooked', {
                      when: `${relativeDay(booked.localDate, lang, t)} ${timeOf(booked.slotStart)}`,
                    })}
                  </p>
                ) : (
                  <>
                    <p
                      style={{
                        margin: '0 0 12px',
                        color: overdue ? 'var(--adm-color-warning)' : undefined,
                      }}
                    >
                      {overdue
                        ? t('portal.home.maintenanceOverdue')
                        : m.dueDate && m.dueKm
                          ? t('portal.home.maintenanceDue', {
                              date: m.dueDate,
                              km: km(m.dueKm),
                            })
                          : m.dueDate
                            ? t('portal.home.maintenanceDueDate', {
                                date: m.dueDate,
                              })
                            : t('portal.home.maintenanceDueKm', {
                                km: km(m.dueKm),
                              })}
                    </p>
                    <Link to={`/portal/appointments/new?vehicleId=${m.vehicleId}&kind=${m.kind ?? 'maintenance'}`}>
                      <Button block color="primary" fill="outline" style={{ borderRadius: 10 }}>
                        {t('portal.home.bookNow')}
                      </Button>
                    </Link>
                  </>
                )}
              </div>
            )}
            <div className="pt-card">
              <div className="pt-card-title">{t('portal.home.shortcuts')}</div>
              <div className="pt-shortcuts">
                {PORTAL_ENTRIES.filter((e) => e.where === 'home').map((e) => (
                  <Link key={e.key} to={e.path} className="pt-shortcut">
                    <span className="pt-shortcut-icon">{e.icon}</span>
                    {t(e.label as TPortalKey)}
                  </Link>
                ))}
              </div>
            </div>
          </>
        )}
      </div>
    </>
  );
}
