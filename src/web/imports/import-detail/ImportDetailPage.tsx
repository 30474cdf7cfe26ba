import { Card, Descriptions, Skeleton, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { useSession } from '../../console/session';
import { localize } from '../../i18n';
import { dateTime, integer } from '../../lib/format';
import { useImport } from '../api';
import { ImportProgress } from '../components/ImportProgress';
import { ImportStatusTag } from '../components/ImportStatusTag';

export default function ImportDetailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const { storeName } = useSession();
  const job = useImport(id);
  if (job.isPending)
    return (
      <Card>
        <Skeleton active paragraph={{ rows: 6 }} />
      </Card>
    );
  if (job.isError) return <ErrorState error={job.error} onRetry={() => void job.refetch()} />;
  const j = job.data;
  const rejections = j.preview?.sampleRejections ?? [];
  return (
    <>
      <PageHeader crumbs={[{ title: t('nav.imports'), to: '/imports' }, { title: j.fileName }]}
        docTitle={j.fileName} title={
          <span>
            {j.fileName} <ImportStatusTag status={j.status} />
          </span>
        }
      />
      <Card>
        <Descriptions
          size="small"
          column={3}
          style={{ marginBottom: 20 }}
          items={[
            { key: 'kind', label: t('imports.history.kind'), children: t(`imports.kinds.${j.kind}`) },
            { key: 'store', label: t('imports.history.store'), children: storeName(j.storeId) },
            { key: 'rows', label: t('imports.history.rows'), children: integer(j.totalRows) },
            { key: 'createdAt', label: t('imports.history.createdAt'), children: dateTime(j.createdAt) },
            { key: 'startedAt', label: t('imports.detail.startedAt'), children: dateTime(j.startedAt) },
            { key: 'finishedAt', label: t('imports.detail.finishedAt'), children: dateTime(j.finishedAt) },
            { key: 'by', label: t('imports.history.by'), children: j.createdBy?.displayName ?? '—' },
          ]}
        />
        {j.status === 'uploaded' || j.status === 'previewed' ? (
          <Typography.Paragraph type="secondary">{t('imports.detail.notRun')}</Typography.Paragraph>
        ) : (
          <ImportProgress job={j} />
        )}
      </Card>
      {rejections.length > 0 && (
        <Card title={t('imports.preview.sampleRejections')} style={{ marginTop: 16 }} styles={{ body: { padding: 0 } }}>
          <Table
            size="small"
            rowKey={(r) => String(r.row)}
            pagination={false}
            dataSource={rejections}
            columns={[
              { key: 'row', title: t('imports.preview.row'), dataIndex: 'row', width: 80 },
              { key: 'reason', title: t('imports.preview.reason'), dataIndex: 'reason', render: (r: string) => localize(r) },
            ]}
          />
        </Card>
      )}
    </>
  );
}
