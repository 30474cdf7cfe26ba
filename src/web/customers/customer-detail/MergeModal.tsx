import { Alert, Checkbox, Descriptions, Modal, Select, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Customer, CustomerListItem } from '../../api/types';
import { applyApiError } from '../../lib/forms';
import { dateTime } from '../../lib/format';
import { useCustomerSearch, useMergeCustomer } from '../api';
import { CustomerTags } from '../components/TagList';

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const h = setTimeout(() => setV(value), ms);
    return () => clearTimeout(h);
  }, [value, ms]);
  return v;
}

/**
 * Merge a duplicate into this customer: pick the duplicate by search, see what it holds, confirm. The duplicate's
 * cars, orders, history, tags and consents move here; it stays as a "merged" stub (the server audits it).
 */
export function MergeModal({ open, onClose, survivor }: { open: boolean; onClose: () => void; survivor: Customer }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const q = useDebounced(text, 300);
  const search = useCustomerSearch(q);
  const merge = useMergeCustomer(survivor.id);
  const [picked, setPicked] = useState<CustomerListItem | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!open) return;
    setText('');
    setPicked(null);
    setConfirmed(false);
    setError(null);
  }, [open]);

  const candidates = (search.data?.items ?? []).filter((c) => c.id !== survivor.id);
  return (
    <Modal
      open={open}
      title={t('merge.title', { name: survivor.name })}
      onCancel={onClose}
      okText={t('merge.confirm')}
      cancelText={t('common.cancel')}
      okButtonProps={{ danger: true, disabled: !picked || !confirmed }}
      confirmLoading={merge.isPending}
      width={620}
      destroyOnHidden
      onOk={() => {
        if (!picked) return;
        setError(null);
        merge.mutate(picked.id, { onSuccess: onClose, onError: (e) => setError(applyApiError(undefined, e)) });
      }}
    >
      <Typography.Paragraph type="secondary">{t('merge.intro')}</Typography.Paragraph>
      <Select
        showSearch={{ filterOption: false, onSearch: setText, searchValue: text }}
        style={{ width: '100%' }}
        placeholder={t('merge.searchPlaceholder')}
        value={picked?.id}
        loading={search.isFetching}
        notFoundContent={q ? (search.isFetching ? t('common.loading') : t('merge.noMatch')) : t('merge.typeToSearch')}
        options={candidates.map((c) => ({
          value: c.id,
          label: `${c.name} · ${c.mobileMasked ?? '—'}${c.vehicles[0]?.plate ? ` · ${c.vehicles[0].plate}` : ''} · ${c.storeName}`,
        }))}
        onChange={(id: string) => {
          setPicked(candidates.find((c) => c.id === id) ?? null);
          setConfirmed(false);
        }}
      />
      {picked && (
        <>
          <Descriptions
            bordered
            size="small"
            column={2}
            style={{ marginTop: 16 }}
            items={[
              { key: 'name', label: t('customers.fields.name'), children: picked.name },
              { key: 'mobile', label: t('customers.fields.mobile'), children: picked.mobileMasked ?? '—' },
              { key: 'store', label: t('customers.fields.store'), children: picked.storeName },
              { key: 'created', label: t('customers.fields.createdAt'), children: dateTime(picked.createdAt) },
              { key: 'vehicles', label: t('customers.fields.vehicles'), span: 2, children: picked.vehicles.map((v) => v.plate ?? v.vin).join('，') || '—' },
              { key: 'tags', label: t('customers.fields.tags'), span: 2, children: <CustomerTags tags={picked.tags} max={10} /> },
            ]}
          />
          <Alert
            type="warning"
            showIcon
            style={{ marginTop: 16 }}
            title={t('merge.warningTitle')}
            description={t('merge.warning', { source: picked.name, target: survivor.name })}
          />
          <Space style={{ marginTop: 12 }}>
            <Checkbox checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)}>
              {t('merge.samePerson')}
            </Checkbox>
          </Space>
        </>
      )}
      {error && <Alert type="error" showIcon title={error} style={{ marginTop: 16 }} />}
    </Modal>
  );
}
