import { EyeInvisibleOutlined, EyeOutlined, ManOutlined, PlusOutlined, UserOutlined, WomanOutlined } from '@ant-design/icons';
import { App, Avatar, Button, Card, Descriptions, Select, Space, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Customer, TagRef } from '../../api/types';
import { useSession } from '../../console/session';
import { applyApiError } from '../../lib/forms';
import { date, dateTime } from '../../lib/format';
import { useCodeLabel } from '../../lib/labels';
import { useAddTag, useRemoveTag, useReveal, useTags } from '../api';

/** `+8613812345678` → `138 1234 5678`; other countries stay in E.164. */
function displayMobile(e164: string): string {
  const m = /^\+86(1\d{2})(\d{4})(\d{4})$/.exec(e164);
  return m ? `${m[1]} ${m[2]} ${m[3]}` : e164;
}

/** Masked mobile with the audited "reveal" button (hidden for roles without customers.reveal). */
function MobileField({ customer }: { customer: Customer }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const { message } = App.useApp();
  const reveal = useReveal(customer.id);
  const [shown, setShown] = useState<string | null>(null);
  if (!customer.mobileMasked) return <span className="bk-muted">—</span>;
  return (
    <Space size={6}>
      <span className="bk-num" data-testid="customer-mobile">{shown ?? customer.mobileMasked}</span>
      {can('customers.reveal') &&
        (shown ? (
          <Button size="small" type="link" icon={<EyeInvisibleOutlined />} onClick={() => setShown(null)} style={{ paddingInline: 0 }}>
            {t('customers.detail.hide')}
          </Button>
        ) : (
          <Tooltip title={t('customers.detail.revealHint')}>
            <Button
              size="small"
              type="link"
              icon={<EyeOutlined />}
              loading={reveal.isPending}
              style={{ paddingInline: 0 }}
              onClick={() =>
                reveal.mutate('mobile', {
                  onSuccess: (r) => setShown(r.value ? displayMobile(r.value) : '—'),
                  onError: (e) => void message.error(applyApiError(undefined, e)),
                })
              }
            >
              {t('customers.detail.reveal')}
            </Button>
          </Tooltip>
        ))}
    </Space>
  );
}

/** Tags shown as coloured chips; add by picking or typing a new name, remove with the ×. */
function TagsEditor({ customerId, tags }: { customerId: string; tags: TagRef[] }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const { message } = App.useApp();
  const all = useTags();
  const add = useAddTag(customerId);
  const remove = useRemoveTag(customerId);
  const [adding, setAdding] = useState(false);
  const editable = can('customers.tag');
  const have = new Set(tags.map((x) => x.id));
  const onError = (e: unknown) => void message.error(applyApiError(undefined, e));
  return (
    <Space size={[4, 6]} wrap>
      {tags.map((tag) => (
        <Tag
          key={tag.id}
          color={tag.color || 'blue'}
          closable={editable}
          style={{ marginInlineEnd: 0 }}
          onClose={(e) => {
            e.preventDefault();
            remove.mutate(tag.id, { onError });
          }}
        >
          {tag.name}
        </Tag>
      ))}
      {tags.length === 0 && !adding && <span className="bk-muted">{t('customers.detail.noTags')}</span>}
      {editable &&
        (adding ? (
          <Select
            autoFocus
            open
            size="small"
            style={{ width: 180 }}
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('customers.detail.tagPlaceholder')}
            mode="tags"
            maxCount={1}
            value={[]}
            loading={all.isPending}
            options={(all.data ?? []).filter((x) => !have.has(x.id)).map((x) => ({ value: x.id, label: x.name }))}
            onBlur={() => setAdding(false)}
            onChange={(vals: string[]) => {
              const v = vals[0];
              setAdding(false);
              if (!v) return;
              const known = all.data?.find((x) => x.id === v);
              add.mutate(known ? { tagId: known.id } : { name: v.trim() }, { onError });
            }}
          />
        ) : (
          <Tag
            onClick={() => setAdding(true)}
            style={{ borderStyle: 'dashed', cursor: 'pointer', background: 'transparent', marginInlineEnd: 0 }}
            icon={<PlusOutlined />}
          >
            {t('customers.detail.addTag')}
          </Tag>
        ))}
    </Space>
  );
}

export function ProfileCard({ customer, tags, extra }: { customer: Customer; tags: TagRef[]; extra?: React.ReactNode }) {
  const { t } = useTranslation();
  const { storeName } = useSession();
  const code = useCodeLabel();
  return (
    <Card styles={{ body: { padding: 20 } }} style={{ height: '100%' }}>
      <div style={{ display: 'flex', gap: 16, alignItems: 'flex-start' }}>
        <Avatar size={56} icon={<UserOutlined />} style={{ background: '#e8effd', color: '#1d5bd8', flex: 'none' }}>
          {customer.name.slice(0, 1)}
        </Avatar>
        <div style={{ flex: 1, minWidth: 0 }}>
          <div style={{ display: 'flex', justifyContent: 'space-between', gap: 12, alignItems: 'flex-start' }}>
            <Space size={8} align="center" wrap>
              <Typography.Title level={3} style={{ margin: 0 }} data-testid="customer-name">
                {customer.name}
              </Typography.Title>
              {customer.gender === 'male' && <ManOutlined style={{ color: '#4f7cd6' }} aria-label={t('gender.male')} />}
              {customer.gender === 'female' && <WomanOutlined style={{ color: '#d65f8a' }} aria-label={t('gender.female')} />}
              {customer.status !== 'active' && <Tag color="default">{t(`customers.status.${customer.status}`)}</Tag>}
            </Space>
            {extra}
          </div>
          <div style={{ margin: '8px 0 14px' }}>
            <TagsEditor customerId={customer.id} tags={tags} />
          </div>
          <Descriptions
            size="small"
            column={3}
            styles={{ label: { color: '#6b7280' } }}
            items={[
              { key: 'mobile', label: t('customers.fields.mobile'), children: <MobileField customer={customer} /> },
              { key: 'store', label: t('customers.fields.store'), children: customer.storeName || storeName(customer.storeId) || '—' },
              { key: 'city', label: t('customers.fields.city'), children: customer.city || '—' },
              { key: 'consultant', label: t('customers.fields.consultant'), children: customer.salesConsultant?.displayName ?? '—' },
              { key: 'advisor', label: t('customers.fields.advisor'), children: customer.serviceAdvisor?.displayName ?? '—' },
              { key: 'source', label: t('customers.fields.sourceChannel'), children: code('sourceChannels', customer.sourceChannel) || '—' },
              { key: 'birthday', label: t('customers.fields.birthday'), children: date(customer.birthday) },
              { key: 'occupation', label: t('customers.fields.occupation'), children: customer.occupation || '—' },
              { key: 'email', label: t('customers.fields.email'), children: customer.email || '—' },
              { key: 'idNumber', label: t('customers.fields.idNumber'), children: <span className="bk-num">{customer.idNumberMasked ?? '—'}</span> },
              { key: 'wechat', label: t('customers.fields.wechat'), children: customer.wechatBound ? t('customers.detail.wechatBound') : t('customers.detail.wechatUnbound') },
              { key: 'createdAt', label: t('customers.fields.createdAt'), children: dateTime(customer.createdAt) },
              ...(customer.householdNotes
                ? [{ key: 'household', label: t('customers.fields.householdNotes'), span: 3, children: customer.householdNotes }]
                : []),
            ]}
          />
        </div>
      </div>
    </Card>
  );
}
