import { Button, Dialog, Input, Toast } from 'antd-mobile';
import { useRef, useState } from 'react';
import { REWARD_KIND_LABELS } from '../../../contracts/loyalty';
import { ApiError } from '../../portal/api/client';
import { Empty, Failed, PageSkeleton, Screen } from '../../portal/components';
import { money } from '../../portal/format';
import { usePortalT } from '../../portal/lang';
import { useDonate, useMyLoyalty, useRedeem, useRewards, type Reward } from './api';

/** 兑换: the rewards the owner can redeem (points → coupon in one step) and charity projects with their totals. */
export default function RewardsPage() {
  const { t, lang, localize } = usePortalT<string>();
  const rewards = useRewards();
  const me = useMyLoyalty();
  const redeem = useRedeem();
  const donate = useDonate();
  const [amount, setAmount] = useState('100');
  const amountRef = useRef(amount);
  amountRef.current = amount;
  const fail = (e: unknown) => Toast.show({ icon: 'fail', content: e instanceof ApiError ? localize(e.title) : t('portal.common.networkError') });
  if (rewards.isPending || me.isPending) return <Screen title={t('loyalty.rewards.title')} back="/portal/points"><PageSkeleton /></Screen>;
  if (rewards.isError) return <Screen title={t('loyalty.rewards.title')} back="/portal/points"><Failed error={rewards.error} onRetry={() => void rewards.refetch()} /></Screen>;
  const balance = me.data?.account.balance ?? 0;
  const onRedeem = (r: Reward) =>
    void Dialog.confirm({
      content: t('loyalty.rewards.confirm', { n: r.pointsCost, name: r.name }),
      confirmText: t('portal.common.confirm'),
      cancelText: t('portal.common.cancel'),
      onConfirm: async () => {
        try {
          await redeem.mutateAsync({ rewardId: r.id, idempotencyKey: crypto.randomUUID() });
          Toast.show({ icon: 'success', content: t('loyalty.rewards.done') });
        } catch (e) {
          fail(e);
        }
      },
    });
  const onDonate = (r: Reward) =>
    void Dialog.confirm({
      title: t('loyalty.rewards.donatePrompt'),
      content: <Input type="number" defaultValue={amount} onChange={setAmount} aria-label={t('loyalty.rewards.donatePrompt')} />,
      confirmText: t('portal.common.confirm'),
      cancelText: t('portal.common.cancel'),
      onConfirm: async () => {
        const n = Math.floor(Number(amountRef.current));
        if (!(n > 0)) return;
        try {
          await donate.mutateAsync({ rewardId: r.id, points: n, idempotencyKey: crypto.randomUUID() });
          Toast.show({ icon: 'success', content: t('loyalty.rewards.thanks') });
        } catch (e) {
          fail(e);
        }
      },
    });
  return (
    <Screen title={t('loyalty.rewards.title')} back="/portal/points">
      <div className="pt-page">
        <div className="pt-muted" style={{ margin: '0 4px 10px' }} data-testid="rewards-balance">{t('loyalty.rewards.balance', { n: balance.toLocaleString('en-US') })}</div>
        {rewards.data.length === 0 && <Empty title={t('loyalty.rewards.empty')} hint={t('loyalty.rewards.emptyHint')} />}
        {rewards.data.map((r) => {
          const label = REWARD_KIND_LABELS[r.kind][lang === 'en-US' ? 'en' : 'zh'];
          const soldOut = r.stock !== null && r.stock <= 0;
          return (
            <div key={r.id} className="pt-card lo-reward" data-testid="reward">
              <div className="lo-reward-kind">{label}</div>
              <h3>{r.name}</h3>
              {r.description && <p className="pt-muted">{r.description}</p>}
              {r.kind === 'charity' ? (
                <>
                  <p className="pt-muted">{t('loyalty.rewards.donated', { n: r.donatedPoints.toLocaleString('en-US') })}</p>
                  <Button block color="primary" fill="outline" onClick={() => onDonate(r)}>{t('loyalty.rewards.donate')}</Button>
                </>
              ) : (
                <div className="pt-row" style={{ justifyContent: 'space-between' }}>
                  <div>
                    <b className="pt-num lo-cost">{t('loyalty.rewards.cost', { n: r.pointsCost.toLocaleString('en-US') })}</b>
                    {r.valueFen > 0 && <span className="pt-muted"> · {money(r.valueFen, lang)}</span>}
                    {r.stock !== null && <div className="pt-muted">{soldOut ? t('loyalty.rewards.soldOut') : t('loyalty.rewards.stockLeft', { n: r.stock })}</div>}
                  </div>
                  <Button color="primary" size="middle" disabled={soldOut || balance < r.pointsCost} loading={redeem.isPending && redeem.variables?.rewardId === r.id} onClick={() => onRedeem(r)} aria-label={`${t('loyalty.rewards.redeem')} ${r.name}`}>
                    {t('loyalty.rewards.redeem')}
                  </Button>
                </div>
              )}
            </div>
          );
        })}
      </div>
    </Screen>
  );
}
