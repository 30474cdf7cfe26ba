import { GlobalOutlined, LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Dropdown, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { localize, setLang, type TLang } from '../../i18n';
import { ApiError } from '../../api/client';
import { useDocumentTitle } from '../../components/PageHeader';
import { useLogin, useMe } from '../api';

/** Only same-site paths are followed after sign-in (no open redirect through ?next=). */
function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/login')) return '/customers';
  return next;
}

export function LoginPage() {
  const { t, i18n } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const me = useMe();
  const login = useLogin();
  const [error, setError] = useState<string | null>(null);
  const next = safeNext(params.get('next'));
  useDocumentTitle(t('login.title'));

  if (me.data) return <Navigate to={next} replace />;

  const onFinish = (v: { username: string; password: string }) => {
    setError(null);
    login.mutate(v, {
      onSuccess: () => void navigate(next, { replace: true }),
      onError: (e) => {
        if (e instanceof ApiError && e.status === 401) setError(t('login.wrongCredentials'));
        else if (e instanceof ApiError && e.status === 429) setError(t('login.tooMany'));
        else setError(e instanceof ApiError ? localize(e.title) : t('errors.network'));
      },
    });
  };

  return (
    <div className="bk-login">
      <div className="bk-login-hero">
        <div style={{ display: 'flex', alignItems: 'center', gap: 12 }}>
          <span className="bk-brand-mark" style={{ width: 40, height: 40, fontSize: 20, background: 'rgba(255,255,255,0.16)' }}>
            保
          </span>
          <span style={{ fontSize: 20, fontWeight: 600 }}>{t('shell.brand')}</span>
        </div>
        <div>
          <h1>{t('login.heroTitle')}</h1>
          <p>{t('login.heroText')}</p>
        </div>
        <div style={{ color: 'rgba(255,255,255,0.7)', fontSize: 12 }}>{t('login.footer')}</div>
      </div>
      <div className="bk-login-panel">
        <Card className="bk-login-card" variant="borderless" style={{ boxShadow: '0 6px 24px rgba(15, 35, 80, 0.08)' }}>
          <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginBottom: 20 }}>
            <Typography.Title level={3} style={{ margin: 0 }}>
              {t('login.title')}
            </Typography.Title>
            <Dropdown
              trigger={['click']}
              menu={{
                selectable: true,
                selectedKeys: [i18n.language],
                items: [
                  { key: 'zh-CN', label: '简体中文' },
                  { key: 'en-US', label: 'English' },
                ],
                onClick: ({ key }) => void setLang(key as TLang),
              }}
            >
              <Button type="text" size="small" icon={<GlobalOutlined />} aria-label={t('shell.language')}>
                {i18n.language === 'en-US' ? 'English' : '简体中文'}
              </Button>
            </Dropdown>
          </div>
          {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
          <Form layout="vertical" onFinish={onFinish} requiredMark={false} disabled={login.isPending} size="large">
            <Form.Item name="username" label={t('login.username')} rules={[{ required: true, whitespace: true, message: t('login.usernameRequired') }]}>
              <Input prefix={<UserOutlined />} autoComplete="username" autoFocus placeholder={t('login.usernamePlaceholder')} />
            </Form.Item>
            <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('login.passwordRequired') }]}>
              <Input.Password prefix={<LockOutlined />} autoComplete="current-password" placeholder={t('login.passwordPlaceholder')} />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={login.isPending}>
              {t('login.submit')}
            </Button>
          </Form>
        </Card>
      </div>
    </div>
  );
}
