import { Tag } from 'antd-mobile';
import { useParams } from 'react-router';
import { useRepairOrder } from '../api';
import { Failed, PageSkeleton, Screen } from '../components';
import { dateTime, km } from '../format';
import { usePortalT, type TPortalKey } from '../lang';
import { WorkshopSteps } from './progress';
import { RoCharges } from './RoCharges';

/** One repair order of the owner's: stages, charges, advisor. */
export default function RepairOrderPage() {
  const { id = '' } = useParams();
  const { t } = usePortalT();
  const q = useRepairOrder(id);
  return (
    <Screen back title={t('portal.cars.repairOrder')}>
      {q.isPending ? (
        <PageSkeleton />
      ) : q.isError ? (
        <Failed error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <div className="pt-page">
          <div className="pt-card">
            <div className="pt-card-title">
              <span>{t(`portal.kinds.${q.data.kind}` as TPortalKey)}</span>
              <Tag color={q.data.closedAt ? 'success' : 'warning'} fill="outline">
                {t(`portal.stages.${q.data.stage}` as TPortalKey)}
              </Tag>
            </div>
            <div className="pt-muted">{t('portal.cars.roNo', { no: q.data.roNo })}</div>
            <div className="pt-kv" style={{ marginTop: 12 }}>
              <div>
                <span>{t('portal.cars.openedAt')}</span>
                <b className="pt-num">{dateTime(q.data.openedAt)}</b>
              </div>
              <div>
                <span>{t('portal.cars.closedAt')}</span>
                <b className="pt-num">{dateTime(q.data.closedAt)}</b>
              </div>
              <div>
                <span>{t('portal.cars.mileage')}</span>
                <b>{km(q.data.mileageKm)}</b>
              </div>
            </div>
            {q.data.advisorName && (
              <div className="pt-muted" style={{ marginTop: 10 }}>
                {t('portal.cars.advisor', { name: q.data.advisorName })}
              </div>
            )}
          </div>
          <div className="pt-card">
            <WorkshopSteps ro={q.data} />
          </div>
          <RoCharges ro={q.data} />
        </div>
      )}
    </Screen>
  );
}
