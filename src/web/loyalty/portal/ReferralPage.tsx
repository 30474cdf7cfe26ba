import { Button, Steps, Toast } from 'antd-mobile';
import { Empty, Failed, PageSkeleton, Screen } from '../../portal/components';
import { dateOf, money } from '../../portal/format';
import { usePortalT } from '../../portal/lang';
import { useReferral } from './api';

const FLOW = ['submitted', 'visited', 'test_drive', 'ordered', 'delivered'] as const;

/** 推荐: my code and share link, the reward ladder, and each friend's progress. */
export default function ReferralPage() {
  const { t, lang } = usePortalT<string>();
  const q = useReferral();
  if (q.isPending) return <Screen title={t('loyalty.referral.title')} back="/portal/points"><PageSkeleton /></Screen>;
  if (q.isError) return <Screen title={t('loyalty.referral.title')} back="/portal/points"><Failed error={q.error} onRetry={() => void q.refetch()} /></Screen>;
  const r = q.data;
  const link = `${window.location.origin}/portal/r/${r.code}`;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
    } catch {
      /* older WebViews: the link is shown for long-press copy */
    }
    Toast.show({ icon: 'success', content: t('loyalty.referral.copied') });
  };
  const tiers = [...r.settings.tiers].sort((a, b) => a.nth - b.nth);
  return (
    <Screen title={t('loyalty.referral.title')} back="/portal/points">
      <div className="pt-page">
        <div className="pt-card">
          <p style={{ marginTop: 0 }}>{t('loyalty.referral.intro')}</p>
          <div className="pt-muted">{t('loyalty.referral.myCode')}</div>
          <div className="lo-code-big pt-num" data-testid="referral-code">{r.code}</div>
          <div className="lo-link" data-testid="referral-link">{link}</div>
          <Button block color="primary" onClick={() => void copy()} style={{ marginTop: 12 }}>{t('loyalty.referral.copy')}</Button>
        </div>
        <div className="pt-card">
          <h2 className="pt-card-title">{t('loyalty.referral.ladder')}</h2>
          {tiers.map((x, i) => (
            <div key={x.nth} className="lo-entry">
              <span>{i === tiers.length - 1 ? t('loyalty.referral.nthPlus', { n: x.nth }) : t('loyalty.referral.nth', { n: x.nth })}</span>
              <b>{x.title} {money(x.valueFen, lang).replace(/\.00$/, '')}</b>
            </div>
          ))}
          <p className="pt-muted" style={{ marginBottom: 0 }}>{t('loyalty.referral.referee', { title: r.settings.refereeTitle, value: money(r.settings.refereeDiscountFen, lang).replace(/\.00$/, '') })}</p>
        </div>
        <div className="pt-card">
          <h2 className="pt-card-title">{t('loyalty.referral.progress')}</h2>
          {r.referrals.length === 0 && <Empty title={t('loyalty.referral.none')} hint={t('loyalty.referral.noneHint')} />}
          {r.referrals.map((f) => (
            <div key={f.id} className="lo-friend" data-testid="referral" data-status={f.status}>
              <div className="pt-row" style={{ justifyContent: 'space-between' }}>
                <b>{f.friendName}</b>
                <span className="pt-muted">{dateOf(f.createdAt)}{f.rewarded ? ` · ${t('loyalty.referral.rewarded')}` : ''}</span>
              </div>
              {f.status === 'lost' ? (
                <div className="pt-muted">{t('loyalty.referral.steps.lost')}</div>
              ) : (
                <Steps current={FLOW.indexOf(f.status as (typeof FLOW)[number])} style={{ '--title-font-size': '12px', padding: '8px 0 0' }}>
                  {FLOW.map((s) => (
                    <Steps.Step key={s} title={t(`loyalty.referral.steps.${s}`)} />
                  ))}
                </Steps>
              )}
            </div>
          ))}
        </div>
      </div>
    </Screen>
  );
}
