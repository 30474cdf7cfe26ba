import { useParams } from 'react-router';
import { useSalesOrder } from '../api';
import { Failed, PageSkeleton, Screen } from '../components';
import { usePortalT } from '../lang';
import { DeliverySteps } from './progress';

/** A new car on order: where it is on its way (订车 → … → 交车). */
export default function OrderPage() {
  const { id = '' } = useParams();
  const { t } = usePortalT();
  const q = useSalesOrder(id);
  return (
    <Screen back title={t('portal.cars.deliveryTitle')}>
      {q.isPending ? (
        <PageSkeleton />
      ) : q.isError ? (
        <Failed error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <div className="pt-page">
          <div className="pt-card">
            <div className="pt-card-title">
              <span>{q.data.modelName ?? t('portal.common.unknownModel')}</span>
              <small>{t('portal.cars.orderNo', { no: q.data.orderNo })}</small>
            </div>
            {q.data.consultantName && (
              <div className="pt-muted" style={{ marginBottom: 12 }}>
                {t('portal.cars.consultant', { name: q.data.consultantName })}
              </div>
            )}
            <DeliverySteps order={q.data} />
          </div>
        </div>
      )}
    </Screen>
  );
}
