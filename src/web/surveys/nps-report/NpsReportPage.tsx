import { Card, Col, DatePicker, Drawer, Empty, List, Row, Segmented, Select, Space, Statistic, Table, Tag } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { SURVEY_TOUCHPOINTS } from '../../../contracts/surveys';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { useSession } from '../../console/session';
import { dateTime, dayjs } from '../../lib/format';
import { useNps, useResponses, type NpsQuery, type ResponsesQuery } from '../api';
import { Chart } from './Chart';

const npsColor = (v: number | null, target: number) => (v === null ? 'default' : v >= target ? 'green' : v >= 0 ? 'orange' : 'red');

/** NPS and CSAT by store, advisor, consultant or touchpoint; the trend against the target line; verbatims; drill-down. */
export default function NpsReportPage() {
  const { t } = useTranslation();
  const { storeId } = useSession();
  const [q, setQ] = useState<NpsQuery>({ groupBy: 'store', interval: 'week' });
  const [drill, setDrill] = useState<ResponsesQuery | null>(null);
  const r = useNps({ ...q, storeId });
  const answers = useResponses(drill);
  const d = r.data;
  const option = useMemo(
    () =>
      d && {
        tooltip: { trigger: 'axis' },
        legend: { top: 0, data: [t('voice.nps.nps'), t('voice.nps.answers')] },
        grid: { left: 48, right: 56, top: 48, bottom: 30 },
        xAxis: { type: 'category', data: d.trend.map((p) => p.period) },
        yAxis: [
          { type: 'value', min: -100, max: 100, name: 'NPS' },
          { type: 'value', name: t('voice.nps.answers'), splitLine: { show: false } },
        ],
        series: [
          {
            name: t('voice.nps.nps'),
            type: 'line',
            smooth: true,
            data: d.trend.map((p) => p.nps),
            markLine: { symbol: 'none', lineStyle: { type: 'dashed', color: '#cf1322' }, label: { position: 'insideEndTop', formatter: `${t('voice.nps.target')} ${d.target}` }, data: [{ yAxis: d.target }] },
          },
          { name: t('voice.nps.answers'), type: 'bar', yAxisIndex: 1, data: d.trend.map((p) => p.n), itemStyle: { color: '#d6e4ff' } },
        ],
      },
    [d, t],
  );
  const groupFilter = (key: string): ResponsesQuery => {
    const base: ResponsesQuery = { storeId, from: d?.from, to: d?.to, touchpoint: q.touchpoint };
    if (q.groupBy === 'store') return { ...base, storeId: key };
    if (q.groupBy === 'advisor') return { ...base, advisorId: key || undefined };
    if (q.groupBy === 'consultant') return { ...base, consultantId: key || undefined };
    return { ...base, touchpoint: key };
  };
  return (
    <>
      <PageHeader title={t('voice.nps.title')} subtitle={t('voice.nps.subtitle', { target: d?.target ?? 40 })} />
      <Card style={{ marginBottom: 12 }}>
        <Space wrap>
          <Segmented
            value={q.groupBy}
            onChange={(v) => setQ({ ...q, groupBy: v as NpsQuery['groupBy'] })}
            options={[
              { value: 'store', label: t('voice.nps.byStore') },
              { value: 'advisor', label: t('voice.nps.byAdvisor') },
              { value: 'consultant', label: t('voice.nps.byConsultant') },
              { value: 'touchpoint', label: t('voice.nps.byTouchpoint') },
            ]}
          />
          <Segmented value={q.interval} onChange={(v) => setQ({ ...q, interval: v as 'week' | 'month' })} options={[{ value: 'week', label: t('voice.nps.week') }, { value: 'month', label: t('voice.nps.month') }]} />
          <Select
            style={{ width: 200 }}
            value={q.touchpoint ?? ''}
            aria-label={t('voice.templates.touchpoint')}
            onChange={(v) => setQ({ ...q, touchpoint: v || undefined })}
            options={[{ value: '', label: t('voice.nps.allTouchpoints') }, ...SURVEY_TOUCHPOINTS.map((x) => ({ value: x.key, label: t(`voice.touchpoints.${x.key}`) }))]}
          />
          <DatePicker.RangePicker
            value={d ? [dayjs(d.from), dayjs(d.to)] : undefined}
            onChange={(v) => setQ({ ...q, from: v?.[0]?.format('YYYY-MM-DD'), to: v?.[1]?.format('YYYY-MM-DD') })}
            allowClear={false}
          />
        </Space>
      </Card>
      {r.isError ? (
        <ErrorState error={r.error} onRetry={() => void r.refetch()} />
      ) : !d ? (
        <Card loading />
      ) : (
        <>
          <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
            <Col xs={12} md={6}>
              <Card>
                <Statistic title={t('voice.nps.nps')} value={d.overall.nps ?? '—'} styles={{ content: { color: d.overall.nps !== null && d.overall.nps >= d.target ? '#237804' : '#cf1322' } }} />
                <div className="bk-muted" data-testid="nps-value">
                  {t('voice.nps.target')} ≥ {d.target}
                </div>
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card>
                <Statistic title={t('voice.nps.csat')} value={d.overall.csat ?? '—'} suffix="/ 5" />
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card>
                <Statistic title={t('voice.nps.answers')} value={d.overall.n} />
                <div className="bk-muted" style={{ fontSize: 12, marginTop: 4 }} data-testid="nps-response-rate">
                  {d.invitations.rate === null ? t('voice.nps.noInvitations') : t('voice.nps.responseRate', { rate: d.invitations.rate, answered: d.invitations.answered, sent: d.invitations.sent })}
                </div>
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card>
                <Space size="large">
                  <Statistic title={t('voice.nps.promoters')} value={d.overall.promoters} styles={{ content: { color: '#237804' } }} />
                  <Statistic title={t('voice.nps.passives')} value={d.overall.passives} />
                  <Statistic title={t('voice.nps.detractors')} value={d.overall.detractors} styles={{ content: { color: '#cf1322' } }} />
                </Space>
              </Card>
            </Col>
          </Row>
          <Card title={t('voice.nps.trend')} style={{ marginBottom: 12 }}>
            {d.trend.length ? option && <Chart option={option} testId="nps-trend" /> : <Empty description={t('voice.nps.empty')} />}
          </Card>
          <Row gutter={[12, 12]}>
            <Col xs={24} lg={14}>
              <Card>
                <Table
                  rowKey="key"
                  size="middle"
                  pagination={false}
                  dataSource={d.groups}
                  data-testid="nps-groups"
                  columns={[
                    { title: t(`voice.nps.by${q.groupBy[0]!.toUpperCase()}${q.groupBy.slice(1)}` as never), dataIndex: 'label' },
                    { title: t('voice.nps.nps'), dataIndex: 'nps', width: 90, render: (v: number | null) => <Tag color={npsColor(v, d.target)}>{v ?? '—'}</Tag> },
                    { title: t('voice.nps.csat'), dataIndex: 'csat', width: 80, render: (v: number | null) => v ?? '—' },
                    { title: t('voice.nps.answers'), dataIndex: 'n', width: 80 },
                    { title: t('voice.nps.detractors'), dataIndex: 'detractors', width: 80 },
                    { key: 'drill', width: 90, render: (_, g) => <a onClick={() => setDrill(groupFilter(g.key))}>{t('voice.nps.drill')}</a> },
                  ]}
                />
              </Card>
            </Col>
            <Col xs={24} lg={10}>
              <Card title={t('voice.nps.verbatims')} data-testid="verbatims" styles={{ body: { maxHeight: 520, overflowY: 'auto' } }}>
                <List
                  dataSource={d.verbatims}
                  locale={{ emptyText: t('voice.nps.noVerbatims') }}
                  renderItem={(v) => (
                    <List.Item>
                      <div>
                        <Space>
                          <Tag color={npsColor(v.nps, 9)}>NPS {v.nps ?? '—'}</Tag>
                          <span className="bk-muted">
                            {v.customerName} · {t(`voice.touchpoints.${v.touchpoint}`)} · {dateTime(v.submittedAt)}
                          </span>
                        </Space>
                        <div style={{ marginTop: 4 }}>“{v.verbatim}”</div>
                      </div>
                    </List.Item>
                  )}
                />
              </Card>
            </Col>
          </Row>
        </>
      )}
      <Drawer open={drill !== null} onClose={() => setDrill(null)} title={t('voice.nps.drillTitle')} size={560}>
        <List
          loading={answers.isPending}
          dataSource={answers.data ?? []}
          renderItem={(a) => (
            <List.Item>
              <div style={{ width: '100%' }}>
                <Space>
                  <Link to={`/customers/${a.customer.id}`}>{a.customer.name}</Link>
                  <Tag color={npsColor(a.nps, 9)}>NPS {a.nps ?? '—'}</Tag>
                  {a.csat !== null && <Tag>CSAT {a.csat}</Tag>}
                  {a.complaintId && <Link to={`/complaints/${a.complaintId}`}>{t('voice.nav.complaints')}</Link>}
                </Space>
                <div className="bk-muted">
                  {a.templateName} · {dateTime(a.submittedAt)}
                </div>
                {a.answers.map((x) => (
                  <div key={x.question} style={{ fontSize: 13 }}>
                    <span className="bk-muted">{x.question}</span> {x.answer}
                  </div>
                ))}
              </div>
            </List.Item>
          )}
        />
      </Drawer>
    </>
  );
}
