import { App, Button, Card, Col, Descriptions, Form, Input, InputNumber, Modal, Row, Statistic, Table, Tag, Timeline } from 'antd';
import { useState } from 'react';
import { useSession } from '../../console/session';
import { localize } from '../../i18n';
import { applyApiError } from '../../lib/forms';
import { dateTime, money } from '../../lib/format';
import { useAccount, useAdjust, useCustomerCoupons, useLedger, type Coupon, type LedgerEntry } from '../api';
import { useLoyaltyT } from '../useT';

/** The 会员 tab of the customer 360: tier and history, points ledger, coupons, manual adjustment. */
export function MemberTab({ customerId }: { customerId: string }) {
  const { t, tt, en } = useLoyaltyT();
  const { message } = App.useApp();
  const { can } = useSession();
  const acc = useAccount(customerId);
  const ledger = useLedger(customerId);
  const coupons = useCustomerCoupons(customerId);
  const adjust = useAdjust(customerId);
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ points: number; reason: string }>();
  const a = acc.data;
  const tierName = (x: { nameZh: string; nameEn: string } | null | undefined) => (x ? (en ? x.nameEn : x.nameZh) : '—');
  return (
    <div data-testid="member-tab">
      <Row gutter={16}>
        <Col xs={24} lg={16}>
          <Card size="small" loading={acc.isPending} extra={can('loyalty.adjust') && <Button onClick={() => setOpen(true)} data-testid="adjust-points">{t('loyalty.member.adjust')}</Button>}>
            <Row gutter={16}>
              <Col span={6}><Statistic title={t('loyalty.member.balance')} value={a?.balance ?? 0} /></Col>
              <Col span={6}><Statistic title={t('loyalty.member.tier')} value={tierName(a?.tier)} /></Col>
              <Col span={6}><Statistic title={t('loyalty.member.points12m')} value={a?.points12m ?? 0} /></Col>
              <Col span={6}><Statistic title={t('loyalty.member.expiring')} value={a?.expiringPoints ?? 0} suffix={a?.expiringAt ? <small style={{ fontSize: 12 }}>{dateTime(a.expiringAt)}</small> : undefined} /></Col>
            </Row>
          </Card>
          <Card size="small" title={t('loyalty.member.ledger')} style={{ marginTop: 16 }}>
            <Table<LedgerEntry>
              rowKey="id"
              size="small"
              loading={ledger.isPending}
              dataSource={ledger.data?.items ?? []}
              pagination={{ pageSize: 10 }}
              columns={[
                { title: '', dataIndex: 'createdAt', render: (d: string) => dateTime(d), width: 160 },
                { title: '', dataIndex: 'kind', render: (k: string) => <Tag>{tt(`loyalty.member.kinds.${k}`)}</Tag>, width: 80 },
                { title: '', dataIndex: 'reason', render: (r: string) => localize(r) },
                { title: '', dataIndex: 'points', align: 'right', render: (p: number) => <b style={{ color: p > 0 ? '#1a7f37' : '#b42318' }}>{p > 0 ? `+${p}` : p}</b> },
              ]}
              showHeader={false}
            />
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card size="small" title={t('loyalty.member.tierHistory')}>
            {(a?.tierHistory.length ?? 0) === 0 ? (
              <span style={{ color: '#667085' }}>{t('loyalty.member.none')}</span>
            ) : (
              <Timeline items={a!.tierHistory.map((h) => ({ children: <><b>{h.fromCode} → {h.toCode}</b><div style={{ color: '#667085' }}>{dateTime(h.at)} · {localize(h.reason)}</div></> }))} />
            )}
          </Card>
          <Card size="small" title={t('loyalty.member.coupons')} style={{ marginTop: 16 }}>
            {(coupons.data?.items ?? []).length === 0 && <span style={{ color: '#667085' }}>{t('loyalty.member.none')}</span>}
            {(coupons.data?.items ?? []).map((c: Coupon) => (
              <Descriptions key={c.id} size="small" column={1} style={{ marginBottom: 12 }} title={<span>{c.title} <Tag color={c.state === 'issued' ? 'green' : 'default'}>{tt(`loyalty.redeem.states.${c.state}`)}</Tag></span>}>
                <Descriptions.Item label="#">{c.display}</Descriptions.Item>
                <Descriptions.Item label="¥">{money(c.valueFen)}</Descriptions.Item>
                <Descriptions.Item label="⏱">{dateTime(c.validUntil)}</Descriptions.Item>
              </Descriptions>
            ))}
          </Card>
        </Col>
      </Row>
      <Modal
        open={open}
        title={t('loyalty.member.adjust')}
        onCancel={() => setOpen(false)}
        confirmLoading={adjust.isPending}
        onOk={() =>
          void form.validateFields().then((v) =>
            adjust.mutate(v, { onSuccess: () => { setOpen(false); form.resetFields(); void message.success(t('loyalty.member.adjusted')); }, onError: (e) => void message.error(applyApiError(form, e)) }),
          )
        }
      >
        <Form form={form} layout="vertical">
          <Form.Item name="points" label={t('loyalty.member.points')} rules={[{ required: true }]}><InputNumber precision={0} min={-1_000_000} max={1_000_000} style={{ width: 200 }} /></Form.Item>
          <Form.Item name="reason" label={t('loyalty.member.reason')} rules={[{ required: true, min: 2, max: 200 }]}><Input /></Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
