import { Dialog, List, Switch, Toast } from 'antd-mobile';
import { GlobalOutline, PhoneFill } from 'antd-mobile-icons';
import { useNavigate } from 'react-router';
import { ApiError } from '../api/client';
import { useOwner, usePutConsent, useSignOut } from '../api';
import { Failed, PageSkeleton, Screen } from '../components';
import { LANG_NAMES, setPortalLang, usePortalT, type TPortalKey } from '../lang';
import { PORTAL_ENTRIES } from '../modules';

/** Profile, marketing consent per channel, more services, language, sign out. */
export default function MePage() {
  const { t, lang, localize } = usePortalT();
  const navigate = useNavigate();
  const me = useOwner();
  const consent = usePutConsent();
  const signOut = useSignOut();
  const signOutAll = useSignOut(true);
  if (me.isPending) return <Screen title={t('portal.me.title')}><PageSkeleton /></Screen>;
  if (me.isError || !me.data) return <Screen title={t('portal.me.title')}><Failed error={me.error} onRetry={() => void me.refetch()} /></Screen>;
  const m = me.data;
  const leave = () => void navigate('/portal/login', { replace: true });
  return (
    <Screen title={t('portal.me.title')}>
      <div className="pt-page">
        <div className="pt-card">
          <div style={{ fontSize: 20, fontWeight: 600 }} data-testid="me-name">
            {m.name}
          </div>
          <div className="pt-muted" style={{ marginTop: 4 }}>
            {m.mobileMasked}
          </div>
          <div style={{ marginTop: 14, paddingTop: 12, borderTop: '1px solid #f0f1f4' }}>
            <div className="pt-muted">{t('portal.me.store')}</div>
            <div style={{ fontWeight: 500 }}>{m.store.name}</div>
            <div className="pt-muted">{m.store.address}</div>
            {m.store.phone && (
              <a href={`tel:${m.store.phone}`} className="pt-link" style={{ display: 'inline-flex', alignItems: 'center', gap: 6, marginTop: 8, minHeight: 32 }}>
                <PhoneFill /> {t('portal.common.callStore')} {m.store.phone}
              </a>
            )}
          </div>
        </div>

        <List header={t('portal.me.consents')} mode="card" style={{ margin: '0 0 12px' }}>
          {m.consents.map((c) => (
            <List.Item
              key={c.channel}
              extra={
                <Switch
                  checked={c.granted}
                  loading={consent.isPending && consent.variables?.channel === c.channel}
                  aria-label={t(`portal.me.channels.${c.channel}` as TPortalKey)}
                  data-testid={`consent-${c.channel}`}
                  onChange={(granted) =>
                    consent.mutate(
                      { channel: c.channel, granted },
                      {
                        onSuccess: () => Toast.show({ icon: 'success', content: granted ? t('portal.me.granted') : t('portal.me.withdrawn') }),
                        onError: (e) => Toast.show({ icon: 'fail', content: e instanceof ApiError ? localize(e.title) : t('portal.common.networkError') }),
                      },
                    )
                  }
                />
              }
            >
              {t(`portal.me.channels.${c.channel}` as TPortalKey)}
            </List.Item>
          ))}
        </List>
        <p className="pt-hint" style={{ margin: '-4px 8px 14px' }}>
          {t('portal.me.consentsNote')}
        </p>

        <List header={t('portal.me.more')} mode="card" style={{ margin: '0 0 12px' }}>
          {PORTAL_ENTRIES.filter((e) => e.where === 'me').map((e) => (
            <List.Item key={e.key} prefix={e.icon} onClick={() => void navigate(e.path)}>
              {t(e.label as TPortalKey)}
            </List.Item>
          ))}
          <List.Item prefix={<GlobalOutline />} extra={LANG_NAMES[lang]} onClick={() => void setPortalLang(lang === 'en-US' ? 'zh-CN' : 'en-US')} data-testid="me-language">
            {t('portal.me.language')}
          </List.Item>
        </List>

        <List mode="card" style={{ margin: 0 }}>
          <List.Item arrowIcon={false} onClick={() => signOut.mutate(undefined, { onSettled: leave })} data-testid="sign-out">
            <span style={{ color: 'var(--adm-color-danger)' }}>{t('portal.me.signOut')}</span>
          </List.Item>
          <List.Item
            arrowIcon={false}
            onClick={() =>
              void Dialog.confirm({
                content: t('portal.me.signOutAllConfirm'),
                confirmText: t('portal.common.confirm'),
                cancelText: t('portal.common.cancel'),
                onConfirm: () => signOutAll.mutate(undefined, { onSettled: leave }),
              })
            }
          >
            <span className="pt-muted">{t('portal.me.signOutAll')}</span>
          </List.Item>
        </List>
      </div>
    </Screen>
  );
}
