import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { localize } from '../i18n';

/** A failed load, in words, with a retry. 404 reads as "not found or not yours" (the server hides other stores). */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const status = error instanceof ApiError ? error.status : 0;
  const message = error instanceof ApiError ? localize(error.title) : t('errors.network');
  return (
    <Result
      status={status === 404 ? '404' : status === 403 ? '403' : 'warning'}
      title={status === 404 ? t('errors.notFoundTitle') : status === 403 ? t('errors.forbiddenTitle') : t('errors.loadFailed')}
      subTitle={message}
      extra={onRetry && status !== 404 && status !== 403 ? <Button onClick={onRetry}>{t('common.retry')}</Button> : undefined}
    />
  );
}
