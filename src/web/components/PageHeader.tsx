import { Breadcrumb } from 'antd';
import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

/** `客户 · 保客` in the browser tab, in the UI language. */
export function useDocumentTitle(title: string | undefined): void {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = title ? `${title} · ${t('shell.brand')}` : t('shell.brand');
  }, [title, t]);
}

export interface Crumb {
  title: ReactNode;
  to?: string;
}

/** Title row of every page: optional breadcrumb, title, a muted subtitle and the page's actions on the right. */
export function PageHeader({
  title,
  subtitle,
  extra,
  crumbs,
  docTitle,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  extra?: ReactNode;
  crumbs?: Crumb[];
  /** The browser tab's title when `title` is not plain text. */
  docTitle?: string;
}) {
  useDocumentTitle(docTitle ?? (typeof title === 'string' ? title : undefined));
  return (
    <>
      {crumbs && crumbs.length > 0 && (
        <Breadcrumb
          style={{ marginBottom: 8 }}
          items={crumbs.map((c) => ({ title: c.to ? <Link to={c.to}>{c.title}</Link> : c.title }))}
        />
      )}
      <div className="bk-page-header">
        <div>
          <h1>{title}</h1>
          {subtitle && <div className="bk-sub">{subtitle}</div>}
        </div>
        {extra && <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap' }}>{extra}</div>}
      </div>
    </>
  );
}
