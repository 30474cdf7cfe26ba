import { InfiniteScroll, ProgressBar } from 'antd-mobile';
import { Link } from 'react-router';
import { Empty, Failed, PageSkeleton, Screen } from '../../portal/components';
import { dateOf, dateTime } from '../../portal/format';
import { usePortalT } from '../../portal/lang';
import { useLedger, useMyLoyalty } from './api';

/** 会员: tier, balance, progress to the next tier, benefits, shortcuts, points history. */
export default function PointsPage() {
  const { t, lang } = usePortalT<string>();
  const q = useMyLoyalty();
  const ledger = useLedger();
  if (q.isPending) return <Screen title={t('loyalty.member.title')}><PageSkeleton /></Screen>;
  if (q.isError) return <Screen title={t('loyalty.member.title')}><Failed error={q.error} onRetry={() => void q.refetch()} /></Screen>;
  const a = q.data.account;
  const tierName = (x: { nameZh: string; nameEn: string } | null) => (x ? (lang === 'en-US' ? x.nameEn : x.nameZh) : '');
  const need = a.nextTier ? Math.max(0, a.nextTier.minPoints12m - a.points12m) : 0;
  const pct = a.nextTier && a.nextTier.minPoints12m > 0 ? Math.min(100, Math.round((a.points12m / a.nextTier.minPoints12m) * 100)) : 100;
  const entries = ledger.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Screen title={t('loyalty.member.title')}>
      <div className="pt-hero lo-hero" data-testid="member-card">
        <div className="lo-tier" data-testid="member-tier">{tierName(a.tier)}</div>
        <div className="lo-balance-label">{t('loyalty.member.points')}</div>
        <div className="lo-balance pt-num" data-testid="member-balance">{a.balance.toLocaleString('en-US')}</div>
        <p>{t('loyalty.member.points12m', { n: a.points12m.toLocaleString('en-US') })}</p>
      </div>
      <div className="pt-page">
        <div className="pt-card">
          {a.nextTier ? (
            <>
              <div style={{ marginBottom: 8 }}>{t('loyalty.member.next', { n: need.toLocaleString('en-US'), tier: tierName(a.nextTier) })}</div>
              <ProgressBar percent={pct} style={{ '--track-width': '8px' }} />
            </>
          ) : (
            <div>{t('loyalty.member.top')}</div>
          )}
          {a.expiringPoints > 0 && a.expiringAt && (
            <div className="lo-warn" role="status">{t('loyalty.member.expiring', { n: a.expiringPoints, date: dateOf(new Date(new Date(a.expiringAt).getTime() - 1000).toISOString()) })}</div>
          )}
        </div>
        <div className="pt-card">
          <div className="pt-shortcuts" style={{ gridTemplateColumns: 'repeat(3, 1fr)' }}>
            <Link to="/portal/rewards" className="pt-shortcut"><span className="pt-shortcut-icon">🎁</span>{t('loyalty.member.redeem')}</Link>
            <Link to="/portal/coupons" className="pt-shortcut"><span className="pt-shortcut-icon">🎫</span>{t('loyalty.member.coupons')}</Link>
            <Link to="/portal/referral" className="pt-shortcut"><span className="pt-shortcut-icon">🤝</span>{t('loyalty.member.referral')}</Link>
          </div>
        </div>
        {a.tier && a.tier.benefits.length > 0 && (
          <div className="pt-card">
            <h2 className="pt-card-title">{t('loyalty.member.benefits')}</h2>
            <ul className="lo-benefits">
              {a.tier.benefits.map((b) => (
                <li key={b.zh}>{lang === 'en-US' ? b.en || b.zh : b.zh}</li>
              ))}
            </ul>
          </div>
        )}
        <div className="pt-card">
          <h2 className="pt-card-title">{t('loyalty.member.history')}</h2>
          {entries.length === 0 && !ledger.isPending && <Empty title={t('loyalty.member.noHistory')} hint={t('loyalty.member.noHistoryHint')} />}
          {entries.map((e) => (
            <div key={e.id} className="lo-entry" data-testid="ledger-entry">
              <div>
                <div className="lo-entry-reason">{e.reason.split(' / ')[lang === 'en-US' ? 1 : 0] ?? e.reason}</div>
                <div className="pt-muted">{t(`loyalty.kinds.${e.kind}`)} · {dateTime(e.createdAt)}</div>
              </div>
              <b className={`pt-num ${e.points > 0 ? 'lo-plus' : 'lo-minus'}`}>{e.points > 0 ? `+${e.points}` : e.points}</b>
            </div>
          ))}
          {entries.length > 0 && ledger.hasNextPage && <InfiniteScroll loadMore={async () => void (await ledger.fetchNextPage())} hasMore={!!ledger.hasNextPage} />}
        </div>
      </div>
    </Screen>
  );
}
