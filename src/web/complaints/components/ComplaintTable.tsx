import { Button, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { dateTime } from '../../lib/format';
import type { Complaint } from '../api';
import { NextDue, SeverityTag, StatusTag } from './bits';

/** The dense complaint table of the list page and the customer 360 tab. */
export function ComplaintTable({ rows, loading, hasMore, onMore, showCustomer = true }: { rows: Complaint[]; loading?: boolean; hasMore?: boolean; onMore?: () => void; showCustomer?: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      <Table<Complaint>
        rowKey="id"
        size="middle"
        loading={loading}
        dataSource={rows}
        pagination={false}
        data-testid="complaint-table"
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t('voice.list.number'), dataIndex: 'number', width: 160, render: (_, c) => <Link to={`/complaints/${c.id}`}>{c.number}</Link> },
          { title: t('voice.form.title'), dataIndex: 'title', ellipsis: true, minWidth: 240 },
          ...(showCustomer ? [{ title: t('voice.list.customer'), key: 'customer', width: 120, render: (_: unknown, c: Complaint) => <Link to={`/customers/${c.customer.id}`}>{c.customer.name}</Link> }] : []),
          { title: t('voice.list.type'), dataIndex: 'type', width: 110, render: (v: Complaint['type']) => t(`voice.types.${v}`) },
          { title: t('voice.list.severity'), dataIndex: 'severity', width: 80, render: (v: Complaint['severity']) => <SeverityTag severity={v} /> },
          { title: t('voice.list.status'), dataIndex: 'status', width: 100, render: (v: Complaint['status']) => <StatusTag status={v} /> },
          { title: t('voice.list.assignee'), key: 'assignee', width: 100, render: (_, c) => c.assignee?.displayName ?? '—' },
          { title: t('voice.list.next'), key: 'next', width: 200, render: (_, c) => <NextDue c={c} /> },
          { title: t('voice.list.received'), dataIndex: 'receivedAt', width: 150, render: (v: string) => dateTime(v) },
        ]}
      />
      {hasMore && (
        <div style={{ textAlign: 'center', marginTop: 12 }}>
          <Button onClick={onMore}>{t('voice.list.more')}</Button>
        </div>
      )}
    </>
  );
}
