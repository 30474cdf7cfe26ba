import { EyeOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Space, Spin, Tag, Tooltip, Typography } from 'antd';
import type { TextAreaRef } from 'antd/es/input/TextArea';
import { useEffect, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { TEMPLATE_VARIABLES } from '../../../contracts/messaging';
import { ApiError } from '../../api/client';
import { localize } from '../../i18n';
import { useTemplatePreview, type MessageChannel, type MessagePurpose, type TemplatePreviewInput } from '../api';
import { insertAt } from '../rules';
import '../messaging.css';

/** `value` once it has stopped changing for `ms` (the live preview asks the server after typing pauses). */
export function useDebounced<T>(value: T, ms = 350): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const h = window.setTimeout(() => setV(value), ms);
    return () => window.clearTimeout(h);
  }, [value, ms]);
  return v;
}

/**
 * The variables the server fills in, as chips: a click writes `{{客户姓名}}` at the caret of the body. The
 * unsubscribe link is offered only for marketing (service notices carry none).
 */
export function VariableChips({ textArea, value, onChange, purpose }: { textArea: RefObject<TextAreaRef | null>; value: string; onChange: (next: string) => void; purpose?: MessagePurpose }) {
  const { t } = useTranslation();
  const insert = (name: string) => {
    const el = textArea.current?.resizableTextArea?.textArea;
    const r = insertAt(value, `{{${name}}}`, el?.selectionStart, el?.selectionEnd);
    onChange(r.text);
    window.requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(r.caret, r.caret);
    });
  };
  return (
    <Space size={[4, 6]} wrap style={{ marginBottom: 8 }} data-testid="variable-chips">
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('messaging.editor.insertVariable')}
      </Typography.Text>
      {TEMPLATE_VARIABLES.filter((v) => v.key !== '退订链接' || purpose === 'marketing').map((v) => (
        <Tooltip key={v.key} title={t(`messaging.variables.${v.key}`)}>
          <Tag
            className="bk-var-chip"
            icon={<PlusOutlined />}
            color="processing"
            variant="outlined"
            role="button"
            tabIndex={0}
            onClick={() => insert(v.key)}
            onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), insert(v.key))}
            style={{ marginInlineEnd: 0 }}
          >
            {`{{${v.key}}}`}
          </Tag>
        </Tooltip>
      ))}
    </Space>
  );
}

/** The rendered message, from the server's preview endpoint (the same renderer the sender uses), as the customer sees it. */
export function PreviewPanel({
  request,
  channel,
  emptyText,
  onMissing,
}: {
  request: TemplatePreviewInput;
  channel?: MessageChannel;
  emptyText: string;
  onMissing?: (names: string[]) => void;
}) {
  const { t, i18n } = useTranslation();
  const debounced = useDebounced(request);
  const preview = useTemplatePreview(debounced);
  const missing = preview.data?.missing;
  useEffect(() => {
    if (missing) onMissing?.(missing);
  }, [missing, onMissing]);
  const has = Boolean(request.templateId || request.body?.trim());
  const stale = preview.isFetching || JSON.stringify(debounced) !== JSON.stringify(request);
  const length = preview.data ? [...preview.data.body].length : 0;
  return (
    <div data-testid="message-preview">
      <Space style={{ marginBottom: 8 }}>
        <EyeOutlined className="bk-muted" aria-hidden />
        <Typography.Text strong>{t('messaging.editor.preview')}</Typography.Text>
        {has && stale && <Spin size="small" aria-label={t('messaging.editor.previewLoading')} />}
      </Space>
      {!has ? (
        <div className="bk-message-body bk-empty">{emptyText}</div>
      ) : preview.isError ? (
        <Alert type="error" showIcon title={preview.error instanceof ApiError ? localize(preview.error.title) : t('errors.loadFailed')} />
      ) : preview.data ? (
        <>
          <div className="bk-message-body" data-testid="preview-body" style={stale ? { opacity: 0.6 } : undefined}>
            {preview.data.subject && <div style={{ fontWeight: 600, marginBottom: 6 }}>{preview.data.subject}</div>}
            {preview.data.body}
          </div>
          <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block', marginTop: 4 }}>
            {t('messaging.editor.chars', { count: length })}
            {channel === 'sms' && ` · ${t('messaging.editor.smsSegments', { count: length <= 70 ? 1 : Math.ceil(length / 67) })}`}
          </Typography.Text>
          {preview.data.missing.length > 0 && (
            <Alert type="warning" showIcon style={{ marginTop: 8 }} title={t('messaging.editor.missing', { names: preview.data.missing.map((n) => `{{${n}}}`).join(i18n.language === 'en-US' ? ', ' : '、') })} data-testid="preview-missing" />
          )}
        </>
      ) : (
        <div className="bk-message-body bk-empty">{t('messaging.editor.previewLoading')}</div>
      )}
    </div>
  );
}
