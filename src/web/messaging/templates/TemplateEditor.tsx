import { Alert, App, Button, Col, Drawer, Form, Input, Radio, Row, Segmented, Select, Space, Switch, Typography } from 'antd';
import type { TextAreaRef } from 'antd/es/input/TextArea';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MESSAGE_CHANNELS, MESSAGE_PURPOSES, TEMPLATE_LOCALES, ZTemplateCode } from '../../../contracts/messaging';
import { useSession } from '../../console/session';
import { CustomerPicker } from '../../customers/components/CustomerPicker';
import { applyApiError, zodRule } from '../../lib/forms';
import { useStores } from '../../org/api';
import { useCreateTemplate, useUpdateTemplate, type MessageChannel, type MessagePurpose, type MessageTemplate, type TemplateLocale } from '../api';
import { PreviewPanel, VariableChips } from '../components/TemplateText';

/**
 * What the editor is for: a new template; editing one; another language version of a template family; or a store's
 * own copy of a group template (an override, same code).
 */
export type TEditorMode =
  | { kind: 'create' }
  | { kind: 'edit'; template: MessageTemplate }
  | { kind: 'version'; base: MessageTemplate; locale: TemplateLocale }
  | { kind: 'override'; base: MessageTemplate; storeId: string };

interface FormValues {
  code: string;
  name: string;
  channel: MessageChannel;
  purpose: MessagePurpose;
  locale: TemplateLocale;
  /** '' = a group template. */
  storeId: string;
  subject: string;
  body: string;
  active: boolean;
}

function initialValues(mode: TEditorMode, ownStore: string | undefined): FormValues {
  switch (mode.kind) {
    case 'create':
      return { code: '', name: '', channel: 'sms', purpose: 'service', locale: 'zh-CN', storeId: ownStore ?? '', subject: '', body: '', active: true };
    case 'edit': {
      const x = mode.template;
      return { code: x.code, name: x.name, channel: x.channel, purpose: x.purpose, locale: x.locale, storeId: x.storeId ?? '', subject: x.subject, body: x.body, active: x.active };
    }
    case 'version': {
      const x = mode.base;
      return { code: x.code, name: x.name, channel: x.channel, purpose: x.purpose, locale: mode.locale, storeId: x.storeId ?? '', subject: '', body: '', active: true };
    }
    case 'override': {
      const x = mode.base;
      return { code: x.code, name: x.name, channel: x.channel, purpose: x.purpose, locale: x.locale, storeId: mode.storeId, subject: x.subject, body: x.body, active: true };
    }
  }
}

