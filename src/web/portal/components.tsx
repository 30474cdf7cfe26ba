import { Button, ErrorBlock, NavBar, Skeleton } from 'antd-mobile';
import { useEffect, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { ApiError } from './api/client';
import { usePortalT } from './lang';

/**
 * A screen: with `back`, a top bar with the title and a back arrow (detail screens); without, an optional plain title
 * (tab screens). Sets the document title.
 */
export function Screen({ title, back, right, children }: { title?: string; back?: string | true; right?: ReactNode; children: ReactNode }) {
  const navigate = useNavigate();
  const { t } = usePortalT();
  const brand = t('portal.brand');
  useEffect(() => {
    document.title = title ? `${title} · ${brand}` : brand;
  }, [title, brand]);
  return (
    <>
      {back ? (
        <NavBar
          className="pt-navbar"
          backIcon
          back={t('portal.common.back')}
          onBack={() => (typeof back === 'string' ? void navigate(back) : window.history.length > 1 ? void navigate(-1) : void navigate('/portal'))}
          right={right}
        >
          {title}
        </NavBar>
      ) : title ? (
        <NavBar className="pt-navbar" backIcon={false} back={null} right={right}>
          {title}
        </NavBar>
      ) : null}
      {children}
    </>
  );
}

export function CardSkeleton({ rows = 3 }: { rows?: number }) {
  return (
    <div className="pt-card" aria-busy="true">
      <Skeleton.Title animated />
      <Skeleton.Paragraph lineCount={rows} animated />
    </div>
  );
}

export function PageSkeleton() {
  return (
    <div className="pt-page" data-testid="portal-skeleton">
      <CardSkeleton rows={4} />
      <CardSkeleton />
    </div>
  );
}

/** A failed load in words, with a retry. */
export function Failed({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t, localize } = usePortalT();
  const description = error instanceof ApiError ? localize(error.title) : t('portal.common.networkError');
  return (
    <div className="pt-page">
      <div className="pt-card">
        <ErrorBlock status="default" title={t('portal.common.loadFailed')} description={description}>
          {onRetry && (
            <Button color="primary" fill="outline" onClick={onRetry}>
              {t('portal.common.retry')}
            </Button>
          )}
        </ErrorBlock>
      </div>
    </div>
  );
}

/** An empty state that says what to do next. */
export function Empty({ title, hint, action }: { title: string; hint: string; action?: ReactNode }) {
  return (
    <div className="pt-card pt-empty">
      <ErrorBlock status="empty" title={title} description={hint} style={{ '--image-height': '120px' }}>
        {action}
      </ErrorBlock>
    </div>
  );
}
