import { PlusOutlined, SettingOutlined } from '@ant-design/icons';
import { Button, Card, Divider, Input, Skeleton, Table, Tag, Tooltip, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { useSession } from '../../console/session';
import { dateTime, integer } from '../../lib/format';
import { useSegments, type Segment } from '../api';

/** Saved segments: name, scope, owner, last count, updated; open one to edit it or see its customers. */
export default function SegmentListPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { can } = useSession();
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const list = useSegments(q);
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);

  const empty = list.isPending ? (
    <Skeleton active title={false} paragraph={{ rows: 6 }} />
  ) : q ? (
    <EmptyState title={t('segments.list.noMatch')} action={<Button onClick={() => (setText(''), setQ(''))}>{t('common.resetFilters')}</Button>} />
  ) : (
    <EmptyState
      title={t('segments.list.empty')}
      hint={t('segments.list.emptyHint')}
      action={
        can('segments.write') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/segments/new')}>
            {t('segments.list.new')}
          </Button>
        )
      }
    />
  );

  return (
    <>
      <PageHeader
        title={t('segments.list.title')}
        subtitle={t('segments.list.subtitle')}
        extra={
          <>
            {can('segments.settings') && (
              <Button icon={<SettingOutlined />} onClick={() => void navigate('/segments/settings')}>
                {t('segments.list.settings')}
              </Button>
            )}
            {can('segments.write') && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/segments/new')} data-testid="new-segment">
                {t('segments.list.new')}
              </Button>
            )}
          </>
        }
      />
      <Card styles={{ body: { padding: 16 } }}>
        <div className="bk-toolbar">
          <Input.Search
            aria-label={t('segments.list.search')}
            placeholder={t('segments.list.search')}
            allowClear
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              if (!e.target.value) setQ('');
            }}
            onSearch={(v) => setQ(v.trim())}
            style={{ width: 320 }}
          />
        </div>
        {list.isError && !list.data ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : (
          <>
            <Table<Segment>
              rowKey="id"
              size="small"
              dataSource={rows}
              pagination={false}
              loading={list.isFetching && !list.isFetchingNextPage && !list.isPending}
              locale={{ emptyText: empty }}
              data-testid="segment-table"
              className="bk-nowrap-head"
              onRow={(r) => ({ onDoubleClick: () => void navigate(`/segments/${r.id}`) })}
              columns={[
                {
                  key: 'name',
                  title: t('segments.list.name'),
                  render: (_: unknown, r) => (
                    <div style={{ minWidth: 220 }}>
                      <Link to={`/segments/${r.id}`} style={{ fontWeight: 500 }}>
                        {r.name}
                      </Link>
                      {r.description && (
                        <Typography.Paragraph type="secondary" ellipsis={{ rows: 1, tooltip: r.description }} style={{ margin: 0, fontSize: 12, maxWidth: 420 }}>
                          {r.description}
                        </Typography.Paragraph>
                      )}
                    </div>
                  ),
                },
                {
                  key: 'scope',
                  title: t('segments.list.scope'),
                  width: 190,
                  render: (_: unknown, r) => (r.storeId ? r.storeName : <Tag color="purple">{t('segments.list.groupWide')}</Tag>),
                },
                { key: 'owner', title: t('segments.list.owner'), width: 130, render: (_: unknown, r) => r.createdBy?.displayName ?? '—' },
                {
                  key: 'count',
                  title: t('segments.list.count'),
                  width: 150,
                  align: 'right',
                  render: (_: unknown, r) =>
                    r.lastCount === null ? (
                      <span className="bk-muted">{t('segments.list.countHidden')}</span>
                    ) : (
                      <Tooltip title={r.lastCountedAt ? t('segments.list.countedAt', { at: dateTime(r.lastCountedAt) }) : undefined}>
                        <span className="bk-num" style={{ fontWeight: 500 }} data-testid="segment-count">
                          {integer(r.lastCount)}
                        </span>
                      </Tooltip>
                    ),
                },
                { key: 'updated', title: t('segments.list.updated'), width: 150, render: (_: unknown, r) => <span className="bk-num">{dateTime(r.updatedAt)}</span> },
              ]}
            />
            {rows.length > 0 && (
              <>
                <Divider style={{ margin: '12px 0' }} />
                <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between' }}>
                  <Typography.Text type="secondary">{t('segments.list.shown', { count: rows.length })}</Typography.Text>
                  {list.hasNextPage ? (
                    <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
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
