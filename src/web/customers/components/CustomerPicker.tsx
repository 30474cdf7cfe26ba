import { Select, type SelectProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CustomerListItem } from '../../api/types';
import { useCustomerSearch } from '../api';

type Props = Omit<SelectProps<string>, 'options' | 'mode' | 'showSearch' | 'onChange' | 'value' | 'onSelect'> & {
  value?: string;
  /** The picked customer (null when cleared); `id` alone when the customer came from outside (a URL). */
  onChange?: (id: string | undefined, customer: CustomerListItem | null) => void;
  /** The label to show for a `value` that is not among the current search results. */
  valueLabel?: string;
};

/** Finds a customer of the user's stores as they type: name, mobile tail, plate or VIN (the customer list's search). */
export function CustomerPicker({ value, onChange, valueLabel, ...props }: Props) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const search = useCustomerSearch(q);
  const items = search.data?.items ?? [];
  const options = items.map((c) => ({
    value: c.id,
    label: [c.name, c.mobileMasked, c.vehicles[0]?.plate].filter(Boolean).join(' · '),
  }));
  if (value && !options.some((o) => o.value === value)) options.unshift({ value, label: valueLabel ?? value.slice(0, 8) });
  return (
    <Select<string>
      placeholder={t('customers.list.searchPlaceholder')}
      {...props}
      showSearch={{ filterOption: false, onSearch: setQ }}
      value={value}
      notFoundContent={null}
      loading={search.isFetching}
      options={options}
      onChange={(id?: string) => onChange?.(id, items.find((c) => c.id === id) ?? null)}
    />
  );
}