/** Create or edit a template with the variables helper and a live preview rendered by the server. */
export function TemplateEditor({ mode, onClose }: { mode: TEditorMode | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { groupWide, me } = useSession();
  const [form] = Form.useForm<FormValues>();
  const create = useCreateTemplate();
  const update = useUpdateTemplate();
  const bodyRef = useRef<TextAreaRef>(null);
  const stores = useStores();
  const [error, setError] = useState<string | null>(null);
  const [sample, setSample] = useState<'sample' | 'customer'>('sample');
  const [customerId, setCustomerId] = useState<string | undefined>();
  const creating = mode !== null && mode.kind !== 'edit';
  const fixed = mode !== null && mode.kind !== 'create';

  useEffect(() => {
    if (!mode) return;
    setError(null);
    setSample('sample');
    setCustomerId(undefined);
    form.resetFields();
    form.setFieldsValue(initialValues(mode, groupWide ? undefined : (me.storeId ?? undefined)));
  }, [mode, form, groupWide, me.storeId]);

  const channel = Form.useWatch('channel', form) ?? 'sms';
  const purpose = Form.useWatch('purpose', form) ?? 'service';
  const locale = Form.useWatch('locale', form) ?? 'zh-CN';
  const body = Form.useWatch('body', form) ?? '';
  const subject = Form.useWatch('subject', form) ?? '';

  const title =
    mode?.kind === 'edit'
      ? t('messaging.editor.editTitle', { code: mode.template.code })
      : mode?.kind === 'version'
        ? t('messaging.editor.versionTitle', { code: mode.base.code })
        : mode?.kind === 'override'
          ? t('messaging.editor.overrideTitle', { code: mode.base.code })
          : t('messaging.editor.createTitle');

  const submit = (v: FormValues) => {
    if (!mode) return;
    setError(null);
    const done = (msg: string) => () => {
      void message.success(msg);
      onClose();
    };
    const fail = (e: unknown) => setError(applyApiError(form, e));
    if (mode.kind === 'edit') {
      update.mutate(
        { id: mode.template.id, name: v.name.trim(), subject: (v.subject ?? '').trim(), body: v.body.trim(), active: v.active },
        { onSuccess: done(t('messaging.editor.saved')), onError: fail },
      );
    } else {
      create.mutate(
        {
          ...(groupWide ? { storeId: v.storeId || null } : {}),
          code: v.code.trim(),
          name: v.name.trim(),
          channel: v.channel,
          purpose: v.purpose,
          locale: v.locale,
          subject: (v.subject ?? '').trim() || undefined,
          body: v.body.trim(),
          active: v.active,
        },
        { onSuccess: done(t('messaging.editor.created')), onError: fail },
      );
    }
  };

  return (
    <Drawer
      open={mode !== null}
      onClose={onClose}
      size={1040}
      title={title}
      destroyOnHidden
      data-testid="template-editor"
      footer={
        <Space style={{ float: 'right' }}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={create.isPending || update.isPending} onClick={() => form.submit()} data-testid="template-save">
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      {mode?.kind === 'override' && <Alert type="info" showIcon title={t('messaging.templates.overrideHint')} style={{ marginBottom: 16 }} />}
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Row gutter={24}>
        <Col span={13}>
          <Form form={form} layout="vertical" onFinish={submit} requiredMark={false}>
            <Row gutter={12}>
              <Col span={12}>
                <Form.Item
                  name="code"
                  label={t('messaging.editor.code')}
                  extra={creating && !fixed ? t('messaging.editor.codeHint') : undefined}
                  rules={[{ required: true, message: t('messaging.editor.codeRequired') }, zodRule(ZTemplateCode)]}
                >
                  <Input disabled={fixed} maxLength={60} className="bk-mono" />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item name="name" label={t('messaging.editor.name')} rules={[{ required: true, whitespace: true, message: t('messaging.editor.nameRequired') }]}>
                  <Input maxLength={100} />
                </Form.Item>
              </Col>
            </Row>
            <Row gutter={12}>
              <Col span={12}>
                <Form.Item name="channel" label={t('messaging.editor.channel')}>
                  <Select disabled={fixed} options={MESSAGE_CHANNELS.map((c) => ({ value: c.key, label: t(`messaging.channels.${c.key}`) }))} />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item name="purpose" label={t('messaging.editor.purpose')}>
                  <Radio.Group disabled={fixed} optionType="button" options={MESSAGE_PURPOSES.map((p) => ({ value: p.key, label: t(`messaging.purposes.${p.key}`) }))} />
                </Form.Item>
              </Col>
            </Row>
            <Row gutter={12}>
              <Col span={12}>
                <Form.Item name="locale" label={t('messaging.editor.locale')}>
                  <Radio.Group disabled={fixed} optionType="button" options={TEMPLATE_LOCALES.map((l) => ({ value: l.key, label: t(`messaging.locales.${l.key}`) }))} />
                </Form.Item>
              </Col>
              <Col span={12}>
                {groupWide && mode?.kind === 'create' ? (
                  <Form.Item name="storeId" label={t('messaging.editor.store')}>
                    <Select
                      options={[{ value: '', label: t('messaging.editor.storeGroup') }, ...(stores.data ?? []).filter((x) => x.active).map((x) => ({ value: x.id, label: x.name }))]}
                      loading={stores.isPending}
                    />
                  </Form.Item>
                ) : (
                  <Form.Item name="active" label={t('messaging.editor.active')} valuePropName="checked">
                    <Switch />
                  </Form.Item>
                )}
              </Col>
            </Row>
            {groupWide && mode?.kind === 'create' && (
              <Form.Item name="active" label={t('messaging.editor.active')} valuePropName="checked">
                <Switch />
              </Form.Item>
            )}
            {channel === 'email' && (
              <Form.Item name="subject" label={t('messaging.editor.subject')} rules={[{ required: true, whitespace: true, message: t('messaging.editor.subjectRequired') }]}>
                <Input maxLength={200} />
              </Form.Item>
            )}
            <Form.Item label={t('messaging.editor.body')} required>
              <VariableChips textArea={bodyRef} value={body} onChange={(next) => form.setFieldsValue({ body: next })} purpose={purpose} />
              <Form.Item name="body" noStyle rules={[{ required: true, whitespace: true, message: t('messaging.editor.bodyRequired') }]}>
                <Input.TextArea ref={bodyRef} rows={8} maxLength={4000} showCount aria-label={t('messaging.editor.body')} />
              </Form.Item>
            </Form.Item>
            {purpose === 'marketing' && (
              <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: -8 }}>
                {t('messaging.editor.marketingNote')}
              </Typography.Paragraph>
            )}
          </Form>
        </Col>
        <Col span={11}>
          <Space orientation="vertical" size={8} style={{ width: '100%', marginBottom: 12 }}>
            <Typography.Text type="secondary">{t('messaging.editor.previewSample')}</Typography.Text>
            <Segmented
              value={sample}
              onChange={(v) => setSample(v as 'sample' | 'customer')}
              options={[
                { value: 'sample', label: t('messaging.editor.previewSampleData') },
                { value: 'customer', label: t('messaging.editor.previewCustomer') },
              ]}
            />
            {sample === 'customer' && <CustomerPicker value={customerId} onChange={(id) => setCustomerId(id)} style={{ width: '100%' }} allowClear aria-label={t('messaging.editor.previewCustomer')} />}
          </Space>
          <PreviewPanel
            request={{ body, subject: channel === 'email' ? subject : undefined, channel, purpose, locale, customerId: sample === 'customer' ? customerId : undefined }}
            channel={channel}
            emptyText={t('messaging.editor.previewEmpty')}
          />
        </Col>
      </Row>
    </Drawer>
  );
}
