import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ConfigProvider, unstableSetRender } from 'antd-mobile';
import enUS from 'antd-mobile/es/locales/en-US';
import zhCN from 'antd-mobile/es/locales/zh-CN';
import { StrictMode, useEffect, useState, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { I18nextProvider, useTranslation } from 'react-i18next';
import { BrowserRouter, useNavigate } from 'react-router';
import { ApiError, setPortalUnauthorizedHandler } from './api/client';
import { portalKeys } from './api';
import { portalI18n } from './lang';
import { PortalRoutes } from './PortalShell';
import './portal.css';

// antd-mobile v5 renders Toast/Dialog through ReactDOM.render, which React 19 removed: give it createRoot.
unstableSetRender((node, container) => {
  const c = container as HTMLElement & { _portalRoot?: Root };
  c._portalRoot ??= createRoot(c);
  c._portalRoot.render(node);
  return async () => {
    await new Promise((r) => setTimeout(r, 0));
    c._portalRoot?.unmount();
    delete c._portalRoot;
  };
});

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
        refetchOnWindowFocus: true,
        staleTime: 15_000,
      },
    },
  });
}

/** A 401 anywhere: forget the owner and go to the sign-in screen, coming back afterwards. */
function UnauthorizedBridge({ client }: { client: QueryClient }) {
  const navigate = useNavigate();
  useEffect(() => {
    setPortalUnauthorizedHandler(() => {
      if (window.location.pathname.startsWith('/portal/login')) return;
      client.setQueryData(portalKeys.me, null);
      void navigate(`/portal/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`, { replace: true });
    });
  }, [client, navigate]);
  return null;
}

function LocaleBridge({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  return <ConfigProvider locale={i18n.language === 'en-US' ? enUS : zhCN}>{children}</ConfigProvider>;
}

function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(makeQueryClient);
  return (
    <I18nextProvider i18n={portalI18n}>
      <QueryClientProvider client={client}>
        <BrowserRouter>
          <UnauthorizedBridge client={client} />
          <LocaleBridge>{children}</LocaleBridge>
        </BrowserRouter>
      </QueryClientProvider>
    </I18nextProvider>
  );
}

/** Mounts the owner portal (antd-mobile and the portal's own texts and styles; nothing of the console). */
export function mount(root: Root): void {
  document.title = (portalI18n.t as unknown as (k: string) => string)('portal.brand');
  root.render(
    <StrictMode>
      <Providers>
        <PortalRoutes />
      </Providers>
    </StrictMode>,
  );
}
