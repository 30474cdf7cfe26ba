import { Button, Input, Result, Toast } from 'antd-mobile';
import { useState } from 'react';
import { useParams } from 'react-router';
import { ApiError } from '../../portal/api/client';
import { Screen } from '../../portal/components';
import { usePortalT } from '../../portal/lang';
import { useReferralSignup } from './api';

/** The share link's landing page (no sign-in): a referred friend leaves a name and mobile. */
export default function SignupPage() {
  const { t, localize } = usePortalT<string>();
  const { code = '' } = useParams();
  const [name, setName] = useState('');
  const [mobile, setMobile] = useState('');
  const [model, setModel] = useState('');
  const signup = useReferralSignup();
  const submit = () => {
    if (!name.trim() || !mobile.trim()) return void Toast.show({ content: t('loyalty.signup.required') });
    signup.mutate(
      { code, friendName: name.trim(), friendMobile: mobile.trim(), interestedModel: model.trim() },
      { onError: (e) => Toast.show({ icon: 'fail', content: e instanceof ApiError ? localize(e.title) : t('portal.common.networkError') }) },
    );
  };
  return (
    <Screen title={t('loyalty.signup.title')}>
      <div className="pt-page">
        {signup.isSuccess ? (
          <div className="pt-card"><Result status="success" title={t('loyalty.signup.done')} /></div>
        ) : (
          <div className="pt-card">
            <p style={{ marginTop: 0 }}>{t('loyalty.signup.introNoName')}</p>
            <div className="pt-field"><label htmlFor="rf-name">{t('loyalty.signup.name')}</label><div className="pt-input-box"><Input id="rf-name" value={name} onChange={setName} placeholder={t('loyalty.signup.namePlaceholder')} maxLength={50} /></div></div>
            <div className="pt-field"><label htmlFor="rf-mobile">{t('loyalty.signup.mobile')}</label><div className="pt-input-box"><Input id="rf-mobile" type="tel" value={mobile} onChange={setMobile} maxLength={20} /></div></div>
            <div className="pt-field"><label htmlFor="rf-model">{t('loyalty.signup.model')}</label><div className="pt-input-box"><Input id="rf-model" value={model} onChange={setModel} maxLength={100} /></div></div>
            <Button block color="primary" size="large" loading={signup.isPending} onClick={submit}>{t('loyalty.signup.submit')}</Button>
          </div>
        )}
      </div>
    </Screen>
  );
}
