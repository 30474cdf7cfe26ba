import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TRole } from '../../contracts/common';
import { api } from '../api/client';
import type { Staff, Store } from '../api/types';

export const orgKeys = {
  stores: ['org', 'stores'] as const,
  staffAll: ['org', 'staff'] as const,
  staff: (q: StaffQuery) => ['org', 'staff', q] as const,
};

export interface StaffQuery {
  storeId?: string;
  role?: TRole;
}

export type StoreInput = Partial<Pick<Store, 'code' | 'name' | 'brands' | 'city' | 'address' | 'phone' | 'timezone' | 'active'>>;
export interface StaffInput {
  username?: string;
  displayName?: string;
  password?: string;
  role?: TRole;
  storeId?: string | null;
  mobile?: string | null;
  email?: string | null;
  active?: boolean;
}

export function useStores() {
  return useQuery({
    queryKey: orgKeys.stores,
    queryFn: async () => (await api<{ items: Store[] }>('/stores')).items,
    staleTime: 10 * 60_000,
  });
}

export function useCreateStore() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: StoreInput) => api<Store>('/stores', { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: orgKeys.stores }),
  });
}

export function useUpdateStore() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: StoreInput & { id: string }) => api<Store>(`/stores/${id}`, { method: 'PATCH', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: orgKeys.stores }),
  });
}

export function useStaffList(q: StaffQuery, opts: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: orgKeys.staff(q),
    queryFn: async () => (await api<{ items: Staff[] }>('/staff', { query: { storeId: q.storeId, role: q.role } })).items,
    staleTime: 5 * 60_000,
    enabled: opts.enabled ?? true,
  });
}

export function useCreateStaff() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: StaffInput) => api<Staff>('/staff', { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: orgKeys.staffAll }),
  });
}

export function useUpdateStaff() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: StaffInput & { id: string }) => api<Staff>(`/staff/${id}`, { method: 'PATCH', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: orgKeys.staffAll }),
  });
}
