import { Button, Input } from 'antd-mobile';
import { useEffect, useRef, useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../api/client';
import { useOwner, useRequestCode, useVerifyCode } from '../api';
import { LANG_NAMES, setPortalLang, usePortalT } from '../lang';

/** Loose check before asking the server (which normalises and validates fully, also +852/+886 numbers). */
const looksLikeMobile = (s: string) => /^\+?[\d\s-]{8,20}$/.test(s.trim()) && s.replace(/\D/g, '').length >= 8;
const maskForHint = (s: string) => {
  const d = s.replace(/\D/g, '').replace(/^86(?=1\d{10}$)/, '');
  return d.length >= 7 ? `${d.slice(0, 3)}****${d.slice(-4)}` : d;
};

/** Sign in with the mobile and a 6-digit code sent by SMS; a countdown guards the resend. */
export default function LoginPage() {
  const { t, lang, localize } = usePortalT();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const me = useOwner();
  const request = useRequestCode();
  const verify = useVerifyCode();
  const [mobile, setMobile] = useState('');
  const [code, setCode] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [left, setLeft] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const next = params.get('next')?.startsWith('/portal') ? params.get('next')! : '/portal';

  useEffect(() => () => window.clearInterval(timer.current), []);
  const countdown = (seconds: number) => {
    setLeft(seconds);
    window.clearInterval(timer.current);
    timer.current = window.setInterval(() => setLeft((s) => (s <= 1 ? (window.clearInterval(timer.current), 0) : s - 1)), 1000);
  };

  if (me.data) return <Navigate to={next} replace />;

  const sendCode = () => {
    setError(null);
    if (!looksLikeMobile(mobile)) return setError(t('portal.login.mobileInvalid'));
    request.mutate(mobile.trim(), {
      onSuccess: (r) => {
        setSentTo(mobile.trim());
        countdown(r.resendAfterSeconds);
      },
      // A 429 says in words how long to wait ("请 40 秒后再试"); a 400 names what is wrong with the number.
      onError: (e) => setError(e instanceof ApiError ? localize(e.status === 400 && e.errors[0] ? e.errors[0].message : e.title) : t('portal.common.networkError')),
    });
  };

  const submit = () => {
    setError(null);
    if (!/^\d{6}$/.test(code.trim())) return setError(t('portal.login.codeInvalid'));
    verify.mutate(
      { mobile: (sentTo ?? mobile).trim(), code: code.trim() },
      {
        onSuccess: () => void navigate(next, { replace: true }),
        onError: (e) => setError(e instanceof ApiError ? localize(e.title) : t('portal.common.networkError')),
      },
    );
  };

  return (
    <div className="pt-login">
      <div className="pt-login-hero">
        <div className="pt-logo" aria-hidden="true">
          保
        </div>
        <h1>{t('portal.login.title')}</h1>
        <p>{t('portal.login.subtitle')}</p>
      </div>
      <form
        className="pt-login-form"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
        noValidate
      >
        <div className="pt-field">
          <label htmlFor="pt-mobile">{t('portal.login.mobile')}</label>
          <div className="pt-input-box">
            <Input id="pt-mobile" type="tel" inputMode="tel" autoComplete="tel" placeholder={t('portal.login.mobilePlaceholder')} value={mobile} onChange={setMobile} clearable />
          </div>
        </div>
        <div className="pt-field">
          <label htmlFor="pt-code">{t('portal.login.code')}</label>
          <div className="pt-input-box">
            <Input
              id="pt-code"
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              placeholder={t('portal.login.codePlaceholder')}
              value={code}
              onChange={(v) => setCode(v.replace(/\D/g, ''))}
             
            />
            <Button size="small" color="primary" fill="none" onClick={sendCode} disabled={left > 0} loading={request.isPending} style={{ flex: 'none', fontSize: 15 }} data-testid="get-code">
              {left > 0 ? t('portal.login.resendIn', { s: left }) : sentTo ? t('portal.login.resend') : t('portal.login.getCode')}
            </Button>
          </div>
        </div>
        {error ? (
          <div className="pt-error" role="alert">
            {error}
          </div>
        ) : sentTo ? (
          <div className="pt-hint" role="status">
            {t('portal.login.sent', { mobile: maskForHint(sentTo) })}
            <br />
            {t('portal.login.sentHint')}
          </div>
        ) : null}
        <Button block type="submit" color="primary" size="large" loading={verify.isPending} style={{ borderRadius: 12, marginTop: 8 }}>
          {t('portal.login.submit')}
        </Button>
        <p className="pt-hint" style={{ marginTop: 16 }}>
          {t('portal.login.agreement')}
        </p>
        <button type="button" className="pt-lang" onClick={() => void setPortalLang(lang === 'en-US' ? 'zh-CN' : 'en-US')} data-testid="portal-lang">
          {lang === 'en-US' ? LANG_NAMES['zh-CN'] : LANG_NAMES['en-US']}
        </button>
      </form>
    </div>
  );
}
