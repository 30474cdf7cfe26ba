import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ImportStatus } from '../../api/types';

const COLOR: Record<ImportStatus, string> = {
  uploaded: 'default',
  previewed: 'blue',
  queued: 'gold',
  running: 'processing',
  completed: 'success',
  failed: 'error',
};

export function ImportStatusTag({ status }: { status: ImportStatus }) {
  const { t } = useTranslation();
  return <Tag color={COLOR[status]}>{t(`imports.status.${status}`)}</Tag>;
}
