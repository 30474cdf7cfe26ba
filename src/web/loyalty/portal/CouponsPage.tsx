import { Popup, Tabs } from 'antd-mobile';
import { useState } from 'react';
import { Empty, Failed, PageSkeleton, Screen } from '../../portal/components';
import { dateOf, dateTime, money } from '../../portal/format';
import { usePortalT } from '../../portal/lang';
import { useCoupons, type Coupon } from './api';

const STATES = ['issued', 'redeemed', 'expired'] as const;

/** 卡券: my coupons by state; a valid one opens big with its QR code for the advisor to scan. */
export default function CouponsPage() {
  const { t, lang } = usePortalT<string>();
  const [state, setState] = useState<(typeof STATES)[number]>('issued');
  const q = useCoupons(state);
  const [open, setOpen] = useState<Coupon | null>(null);
  return (
    <Screen title={t('loyalty.coupons.title')} back="/portal/points">
      <Tabs activeKey={state} onChange={(k) => setState(k as (typeof STATES)[number])} style={{ background: '#fff' }}>
        {STATES.map((s) => (
          <Tabs.Tab key={s} title={t(`loyalty.coupons.${s}`)} />
        ))}
      </Tabs>
      {q.isPending ? (
        <PageSkeleton />
      ) : q.isError ? (
        <Failed error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <div className="pt-page">
          {q.data.items.length === 0 && <Empty title={t('loyalty.coupons.empty')} hint={t('loyalty.coupons.emptyHint')} />}
          {q.data.items.map((c) => (
            <button type="button" key={c.id} className={`pt-card lo-coupon lo-coupon-${c.state}`} data-testid="coupon" data-state={c.state} onClick={() => c.state === 'issued' && setOpen(c)}>
              <div className="lo-coupon-value pt-num">{c.valueFen > 0 ? money(c.valueFen, lang).replace(/\.00$/, '') : '🎁'}</div>
              <div className="lo-coupon-body">
                <b>{c.title}</b>
                <div className="pt-muted">{c.state === 'redeemed' ? t('loyalty.coupons.usedAt', { date: dateTime(c.redeemedAt) }) : t('loyalty.coupons.validUntil', { date: dateOf(c.validUntil) })}</div>
                <div className="lo-code pt-num">{c.display}</div>
              </div>
              <span className="lo-coupon-state">{c.state === 'issued' ? t('loyalty.coupons.show') : t(`loyalty.coupons.${c.state}`)}</span>
            </button>
          ))}
        </div>
      )}
      <Popup visible={!!open} onMaskClick={() => setOpen(null)} onClose={() => setOpen(null)} bodyStyle={{ borderTopLeftRadius: 16, borderTopRightRadius: 16, padding: '20px 16px 28px' }}>
        {open && (
          <div className="lo-qr" data-testid="coupon-qr">
            <b>{open.title}</b>
            {open.qr && <img src={open.qr} alt={open.display} width={220} height={220} />}
            <div className="lo-code-big pt-num">{open.display}</div>
            <div className="pt-muted">{t('loyalty.coupons.showHint')}</div>
          </div>
        )}
      </Popup>
    </Screen>
  );
}
