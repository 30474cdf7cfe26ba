import { Button, Divider, Skeleton, Table, Tooltip, Typography, type TableProps } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { dateTime } from '../../lib/format';
import type { Message } from '../api';
import { ChannelLabel, HELD_BACK, MessageStatusTag, useExplainMessage } from './MessageBits';

interface Props {
  rows: Message[];
  showCustomer?: boolean;
  pending?: boolean;
  loading?: boolean;
  empty: ReactNode;
  onOpen: (m: Message) => void;
  hasMore?: boolean;
  loadingMore?: boolean;
  onLoadMore?: () => void;
}

/** The outbox table (also the customer's message tab): what, to whom, by which channel, and what became of it. */
export function MessageTable({ rows, showCustomer = true, pending, loading, empty, onOpen, hasMore, loadingMore, onLoadMore }: Props) {
  const { t } = useTranslation();
  const explain = useExplainMessage();
  const columns: NonNullable<TableProps<Message>['columns']> = [
    { key: 'at', title: t('messaging.fields.createdAt'), width: 130, render: (_: unknown, m) => <span className="bk-num">{dateTime(m.createdAt)}</span> },
    ...(showCustomer
      ? [{ key: 'customer', title: t('messaging.fields.customer'), width: 100, render: (_: unknown, m: Message) => <Link to={`/customers/${m.customer.id}`}>{m.customer.name}</Link> }]
      : []),
    { key: 'channel', title: t('messaging.fields.channel'), width: 110, render: (_: unknown, m) => <ChannelLabel channel={m.channel} /> },
    { key: 'purpose', title: t('messaging.fields.purpose'), width: 90, render: (_: unknown, m) => <span style={{ whiteSpace: 'nowrap' }}>{t(`messaging.purposes.${m.purpose}`)}</span> },
    {
      key: 'body',
      title: t('messaging.fields.body'),
      render: (_: unknown, m) => (
        <Button type="link" onClick={() => onOpen(m)} style={{ padding: 0, height: 'auto', textAlign: 'left', maxWidth: 300 }} data-testid="message-open">
          <Typography.Text ellipsis style={{ maxWidth: 300, color: 'inherit' }}>
            {m.template ? <span style={{ fontWeight: 500 }}>{m.template.name} · </span> : m.subject ? <span style={{ fontWeight: 500 }}>{m.subject} · </span> : null}
            {m.body}
          </Typography.Text>
        </Button>
      ),
    },
    { key: 'status', title: t('messaging.fields.status'), width: 100, render: (_: unknown, m) => <MessageStatusTag status={m.status} /> },
    {
      key: 'reason',
      title: t('messaging.fields.reason'),
      width: 250,
      render: (_: unknown, m) => {
        const text = explain(m);
        return (
          <Tooltip title={text}>
            <Typography.Text type={m.status === 'suppressed' || m.status === 'failed' ? undefined : 'secondary'}
            style={{ maxWidth: 250, ...(m.status === 'suppressed' || m.status === 'failed' ? { color: HELD_BACK } : {}) }}
            ellipsis
            data-testid="message-reason">
              {text}
            </Typography.Text>
          </Tooltip>
        );
      },
    },
  ];
  return (
    <>
      <Table<Message>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={rows}
        pagination={false}
        loading={loading}
        onRow={(m) => ({ onDoubleClick: () => onOpen(m) })}
        locale={{ emptyText: pending ? <Skeleton active title={false} paragraph={{ rows: 6 }} style={{ padding: '8px 0' }} /> : empty }}
        scroll={{ x: 'max-content' }}
        className="bk-nowrap-head"
        data-testid="message-table"
      />
      {rows.length > 0 && onLoadMore && (
        <>
          <Divider style={{ margin: '12px 0' }} />
          <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between' }}>
            <Typography.Text type="secondary">{t('messaging.outbox.shown', { count: rows.length })}</Typography.Text>
            {hasMore ? (
              <Button onClick={onLoadMore} loading={loadingMore}>
                {t('common.loadMore')}
              </Button>
            ) : (
              <Typography.Text type="secondary">{t('common.allLoaded')}</Typography.Text>
            )}
          </div>
        </>
      )}
    </>
  );
}
