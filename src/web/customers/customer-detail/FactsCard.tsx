import { Alert, Card, Col, Progress, Row, Skeleton, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { EmptyState } from '../../components/EmptyState';
import { localize } from '../../i18n';
import { date, daysUntil, dayOf, integer, km, money, today } from '../../lib/format';
import { useCustomerFacts, type CustomerFacts } from '../../segments/api';
import { ChurnTag, DateCountdown, NeedsTags, StageTag, TierTag } from '../../segments/components/FactTags';
import { scoreColor, tradeInSummaryText } from '../../segments/labels';
import { useLang } from '../../segments/useLang';
import '../../segments/segments.css';

type VehicleFacts = CustomerFacts['vehicles'][number];

function Fact({ label, children, testId, wide }: { label: string; children: React.ReactNode; testId?: string; wide?: boolean }) {
  return (
    <div data-testid={testId} style={wide ? { gridColumn: 'span 2' } : undefined}>
      <div className="bk-fact-label">{label}</div>
      <div className="bk-fact-value">{children}</div>
    </div>
  );
}

function LastVisit({ at }: { at: string | null }) {
  const { t } = useTranslation();
  if (!at) return <span className="bk-muted">{t('segments.facts.never')}</span>;
  const d = dayOf(at);
  const ago = -(daysUntil(d) ?? 0);
  return (
    <span className="bk-num">
      {d}
      <span className="bk-muted" style={{ marginInlineStart: 6 }}>
        {ago === 0 ? t('segments.facts.today') : t('segments.facts.daysAgo', { days: ago })}
      </span>
    </span>
  );
}

function NextMaintenance({ v }: { v: VehicleFacts }) {
  const { t } = useTranslation();
  if (!v.nextMaintenanceDueDate && v.nextMaintenanceDueKm === null) return <span className="bk-muted">—</span>;
  return (
    <Space size={4} wrap>
      {v.nextMaintenanceKind && <Tag style={{ marginInlineEnd: 0 }}>{t(`segments.facts.kind.${v.nextMaintenanceKind}`)}</Tag>}
      <DateCountdown value={v.nextMaintenanceDueDate} />
      {v.nextMaintenanceDueKm !== null && (
        <Tooltip title={t('segments.facts.whicheverFirst')}>
          <span className="bk-muted bk-num">{t('segments.facts.orKm', { km: km(v.nextMaintenanceDueKm) })}</span>
        </Tooltip>
      )}
    </Space>
  );
}

/**
 * The customer's derived facts on the 360: lifecycle, value and needs as tags, churn risk, visits and spend, the next
 * maintenance, insurance and warranty countdowns, the trade-in score with its reasons in words, and each vehicle's
 * own facts.
 */
export function FactsCard({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const lang = useLang();
  const q = useCustomerFacts(customerId);

  if (q.isPending) {
    return (
      <Card title={t('segments.facts.title')} style={{ marginTop: 16 }}>
        <Skeleton active paragraph={{ rows: 3 }} />
      </Card>
    );
  }
  if (q.isError) {
    const notFound = q.error instanceof ApiError && q.error.status === 404;
    return (
      <Card title={t('segments.facts.title')} style={{ marginTop: 16 }} data-testid="facts-card">
        {notFound ? (
          <EmptyState title={t('segments.facts.none')} hint={t('segments.facts.noneHint')} />
        ) : (
          <Alert type="warning" showIcon title={t('segments.facts.loadFailed')} description={q.error instanceof ApiError ? localize(q.error.title) : undefined} />
        )}
      </Card>
    );
  }
  const f = q.data;
  // Vehicles come soonest-due first; the soonest warranty end still ahead (else the latest one passed).
  const nearest = f.vehicles.find((v) => v.nextMaintenanceDueDate) ?? f.vehicles[0];
  const warranties = f.vehicles.map((v) => v.warrantyEnd).filter((d): d is string => !!d).sort();
  const warranty = warranties.find((d) => d >= today()) ?? warranties.at(-1) ?? null;
  return (
    <Card
      title={t('segments.facts.title')}
      extra={<span className="bk-muted">{t('segments.facts.asOf', { date: f.asOf })}</span>}
      style={{ marginTop: 16 }}
      styles={{ body: { paddingTop: 16 } }}
      data-testid="facts-card"
    >
      <Row gutter={[24, 16]}>
        <Col xs={24} xl={17}>
          <Space size={[8, 8]} wrap style={{ marginBottom: 16 }}>
            <span className="bk-muted">{t('segments.facts.lifecycle')}</span>
            <StageTag value={f.lifecycleStage} />
            <span className="bk-muted" style={{ marginInlineStart: 8 }}>
              {t('segments.facts.valueTier')}
            </span>
            <TierTag value={f.valueTier} />
            <span className="bk-muted" style={{ marginInlineStart: 8 }}>
              {t('segments.facts.needs')}
            </span>
            <NeedsTags value={f.needs} empty={t('segments.facts.noNeeds')} />
            <span className="bk-muted" style={{ marginInlineStart: 8 }}>
              {t('segments.facts.churnRisk')}
            </span>
            <ChurnTag value={f.churnRisk} />
          </Space>
          <div className="bk-facts-grid">
            <Fact label={t('segments.facts.lastVisit')} testId="fact-last-visit">
              <LastVisit at={f.lastVisitAt} />
            </Fact>
            <Fact label={t('segments.facts.visits12m')}>{t('segments.facts.times', { count: f.visits12m })}</Fact>
            <Fact label={t('segments.facts.spend12m')}>{money(f.spend12mFen)}</Fact>
            <Fact label={t('segments.facts.repairs6m')}>{t('segments.facts.times', { count: f.repairs6m })}</Fact>
            <Fact label={t('segments.facts.mileage')}>{km(f.maxEstimatedMileageKm)}</Fact>
            <Fact label={t('segments.facts.nextMaintenance')} testId="fact-next-maintenance" wide>
              {nearest ? <NextMaintenance v={nearest} /> : <DateCountdown value={f.nextMaintenanceDueDate} />}
            </Fact>
            <Fact label={t('segments.facts.insurance')} testId="fact-insurance">
              <DateCountdown value={f.nextInsuranceExpiry} days={f.daysToInsuranceExpiry} past="expired" />
            </Fact>
            <Fact label={t('segments.facts.warranty')}>
              <DateCountdown value={warranty} past="expired" />
            </Fact>
          </div>
        </Col>
        <Col xs={24} xl={7}>
          <div className="bk-fact-label" style={{ color: '#6b7280', fontSize: 12 }}>
            {t('segments.facts.tradeIn')}
          </div>
          <Space align="baseline" size={8}>
            <span style={{ fontSize: 30, fontWeight: 600, color: scoreColor(f.tradeInScore) }} className="bk-num" data-testid="fact-trade-in-score">
              {f.tradeInScore}
            </span>
            <span className="bk-muted">/ 100</span>
            {f.tradeInCandidate && <Tag color="volcano">{t('segments.facts.tradeInCandidate')}</Tag>}
          </Space>
          <Progress aria-label={t('segments.facts.tradeIn')} percent={f.tradeInScore} showInfo={false} strokeColor={scoreColor(f.tradeInScore)} size="small" style={{ margin: '2px 0 8px' }} />
          <Typography.Paragraph style={{ marginBottom: 0 }} data-testid="fact-trade-in-reasons">
            {f.tradeInReasons.length ? (
              <>
                <span className="bk-muted">{t('segments.facts.reasons')}</span>
                {tradeInSummaryText(f.tradeInReasons, lang)}
              </>
            ) : (
              <span className="bk-muted">{t('segments.facts.noReasons')}</span>
            )}
          </Typography.Paragraph>
        </Col>
      </Row>
      {f.vehicles.length > 0 && (
        <>
          <Typography.Title level={5} style={{ margin: '20px 0 8px', fontSize: 14 }}>
            {t('segments.facts.vehicles')}
          </Typography.Title>
          <Table<VehicleFacts>
            rowKey="vehicleId"
            size="small"
            pagination={false}
            dataSource={f.vehicles}
            data-testid="vehicle-facts"
            scroll={{ x: 'max-content' }}
            columns={[
              {
                key: 'vehicle',
                title: t('segments.facts.vehicle'),
                render: (_: unknown, v) => (
                  <span>
                    <span className="bk-num" style={{ fontWeight: 500 }}>
                      {v.plate ?? t('segments.facts.noPlate')}
                    </span>
                    {v.modelName && <span className="bk-muted"> · {v.modelName}</span>}
                  </span>
                ),
              },
              { key: 'age', title: t('segments.facts.age'), render: (_: unknown, v) => (v.ageYears === null ? '—' : t('segments.facts.years', { years: v.ageYears.toFixed(1) })) },
              {
                key: 'mileage',
                title: t('segments.facts.mileage'),
                render: (_: unknown, v) => (
                  <Tooltip title={v.lastReadingKm !== null ? `${t('segments.facts.lastReading')}：${km(v.lastReadingKm)} · ${date(v.lastReadingDate)}` : undefined}>
                    <span className="bk-num">
                      {km(v.estimatedMileageKm)}
                      {v.kmPerDay !== null && <span className="bk-muted"> · {t('segments.facts.kmPerDayValue', { km: integer(Math.round(v.kmPerDay)) })}</span>}
                    </span>
                  </Tooltip>
                ),
              },
              { key: 'maintenance', title: t('segments.facts.nextMaintenance'), render: (_: unknown, v) => <NextMaintenance v={v} /> },
              { key: 'insurance', title: t('segments.facts.insurance'), render: (_: unknown, v) => <DateCountdown value={v.insuranceExpiry} days={v.daysToInsuranceExpiry} past="expired" /> },
              { key: 'warranty', title: t('segments.facts.warranty'), render: (_: unknown, v) => <DateCountdown value={v.warrantyEnd} past="expired" /> },
            ]}
          />
        </>
      )}
    </Card>
  );
}
