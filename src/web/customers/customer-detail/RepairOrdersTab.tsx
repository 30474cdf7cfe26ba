import { ArrowRightOutlined } from '@ant-design/icons';
import { App, Button, Descriptions, Space, Steps, Table, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { WORKSHOP_STAGES, type CustomerRepairOrder as RepairOrder, type RoKind, type WorkshopStage } from '../../api/types';
import { EmptyState } from '../../components/EmptyState';
import { useSession } from '../../console/session';
import { applyApiError } from '../../lib/forms';
import { dateTime, dayOf, km, money } from '../../lib/format';
import { useAddStage } from '../../service/api';
import { AdvanceModal } from './AdvanceModal';

const KIND_COLOR: Record<string, string> = {
  first_service: 'green',
  maintenance: 'blue',
  repair: 'orange',
  warranty: 'cyan',
  accident: 'red',
  recall: 'magenta',
  inspection: 'default',
};

const totalOf = (ro: RepairOrder) => ro.totalFen;

function StageProgress({ ro, customerId }: { ro: RepairOrder; customerId: string }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const { message } = App.useApp();
  const add = useAddStage(customerId);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const reached = new Map(ro.stages.map((s) => [s.stage, s]));
  const furthest = WORKSHOP_STAGES.indexOf(ro.stage as WorkshopStage);
  const remaining = WORKSHOP_STAGES.slice(furthest + 1);
  const next = remaining[0];
  const closed = ro.stage === 'delivered';
  return (
    <div style={{ padding: '8px 8px 4px' }}>
      <div style={{ display: 'flex', gap: 16, alignItems: 'flex-start' }}>
        <Steps
          size="small"
          className="bk-steps-compact"
          style={{ flex: 1 }}
          current={closed ? furthest : furthest + 1}
          data-testid="workshop-steps"
          items={WORKSHOP_STAGES.map((k, i) => {
            const s = reached.get(k);
            return {
              key: k,
              title: t(`stages.${k}`),
              status: s || i <= furthest ? 'finish' : i === furthest + 1 && !closed ? 'process' : 'wait',
              content: s ? <span className="bk-num" title={s.note || undefined}>{dateTime(s.at).slice(5)}</span> : null,
            };
          })}
        />
        {can('service.write') && next && (
          <Button size="small" type="primary" ghost icon={<ArrowRightOutlined />} onClick={() => (setError(null), setOpen(true))}>
            {t('repairOrders.advanceTo', { step: t(`stages.${next}`) })}
          </Button>
        )}
      </div>
      {ro.note && (
        <Descriptions
          size="small"
          column={1}
          style={{ marginTop: 12 }}
          styles={{ label: { color: '#6b7280', width: 80 } }}
          items={[{ key: 'note', label: t('repairOrders.fields.note'), children: ro.note }]}
        />
      )}
      <AdvanceModal
        open={open}
        title={t('repairOrders.advanceTitle', { roNo: ro.roNo })}
        steps={remaining.map((k) => ({ value: k, label: t(`stages.${k}`) }))}
        pending={add.isPending}
        error={error}
        onCancel={() => setOpen(false)}
        onSubmit={(v) =>
          add.mutate(
            { roId: ro.id, stage: v.step as WorkshopStage, at: v.at.toISOString(), note: v.note?.trim() || undefined },
            {
              onSuccess: () => {
                setOpen(false);
                void message.success(t('repairOrders.advanced', { step: t(`stages.${v.step as WorkshopStage}`) }));
              },
              onError: (e) => setError(applyApiError(undefined, e)),
            },
          )
        }
      />
    </div>
  );
}

export function RepairOrdersTab({ customerId, orders }: { customerId: string; orders: RepairOrder[] }) {
  const { t } = useTranslation();
  const openIds = orders.filter((o) => o.stage !== 'delivered').map((o) => o.id);
  const [expanded, setExpanded] = useState<React.Key[]>(openIds.length ? openIds : orders.slice(0, 1).map((o) => o.id));
  if (orders.length === 0) return <EmptyState title={t('repairOrders.empty')} hint={t('repairOrders.emptyHint')} />;
  const sum = orders.reduce((a, o) => a + totalOf(o), 0);
  return (
    <Table<RepairOrder>
      size="small"
      rowKey="id"
      pagination={false}
      dataSource={orders}
      className="bk-nowrap-head"
      expandable={{ expandedRowKeys: expanded, onExpandedRowsChange: (k) => setExpanded([...k]), expandedRowRender: (ro) => <StageProgress ro={ro} customerId={customerId} /> }}
      columns={[
        { key: 'roNo', title: t('repairOrders.fields.roNo'), dataIndex: 'roNo', width: 170, render: (v: string) => <span className="bk-mono" style={{ whiteSpace: 'nowrap' }}>{v}</span> },
        { key: 'openedAt', title: t('repairOrders.fields.openedAt'), dataIndex: 'openedAt', width: 104, render: (v: string) => <Tooltip title={dateTime(v)}><span className="bk-num">{dayOf(v)}</span></Tooltip> },
        { key: 'vehicle', title: t('repairOrders.fields.vehicle'), width: 96, render: (_: unknown, r) => (r.plate ? <span className="bk-num">{r.plate}</span> : '—') },
        { key: 'kind', title: t('repairOrders.fields.kind'), dataIndex: 'kind', width: 64, render: (k: RoKind) => <Tag color={KIND_COLOR[k]}>{t(`roKinds.${k}`)}</Tag> },
        { key: 'mileage', title: t('repairOrders.fields.mileage'), dataIndex: 'mileageKm', align: 'right', width: 84, render: (v: number | null) => <span className="bk-num">{km(v)}</span> },
        { key: 'labour', title: t('repairOrders.fields.labour'), dataIndex: 'labourFen', align: 'right', width: 84, render: (v: number) => <span className="bk-num">{money(v)}</span> },
        { key: 'parts', title: t('repairOrders.fields.parts'), dataIndex: 'partsFen', align: 'right', width: 84, render: (v: number) => <span className="bk-num">{money(v)}</span> },
        { key: 'total', title: t('repairOrders.fields.total'), align: 'right', width: 100, render: (_: unknown, r) => <span className="bk-num" style={{ fontWeight: 500 }}>{money(totalOf(r))}</span> },
        {
          key: 'faultCodes',
          title: t('repairOrders.fields.faultCodes'),
          dataIndex: 'faultCodes',
          width: 130,
          render: (codes: string[]) =>
            codes.length ? (
              <Space size={4} wrap>
                {codes.map((c) => (
                  <Tag key={c} color="volcano" className="bk-mono" style={{ marginInlineEnd: 0 }}>
                    {c}
                  </Tag>
                ))}
              </Space>
            ) : (
              '—'
            ),
        },
        {
          key: 'stage',
          title: t('repairOrders.fields.stage'),
          dataIndex: 'stage',
          width: 76,
          render: (s: WorkshopStage) => <Tag color={s === 'delivered' ? 'success' : 'processing'}>{t(`stages.${s}`)}</Tag>,
        },
        { key: 'advisor', title: t('repairOrders.fields.advisor'), render: (_: unknown, r) => r.advisor?.displayName ?? '—' },
      ]}
      summary={() => (
        <Table.Summary.Row>
          <Table.Summary.Cell index={0} colSpan={8}>
            <Typography.Text type="secondary">{t('repairOrders.summary', { count: orders.length })}</Typography.Text>
          </Table.Summary.Cell>
          <Table.Summary.Cell index={1} align="right">
            <span className="bk-num" style={{ fontWeight: 600 }}>{money(sum)}</span>
          </Table.Summary.Cell>
          <Table.Summary.Cell index={2} colSpan={3} />
        </Table.Summary.Row>
      )}
    />
  );
}
