import { SendOutlined } from '@ant-design/icons';
import { Alert, Button, Col, Form, Input, Modal, Radio, Result, Row, Segmented, Select, Space, Typography } from 'antd';
import type { TextAreaRef } from 'antd/es/input/TextArea';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { MESSAGE_CHANNELS, MESSAGE_PURPOSES } from '../../../contracts/messaging';
import { applyApiError } from '../../lib/forms';
import { newIdempotencyKey } from '../../lib/idempotency';
import { useSendMessage, useTemplates, type Message, type MessageChannel, type MessagePurpose, type TemplatePreviewInput } from '../api';
import { senderVariables, usableTemplates, variablesIn } from '../rules';
import { MessageStatusTag, useExplainMessage } from './MessageBits';
import { PreviewPanel, VariableChips } from './TemplateText';

/** The customer a message goes to, as the 360 page knows them. */
export interface MessageCustomer {
  id: string;
  name: string;
  storeId: string;
  vehicles: { id: string; plate: string | null; vin: string }[];
  consents: { channel: string; purpose: string; granted: boolean }[];
}

function hasMarketingConsent(c: MessageCustomer, channel: MessageChannel): boolean {
  const channels = channel === 'inbox' ? ['sms', 'wechat', 'email'] : [channel];
  return c.consents.some((k) => k.purpose === 'marketing' && k.granted && channels.includes(k.channel));
}

/**
 * Sends one message to the customer through the same gate as journeys: by template or free text, on a channel and
 * for a purpose. The answer says whether it was queued, deferred (quiet hours) or held back, and why.
 */
