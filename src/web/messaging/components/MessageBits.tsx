import { CheckCircleOutlined, ClockCircleOutlined, CloseCircleOutlined, MailOutlined, MessageOutlined, MobileOutlined, PauseCircleOutlined, StopOutlined, WechatOutlined } from '@ant-design/icons';
import { Tag } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { MessageChannel, MessageStatus, MessagingSettings } from '../api';
import { explainMessage, type TExplainable } from '../rules';

const STATUS_STYLE: Record<MessageStatus, { color: string; icon: ReactNode }> = {
  queued: { color: 'blue', icon: <ClockCircleOutlined /> },
  deferred: { color: 'gold', icon: <PauseCircleOutlined /> },
  sent: { color: 'green', icon: <CheckCircleOutlined /> },
  failed: { color: 'red', icon: <CloseCircleOutlined /> },
  suppressed: { color: 'default', icon: <StopOutlined /> },
};

/** Text colour of a held-back or failed message's reason: antd's error red is too light for small text (WCAG AA). */
export const HELD_BACK = '#b42318';

export const CHANNEL_ICON: Record<MessageChannel, ReactNode> = {
  sms: <MessageOutlined />,
  wechat: <WechatOutlined />,
  email: <MailOutlined />,
  inbox: <MobileOutlined />,
};

export function MessageStatusTag({ status }: { status: MessageStatus }) {
  const { t } = useTranslation();
  const s = STATUS_STYLE[status];
  return (
    <Tag color={s.color} icon={s.icon} variant="filled" style={{ marginInlineEnd: 0 }} data-testid="message-status">
      {t(`messaging.statuses.${status}`)}
    </Tag>
  );
}

export function ChannelLabel({ channel }: { channel: MessageChannel }) {
  const { t } = useTranslation();
  return (
    <span style={{ whiteSpace: 'nowrap' }}>
      <span className="bk-muted" style={{ marginInlineEnd: 4 }} aria-hidden>
        {CHANNEL_ICON[channel]}
      </span>
      {t(`messaging.channels.${channel}`)}
    </span>
  );
}

/** `explainMessage` (messaging/rules.ts) in the UI language. */
export function useExplainMessage() {
  const { t } = useTranslation();
  return (m: TExplainable, settings?: Pick<MessagingSettings, 'marketingCap' | 'capWindowDays'>) => explainMessage(t, m, settings);
}
