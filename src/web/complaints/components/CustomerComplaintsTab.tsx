import { PlusOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EmptyState } from '../../components/EmptyState';
import { useCan } from '../../console/session';
import { useComplaints } from '../api';
import { ComplaintFormModal } from './ComplaintFormModal';
import { ComplaintTable } from './ComplaintTable';

/** The customer 360's complaints tab: this owner's complaints with their deadlines, and "new complaint". */
export function CustomerComplaintsTab({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const can = useCan();
  const [creating, setCreating] = useState(false);
  const q = useComplaints({ customerId });
  const rows = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      {can('complaints.write') && (
        <Button icon={<PlusOutlined />} onClick={() => setCreating(true)} style={{ marginBottom: 12 }}>
          {t('voice.list.new')}
        </Button>
      )}
      {!q.isPending && rows.length === 0 ? <EmptyState title={t('voice.customerTab.empty')} /> : <ComplaintTable rows={rows} loading={q.isPending} showCustomer={false} hasMore={q.hasNextPage} onMore={() => void q.fetchNextPage()} />}
      <ComplaintFormModal open={creating} onClose={() => setCreating(false)} customerId={customerId} />
    </>
  );
}
