import { HistoryOutlined, PlayCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { App as AntApp, Button, Card, Space, Switch, Table, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { useSession } from '../../console/session';
import { dateTime, integer } from '../../lib/format';
import { useJourneyCatalogue, useJourneyRules, useStartJourneyRun, useSwitchJourneyRule, type JourneyRule } from '../api';
import { actionLabel, useDescribeTrigger } from '../labels';
import { RunProgress } from '../runs/RunProgress';
import { useState } from 'react';

/** Default and custom rules, each with the store's switch and the figures of its last run; run all now. */
export default function JourneyRulesPage() {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en-US';
  const navigate = useNavigate();
  const { can, storeId } = useSession();
  const { message } = AntApp.useApp();
  const rules = useJourneyRules(storeId ?? null);
  const catalogue = useJourneyCatalogue();
  const describe = useDescribeTrigger();
  const toggle = useSwitchJourneyRule();
  const start = useStartJourneyRun();
  const [runId, setRunId] = useState<string | null>(null);
  const manage = can('journeys.manage');

  if (rules.isError) return <ErrorState error={rules.error} onRetry={() => void rules.refetch()} />;
  return (
    <>
      <PageHeader
        title={t('journeys.list.title')}
        subtitle={t('journeys.list.subtitle')}
        extra={
          <>
            <Button icon={<HistoryOutlined />} onClick={() => void navigate('/journeys/runs')}>
              {t('journeys.list.runs')}
            </Button>
            {manage && (
              <Button
                icon={<PlayCircleOutlined />}
                loading={start.isPending}
                data-testid="run-all"
                onClick={() => start.mutate({ storeId: storeId ?? undefined }, { onSuccess: (r) => setRunId(r.id), onError: (e) => void message.error(e.message) })}
              >
                {t('journeys.list.runAll')}
              </Button>
            )}
            {manage && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/journeys/new')} data-testid="new-rule">
                {t('journeys.list.new')}
              </Button>
            )}
          </>
        }
      />
      {runId && <RunProgress runId={runId} onClose={() => setRunId(null)} />}
      <Card>
        <Table<JourneyRule>
          rowKey="id"
          size="middle"
          loading={rules.isPending}
          dataSource={rules.data?.items ?? []}
          pagination={false}
          locale={{ emptyText: t('journeys.list.empty') }}
          columns={[
            {
              title: t('journeys.list.name'),
              key: 'name',
              render: (_, r) => (
                <Space direction="vertical" size={0}>
                  <Link to={`/journeys/${r.id}`}>{en ? r.nameEn || r.nameZh : r.nameZh}</Link>
                  <Space size={4}>
                    <Tag color={r.isDefault ? 'blue' : 'purple'}>{r.isDefault ? t('journeys.list.default') : t('journeys.list.custom')}</Tag>
                    <Tag>{r.storeId ? t('journeys.list.storeRule') : t('journeys.list.groupRule')}</Tag>
                  </Space>
                </Space>
              ),
            },
            { title: t('journeys.list.trigger'), key: 'trigger', render: (_, r) => describe(r.trigger) },
            { title: t('journeys.list.actions'), key: 'actions', render: (_, r) => r.actions.map((a, i) => <Tag key={i}>{actionLabel(catalogue.data, a.kind, en)}</Tag>) },
            {
              title: t('journeys.list.lastRun'),
              key: 'last',
              render: (_, r) =>
                r.lastRun ? (
                  <Tooltip title={dateTime(r.lastRun.at)}>
                    <Typography.Text type={r.lastRun.error ? 'danger' : undefined}>
                      {t('journeys.list.fired', { n: integer(r.lastRun.fired) })} · {t('journeys.list.suppressed', { n: integer(r.lastRun.suppressed) })}
                    </Typography.Text>
                  </Tooltip>
                ) : (
                  <Typography.Text type="secondary">{t('journeys.list.never')}</Typography.Text>
                ),
            },
            {
              title: t('journeys.list.enabledHere'),
              key: 'enabled',
              width: 120,
              render: (_, r) => (
                <Switch
                  checked={r.enabledHere}
                  disabled={!manage}
                  loading={toggle.isPending && toggle.variables?.id === r.id}
                  aria-label={`${t('journeys.list.enabledHere')} ${r.nameZh}`}
                  data-testid={`switch-${r.code}`}
                  onChange={(v) => toggle.mutate({ id: r.id, enabled: v, storeId: storeId ?? undefined }, { onError: (e) => void message.error(e.message) })}
                />
              ),
            },
          ]}
        />
      </Card>
    </>
  );
}
