import { DownloadOutlined } from '@ant-design/icons';
import { Button, Card, Col, DatePicker, Progress, Row, Space, Statistic, Table, Tag } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { apiUrl } from '../../api/client';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { useSession } from '../../console/session';
import { dateTime, dayjs } from '../../lib/format';
import { Chart } from '../../surveys/nps-report/Chart';
import { useWeekly } from '../api';

/** The CX officer's weekly review: what came in, why, where, who, repeat complainants, deadlines met, the trend. */
export default function WeeklyReviewPage() {
  const { t } = useTranslation();
  const { storeId } = useSession();
  const [week, setWeek] = useState<string | undefined>();
  const q = useWeekly(storeId, week);
  const w = q.data;
  const trend = useMemo(
    () =>
      w && {
        tooltip: { trigger: 'axis' },
        legend: { top: 0, data: [t('voice.weekly.received'), t('voice.weekly.compliance')] },
        grid: { left: 48, right: 48, top: 48, bottom: 30 },
        xAxis: { type: 'category', data: w.trend.map((p) => p.weekStart) },
        yAxis: [{ type: 'value', name: t('voice.weekly.count') }, { type: 'value', min: 0, max: 100, name: '%', splitLine: { show: false } }],
        series: [
          { name: t('voice.weekly.received'), type: 'bar', data: w.trend.map((p) => p.received), itemStyle: { color: '#1677ff' } },
          { name: t('voice.weekly.compliance'), type: 'line', yAxisIndex: 1, data: w.trend.map((p) => p.compliance), itemStyle: { color: '#389e0d' } },
        ],
      },
    [w, t],
  );
  const pct = (v: number | null) => (v === null ? '—' : `${v}%`);
  return (
    <>
      <PageHeader
        title={t('voice.weekly.title')}
        subtitle={t('voice.weekly.subtitle')}
        extra={
          <Space>
            <DatePicker picker="week" value={w ? dayjs(w.trend.at(-1)!.weekStart) : undefined} onChange={(d) => setWeek(d ? d.format('YYYY-MM-DD') : undefined)} aria-label={t('voice.weekly.week')} />
            <Button icon={<DownloadOutlined />} href={apiUrl('/complaints/weekly/export', { storeId, week })} data-testid="weekly-export">
              {t('voice.weekly.export')}
            </Button>
          </Space>
        }
      />
      {q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !w ? (
        <Card loading />
      ) : (
        <>
          <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
            {(
              [
                ['received', w.totals.received, `${t('voice.weekly.previous')} ${w.totals.previousReceived}`],
                ['closed', w.totals.closed],
                ['open', w.totals.open],
                ['urgent', w.totals.urgent],
                ['reopened', w.totals.reopened],
              ] as const
            ).map(([k, v, hint]) => (
              <Col xs={12} md={4} key={k}>
                <Card>
                  <Statistic title={t(`voice.weekly.${k}`)} value={v} />
                  {hint && <div className="bk-muted">{hint}</div>}
                </Card>
              </Col>
            ))}
            <Col xs={12} md={4}>
              <Card>
                <Statistic title={t('voice.weekly.compliance')} value={pct(w.compliance)} />
              </Card>
            </Col>
          </Row>
          <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
            <Col xs={24} lg={12}>
              <Card title={t('voice.weekly.byType')}>
                <Table
                  rowKey="type"
                  size="small"
                  pagination={false}
                  dataSource={w.byType}
                  columns={[
                    { title: t('voice.list.type'), dataIndex: 'type', render: (v: string) => t(`voice.types.${v}` as never) },
                    { title: t('voice.weekly.count'), dataIndex: 'count', width: 90 },
                    { title: t('voice.weekly.previous'), dataIndex: 'previous', width: 90, render: (v: number, r) => <span>{v} {r.count > v ? <Tag color="red">↑</Tag> : r.count < v ? <Tag color="green">↓</Tag> : null}</span> },
                  ]}
                />
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card title={t('voice.weekly.sla')}>
                {w.sla.map((s) => (
                  <div key={s.stage} style={{ display: 'flex', alignItems: 'center', gap: 12, marginBottom: 12 }}>
                    <span style={{ width: 72, flex: 'none' }}>{t(`voice.stages.${s.stage}`)}</span>
                    <Progress percent={s.compliance ?? 0} size="small" status={s.compliance !== null && s.compliance < 90 ? 'exception' : 'normal'} format={() => pct(s.compliance)} style={{ flex: 1, margin: 0 }} />
                    <span className="bk-muted" style={{ width: 130, flex: 'none', textAlign: 'right' }}>
                      {t('voice.weekly.onTime')} {s.onTime} · {t('voice.weekly.late')} {s.late}
                    </span>
                  </div>
                ))}
              </Card>
            </Col>
          </Row>
          <Card title={t('voice.weekly.trend')} style={{ marginBottom: 12 }}>
            {trend && <Chart option={trend} height={240} testId="weekly-trend" />}
          </Card>
          <Row gutter={[12, 12]}>
            <Col xs={24} lg={8}>
              <Card title={t('voice.weekly.byRootCause')}>
                <Table rowKey="rootCause" size="small" pagination={false} dataSource={w.byRootCause} columns={[{ title: t('voice.detail.rootCause'), dataIndex: 'rootCause' }, { title: t('voice.weekly.count'), dataIndex: 'count', width: 80 }]} />
              </Card>
            </Col>
            <Col xs={24} lg={8}>
              <Card title={t('voice.weekly.byStore')} style={{ marginBottom: 12 }}>
                <Table rowKey="storeId" size="small" pagination={false} dataSource={w.byStore} columns={[{ title: '', dataIndex: 'storeName' }, { title: t('voice.weekly.count'), dataIndex: 'count', width: 70 }, { title: 'SLA', dataIndex: 'compliance', width: 80, render: pct }]} />
              </Card>
              <Card title={t('voice.weekly.byAdvisor')}>
                <Table rowKey={(r) => r.staff?.id ?? 'none'} size="small" pagination={false} dataSource={w.byAdvisor} columns={[{ title: '', key: 'n', render: (_, r) => r.staff?.displayName ?? t('voice.weekly.none') }, { title: t('voice.weekly.count'), dataIndex: 'count', width: 70 }]} />
              </Card>
            </Col>
            <Col xs={24} lg={8}>
              <Card title={t('voice.weekly.repeat')}>
                <Table
                  rowKey={(r) => r.customer.id}
                  size="small"
                  pagination={false}
                  locale={{ emptyText: t('voice.weekly.noRepeat') }}
                  dataSource={w.repeatComplainants}
                  columns={[
                    { title: t('voice.list.customer'), key: 'c', render: (_, r) => <Link to={`/customers/${r.customer.id}`}>{r.customer.name}</Link> },
                    { title: t('voice.weekly.count'), dataIndex: 'count', width: 60 },
                    { title: t('voice.list.received'), dataIndex: 'lastAt', width: 140, render: (v: string) => dateTime(v) },
                  ]}
                />
              </Card>
            </Col>
          </Row>
        </>
      )}
    </>
  );
}
