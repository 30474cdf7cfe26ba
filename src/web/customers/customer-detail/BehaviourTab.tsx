import { Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { BehaviourEvent } from '../../api/types';
import { EmptyState } from '../../components/EmptyState';
import { dateTime } from '../../lib/format';
import { useCodeLabel } from '../../lib/labels';
import { usePayloadText } from './describe';

/** What the owner did online (high volume; the latest 50 are shown here). */
export function BehaviourTab({ events }: { events: BehaviourEvent[] }) {
  const { t } = useTranslation();
  const code = useCodeLabel();
  const payloadText = usePayloadText();
  return (
    <Table<BehaviourEvent>
      size="small"
      rowKey="id"
      pagination={events.length > 20 ? { pageSize: 20, size: 'small' } : false}
      dataSource={[...events].sort((a, b) => (a.occurredAt < b.occurredAt ? 1 : -1))}
      locale={{ emptyText: <EmptyState title={t('behaviour.empty')} hint={t('behaviour.emptyHint')} /> }}
      columns={[
        { key: 'at', title: t('behaviour.fields.occurredAt'), dataIndex: 'occurredAt', width: 150, render: (v: string) => <span className="bk-num">{dateTime(v)}</span> },
        { key: 'kind', title: t('behaviour.fields.kind'), dataIndex: 'kind', width: 160, render: (k: string) => <Tag color="cyan">{code('behaviourKinds', k)}</Tag> },
        { key: 'payload', title: t('behaviour.fields.payload'), dataIndex: 'payload', render: (p: Record<string, unknown>) => payloadText(p) || '—' },
      ]}
    />
  );
}
