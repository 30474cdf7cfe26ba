import { DownloadOutlined } from '@ant-design/icons';
import { Button, Card, Skeleton, Space, Table, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ImportJob } from '../../api/types';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { useSession } from '../../console/session';
import { dateTime, integer } from '../../lib/format';
import { errorFileUrl, useImports } from '../api';
import { ImportStatusTag } from '../components/ImportStatusTag';
import { ImportWizard } from './ImportWizard';

function History() {
  const { t } = useTranslation();
  const { storeName, groupWide } = useSession();
  const list = useImports();
  if (list.isError) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  return (
    <Table<ImportJob>
      size="small"
      rowKey="id"
      dataSource={list.data?.items ?? []}
      pagination={false}
      scroll={{ x: 'max-content' }}
      data-testid="import-history"
      locale={{
        emptyText: list.isPending ? <Skeleton active title={false} paragraph={{ rows: 4 }} /> : <EmptyState title={t('imports.history.empty')} hint={t('imports.history.emptyHint')} />,
      }}
      columns={[
        { key: 'createdAt', title: t('imports.history.createdAt'), dataIndex: 'createdAt', width: 150, render: (v: string) => <span className="bk-num">{dateTime(v)}</span> },
        { key: 'file', title: t('imports.history.file'), dataIndex: 'fileName', ellipsis: true, render: (v: string, r) => <Link to={`/imports/${r.id}`}>{v}</Link> },
        { key: 'kind', title: t('imports.history.kind'), dataIndex: 'kind', width: 100, render: (k: ImportJob['kind']) => t(`imports.kinds.${k}`) },
        ...(groupWide ? [{ key: 'store', title: t('imports.history.store'), width: 170, render: (_: unknown, r: ImportJob) => storeName(r.storeId) }] : []),
        { key: 'status', title: t('imports.history.status'), dataIndex: 'status', width: 90, render: (s: ImportJob['status']) => <ImportStatusTag status={s} /> },
        { key: 'rows', title: t('imports.history.rows'), dataIndex: 'totalRows', align: 'right', width: 80, render: (v: number) => <span className="bk-num">{integer(v)}</span> },
        { key: 'created', title: t('imports.counts.created'), dataIndex: 'createdCount', align: 'right', width: 70, render: (v: number) => <span className="bk-num">{integer(v)}</span> },
        { key: 'updated', title: t('imports.counts.updated'), dataIndex: 'updatedCount', align: 'right', width: 70, render: (v: number) => <span className="bk-num">{integer(v)}</span> },
        { key: 'unchanged', title: t('imports.counts.unchanged'), dataIndex: 'unchangedCount', align: 'right', width: 70, render: (v: number) => <span className="bk-num">{integer(v)}</span> },
        {
          key: 'rejected',
          title: t('imports.counts.rejected'),
          dataIndex: 'rejectedCount',
          align: 'right',
          width: 70,
          render: (v: number) => <span className="bk-num" style={{ color: v ? '#d4380d' : undefined }}>{integer(v)}</span>,
        },
        { key: 'by', title: t('imports.history.by'), width: 90, render: (_: unknown, r) => r.createdBy?.displayName ?? '—' },
        {
          key: 'actions',
          title: t('common.actions'),
          width: 120,
          render: (_: unknown, r) => (
            <Space size={4}>
              <Link to={`/imports/${r.id}`}>{t('common.view')}</Link>
              {r.hasErrorFile && (
                <Tooltip title={t('imports.downloadErrors')}>
                  <Button size="small" type="link" icon={<DownloadOutlined />} href={errorFileUrl(r.id)} download aria-label={t('imports.downloadErrors')} />
                </Tooltip>
              )}
            </Space>
          ),
        },
      ]}
    />
  );
}

export default function ImportsPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('imports.title')} subtitle={t('imports.subtitle')} />
      <ImportWizard />
      <Card title={t('imports.history.title')} style={{ marginTop: 16 }} styles={{ body: { padding: 0 } }}>
        <History />
      </Card>
    </>
  );
}
