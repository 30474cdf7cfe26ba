import {
  CalendarOutlined,
  CarOutlined,
  CarryOutOutlined,
  CheckCircleOutlined,
  EyeOutlined,
  FlagOutlined,
  MessageOutlined,
  ShoppingCartOutlined,
  ThunderboltOutlined,
  ToolOutlined,
  UserAddOutlined,
} from '@ant-design/icons';
import { Segmented, Tag, Timeline } from 'antd';
import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Customer360, TimelineKind } from '../../api/types';
import { EmptyState } from '../../components/EmptyState';
import { dateTime } from '../../lib/format';
import { useTimelineView } from './describe';

const KIND_STYLE: Record<TimelineKind, { icon: ReactNode; color: string }> = {
  created: { icon: <UserAddOutlined />, color: 'gray' },
  interaction: { icon: <MessageOutlined />, color: 'blue' },
  sales_order: { icon: <ShoppingCartOutlined />, color: 'purple' },
  milestone: { icon: <FlagOutlined />, color: 'purple' },
  repair_order: { icon: <ToolOutlined />, color: 'orange' },
  ro_stage: { icon: <CheckCircleOutlined />, color: 'orange' },
  behaviour: { icon: <EyeOutlined />, color: 'cyan' },
  appointment: { icon: <CalendarOutlined />, color: 'green' },
  journey: { icon: <ThunderboltOutlined />, color: 'magenta' },
  task: { icon: <CarryOutOutlined />, color: 'geekblue' },
};

type Filter = 'all' | 'interaction' | 'sales' | 'service' | 'behaviour';
const FILTER_KINDS: Record<Exclude<Filter, 'all'>, TimelineKind[]> = {
  interaction: ['interaction'],
  sales: ['sales_order', 'milestone'],
  service: ['repair_order', 'ro_stage', 'appointment'],
  behaviour: ['behaviour'],
};

/** Everything that happened with the customer, newest first, one icon per kind. */
export function TimelineTab({ data }: { data: Customer360 }) {
  const { t } = useTranslation();
  const view = useTimelineView(data);
  const entries = data.timeline;
  const [filter, setFilter] = useState<Filter>('all');
  const sorted = useMemo(
    () =>
      [...entries]
        .filter((e) => filter === 'all' || FILTER_KINDS[filter].includes(e.kind))
        .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)),
    [entries, filter],
  );
  return (
    <div>
      <Segmented<Filter>
        value={filter}
        onChange={setFilter}
        style={{ marginBottom: 16 }}
        options={[
          { value: 'all', label: t('timeline.filters.all') },
          { value: 'interaction', label: t('timeline.filters.interaction') },
          { value: 'sales', label: t('timeline.filters.sales') },
          { value: 'service', label: t('timeline.filters.service') },
          { value: 'behaviour', label: t('timeline.filters.behaviour') },
        ]}
      />
      {sorted.length === 0 ? (
        <EmptyState title={t('timeline.empty')} hint={t('timeline.emptyHint')} />
      ) : (
        <Timeline
          data-testid="timeline"
          items={sorted.map((e, i) => {
            const s = KIND_STYLE[e.kind] ?? { icon: <CarOutlined />, color: 'gray' };
            const v = view(e);
            return {
              key: `${e.at}-${e.refId ?? i}-${e.kind}`,
              color: s.color,
              icon: s.icon,
              content: (
                <div data-testid="timeline-entry" style={{ paddingBottom: 4 }}>
                  <div style={{ display: 'flex', gap: 8, alignItems: 'baseline', flexWrap: 'wrap' }}>
                    <span style={{ fontWeight: 500 }}>{v.title}</span>
                    <Tag variant="filled" style={{ fontSize: 11, lineHeight: '18px' }}>
                      {t(`timeline.kinds.${e.kind}`)}
                    </Tag>
                    <span className="bk-muted bk-num" style={{ fontSize: 12 }}>
                      {dateTime(e.at)}
                    </span>
                  </div>
                  {v.detail && <div style={{ color: '#4e5969', marginTop: 2, whiteSpace: 'pre-wrap' }}>{v.detail}</div>}
                </div>
              ),
            };
          })}
        />
      )}
    </div>
  );
}
