import { SafetyCertificateOutlined } from '@ant-design/icons';
import { App, Card, Form, Modal, Select, Switch, Table, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CONSENT_CHANNELS, CONSENT_PURPOSES, type Consent, type ConsentChannel, type ConsentPurpose } from '../../api/types';
import { useSession } from '../../console/session';
import { applyApiError } from '../../lib/forms';
import { dateTime } from '../../lib/format';
import { useCodeLabel } from '../../lib/labels';
import { useSetConsent } from '../api';

export const CONSENT_SOURCES = ['in_store_form', 'phone_confirmation', 'wechat', 'portal', 'contract', 'import', 'other'] as const;

interface Pending {
  channel: ConsentChannel;
  purpose: ConsentPurpose;
  granted: boolean;
}

/**
 * Consent per channel × purpose (PIPL). A change asks where it came from, because a consent without a source is
 * worthless in an audit.
 */
export function ConsentsCard({ customerId, consents }: { customerId: string; consents: Consent[] }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const code = useCodeLabel();
  const { message } = App.useApp();
  const setConsent = useSetConsent(customerId);
  const [pending, setPending] = useState<Pending | null>(null);
  const [source, setSource] = useState<string>('in_store_form');
  const editable = can('customers.consent');
  const find = (c: ConsentChannel, p: ConsentPurpose) => consents.find((x) => x.channel === c && x.purpose === p);

  const cell = (channel: ConsentChannel, purpose: ConsentPurpose) => {
    const c = find(channel, purpose);
    const sw = (
      <Switch
        size="small"
        checked={c?.granted ?? false}
        disabled={!editable}
        aria-label={`${t(`consent.channels.${channel}`)} · ${t(`consent.purposes.${purpose}`)}`}
        onChange={(granted) => {
          setSource('in_store_form');
          setPending({ channel, purpose, granted });
        }}
      />
    );
    return (
      <div style={{ display: 'flex', alignItems: 'center', gap: 6, lineHeight: 1.3 }}>
        {sw}
        <div className="bk-muted" style={{ fontSize: 12, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>
          {c ? (
            <Tooltip title={t('consent.recordedAt', { at: dateTime(c.recordedAt) })}>
              <span>{code('consentSources', c.source)}</span>
            </Tooltip>
          ) : (
            t('consent.notRecorded')
          )}
        </div>
      </div>
    );
  };

  return (
    <Card
      title={
        <span>
          <SafetyCertificateOutlined style={{ marginInlineEnd: 8, color: '#1d5bd8' }} />
          {t('consent.title')}
        </span>
      }
      size="small"
      style={{ height: '100%' }}
    >
      <Table
        size="small"
        pagination={false}
        rowKey="channel"
        dataSource={CONSENT_CHANNELS.map((channel) => ({ channel }))}
        columns={[
          { key: 'channel', title: t('consent.channel'), render: (_: unknown, r) => t(`consent.channels.${r.channel}`), width: 70 },
          ...CONSENT_PURPOSES.map((purpose) => ({ key: purpose, title: t(`consent.purposes.${purpose}`), render: (_: unknown, r: { channel: ConsentChannel }) => cell(r.channel, purpose) })),
        ]}
      />
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '8px 0 0' }}>
        {t('consent.note')}
      </Typography.Paragraph>
      <Modal
        open={!!pending}
        title={pending ? t(pending.granted ? 'consent.grantTitle' : 'consent.withdrawTitle', { channel: t(`consent.channels.${pending.channel}`), purpose: t(`consent.purposes.${pending.purpose}`) }) : ''}
        okText={t('common.confirm')}
        confirmLoading={setConsent.isPending}
        onCancel={() => setPending(null)}
        onOk={() => {
          if (!pending) return;
          setConsent.mutate(
            { ...pending, source },
            {
              onSuccess: () => {
                setPending(null);
                void message.success(t('consent.saved'));
              },
              onError: (e) => void message.error(applyApiError(undefined, e)),
            },
          );
        }}
      >
        <Form layout="vertical">
          <Form.Item label={t('consent.source')} required>
            <Select value={source} onChange={setSource} options={CONSENT_SOURCES.map((s) => ({ value: s, label: t(`consentSources.${s}`) }))} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
