import { DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Col, Progress, Row, Statistic, Steps } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ImportJob } from '../../api/types';
import { localize } from '../../i18n';
import { errorFileUrl } from '../api';

const PHASES = ['read', 'match', 'write'] as const;

/**
 * Live progress and the outcome counts of one import, with the error file when rows were rejected. A running import
 * shows its step (read and check the file, match it against the records, write them); the bar counts the rows read.
 */
export function ImportProgress({ job }: { job: ImportJob }) {
  const { t } = useTranslation();
  const running = job.status === 'queued' || job.status === 'running';
  const percent = job.totalRows > 0 ? Math.min(100, Math.floor((job.processedRows / job.totalRows) * 100)) : job.status === 'completed' ? 100 : 0;
  const step = job.status === 'completed' ? PHASES.length : job.phase ? PHASES.indexOf(job.phase) : -1;
  return (
    <div>
      {(job.status === 'running' || job.status === 'completed') && (
        <Steps
          size="small"
          className="bk-steps-compact"
          style={{ marginBottom: 12 }}
          current={Math.max(step, 0)}
          data-testid="import-phases"
          items={PHASES.map((p, i) => ({
            key: p,
            title: t(`imports.phase.${p}`),
            status: i < step ? 'finish' : i === step ? 'process' : 'wait',
          }))}
        />
      )}
      <Progress
        percent={percent}
        // Past reading, the bar is full and the step above says what is happening; a "100%" would read as done.
        showInfo={job.status !== 'running' || job.phase === 'read'}
        status={job.status === 'failed' ? 'exception' : job.status === 'completed' ? 'success' : 'active'}
        aria-label={t('imports.progress.label')}
        data-testid="import-progress"
      />
      <div className="bk-muted bk-num" style={{ margin: '4px 0 16px', fontSize: 12 }} data-testid="import-progress-text">
        {job.status === 'queued'
          ? t('imports.progress.queued')
          : t('imports.progress.rows', { processed: job.processedRows.toLocaleString('en-US'), total: job.totalRows.toLocaleString('en-US') })}
        {job.status === 'running' && job.phase && job.phase !== 'read' && <span data-testid="import-phase-hint"> · {t(`imports.phaseHint.${job.phase}`)}</span>}
      </div>
      <Row gutter={16}>
        <Col span={6}>
          <Statistic title={t('imports.counts.created')} value={job.createdCount} styles={{ content: { color: '#1e8e3e' } }} />
        </Col>
        <Col span={6}>
          <Statistic title={t('imports.counts.updated')} value={job.updatedCount} styles={{ content: { color: '#1d5bd8' } }} />
        </Col>
        <Col span={6}>
          <Statistic title={t('imports.counts.unchanged')} value={job.unchangedCount} />
        </Col>
        <Col span={6}>
          <Statistic title={t('imports.counts.rejected')} value={job.rejectedCount} styles={{ content: { color: job.rejectedCount ? '#d4380d' : undefined } }} />
        </Col>
      </Row>
      {job.status === 'failed' && (
        <Alert type="error" showIcon style={{ marginTop: 16 }} title={t('imports.progress.failed')} description={job.error ? localize(job.error) : undefined} />
      )}
      {job.status === 'completed' && (
        <Alert
          type={job.rejectedCount ? 'warning' : 'success'}
          showIcon
          style={{ marginTop: 16 }}
          data-testid="import-result"
          title={job.rejectedCount ? t('imports.progress.doneWithRejects', { count: job.rejectedCount }) : t('imports.progress.done')}
          action={
            job.hasErrorFile && (
              <Button icon={<DownloadOutlined />} href={errorFileUrl(job.id)} download data-testid="download-errors">
                {t('imports.downloadErrors')}
              </Button>
            )
          }
        />
      )}
      {running && <div style={{ height: 0 }} aria-live="polite" />}
    </div>
  );
}
