import { App, Button, Card, Col, DatePicker, Form, Input, Modal, Row, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { PageHeader } from '../../components/PageHeader';
import { ErrorState } from '../../components/ErrorState';
import { EmptyState } from '../../components/EmptyState';
import { useSession } from '../../console/session';
import { useCustomerSearch } from '../../customers/api';
import { applyApiError } from '../../lib/forms';
import { dateTime, dayjs } from '../../lib/format';
import { useCreateReferral, useLeaderboard, useReferralStatus, useReferrals, type Referral } from '../api';
import { useLoyaltyT } from '../useT';

const COLORS: Record<string, string> = { submitted: 'default', visited: 'blue', test_drive: 'cyan', ordered: 'gold', delivered: 'green', lost: 'red' };

function ReferrerSelect({ value, onChange }: { value?: string; onChange?: (v: string) => void }) {
  const { t } = useLoyaltyT();
  const [q, setQ] = useState('');
  const s = useCustomerSearch(q);
  return (
    <Select showSearch value={value} onChange={onChange} filterOption={false} onSearch={setQ} placeholder={t('loyalty.referrals.searchReferrer')} loading={s.isFetching} options={(s.data?.items ?? []).map((c) => ({ value: c.id, label: `${c.name} ${c.mobileMasked ?? ''}` }))} />
  );
}

/** Referrals with their progress, staff entry, visited / test drive / lost, and the monthly 推荐达人 board. */
export default function ReferralsPage() {
  const { t, tt } = useLoyaltyT();
  const { message } = App.useApp();
  const { can } = useSession();
  const writable = can('referrals.write');
  const q = useReferrals();
  const [month, setMonth] = useState(dayjs().format('YYYY-MM'));
  const board = useLeaderboard(month);
  const create = useCreateReferral();
  const status = useReferralStatus();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ referrerCustomerId: string; friendName: string; friendMobile: string; interestedModel?: string }>();
  const act = (r: Referral, s: 'visited' | 'test_drive' | 'lost') => status.mutate({ id: r.id, status: s }, { onError: (e) => void message.error(applyApiError(undefined, e)) });
  return (
    <>
      <PageHeader title={t('loyalty.referrals.title')} extra={writable && <Button type="primary" onClick={() => setOpen(true)}>{t('loyalty.referrals.add')}</Button>} />
      <Row gutter={16}>
        <Col xs={24} xl={17}>
          <Card>
            {q.isError ? (
              <ErrorState error={q.error} onRetry={() => void q.refetch()} />
            ) : !q.isPending && q.data.items.length === 0 ? (
              <EmptyState title={t('loyalty.referrals.empty')} hint={t('loyalty.referrals.emptyHint')} />
            ) : (
              <Table<Referral>
                rowKey="id"
                size="middle"
                loading={q.isPending}
                dataSource={q.data?.items ?? []}
                pagination={{ pageSize: 20 }}
                columns={[
                  { title: t('loyalty.referrals.referrer'), render: (_, r) => <Link to={`/customers/${r.referrer.id}`}>{r.referrer.name}</Link> },
                  { title: t('loyalty.referrals.friend'), render: (_, r) => (r.friendCustomerId ? <Link to={`/customers/${r.friendCustomerId}`}>{r.friendName}</Link> : r.friendName) },
                  { title: t('loyalty.referrals.mobile'), dataIndex: 'friendMobileMasked' },
                  { title: t('loyalty.referrals.model'), dataIndex: 'interestedModel' },
                  { title: t('loyalty.referrals.status'), dataIndex: 'status', render: (s: string) => <Tag color={COLORS[s]} data-testid="referral-status">{tt(`loyalty.referrals.statuses.${s}`)}</Tag> },
                  { title: t('loyalty.referrals.channel'), dataIndex: 'channel', render: (c: string) => tt(`loyalty.referrals.channels.${c}`) },
                  { title: t('loyalty.referrals.reward'), render: (_, r) => (r.rewardedAt ? t('loyalty.referrals.rewarded', { n: r.rewardRank ?? 1 }) : '—') },
                  { title: t('loyalty.referrals.createdAt'), dataIndex: 'createdAt', render: (d: string) => dateTime(d) },
                  ...(writable
                    ? [
                        {
                          title: '',
                          render: (_: unknown, r: Referral) =>
                            ['submitted', 'visited', 'test_drive'].includes(r.status) && (
                              <Space size={4}>
                                {r.status === 'submitted' && <Button size="small" onClick={() => act(r, 'visited')}>{t('loyalty.referrals.visited')}</Button>}
                                {r.status !== 'test_drive' && <Button size="small" onClick={() => act(r, 'test_drive')}>{t('loyalty.referrals.testDrive')}</Button>}
                                <Button size="small" danger onClick={() => act(r, 'lost')}>{t('loyalty.referrals.lost')}</Button>
                              </Space>
                            ),
                        },
                      ]
                    : []),
                ]}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} xl={7}>
          <Card title={t('loyalty.referrals.leaderboard')} extra={<DatePicker picker="month" value={dayjs(`${month}-01`)} allowClear={false} onChange={(d) => d && setMonth(d.format('YYYY-MM'))} />}>
            <Table
              rowKey="customerId"
              size="small"
              pagination={false}
              loading={board.isPending}
              dataSource={board.data?.rows ?? []}
              columns={[
                { title: '#', dataIndex: 'rank', width: 40 },
                { title: t('loyalty.referrals.referrer'), dataIndex: 'name', render: (n: string, x) => <Link to={`/customers/${x.customerId}`}>{n}</Link> },
                { title: t('loyalty.referrals.delivered'), dataIndex: 'delivered', align: 'right' },
                { title: t('loyalty.referrals.referred'), dataIndex: 'referred', align: 'right' },
              ]}
            />
          </Card>
        </Col>
      </Row>
      <Modal
        open={open}
        title={t('loyalty.referrals.add')}
        onCancel={() => setOpen(false)}
        confirmLoading={create.isPending}
        onOk={() => void form.validateFields().then((v) => create.mutate(v, { onSuccess: () => { setOpen(false); form.resetFields(); }, onError: (e) => void message.error(applyApiError(form, e)) }))}
      >
        <Form form={form} layout="vertical">
          <Form.Item name="referrerCustomerId" label={t('loyalty.referrals.referrer')} rules={[{ required: true }]}><ReferrerSelect /></Form.Item>
          <Form.Item name="friendName" label={t('loyalty.referrals.friend')} rules={[{ required: true, max: 50 }]}><Input /></Form.Item>
          <Form.Item name="friendMobile" label={t('loyalty.referrals.mobile')} rules={[{ required: true }]}><Input maxLength={20} /></Form.Item>
          <Form.Item name="interestedModel" label={t('loyalty.referrals.model')}><Input maxLength={100} /></Form.Item>
        </Form>
      </Modal>
    </>
  );
}
