import { Steps, Tag } from 'antd-mobile';
import { useParams } from 'react-router';
import { Failed, PageSkeleton, Screen } from '../../portal/components';
import { dateTime } from '../../portal/format';
import { usePortalT } from '../../portal/lang';
import { useMyComplaint } from './api';

type K = `complaints.${string}`;

/** One complaint as the owner follows it: status, the steps so far, the resolution. */
export default function MyComplaintPage() {
  const { id = '' } = useParams();
  const { t } = usePortalT<K>();
  const q = useMyComplaint(id);
  return (
    <Screen title={t('complaints.progress')} back="/portal/complaints">
      {q.isPending ? (
        <PageSkeleton />
      ) : q.isError ? (
        <Failed error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <div className="pt-page">
          <section className="pt-card">
            <div className="pt-card-title">
              {q.data.title} <Tag color={q.data.status === 'closed' ? 'success' : 'primary'}>{t(`complaints.statuses.${q.data.status}`)}</Tag>
            </div>
            <div className="pt-muted">{q.data.number}</div>
            {q.data.resolution && (
              <p>
                {t('complaints.result')}：{q.data.resolution}
              </p>
            )}
          </section>
          <section className="pt-card" data-testid="complaint-steps">
            <Steps direction="vertical" current={q.data.timeline.length - 1}>
              {q.data.timeline.map((e) => (
                <Steps.Step key={e.id} title={t(`complaints.steps.${e.kind}`)} description={`${dateTime(e.at)}${e.note ? ` · ${e.note}` : ''}`} status="finish" />
              ))}
            </Steps>
          </section>
        </div>
      )}
    </Screen>
  );
}
