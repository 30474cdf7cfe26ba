import { Alert, Progress, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { useJourneyRun } from '../api';

/** A running (or just finished) run's progress bar, polled every second. */
export function RunProgress({ runId, onClose }: { runId: string; onClose?: () => void }) {
  const { t } = useTranslation();
  const run = useJourneyRun(runId);
  const r = run.data;
  if (!r) return null;
  const fired = r.report.reduce((a, x) => a + x.fired, 0);
  const pct = r.progress.total ? Math.round((100 * r.progress.done) / r.progress.total) : r.status === 'running' ? 0 : 100;
  const done = r.status !== 'running';
  return (
    <Alert
      style={{ marginBottom: 16 }}
      type={r.status === 'failed' || r.error ? 'warning' : done ? 'success' : 'info'}
      closable={done}
      onClose={onClose}
      data-testid="run-progress"
      message={
        <Space direction="vertical" style={{ width: '100%' }}>
          <span>{done ? t('journeys.editor.runDone', { fired }) : t('journeys.editor.running', { done: r.progress.done, total: r.progress.total })}</span>
          <Progress percent={pct} status={done ? (r.status === 'failed' ? 'exception' : 'success') : 'active'} size="small" />
          {r.error && <span>{r.error}</span>}
        </Space>
      }
    />
  );
}
