import { ArrowRightOutlined } from '@ant-design/icons';
import { App, Button, Card, Descriptions, Space, Steps, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DELIVERY_MILESTONE_KEYS, type CustomerSalesOrder as SalesOrder, type CustomerVehicle, type DeliveryMilestone } from '../../api/types';
import { EmptyState } from '../../components/EmptyState';
import { useSession } from '../../console/session';
import { applyApiError } from '../../lib/forms';
import { dateTime, money } from '../../lib/format';
import { useAddMilestone } from '../../sales/api';
import { AdvanceModal } from './AdvanceModal';

const STATUS_COLOR: Record<string, string> = { open: 'processing', delivered: 'success', cancelled: 'default' };
type OrderStatus = 'open' | 'delivered' | 'cancelled';

function OrderCard({ order, customerId, vehicle }: { order: SalesOrder; customerId: string; vehicle?: CustomerVehicle }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const { message } = App.useApp();
  const add = useAddMilestone(customerId);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const reached = new Map(order.milestones.map((m) => [m.milestone, m]));
  const furthest = DELIVERY_MILESTONE_KEYS.indexOf(order.milestone as DeliveryMilestone);
  const remaining = DELIVERY_MILESTONE_KEYS.slice(furthest + 1);
  const next = remaining[0];
  const canAdvance = can('sales.write') && order.status === 'open' && !!next;

  const items = DELIVERY_MILESTONE_KEYS.map((k, i) => {
    const m = reached.get(k);
    const status = m || i <= furthest ? 'finish' : i === furthest + 1 && order.status === 'open' ? 'process' : 'wait';
    return {
      key: k,
      title: t(`milestones.${k}`),
      status: status as 'finish' | 'process' | 'wait',
      content: m ? (
        <span className="bk-num" style={{ fontSize: 12 }} title={m.note || undefined}>
          {dateTime(m.at)}
        </span>
      ) : i < furthest ? (
        <span className="bk-muted" style={{ fontSize: 12 }}>{t('milestones.skipped')}</span>
      ) : null,
    };
  });

  return (
    <Card
      size="small"
      data-testid="sales-order"
      title={
        <Space size={8}>
          <span className="bk-num">{order.orderNo}</span>
          <Tag color={STATUS_COLOR[order.status]}>{t(`salesOrders.status.${order.status as OrderStatus}`)}</Tag>
          <Typography.Text type="secondary" style={{ fontWeight: 400 }}>
            {order.modelName ?? t('vehicles.unknownModel')}
          </Typography.Text>
        </Space>
      }
      extra={
        canAdvance && (
          <Button size="small" type="primary" ghost icon={<ArrowRightOutlined />} onClick={() => (setError(null), setOpen(true))}>
            {t('salesOrders.advanceTo', { step: t(`milestones.${next}`) })}
          </Button>
        )
      }
    >
      <Descriptions
        size="small"
        column={4}
        styles={{ label: { color: '#6b7280' } }}
        items={[
          { key: 'price', label: t('salesOrders.fields.price'), children: <span className="bk-num">{money(order.priceFen)}</span> },
          { key: 'orderedAt', label: t('salesOrders.fields.orderedAt'), children: <span className="bk-num">{dateTime(order.orderedAt)}</span> },
          { key: 'consultant', label: t('salesOrders.fields.consultant'), children: order.consultant?.displayName ?? '—' },
          {
            key: 'vehicle',
            label: t('salesOrders.fields.vehicle'),
            children: vehicle ? <span className="bk-num">{vehicle.plate ?? vehicle.vin}</span> : '—',
          },
          { key: 'deliveredAt', label: t('salesOrders.fields.deliveredAt'), children: <span className="bk-num">{dateTime(order.deliveredAt)}</span> },
        ]}
      />
      <Steps size="small" style={{ marginTop: 12 }} current={order.status === 'open' ? furthest + 1 : furthest} items={items} className="bk-steps-compact" data-testid="delivery-steps" />
      {order.note && (
        <Typography.Paragraph type="secondary" style={{ margin: '10px 0 0', fontSize: 12 }}>
          {order.note}
        </Typography.Paragraph>
      )}
      <AdvanceModal
        open={open}
        title={t('salesOrders.advanceTitle', { orderNo: order.orderNo })}
        steps={remaining.map((k) => ({ value: k, label: t(`milestones.${k}`) }))}
        pending={add.isPending}
        error={error}
        onCancel={() => setOpen(false)}
        onSubmit={(v) =>
          add.mutate(
            { orderId: order.id, milestone: v.step as DeliveryMilestone, at: v.at.toISOString(), note: v.note?.trim() || undefined },
            {
              onSuccess: () => {
                setOpen(false);
                void message.success(t('salesOrders.advanced', { step: t(`milestones.${v.step as DeliveryMilestone}`) }));
              },
              onError: (e) => setError(applyApiError(undefined, e)),
            },
          )
        }
      />
    </Card>
  );
}

export function SalesOrdersTab({ customerId, orders, vehicles }: { customerId: string; orders: SalesOrder[]; vehicles: CustomerVehicle[] }) {
  const { t } = useTranslation();
  if (orders.length === 0) return <EmptyState title={t('salesOrders.empty')} hint={t('salesOrders.emptyHint')} />;
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      {orders.map((o) => (
        <OrderCard key={o.id} order={o} customerId={customerId} vehicle={vehicles.find((v) => v.id === o.vehicleId)} />
      ))}
    </Space>
  );
}
