import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  TCompensationCreate,
  TComplaint,
  TComplaintCreate,
  TComplaintDetail,
  TComplaintSettings,
  TComplaintSettingsInput,
  TRoutingRules,
  TRoutingRulesInput,
  TWeeklyAnalysis,
} from '../../contracts/complaints';
import { api } from '../api/client';
import type { Page, Wire } from '../api/types';

export type Complaint = Wire<TComplaint>;
export type ComplaintDetail = Wire<TComplaintDetail>;
export type ComplaintSettings = TComplaintSettings;
export type RoutingRules = TRoutingRules;
export type WeeklyAnalysis = Wire<TWeeklyAnalysis>;

export interface ComplaintListQuery {
  status?: string;
  type?: string;
  severity?: string;
  customerId?: string;
  storeId?: string;
  breached?: 'true' | 'false';
  q?: string;
}

export const complaintKeys = {
  all: ['complaints'] as const,
  list: (q: ComplaintListQuery) => ['complaints', 'list', q] as const,
  detail: (id: string) => ['complaints', 'detail', id] as const,
  settings: (storeId: string | undefined) => ['complaints', 'settings', storeId ?? null] as const,
  routing: (storeId: string | undefined) => ['complaints', 'routing', storeId ?? null] as const,
  weekly: (storeId: string | undefined, week: string | undefined) => ['complaints', 'weekly', storeId ?? null, week ?? null] as const,
};

export function useComplaints(q: ComplaintListQuery) {
  return useInfiniteQuery({
    queryKey: complaintKeys.list(q),
    queryFn: ({ pageParam, signal }) => api<Page<Complaint>>('/complaints', { query: { ...q, limit: 50, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
}

export function useComplaint(id: string | undefined) {
  return useQuery({ queryKey: complaintKeys.detail(id ?? ''), queryFn: ({ signal }) => api<ComplaintDetail>(`/complaints/${id}`, { signal }), enabled: Boolean(id), refetchInterval: 60_000 });
}

export function useCreateComplaint() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: (body: TComplaintCreate) => api<Complaint>('/complaints', { method: 'POST', body }), onSuccess: () => qc.invalidateQueries({ queryKey: complaintKeys.all }) });
}

export type ComplaintStep =
  | { step: 'acknowledge' | 'feedback' | 'pause' | 'resume' | 'notes'; body: { note: string } }
  | { step: 'resolve'; body: { rootCause: string; resolution: string } }
  | { step: 'revisit'; body: { satisfied: boolean; score?: number; note: string } }
  | { step: 'reopen'; body: { reason: string } }
  | { step: 'assign'; body: { staffId: string; note: string } }
  | { step: 'compensations'; body: TCompensationCreate };

/** One step of the flow; refreshes the complaint and every list. */
export function useComplaintStep(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (s: ComplaintStep) => api<Complaint>(`/complaints/${id}/${s.step}`, { method: 'POST', body: s.body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: complaintKeys.all }),
  });
}

export function useComplaintSettings(storeId: string | undefined) {
  return useQuery({ queryKey: complaintKeys.settings(storeId), queryFn: ({ signal }) => api<ComplaintSettings>('/complaint-settings', { query: { storeId }, signal }), enabled: Boolean(storeId) });
}
export function usePutComplaintSettings(storeId: string | undefined) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TComplaintSettingsInput) => api<ComplaintSettings>('/complaint-settings', { method: 'PUT', query: { storeId }, body }),
    onSuccess: (s) => qc.setQueryData(complaintKeys.settings(storeId), s),
  });
}
export function useRouting(storeId: string | undefined) {
  return useQuery({ queryKey: complaintKeys.routing(storeId), queryFn: ({ signal }) => api<RoutingRules>('/complaint-routing', { query: { storeId }, signal }), enabled: Boolean(storeId) });
}
export function usePutRouting(storeId: string | undefined) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TRoutingRulesInput) => api<RoutingRules>('/complaint-routing', { method: 'PUT', query: { storeId }, body }),
    onSuccess: (s) => qc.setQueryData(complaintKeys.routing(storeId), s),
  });
}
export function useWeekly(storeId: string | undefined, week: string | undefined) {
  return useQuery({ queryKey: complaintKeys.weekly(storeId, week), queryFn: ({ signal }) => api<WeeklyAnalysis>('/complaints/weekly', { query: { storeId, week }, signal }), placeholderData: keepPreviousData });
}
