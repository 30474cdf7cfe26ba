import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Table, Tag, Tooltip } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CustomerVehicle as Vehicle, VehicleStatus } from '../../api/types';
import { EmptyState } from '../../components/EmptyState';
import { useSession } from '../../console/session';
import { date, daysUntil, km } from '../../lib/format';
import { VehicleFormModal } from './VehicleFormModal';

/** A date that is soon (≤ 60 days) or past gets a colour, so renewals stand out. */
function DueDate({ value }: { value: string | null }) {
  const { t } = useTranslation();
  const days = daysUntil(value);
  if (!value || days === null) return <span className="bk-muted">—</span>;
  if (days < 0) return <Tooltip title={t('vehicles.expired')}><Tag color="default" className="bk-num">{date(value)}</Tag></Tooltip>;
  if (days <= 60) return <Tooltip title={t('vehicles.dueIn', { days })}><Tag color="orange" className="bk-num">{date(value)}</Tag></Tooltip>;
  return <span className="bk-num">{date(value)}</span>;
}

export function VehiclesTab({ customerId, vehicles }: { customerId: string; vehicles: Vehicle[] }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const [editing, setEditing] = useState<Vehicle | 'new' | null>(null);
  const writable = can('vehicles.write');
  return (
    <>
      {writable && vehicles.length > 0 && (
        <div className="bk-toolbar" style={{ justifyContent: 'flex-end' }}>
          <Button icon={<PlusOutlined />} onClick={() => setEditing('new')}>
            {t('vehicles.add')}
          </Button>
        </div>
      )}
      <Table<Vehicle>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={vehicles}
        scroll={{ x: 'max-content' }}
        locale={{
          emptyText: (
            <EmptyState
              title={t('vehicles.empty')}
              hint={t('vehicles.emptyHint')}
              action={writable && <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>{t('vehicles.add')}</Button>}
            />
          ),
        }}
        columns={[
          { key: 'model', title: t('vehicles.fields.model'), render: (_: unknown, v) => v.modelName ?? <span className="bk-muted">{t('vehicles.unknownModel')}</span> },
          { key: 'plate', title: t('vehicles.fields.plate'), dataIndex: 'plate', render: (p: string | null) => (p ? <span className="bk-num" style={{ fontWeight: 500 }}>{p}</span> : '—') },
          { key: 'vin', title: t('vehicles.fields.vin'), dataIndex: 'vin', render: (v: string) => <span className="bk-mono">{v}</span> },
          { key: 'color', title: t('vehicles.fields.color'), dataIndex: 'color', render: (c: string) => c || '—' },
          { key: 'purchaseDate', title: t('vehicles.fields.purchaseDate'), dataIndex: 'purchaseDate', render: (d: string | null) => <span className="bk-num">{date(d)}</span> },
          {
            key: 'mileage',
            title: t('vehicles.fields.lastMileageKm'),
            align: 'right',
            render: (_: unknown, v) => (
              <span className="bk-num">
                {km(v.lastMileageKm)}
                {v.lastMileageAt && <div className="bk-muted" style={{ fontSize: 11 }}>{date(v.lastMileageAt)}</div>}
              </span>
            ),
          },
          { key: 'insuranceExpiry', title: t('vehicles.fields.insuranceExpiry'), dataIndex: 'insuranceExpiry', render: (d: string | null) => <DueDate value={d} /> },
          { key: 'warrantyEnd', title: t('vehicles.fields.warrantyEnd'), dataIndex: 'warrantyEnd', render: (d: string | null) => <DueDate value={d} /> },
          {
            key: 'status',
            title: t('vehicles.fields.status'),
            dataIndex: 'status',
            render: (s: VehicleStatus) => <Tag color={s === 'in_use' ? 'green' : 'default'}>{t(`vehicles.status.${s}`)}</Tag>,
          },
          ...(writable
            ? [
                {
                  key: 'actions',
                  title: t('common.actions'),
                  width: 80,
                  render: (_: unknown, v: Vehicle) => (
                    <Button size="small" type="link" icon={<EditOutlined />} onClick={() => setEditing(v)} style={{ paddingInline: 0 }}>
                      {t('common.edit')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      <VehicleFormModal open={editing !== null} onClose={() => setEditing(null)} customerId={customerId} vehicle={editing && editing !== 'new' ? editing : undefined} />
    </>
  );
}
