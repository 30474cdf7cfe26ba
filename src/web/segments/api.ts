import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  TCustomerFacts,
  TFactSettingsPut,
  TFactSettingsView,
  TSegment,
  TSegmentCreate,
  TSegmentFieldsOut,
  TSegmentPreview,
  TSegmentRule,
  TSegmentUpdate,
} from '../../contracts/segments';
import { api, ApiError, apiUrl } from '../api/client';
import type { CustomerListItem, Page, Wire } from '../api/types';

export type Segment = Wire<TSegment>;
export type SegmentPreview = Wire<TSegmentPreview>;
export type CustomerFacts = Wire<TCustomerFacts>;
export type FactSettingsView = Wire<TFactSettingsView>;
export type SegmentFields = TSegmentFieldsOut;

export const segmentKeys = {
  all: ['segments'] as const,
  fields: ['segments', 'fields'] as const,
  lists: () => [...segmentKeys.all, 'list'] as const,
  list: (q: string) => [...segmentKeys.lists(), q] as const,
  detail: (id: string) => [...segmentKeys.all, 'detail', id] as const,
  customers: (id: string) => [...segmentKeys.all, 'customers', id] as const,
  preview: (rule: TSegmentRule) => [...segmentKeys.all, 'preview', JSON.stringify(rule)] as const,
  settings: (storeId: string | null) => [...segmentKeys.all, 'settings', storeId ?? 'group'] as const,
};
export const factKeys = {
  customer: (id: string) => ['customer-facts', id] as const,
};

/** A customer's derived facts (computed on the spot by the server for a customer who has none yet). */
export function useCustomerFacts(customerId: string) {
  return useQuery({
    queryKey: factKeys.customer(customerId),
    queryFn: ({ signal }) => api<CustomerFacts>(`/customers/${customerId}/facts`, { signal }),
    // A merged or erased customer has no facts: a 404 is an answer, not a hiccup.
    retry: (n, e) => !(e instanceof ApiError && e.status < 500) && n < 2,
    staleTime: 60_000,
  });
}

/** The field catalogue the rule builder offers; it changes only with a release. */
export function useSegmentFields() {
  return useQuery({ queryKey: segmentKeys.fields, queryFn: ({ signal }) => api<SegmentFields>('/segments/fields', { signal }), staleTime: Infinity });
}

export function useSegments(q: string) {
  return useInfiniteQuery({
    queryKey: segmentKeys.list(q),
    queryFn: ({ pageParam, signal }) => api<Page<Segment>>('/segments', { query: { q: q || undefined, limit: 50, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useSegment(id: string | undefined) {
  return useQuery({
    queryKey: segmentKeys.detail(id ?? ''),
    queryFn: ({ signal }) => api<Segment>(`/segments/${id}`, { signal }),
    enabled: !!id,
  });
}

/**
 * Live count and sample of a rule being edited. The editor debounces its rule before passing it here; a 400 (a
 * condition the server refuses) is not retried, and the last good answer stays on screen meanwhile.
 */
export function useSegmentPreview(rule: TSegmentRule | null) {
  return useQuery({
    queryKey: segmentKeys.preview(rule ?? { op: 'and', children: [] }),
    queryFn: ({ signal }) => api<SegmentPreview>('/segments/preview', { method: 'POST', body: { rule }, signal }),
    enabled: rule !== null,
    placeholderData: keepPreviousData,
    retry: (n, e) => !(e instanceof ApiError && e.status < 500) && n < 2,
    staleTime: 30_000,
  });
}

export function useCreateSegment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TSegmentCreate) => api<Segment>('/segments', { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: segmentKeys.lists() }),
  });
}

export function useUpdateSegment(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TSegmentUpdate) => api<Segment>(`/segments/${id}`, { method: 'PATCH', body }),
    onSuccess: (data) => {
      qc.setQueryData(segmentKeys.detail(id), data);
      return Promise.all([qc.invalidateQueries({ queryKey: segmentKeys.lists() }), qc.invalidateQueries({ queryKey: segmentKeys.customers(id) })]);
    },
  });
}

export function useArchiveSegment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/segments/${id}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: segmentKeys.lists() }),
  });
}

/** A saved segment's customers, 50 a page. */
export function useSegmentCustomers(id: string, enabled = true) {
  return useInfiniteQuery({
    queryKey: segmentKeys.customers(id),
    queryFn: ({ pageParam, signal }) => api<Page<CustomerListItem>>(`/segments/${id}/customers`, { query: { limit: 50, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled,
  });
}

/** `attachment; filename="x.xlsx"; filename*=UTF-8''%E5%AE%A2…` → the UTF-8 file name. */
export function fileNameOf(disposition: string | null, fallback: string): string {
  const star = disposition?.match(/filename\*=UTF-8''([^;]+)/i)?.[1];
  if (star) {
    try {
      return decodeURIComponent(star);
    } catch {
      /* fall through */
    }
  }
  return disposition?.match(/filename="([^"]+)"/i)?.[1] ?? fallback;
}

/**
 * Downloads a segment's Excel export (the server masks phones and writes the audit entry) and hands it to the
 * browser as a file. Returns the file name and the number of customers exported.
 */
export async function downloadSegmentExport(id: string): Promise<{ fileName: string; count: number }> {
  const res = await fetch(apiUrl(`/segments/${id}/export`), { credentials: 'same-origin', headers: { Accept: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, application/problem+json' } });
  if (!res.ok) {
    const p = (await res.json().catch(() => ({}))) as { title?: string; errors?: { path: string; message: string }[] };
    throw new ApiError({ status: res.status, title: p.title ?? `导出失败（${res.status}） / Export failed (${res.status})`, errors: p.errors });
  }
  const blob = await res.blob();
  const fileName = fileNameOf(res.headers.get('content-disposition'), 'segment.xlsx');
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return { fileName, count: Number(res.headers.get('x-export-count') ?? 0) };
}

export function useFactSettings(storeId: string | null, enabled = true) {
  return useQuery({
    queryKey: segmentKeys.settings(storeId),
    queryFn: ({ signal }) => api<FactSettingsView>('/segments/settings', { query: { storeId: storeId ?? undefined }, signal }),
    enabled,
  });
}

export function usePutFactSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TFactSettingsPut) => api<FactSettingsView>('/segments/settings', { method: 'PUT', body }),
    // A store's effective values inherit the group's: refresh every level.
    onSuccess: () => qc.invalidateQueries({ queryKey: [...segmentKeys.all, 'settings'] }),
  });
}
