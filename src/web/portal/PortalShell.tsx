import { Badge, DotLoading, TabBar } from 'antd-mobile';
import { lazy, Suspense, useMemo, type ComponentType, type LazyExoticComponent, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { useOwner } from './api';
import { setPortalTimezone } from './format';
import { usePortalT } from './lang';
import { PORTAL_SCREENS, PORTAL_TABS } from './modules';
import type { TPortalScreen, TPortalTab } from './registry';

export function FullPageLoading() {
  return (
    <div style={{ minHeight: '60vh', display: 'grid', placeItems: 'center', color: 'var(--adm-color-primary)', fontSize: 28 }} role="status" aria-live="polite">
      <DotLoading color="primary" />
    </div>
  );
}

function TabWithBadge({ tab, active }: { tab: TPortalTab; active: boolean }) {
  const n = tab.useBadge?.();
  return n ? (
    <Badge content={n > 99 ? '99+' : n} style={{ '--right': '-6px', '--top': '2px' }}>
      {tab.icon(active)}
    </Badge>
  ) : (
    <>{tab.icon(active)}</>
  );
}

/** The bottom tab bar, built from the registered tabs. */
function PortalTabBar({ active }: { active?: string }) {
  const { t } = usePortalT<string>();
  const navigate = useNavigate();
  return (
    <nav className="pt-tabbar" aria-label={t('portal.brand')}>
      <TabBar activeKey={active ?? null} onChange={(key) => void navigate(PORTAL_TABS.find((x) => x.key === key)!.path)} safeArea={false}>
        {PORTAL_TABS.map((tab) => (
          <TabBar.Item key={tab.key} icon={(isActive: boolean) => <TabWithBadge tab={tab} active={isActive} />} title={<span data-testid={`tab-${tab.key}`}>{t(tab.label)}</span>} />
        ))}
      </TabBar>
    </nav>
  );
}

/** Only a signed-in owner sees the screens; others go to sign-in and come back. */
function RequireOwner({ children }: { children: ReactNode }) {
  const me = useOwner();
  const location = useLocation();
  if (me.isPending) return <FullPageLoading />;
  if (!me.data) return <Navigate to={`/portal/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  setPortalTimezone(me.data.store.timezone);
  return <>{children}</>;
}

function ScreenFrame({ screen, Page }: { screen: TPortalScreen; Page: LazyExoticComponent<ComponentType> }) {
  const body = (
    <div className="pt-app">
      <main className={screen.chrome === 'tabs' ? 'pt-main with-tabs' : 'pt-main'}>
        <Suspense fallback={<FullPageLoading />}>
          <Page />
        </Suspense>
      </main>
      {screen.chrome === 'tabs' && <PortalTabBar active={screen.tab} />}
    </div>
  );
  return screen.public ? body : <RequireOwner>{body}</RequireOwner>;
}

/** The portal's routes, one per registered screen; anything else under /portal goes home. */
export function PortalRoutes() {
  const routes = useMemo(() => PORTAL_SCREENS.map((s) => ({ screen: s, Page: lazy(s.load) })), []);
  return (
    <Routes>
      {routes.map(({ screen, Page }) => (
        <Route key={screen.path} path={screen.path} element={<ScreenFrame screen={screen} Page={Page} />} />
      ))}
      <Route path="*" element={<Navigate to="/portal" replace />} />
    </Routes>
  );
}
