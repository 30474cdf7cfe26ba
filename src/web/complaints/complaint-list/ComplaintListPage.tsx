import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Input, Select, Space, Switch } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { COMPLAINT_STATUSES, COMPLAINT_TYPES } from '../../../contracts/complaints';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { useSession } from '../../console/session';
import { useComplaints, type ComplaintListQuery } from '../api';
import { ComplaintFormModal } from '../components/ComplaintFormModal';
import { ComplaintTable } from '../components/ComplaintTable';

/** Every complaint of the store with its next deadline; filters in the header row. */
export default function ComplaintListPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { storeId, can } = useSession();
  const [q, setQ] = useState<ComplaintListQuery>({ status: 'open' });
  const [creating, setCreating] = useState(false);
  const list = useComplaints({ ...q, storeId });
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <PageHeader
        title={t('voice.list.title')}
        subtitle={t('voice.list.subtitle')}
        extra={
          can('complaints.write') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="new-complaint">
              {t('voice.list.new')}
            </Button>
          )
        }
      />
      <Card>
        <Space wrap style={{ marginBottom: 12 }}>
          <Input.Search allowClear placeholder={t('voice.list.search')} style={{ width: 260 }} onSearch={(v) => setQ({ ...q, q: v || undefined })} />
          <Select
            style={{ width: 140 }}
            value={q.status ?? ''}
            onChange={(v) => setQ({ ...q, status: v || undefined })}
            aria-label={t('voice.list.status')}
            options={[{ value: '', label: t('voice.list.allStatuses') }, { value: 'open', label: t('voice.list.open') }, ...COMPLAINT_STATUSES.map((s) => ({ value: s.key, label: t(`voice.statuses.${s.key}`) }))]}
          />
          <Select
            style={{ width: 140 }}
            value={q.type ?? ''}
            onChange={(v) => setQ({ ...q, type: v || undefined })}
            aria-label={t('voice.list.type')}
            options={[{ value: '', label: t('voice.list.allTypes') }, ...COMPLAINT_TYPES.map((s) => ({ value: s.key, label: t(`voice.types.${s.key}`) }))]}
          />
          <Space>
            <Switch checked={q.breached === 'true'} onChange={(v) => setQ({ ...q, breached: v ? 'true' : undefined })} aria-label={t('voice.list.breachedOnly')} />
            {t('voice.list.breachedOnly')}
          </Space>
        </Space>
        {list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : !list.isPending && rows.length === 0 ? (
          <EmptyState title={t('voice.list.empty')} hint={t('voice.list.emptyHint')} />
        ) : (
          <ComplaintTable rows={rows} loading={list.isPending} hasMore={list.hasNextPage} onMore={() => void list.fetchNextPage()} />
        )}
      </Card>
      <ComplaintFormModal open={creating} onClose={() => setCreating(false)} onCreated={(c) => void navigate(`/complaints/${c.id}`)} />
    </>
  );
}
