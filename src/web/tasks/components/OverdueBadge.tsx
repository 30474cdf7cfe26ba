import { CarryOutOutlined } from '@ant-design/icons';
import { Badge, Button, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useTaskCounts } from '../api';

/** The header's reminder: how many of the signed-in user's tasks are overdue; a click opens them. */
export function OverdueBadge() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  // Tasks fall overdue by the clock alone, so the count is polled rather than only refreshed after writes.
  const counts = useTaskCounts({}, { refetchInterval: 60_000 });
  const overdue = counts.data?.overdue ?? 0;
  const label = overdue > 0 ? t('tasks.badge.overdue', { count: overdue }) : t('tasks.badge.none');
  return (
    <Tooltip title={label}>
      <Button type="text" onClick={() => void navigate('/tasks?tab=overdue')} aria-label={`${t('tasks.badge.label')}: ${label}`} data-testid="overdue-badge">
        <Badge count={overdue} size="small" overflowCount={99} offset={[4, -2]} color="#c62828">
          <CarryOutOutlined style={{ fontSize: 18 }} />
        </Badge>
      </Button>
    </Tooltip>
  );
}