export function SendMessageModal({ open, onClose, customer }: { open: boolean; onClose: () => void; customer: MessageCustomer }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const explain = useExplainMessage();
  const send = useSendMessage();
  const bodyRef = useRef<TextAreaRef>(null);
  const [channel, setChannel] = useState<MessageChannel>('sms');
  const [purpose, setPurpose] = useState<MessagePurpose>('service');
  const [mode, setMode] = useState<'template' | 'free'>('template');
  const [templateId, setTemplateId] = useState<string | undefined>();
  const [vehicleId, setVehicleId] = useState<string>('');
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [vars, setVars] = useState<Record<string, string>>({});
  const [asked, setAsked] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<Message | null>(null);
  const [key, setKey] = useState(newIdempotencyKey);

  const reset = useCallback(() => {
    setTemplateId(undefined);
    setSubject('');
    setBody('');
    setVars({});
    setAsked([]);
    setError(null);
    setSent(null);
    setKey(newIdempotencyKey());
  }, []);
  useEffect(() => {
    if (open) reset();
  }, [open, reset]);

  const templates = useTemplates({ channel, purpose, active: true, storeId: customer.storeId }, { enabled: open });
  const options = useMemo(() => usableTemplates(templates.data ?? []), [templates.data]);
  const template = options.find((x) => x.id === templateId);
  // A template of another channel or purpose cannot be sent: forget it when those change.
  useEffect(() => {
    if (templateId && templates.data && !template) setTemplateId(undefined);
  }, [templateId, template, templates.data]);

  const used = mode === 'template' ? (template?.variables ?? []) : variablesIn(subject, body);
  const varNames = senderVariables(used, asked);
  const filledVars = Object.fromEntries(Object.entries(vars).filter(([k, v]) => varNames.includes(k) && v.trim()));
  const onMissing = useCallback((names: string[]) => setAsked((a) => [...new Set([...a, ...names.filter((n) => n !== '退订链接' && n !== 'unsubscribeLink')])]), []);

  const request: TemplatePreviewInput =
    mode === 'template'
      ? { templateId, customerId: customer.id, vehicleId: vehicleId || undefined, vars: filledVars }
      : { body, subject: channel === 'email' ? subject : undefined, channel, purpose, customerId: customer.id, vehicleId: vehicleId || undefined, vars: filledVars };

  const canSend = mode === 'template' ? Boolean(templateId) : Boolean(body.trim()) && (channel !== 'email' || Boolean(subject.trim()));
  const submit = () => {
    setError(null);
    send.mutate(
      {
        idempotencyKey: key,
        customerId: customer.id,
        channel,
        vehicleId: vehicleId || undefined,
        vars: Object.keys(filledVars).length ? filledVars : undefined,
        ...(mode === 'template' ? { templateId } : { purpose, body: body.trim(), subject: channel === 'email' ? subject.trim() : undefined }),
      },
      { onSuccess: setSent, onError: (e) => setError(applyApiError(undefined, e)) },
    );
  };

  const lang = i18n.language === 'en-US' ? 'en-US' : 'zh-CN';
  const footer = sent ? (
    <Space>
      <Button onClick={reset}>{t('messaging.send.another')}</Button>
      <Button onClick={() => void navigate(`/messages?message=${sent.id}`)}>{t('messaging.send.viewInOutbox')}</Button>
      <Button type="primary" onClick={onClose}>
        {t('messaging.send.close')}
      </Button>
    </Space>
  ) : (
    <Space>
      <Button onClick={onClose}>{t('common.cancel')}</Button>
      <Button type="primary" icon={<SendOutlined />} disabled={!canSend} loading={send.isPending} onClick={submit} data-testid="send-submit">
        {t('messaging.send.submit')}
      </Button>
    </Space>
  );

  return (
    <Modal open={open} onCancel={onClose} title={t('messaging.send.title', { name: customer.name })} width={920} footer={footer} destroyOnHidden>
      {sent ? (
        <Result
          status={sent.status === 'failed' ? 'error' : sent.status === 'suppressed' ? 'warning' : sent.status === 'deferred' ? 'info' : 'success'}
          title={<span data-testid="send-result">{sent.status === 'suppressed' ? t('messaging.send.resultSuppressed') : sent.status === 'deferred' ? t('messaging.send.resultDeferred') : t('messaging.send.resultQueued')}</span>}
          subTitle={
            <Space orientation="vertical" size={8}>
              <MessageStatusTag status={sent.status} />
              <span data-testid="send-result-reason">{explain(sent)}</span>
            </Space>
          }
        />
      ) : (
        <Row gutter={24}>
          <Col span={13}>
            {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
            <Form layout="vertical" requiredMark={false}>
              <Form.Item label={t('messaging.send.channel')} style={{ marginBottom: 12 }}>
                <Radio.Group
                  optionType="button"
                  buttonStyle="solid"
                  value={channel}
                  onChange={(e) => setChannel(e.target.value as MessageChannel)}
                  options={MESSAGE_CHANNELS.map((c) => ({ value: c.key, label: t(`messaging.channels.${c.key}`) }))}
                />
              </Form.Item>
              <Form.Item label={t('messaging.send.purpose')} style={{ marginBottom: 12 }}>
                <Radio.Group value={purpose} onChange={(e) => setPurpose(e.target.value as MessagePurpose)} options={MESSAGE_PURPOSES.map((p) => ({ value: p.key, label: t(`messaging.purposes.${p.key}`) }))} />
              </Form.Item>
              {purpose === 'marketing' && !hasMarketingConsent(customer, channel) && (
                <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={t('messaging.send.noConsentWarning', { channel: t(`messaging.channels.${channel}`) })} data-testid="no-consent-warning" />
              )}
              <Form.Item label={t('messaging.send.mode')} style={{ marginBottom: 12 }}>
                <Segmented
                  value={mode}
                  onChange={(v) => setMode(v as 'template' | 'free')}
                  options={[
                    { value: 'template', label: t('messaging.send.useTemplate') },
                    { value: 'free', label: t('messaging.send.freeText') },
                  ]}
                />
              </Form.Item>
              {mode === 'template' ? (
                <Form.Item label={t('messaging.send.template')} style={{ marginBottom: 12 }}>
                  <Select
                    aria-label={t('messaging.send.template')}
                    value={templateId}
                    onChange={setTemplateId}
                    loading={templates.isPending}
                    placeholder={t('messaging.send.templatePlaceholder')}
                    showSearch={{ optionFilterProp: 'label' }}
                    notFoundContent={<Typography.Text type="secondary">{t('messaging.send.noTemplates')}</Typography.Text>}
                    options={[...options]
                      .sort((a, b) => Number(b.locale === lang) - Number(a.locale === lang))
                      .map((x) => ({ value: x.id, label: `${x.name} · ${t(`messaging.locales.${x.locale}`)}${x.storeId ? '' : ` · ${t('messaging.templates.scopeGroup')}`}` }))}
                  />
                </Form.Item>
              ) : (
                <>
                  {channel === 'email' && (
                    <Form.Item label={t('messaging.send.subject')} required style={{ marginBottom: 12 }}>
                      <Input value={subject} onChange={(e) => setSubject(e.target.value)} maxLength={200} />
                    </Form.Item>
                  )}
                  <Form.Item label={t('messaging.send.body')} required style={{ marginBottom: 12 }}>
                    <VariableChips textArea={bodyRef} value={body} onChange={setBody} purpose={purpose} />
                    <Input.TextArea ref={bodyRef} value={body} onChange={(e) => setBody(e.target.value)} rows={5} maxLength={4000} showCount placeholder={t('messaging.send.bodyPlaceholder')} aria-label={t('messaging.send.body')} />
                  </Form.Item>
                </>
              )}
              {customer.vehicles.length > 0 && (
                <Form.Item label={t('messaging.send.vehicle')} style={{ marginBottom: 12 }}>
                  <Select
                    value={vehicleId}
                    onChange={setVehicleId}
                    options={[{ value: '', label: t('messaging.send.vehicleAuto') }, ...customer.vehicles.map((v) => ({ value: v.id, label: v.plate ?? v.vin }))]}
                  />
                </Form.Item>
              )}
              {varNames.map((n) => (
                <Form.Item key={n} label={t('messaging.send.varValue', { name: n })} style={{ marginBottom: 12 }}>
                  <Input value={vars[n] ?? ''} onChange={(e) => setVars((v) => ({ ...v, [n]: e.target.value }))} maxLength={500} />
                </Form.Item>
              ))}
            </Form>
          </Col>
          <Col span={11}>
            <PreviewPanel request={request} channel={channel} emptyText={t('messaging.send.previewEmpty')} onMissing={onMissing} />
            {purpose === 'marketing' && (
              <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 12 }}>
                {t('messaging.send.consentNote')}
              </Typography.Paragraph>
            )}
          </Col>
        </Row>
      )}
    </Modal>
  );
}
