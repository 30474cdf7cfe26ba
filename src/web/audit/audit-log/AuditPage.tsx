import { Button, Card, Descriptions, Divider, Input, Select, Skeleton, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { AuditEntry } from '../../api/types';
import { EmptyState } from '../../components/EmptyState';
import zhCN from '../../i18n/zh-CN';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { useSession } from '../../console/session';
import { dateTime } from '../../lib/format';
import { useCodeLabel } from '../../lib/labels';
import { useAuditLog, type AuditQuery } from '../api';


/** Filter choices: every action and record type the console has a name for (codes it does not know show raw). */
const ACTIONS = flatKeys(zhCN.auditActions);
const ENTITY_TYPES = Object.keys(zhCN.entityTypes);

function flatKeys(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : flatKeys(v as object, `${prefix}${k}.`)));
}

/** The detail object as label/value rows; nested values are pretty-printed JSON. */
function DetailView({ detail }: { detail: Record<string, unknown> }) {
  const { t } = useTranslation();
  const entries = Object.entries(detail ?? {});
  if (!entries.length) return <Typography.Text type="secondary">{t('audit.noDetail')}</Typography.Text>;
  return (
    <Descriptions
      size="small"
      column={1}
      bordered
      styles={{ label: { width: 200, verticalAlign: 'top' } }}
      items={entries.map(([k, v]) => ({
        key: k,
        label: <span className="bk-mono">{k}</span>,
        children:
          v !== null && typeof v === 'object' ? (
            <pre className="bk-json">{JSON.stringify(v, null, 2)}</pre>
          ) : (
            <span className="bk-mono">{v === null ? 'null' : String(v)}</span>
          ),
      }))}
    />
  );
}

export default function AuditPage() {
  const { t } = useTranslation();
  const { storeName } = useSession();
  const code = useCodeLabel();
  const [query, setQuery] = useState<AuditQuery>({});
  const [actionText, setActionText] = useState('');
  const log = useAuditLog(query);
  const rows = useMemo(() => log.data?.pages.flatMap((p) => p.items) ?? [], [log.data]);

  return (
    <>
      <PageHeader title={t('audit.title')} subtitle={t('audit.subtitle')} />
      <Card styles={{ body: { padding: 16 } }}>
        <div className="bk-toolbar">
          <Select
            allowClear
            showSearch
            placeholder={t('audit.allActions')}
            aria-label={t('audit.fields.action')}
            style={{ width: 220 }}
            value={query.action}
            onChange={(v?: string) => setQuery({ ...query, action: v })}
            searchValue={actionText}
            onSearch={setActionText}
            options={[...new Set([...ACTIONS, ...(actionText ? [actionText.trim()] : [])])].filter(Boolean).map((a) => ({ value: a, label: code('auditActions', a) }))}
          />
          <Select
            allowClear
            placeholder={t('audit.allEntities')}
            aria-label={t('audit.fields.entityType')}
            style={{ width: 160 }}
            value={query.entityType}
            onChange={(v?: string) => setQuery({ ...query, entityType: v })}
            options={ENTITY_TYPES.map((e) => ({ value: e, label: code('entityTypes', e) }))}
          />
          <Input
            allowClear
            placeholder={t('audit.customerIdPlaceholder')}
            aria-label={t('audit.fields.customer')}
            style={{ width: 300 }}
            className="bk-mono"
            value={query.customerId ?? ''}
            onChange={(e) => {
              const v = e.target.value.trim();
              setQuery({ ...query, customerId: /^[0-9a-f-]{36}$/i.test(v) ? v : undefined });
            }}
          />
        </div>
        {log.isError && !log.data ? (
          <ErrorState error={log.error} onRetry={() => void log.refetch()} />
        ) : (
          <>
            <Table<AuditEntry>
              size="small"
              rowKey="id"
              pagination={false}
              dataSource={rows}
              loading={log.isFetching && !log.isPending && !log.isFetchingNextPage}
              scroll={{ x: 'max-content' }}
              expandable={{ expandedRowRender: (r) => <DetailView detail={r.detail} />, rowExpandable: () => true }}
              locale={{ emptyText: log.isPending ? <Skeleton active title={false} paragraph={{ rows: 8 }} /> : <EmptyState title={t('audit.empty')} hint={t('audit.emptyHint')} /> }}
              columns={[
                { key: 'at', title: t('audit.fields.at'), dataIndex: 'at', width: 150, render: (v: string) => <span className="bk-num">{dateTime(v)}</span> },
                { key: 'actor', title: t('audit.fields.actor'), dataIndex: 'actorName', width: 140 },
                {
                  key: 'action',
                  title: t('audit.fields.action'),
                  dataIndex: 'action',
                  width: 200,
                  render: (a: string) => (
                    <span>
                      {code('auditActions', a)}
                      <div className="bk-muted bk-mono" style={{ fontSize: 11 }}>{a}</div>
                    </span>
                  ),
                },
                { key: 'entityType', title: t('audit.fields.entityType'), dataIndex: 'entityType', width: 110, render: (e: string) => <Tag>{code('entityTypes', e)}</Tag> },
                {
                  key: 'entity',
                  title: t('audit.fields.entity'),
                  width: 120,
                  render: (_: unknown, r) =>
                    r.customerId ? (
                      <Link to={`/customers/${r.customerId}`}>{t('audit.openCustomer')}</Link>
                    ) : r.entityId ? (
                      <Typography.Text className="bk-mono" copyable={{ text: r.entityId }}>
                        {r.entityId.slice(0, 8)}…
                      </Typography.Text>
                    ) : (
                      '—'
                    ),
                },
                { key: 'store', title: t('audit.fields.store'), dataIndex: 'storeId', width: 170, render: (s: string | null) => (s ? storeName(s) : <span className="bk-muted">{t('audit.groupLevel')}</span>) },
                { key: 'ip', title: t('audit.fields.ip'), dataIndex: 'ip', width: 120, render: (ip: string | null) => <span className="bk-mono">{ip ?? '—'}</span> },
              ]}
            />
            {rows.length > 0 && (
              <>
                <Divider style={{ margin: '12px 0' }} />
                <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between' }}>
                  <Typography.Text type="secondary">{t('audit.shown', { count: rows.length })}</Typography.Text>
                  {log.hasNextPage ? (
                    <Button onClick={() => void log.fetchNextPage()} loading={log.isFetchingNextPage}>
                      {t('common.loadMore')}
                    </Button>
                  ) : (
                    <Typography.Text type="secondary">{t('common.allLoaded')}</Typography.Text>
                  )}
                </div>
              </>
            )}
          </>
        )}
      </Card>
    </>
  );
}
