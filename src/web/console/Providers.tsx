import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntdApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useEffect, useState, type ReactNode } from 'react';
import { I18nextProvider, useTranslation } from 'react-i18next';
import { BrowserRouter, useNavigate } from 'react-router';
import { ApiError, setUnauthorizedHandler } from '../api/client';
import { authKeys } from '../auth/api';
import i18n from '../i18n';
import { brandTheme } from './theme';

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // 4xx answers will not change by asking again.
        retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
        refetchOnWindowFocus: false,
        staleTime: 30_000,
      },
    },
    queryCache: new QueryCache(),
  });
}

/** A 401 anywhere: forget the cached user and go to /login inside the SPA, remembering where we were. */
function UnauthorizedBridge({ client }: { client: QueryClient }) {
  const navigate = useNavigate();
  useEffect(() => {
    setUnauthorizedHandler(() => {
      if (window.location.pathname === '/login') return;
      const next = window.location.pathname + window.location.search;
      client.setQueryData(authKeys.me, null);
      void navigate(`/login?next=${encodeURIComponent(next)}`, { replace: true });
    });
  }, [client, navigate]);
  return null;
}

/** antd's locale follows i18next, so calendars, pagination and empty states switch with the language. */
function LocaleBridge({ children }: { children: ReactNode }) {
  const { i18n: i } = useTranslation();
  const locale = i.language === 'en-US' ? enUS : zhCN;
  return (
    <ConfigProvider locale={locale} theme={brandTheme} componentSize="middle" button={{ autoInsertSpace: false }}>
      <AntdApp>{children}</AntdApp>
    </ConfigProvider>
  );
}

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(makeQueryClient);
  return (
    <I18nextProvider i18n={i18n}>
      <QueryClientProvider client={client}>
        <BrowserRouter>
          <UnauthorizedBridge client={client} />
          <LocaleBridge>{children}</LocaleBridge>
        </BrowserRouter>
      </QueryClientProvider>
    </I18nextProvider>
  );
}
