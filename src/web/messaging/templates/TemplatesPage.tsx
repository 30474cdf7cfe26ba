import { BranchesOutlined, EditOutlined, FilterOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Select, Space, Switch, Table, Tag, Tooltip, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { MESSAGE_CHANNELS, MESSAGE_PURPOSES } from '../../../contracts/messaging';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { useSession } from '../../console/session';
import { applyApiError } from '../../lib/forms';
import { dateTime } from '../../lib/format';
import { useTemplates, useUpdateTemplate, type MessageChannel, type MessagePurpose, type MessageTemplate, type TemplateLocale } from '../api';
import { ChannelLabel } from '../components/MessageBits';
import { templateFamilies, TEMPLATE_LOCALE_ORDER as LOCALES, type TemplateFamily as Family } from '../rules';
import { TemplateEditor, type TEditorMode } from './TemplateEditor';

/**
 * Message templates: group templates every store may use and each store's own (an override when the code matches
 * a group template). Each row is one template in its language versions, each version with its own switch.
 */
export default function TemplatesPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { can, groupWide, storeId, storeName } = useSession();
  const [params, setParams] = useSearchParams();
  const channel = (params.get('channel') ?? undefined) as MessageChannel | undefined;
  const purpose = (params.get('purpose') ?? undefined) as MessagePurpose | undefined;
  const list = useTemplates({ storeId: groupWide ? storeId : undefined, channel, purpose });
  const update = useUpdateTemplate();
  const [editor, setEditor] = useState<TEditorMode | null>(null);
  const rows = useMemo(() => templateFamilies(list.data ?? []), [list.data]);
  const manage = can('templates.manage');
  // The store a store-level action is for: the user's own, or the one a group admin picked in the header.
  const actingStore = storeId;
  const overridden = useMemo(() => new Set(rows.filter((f) => f.storeId && f.storeId === actingStore).map((f) => `${f.code}|${f.channel}`)), [rows, actingStore]);
  const groupCodes = useMemo(() => new Set(rows.filter((f) => !f.storeId).map((f) => `${f.code}|${f.channel}`)), [rows]);
  const mayEdit = (f: Family) => manage && (f.storeId !== null || groupWide);

  const set = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };

  const toggle = (x: MessageTemplate, active: boolean) =>
    update.mutate(
      { id: x.id, active },
      {
        onSuccess: () => void message.success(active ? t('messaging.templates.activated') : t('messaging.templates.deactivated')),
        onError: (e) => void message.error(applyApiError(undefined, e)),
      },
    );

  const nameOf = (f: Family) => (f.versions.find((v) => v.locale === (i18n.language === 'en-US' ? 'en-US' : 'zh-CN')) ?? f.versions[0]!).name;

  return (
    <>
      <PageHeader
        title={t('messaging.templates.title')}
        subtitle={t('messaging.templates.subtitle')}
        extra={
          manage && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditor({ kind: 'create' })} data-testid="new-template">
              {t('messaging.templates.new')}
            </Button>
          )
        }
      />
      <Card styles={{ body: { padding: 16 } }}>
        <div className="bk-toolbar" style={{ marginBottom: 16 }}>
          <FilterOutlined style={{ color: '#6b7280' }} aria-hidden />
          <Select
            allowClear
            aria-label={t('messaging.templates.filterChannel')}
            placeholder={t('messaging.templates.filterChannel')}
            value={channel}
            onChange={(v?: string) => set({ channel: v })}
            options={MESSAGE_CHANNELS.map((c) => ({ value: c.key, label: t(`messaging.channels.${c.key}`) }))}
            style={{ width: 130 }}
          />
          <Select
            allowClear
            aria-label={t('messaging.templates.filterPurpose')}
            placeholder={t('messaging.templates.filterPurpose')}
            value={purpose}
            onChange={(v?: string) => set({ purpose: v })}
            options={MESSAGE_PURPOSES.map((c) => ({ value: c.key, label: t(`messaging.purposes.${c.key}`) }))}
            style={{ width: 120 }}
          />
          {!groupWide && manage && (
            <Typography.Text type="secondary" style={{ marginInlineStart: 'auto', fontSize: 12 }}>
              {t('messaging.templates.groupOnlyAdmin')}
            </Typography.Text>
          )}
        </div>
        {list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : (
          <Table<Family>
            rowKey="key"
            size="small"
            loading={list.isPending}
            dataSource={rows}
            pagination={rows.length > 50 ? { pageSize: 50, size: 'small' } : false}
            data-testid="template-table"
            className="bk-nowrap-head"
            scroll={{ x: 'max-content' }}
            locale={{
              emptyText: list.isPending ? ' ' : (
                <EmptyState
                  title={t('messaging.templates.empty')}
                  hint={t('messaging.templates.emptyHint')}
                  action={manage && <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditor({ kind: 'create' })}>{t('messaging.templates.new')}</Button>}
                />
              ),
            }}
            columns={[
              { key: 'code', title: t('messaging.templates.code'), width: 170, render: (_: unknown, f) => <span className="bk-mono">{f.code}</span> },
              {
                key: 'name',
                title: t('messaging.templates.name'),
                // The text itself on hover, so a group template a store may not edit can still be read.
                render: (_: unknown, f) => (
                  <Tooltip title={<span style={{ whiteSpace: 'pre-wrap' }}>{f.versions[0]!.body}</span>} placement="topLeft">
                    <Typography.Text strong>{nameOf(f)}</Typography.Text>
                  </Tooltip>
                ),
              },
              { key: 'channel', title: t('messaging.fields.channel'), width: 100, render: (_: unknown, f) => <ChannelLabel channel={f.channel} /> },
              { key: 'purpose', title: t('messaging.fields.purpose'), width: 90, render: (_: unknown, f) => t(`messaging.purposes.${f.purpose}`) },
              {
                key: 'scope',
                title: t('messaging.templates.scope'),
                width: 180,
                render: (_: unknown, f) =>
                  f.storeId ? (
                    <Space size={4} wrap>
                      <span>{storeName(f.storeId)}</span>
                      {groupCodes.has(`${f.code}|${f.channel}`) && (
                        <Tag icon={<BranchesOutlined />} color="purple" variant="filled" style={{ marginInlineEnd: 0 }}>
                          {t('messaging.templates.overrides')}
                        </Tag>
                      )}
                    </Space>
                  ) : (
                    <Space size={4} wrap>
                      <Tag color="blue" variant="filled" style={{ marginInlineEnd: 0 }}>
                        {t('messaging.templates.scopeGroup')}
                      </Tag>
                      {overridden.has(`${f.code}|${f.channel}`) && <span className="bk-muted">{t('messaging.templates.overridden')}</span>}
                    </Space>
                  ),
              },
              {
                key: 'versions',
                title: t('messaging.templates.versions'),
                width: 190,
                render: (_: unknown, f) => (
                  <Space size={12} wrap>
                    {f.versions.map((x) => (
                      <Space key={x.id} size={4}>
                        <Tag
                          color={x.active ? 'geekblue' : 'default'}
                          variant="filled"
                          style={{ marginInlineEnd: 0, cursor: mayEdit(f) ? 'pointer' : undefined, textDecoration: x.active ? undefined : 'line-through' }}
                          onClick={mayEdit(f) ? () => setEditor({ kind: 'edit', template: x }) : undefined}
                        >
                          {t(`messaging.locales.${x.locale}`)}
                        </Tag>
                        <Switch
                          size="small"
                          checked={x.active}
                          disabled={!mayEdit(f) || update.isPending}
                          onChange={(v) => toggle(x, v)}
                          aria-label={`${t('messaging.templates.activeToggle')} · ${f.code} · ${t(`messaging.locales.${x.locale}`)}`}
                        />
                      </Space>
                    ))}
                  </Space>
                ),
              },
              { key: 'updated', title: t('messaging.templates.updatedAt'), width: 130, render: (_: unknown, f) => <span className="bk-num">{dateTime(f.updatedAt)}</span> },
              {
                key: 'actions',
                title: t('common.actions'),
                width: 220,
                render: (_: unknown, f) => {
                  const missing = LOCALES.filter((l) => !f.versions.some((v) => v.locale === l)) as TemplateLocale[];
                  const canOverride = manage && !f.storeId && actingStore && !overridden.has(`${f.code}|${f.channel}`);
                  return (
                    <Space size={0} wrap>
                      {mayEdit(f) && (
                        <Button type="link" size="small" icon={<EditOutlined />} onClick={() => setEditor({ kind: 'edit', template: f.versions[0]! })} data-testid="template-edit">
                          {t('messaging.templates.edit')}
                        </Button>
                      )}
                      {mayEdit(f) &&
                        missing.map((l) => (
                          <Button key={l} type="link" size="small" icon={<PlusOutlined />} onClick={() => setEditor({ kind: 'version', base: f.versions[0]!, locale: l })}>
                            {t('messaging.templates.addVersion', { locale: t(`messaging.locales.${l}`) })}
                          </Button>
                        ))}
                      {canOverride && (
                        <Tooltip title={t('messaging.templates.overrideHint')}>
                          <Button
                            type="link"
                            size="small"
                            icon={<BranchesOutlined />}
                            onClick={() => setEditor({ kind: 'override', base: f.versions.find((v) => v.locale === 'zh-CN') ?? f.versions[0]!, storeId: actingStore })}
                          >
                            {t('messaging.templates.override')}
                          </Button>
                        </Tooltip>
                      )}
                    </Space>
                  );
                },
              },
            ]}
          />
        )}
        {groupWide && !storeId && manage && rows.some((f) => !f.storeId) && (
          <Alert type="info" showIcon style={{ marginTop: 12 }} title={t('messaging.templates.chooseStoreToOverride')} />
        )}
      </Card>
      <TemplateEditor mode={editor} onClose={() => setEditor(null)} />
    </>
  );
}
