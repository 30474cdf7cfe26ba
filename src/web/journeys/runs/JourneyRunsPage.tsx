import { Card, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { dateTime, integer } from '../../lib/format';
import { useJourneyRuns, type JourneyRun } from '../api';

type TReportRow = JourneyRun['report'][number];

/** The run report: per rule evaluated, fired, held back, actions and duration. */
export function RunReportTable({ run }: { run: JourneyRun }) {
  const { t } = useTranslation();
  return (
    <Table<TReportRow>
      rowKey={(r) => `${r.ruleId}`}
      size="small"
      pagination={false}
      dataSource={run.report}
      columns={[
        { title: t('journeys.runs.rule'), key: 'rule', render: (_, r) => <span title={r.code}>{r.name}</span> },
        { title: t('journeys.runs.evaluated'), dataIndex: 'evaluated', align: 'right', render: (n: number) => integer(n) },
        { title: t('journeys.runs.fired'), dataIndex: 'fired', align: 'right', render: (n: number) => integer(n) },
        { title: t('journeys.runs.suppressed'), dataIndex: 'suppressed', align: 'right', render: (n: number) => integer(n) },
        { title: t('journeys.runs.actionCounts'), key: 'actions', render: (_, r) => Object.entries(r.actions).map(([k, v]) => <Tag key={k}>{`${k} ${v}`}</Tag>) },
        { title: t('journeys.runs.duration'), dataIndex: 'durationMs', align: 'right', render: (n: number) => `${integer(n)} ms` },
        { title: t('journeys.runs.error'), dataIndex: 'error', render: (e: string | null) => (e ? <Typography.Text type="danger">{e}</Typography.Text> : null) },
      ]}
    />
  );
}

/** Recent runs (daily, incremental, manual) with their progress; expand one for its report. */
export default function JourneyRunsPage() {
  const { t } = useTranslation();
  const runs = useJourneyRuns();
  if (runs.isError) return <ErrorState error={runs.error} onRetry={() => void runs.refetch()} />;
  return (
    <>
      <PageHeader title={t('journeys.runs.title')} subtitle={t('journeys.runs.subtitle')} />
      <Card>
        <Table<JourneyRun>
          rowKey="id"
          loading={runs.isPending}
          dataSource={runs.data?.items ?? []}
          pagination={false}
          locale={{ emptyText: t('journeys.runs.empty') }}
          expandable={{ expandedRowRender: (r) => <RunReportTable run={r} />, rowExpandable: (r) => r.report.length > 0 }}
          columns={[
            { title: t('journeys.runs.startedAt'), dataIndex: 'startedAt', render: (d: string) => dateTime(d) },
            { title: t('journeys.runs.kind'), dataIndex: 'kind', render: (k: JourneyRun['kind']) => t(`journeys.runs.kinds.${k}`) },
            { title: t('journeys.runs.asOf'), dataIndex: 'asOf' },
            {
              title: t('journeys.runs.status'),
              dataIndex: 'status',
              render: (s: JourneyRun['status'], r) => <Tag color={s === 'failed' || r.error ? 'red' : s === 'running' ? 'blue' : 'green'}>{t(`journeys.runs.statuses.${s}`)}</Tag>,
            },
            { title: t('journeys.runs.progress'), key: 'progress', render: (_, r) => `${r.progress.done}/${r.progress.total}` },
            { title: t('journeys.runs.fired'), key: 'fired', align: 'right', render: (_, r) => integer(r.report.reduce((a, x) => a + x.fired, 0)) },
            { title: t('journeys.runs.duration'), dataIndex: 'durationMs', align: 'right', render: (n: number | null) => (n === null ? '—' : `${(n / 1000).toFixed(1)} s`) },
          ]}
        />
      </Card>
    </>
  );
}
