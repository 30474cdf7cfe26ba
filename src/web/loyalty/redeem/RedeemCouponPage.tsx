import { Alert, App, Button, Card, Descriptions, Input, Radio, Result, Space, Tag } from 'antd';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import { PageHeader } from '../../components/PageHeader';
import { useCustomer } from '../../customers/api';
import { localize } from '../../i18n';
import { dateTime, money } from '../../lib/format';
import { useFindCoupon, useRedeemCoupon, type Coupon } from '../api';
import { useLoyaltyT } from '../useT';

const STATE_COLORS: Record<Coupon['state'], string> = { issued: 'green', redeemed: 'default', void: 'red', expired: 'orange' };

function OwnerRos({ customerId, value, onChange }: { customerId: string; value: string | null; onChange(id: string): void }) {
  const { t, tt } = useLoyaltyT();
  const c = useCustomer(customerId);
  if (c.isPending) return null;
  const ros = c.data?.repairOrders ?? [];
  if (ros.length === 0) return <Alert type="warning" showIcon title={t('loyalty.redeem.noRo')} />;
  return (
    <Radio.Group value={value} onChange={(e) => onChange(e.target.value as string)} style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
      {ros.slice(0, 10).map((r) => (
        <Radio key={r.id} value={r.id} data-testid="ro-option">
          {r.roNo} · {tt(`roKinds.${r.kind}`)} · {tt(`stages.${r.stage}`)} · {money(r.totalFen)} · {dateTime(r.openedAt)}
        </Radio>
      ))}
    </Radio.Group>
  );
}

/** 核销: a scanner (keyboard wedge) or the advisor types the code; pick the owner's RO; redeem — once, ever. */
export default function RedeemCouponPage() {
  const { t, tt } = useLoyaltyT();
  const { message } = App.useApp();
  const [code, setCode] = useState('');
  const [ro, setRo] = useState<string | null>(null);
  const find = useFindCoupon();
  const redeem = useRedeemCoupon();
  const coupon = redeem.data ?? find.data;
  const err = (e: unknown) => (e instanceof ApiError ? localize(e.title) : String(e));
  const lookup = () => {
    setRo(null);
    redeem.reset();
    if (code.trim()) find.mutate(code.trim());
  };
  return (
    <>
      <PageHeader title={t('loyalty.redeem.title')} subtitle={t('loyalty.redeem.subtitle')} />
      <Card style={{ maxWidth: 760 }}>
        <Space.Compact style={{ width: '100%' }}>
          <Input size="large" autoFocus value={code} onChange={(e) => setCode(e.target.value)} onPressEnter={lookup} placeholder={t('loyalty.redeem.placeholder')} aria-label={t('loyalty.redeem.code')} data-testid="coupon-code-input" maxLength={40} />
          <Button size="large" type="primary" onClick={lookup} loading={find.isPending}>{t('loyalty.redeem.find')}</Button>
        </Space.Compact>
        {find.isError && <Alert style={{ marginTop: 16 }} type="error" showIcon title={err(find.error)} />}
        {coupon && (
          <div style={{ marginTop: 20 }} data-testid="coupon-found">
            {redeem.isSuccess && <Result status="success" title={t('loyalty.redeem.done')} subTitle={`${coupon.title} · ${coupon.display}`} />}
            <Descriptions bordered column={2} size="middle">
              <Descriptions.Item label={t('loyalty.redeem.code')}>{coupon.display}</Descriptions.Item>
              <Descriptions.Item label={t('loyalty.redeem.state')}><Tag color={STATE_COLORS[coupon.state]} data-testid="coupon-state">{tt(`loyalty.redeem.states.${coupon.state}`)}</Tag></Descriptions.Item>
              <Descriptions.Item label={t('loyalty.redeem.owner')}>{coupon.customerName ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('loyalty.redeem.value')}>{coupon.title} {coupon.valueFen > 0 ? money(coupon.valueFen) : ''}</Descriptions.Item>
              <Descriptions.Item label={t('loyalty.redeem.validUntil')} span={2}>{dateTime(coupon.validUntil)}</Descriptions.Item>
            </Descriptions>
            {coupon.state === 'issued' && !redeem.isSuccess && (
              <div style={{ marginTop: 16 }}>
                <div style={{ marginBottom: 8, fontWeight: 500 }}>{t('loyalty.redeem.pickRo')}</div>
                <OwnerRos customerId={coupon.customerId} value={ro} onChange={setRo} />
                {redeem.isError && <Alert style={{ marginTop: 12 }} type="error" showIcon title={err(redeem.error)} />}
                <Button
                  type="primary"
                  size="large"
                  style={{ marginTop: 16 }}
                  disabled={!ro}
                  loading={redeem.isPending}
                  onClick={() => redeem.mutate({ code: coupon.code, repairOrderId: ro! }, { onSuccess: () => void message.success(t('loyalty.redeem.done')) })}
                >
                  {t('loyalty.redeem.submit')}
                </Button>
              </div>
            )}
          </div>
        )}
      </Card>
    </>
  );
}
