import { Button, Result } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useCan, type TPermission } from './session';

export { RequireAuth } from './session';

/** A page the user's role may not open says so in words instead of failing on its first request. */
export function RequirePermission({ permission, children }: { permission: TPermission; children: ReactNode }) {
  const can = useCan();
  const { t } = useTranslation();
  const navigate = useNavigate();
  if (can(permission)) return <>{children}</>;
  return (
    <Result
      status="403"
      title={t('errors.forbiddenTitle')}
      subTitle={t('errors.forbiddenPage')}
      extra={<Button type="primary" onClick={() => void navigate('/customers')}>{t('errors.backToCustomers')}</Button>}
    />
  );
}
