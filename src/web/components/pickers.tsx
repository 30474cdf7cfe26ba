import { Select, type SelectProps } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { TRole } from '../../contracts/common';
import { useTags } from '../customers/api';
import { useStaffList, useStores } from '../org/api';
import { useVehicleModels } from '../vehicles/api';

type Picker = Omit<SelectProps<string>, 'options' | 'mode'>;

export function StoreSelect(props: Picker) {
  const { t } = useTranslation();
  const stores = useStores();
  return (
    <Select
      placeholder={t('pickers.store')}
      loading={stores.isPending}
      showSearch={{ optionFilterProp: 'label' }}
      options={(stores.data ?? []).filter((s) => s.active).map((s) => ({ value: s.id, label: s.name }))}
      {...props}
    />
  );
}

/** Staff of one store and role (consultants, advisors); only active people can be assigned. */
export function StaffSelect({ storeId, role, ...props }: Picker & { storeId?: string; role?: TRole }) {
  const { t } = useTranslation();
  const staff = useStaffList({ storeId, role });
  return (
    <Select
      placeholder={t('pickers.staff')}
      loading={staff.isPending}
      showSearch={{ optionFilterProp: 'label' }}
      options={(staff.data ?? []).filter((s) => s.active).map((s) => ({ value: s.id, label: s.displayName }))}
      {...props}
    />
  );
}

export function TagSelect(props: Picker) {
  const { t } = useTranslation();
  const tags = useTags();
  return (
    <Select
      placeholder={t('pickers.tag')}
      loading={tags.isPending}
      showSearch={{ optionFilterProp: 'label' }}
      options={(tags.data ?? []).map((x) => ({ value: x.id, label: x.name }))}
      {...props}
    />
  );
}

/** Vehicle models grouped by brand, labelled `series name`. */
export function ModelSelect(props: Picker) {
  const { t } = useTranslation();
  const models = useVehicleModels();
  const options = useMemo(() => {
    const byBrand = new Map<string, { value: string; label: string }[]>();
    for (const m of models.data ?? []) {
      if (!m.active) continue;
      const list = byBrand.get(m.brand) ?? [];
      list.push({ value: m.id, label: `${m.brand} ${m.series} ${m.name}` });
      byBrand.set(m.brand, list);
    }
    return [...byBrand.entries()].map(([brand, opts]) => ({ label: brand, title: brand, options: opts }));
  }, [models.data]);
  return <Select placeholder={t('pickers.model')} loading={models.isPending} showSearch={{ optionFilterProp: 'label' }} options={options} {...props} />;
}
