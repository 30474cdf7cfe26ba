import { RedoOutlined } from '@ant-design/icons';
import { Alert, App, Button, Descriptions, Drawer, Popconfirm, Skeleton, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorState } from '../../components/ErrorState';
import { useSession } from '../../console/session';
import { applyApiError } from '../../lib/forms';
import { dateTime } from '../../lib/format';
import { useMessage, useMessagingSettings, useRetryMessage } from '../api';
import { ChannelLabel, HELD_BACK, MessageStatusTag, useExplainMessage } from './MessageBits';
import '../messaging.css';

/** One message as the customer got it (or would have): rendered text, masked address, attempts, errors; retry if failed. */
export function MessageDrawer({ messageId, onClose }: { messageId: string | undefined; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { message: toast } = App.useApp();
  const { can } = useSession();
  const q = useMessage(messageId);
  const m = q.data;
  const settings = useMessagingSettings(m?.storeId, { enabled: m?.suppressionReason === 'frequency_cap' });
  const retry = useRetryMessage();
  const explain = useExplainMessage();

  return (
    <Drawer open={Boolean(messageId)} onClose={onClose} size={600} title={t('messaging.detail.title')} destroyOnHidden data-testid="message-drawer">
      {q.isPending ? (
        <Skeleton active paragraph={{ rows: 10 }} />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : m ? (
        <>
          <Space style={{ marginBottom: 12 }} wrap>
            <MessageStatusTag status={m.status} />
            <Typography.Text type={m.status === 'suppressed' || m.status === 'failed' ? undefined : 'secondary'}
            style={m.status === 'suppressed' || m.status === 'failed' ? { color: HELD_BACK } : undefined} data-testid="message-explain">
              {explain(m, settings.data)}
            </Typography.Text>
          </Space>
          {m.status === 'failed' && can('messages.send') && (
            <Alert
              type="error"
              showIcon
              style={{ marginBottom: 12 }}
              title={m.lastError ?? t('messaging.statuses.failed')}
              description={t('messaging.detail.retryHint')}
              action={
                <Popconfirm
                  title={t('messaging.detail.retry')}
                  description={t('messaging.detail.retryHint')}
                  okText={t('common.confirm')}
                  cancelText={t('common.cancel')}
                  onConfirm={() =>
                    retry.mutate(m.id, {
                      onSuccess: () => void toast.success(t('messaging.detail.retried')),
                      onError: (e) => void toast.error(applyApiError(undefined, e)),
                    })
                  }
                >
                  <Button danger icon={<RedoOutlined />} loading={retry.isPending} data-testid="message-retry">
                    {t('messaging.detail.retry')}
                  </Button>
                </Popconfirm>
              }
            />
          )}
          <div className="bk-message-body" data-testid="message-body">
            {m.subject && <div style={{ fontWeight: 600, marginBottom: 6 }}>{m.subject}</div>}
            {m.body}
          </div>
          <Descriptions size="small" column={1} bordered styles={{ label: { width: 120 } }} style={{ marginTop: 16 }}>
            <Descriptions.Item label={t('messaging.fields.customer')}>
              <Link to={`/customers/${m.customer.id}`} onClick={onClose}>
                {m.customer.name}
              </Link>
            </Descriptions.Item>
            <Descriptions.Item label={t('messaging.fields.channel')}>
              <ChannelLabel channel={m.channel} /> · {t(`messaging.purposes.${m.purpose}`)}
            </Descriptions.Item>
            <Descriptions.Item label={t('messaging.fields.address')}>
              <span className="bk-num" data-testid="message-address">
                {m.toAddressMasked ?? '—'}
              </span>
              {m.toAddressMasked && <span className="bk-muted"> · {t('messaging.detail.masked')}</span>}
            </Descriptions.Item>
            <Descriptions.Item label={t('messaging.fields.template')}>{m.template ? `${m.template.name} · ${m.template.code}` : '—'}</Descriptions.Item>
            <Descriptions.Item label={t('messaging.fields.source')}>
              {m.sourceRuleId ? t('messaging.source.rule') : m.createdBy ? t('messaging.source.manual', { name: m.createdBy.displayName }) : t('messaging.source.system')}
            </Descriptions.Item>
            <Descriptions.Item label={t('messaging.fields.createdAt')}>
              <span className="bk-num">{dateTime(m.createdAt)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('messaging.fields.scheduledAt')}>
              <span className="bk-num">{dateTime(m.scheduledAt)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('messaging.fields.sentAt')}>
              <span className="bk-num">{dateTime(m.sentAt)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('messaging.fields.attempts')}>
              <span className="bk-num">{m.attempts}</span>
            </Descriptions.Item>
            {m.lastError && (
              <Descriptions.Item label={t('messaging.fields.lastError')}>
                <Typography.Text className="bk-mono" style={{ color: HELD_BACK }}>
                  {m.lastError}
                </Typography.Text>
              </Descriptions.Item>
            )}
            {m.provider && (
              <Descriptions.Item label={t('messaging.fields.provider')}>
                {i18n.exists(`messaging.providers.${m.provider}`) ? t(`messaging.providers.${m.provider}` as 'messaging.providers.outbox') : <span className="bk-mono">{m.provider}</span>}
                {m.providerMessageId && (
                  <Typography.Text type="secondary" className="bk-mono" style={{ display: 'block' }} copyable={{ text: m.providerMessageId }}>
                    {m.providerMessageId}
                  </Typography.Text>
                )}
              </Descriptions.Item>
            )}
          </Descriptions>
        </>
      ) : null}
    </Drawer>
  );
}
