import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type {
  Consent,
  ConsentChannel,
  ConsentPurpose,
  Customer,
  Customer360,
  CustomerInput,
  CustomerListItem,
  CustomerListQuery,
  Interaction,
  InteractionInput,
  Page,
  Tag,
} from '../api/types';

export const customerKeys = {
  all: ['customers'] as const,
  lists: () => [...customerKeys.all, 'list'] as const,
  list: (q: CustomerListQuery) => [...customerKeys.lists(), q] as const,
  search: (q: string) => [...customerKeys.all, 'search', q] as const,
  details: () => [...customerKeys.all, 'detail'] as const,
  detail: (id: string) => [...customerKeys.details(), id] as const,
};

export const tagKeys = {
  all: ['tags'] as const,
};

/** Cursor-paged customer list; each "load more" appends a page. */
export function useCustomers(q: CustomerListQuery) {
  return useInfiniteQuery({
    queryKey: customerKeys.list(q),
    queryFn: ({ pageParam, signal }) =>
      api<Page<CustomerListItem>>('/customers', { query: { ...q, limit: q.limit ?? 50, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

/** A short search for pickers (merge, referrer): first 10 matches. */
export function useCustomerSearch(q: string) {
  return useQuery({
    queryKey: customerKeys.search(q),
    queryFn: ({ signal }) => api<Page<CustomerListItem>>('/customers', { query: { q, limit: 10 }, signal }),
    enabled: q.trim().length > 0,
    staleTime: 30_000,
  });
}

export function useCustomer(id: string) {
  return useQuery({
    queryKey: customerKeys.detail(id),
    queryFn: ({ signal }) => api<Customer360>(`/customers/${id}`, { signal }),
  });
}

export function useCreateCustomer() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CustomerInput) => api<Customer>('/customers', { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: customerKeys.lists() }),
  });
}

export function useUpdateCustomer(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Partial<CustomerInput>) => api<Customer>(`/customers/${id}`, { method: 'PATCH', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: customerKeys.all }),
  });
}

/** Shows one protected value; the server writes an audit entry, so nothing is cached. */
export function useReveal(id: string) {
  return useMutation({
    mutationFn: (field: 'mobile' | 'idNumber') => api<{ value: string }>(`/customers/${id}/reveal`, { method: 'POST', body: { field } }),
  });
}

export function useSetConsent(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (c: { channel: ConsentChannel; purpose: ConsentPurpose; granted: boolean; source: string }) =>
      api<Consent>(`/customers/${id}/consents/${c.channel}/${c.purpose}`, { method: 'PUT', body: { granted: c.granted, source: c.source } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: customerKeys.detail(id) }),
  });
}

export function useTags() {
  return useQuery({
    queryKey: tagKeys.all,
    queryFn: async () => (await api<{ items: Tag[] } | Tag[]>('/tags').then((r) => (Array.isArray(r) ? { items: r } : r))).items,
    staleTime: 5 * 60_000,
  });
}

export function useAddTag(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (t: { tagId: string } | { name: string }) => api<unknown>(`/customers/${id}/tags`, { method: 'POST', body: t }),
    onSuccess: () => Promise.all([qc.invalidateQueries({ queryKey: customerKeys.all }), qc.invalidateQueries({ queryKey: tagKeys.all })]),
  });
}

export function useRemoveTag(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (tagId: string) => api<unknown>(`/customers/${id}/tags/${tagId}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: customerKeys.all }),
  });
}

export function useLogInteraction(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: InteractionInput) => api<Interaction>(`/customers/${id}/interactions`, { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: customerKeys.detail(id) }),
  });
}

export function useMergeCustomer(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (sourceId: string) => api<Customer360>(`/customers/${id}/merge`, { method: 'POST', body: { sourceId } }),
    onSuccess: (data) => {
      qc.setQueryData(customerKeys.detail(id), data);
      return qc.invalidateQueries({ queryKey: customerKeys.all });
    },
  });
}
