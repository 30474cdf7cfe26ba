import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import type { TFiring, TPreview, TRule, TRuleCreate, TRuleDraft, TRuleUpdate, TRun, ZJourneyCatalogue } from '../../contracts/journeys';
import { api, ApiError } from '../api/client';
import type { Wire } from '../api/types';
import { customerKeys } from '../customers/api';

export type JourneyRule = Wire<TRule>;
export type JourneyRun = Wire<TRun>;
export type JourneyPreview = Wire<TPreview>;
export type JourneyFiring = Wire<TFiring>;
export type JourneyCatalogue = z.infer<typeof ZJourneyCatalogue>;
export type { TRuleDraft as JourneyDraft };

export const journeyKeys = {
  all: ['journeys'] as const,
  rules: (storeId: string | null) => [...journeyKeys.all, 'rules', storeId] as const,
  rule: (id: string) => [...journeyKeys.all, 'rule', id] as const,
  catalogue: ['journeys', 'catalogue'] as const,
  preview: (x: unknown) => [...journeyKeys.all, 'preview', x] as const,
  runs: ['journeys', 'runs'] as const,
  run: (id: string) => ['journeys', 'runs', id] as const,
};

export function useJourneyCatalogue() {
  return useQuery({ queryKey: journeyKeys.catalogue, queryFn: ({ signal }) => api<JourneyCatalogue>('/journeys/catalogue', { signal }), staleTime: Infinity });
}

export function useJourneyRules(storeId: string | null) {
  return useQuery({
    queryKey: journeyKeys.rules(storeId),
    queryFn: ({ signal }) => api<{ items: JourneyRule[] }>('/journeys/rules', { query: { storeId: storeId ?? undefined }, signal }),
    placeholderData: keepPreviousData,
  });
}

export function useJourneyRule(id: string | undefined) {
  return useQuery({ queryKey: journeyKeys.rule(id ?? ''), queryFn: ({ signal }) => api<JourneyRule>(`/journeys/rules/${id}`, { signal }), enabled: !!id });
}

export function useCreateJourneyRule() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Partial<TRuleCreate>) => api<JourneyRule>('/journeys/rules', { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: journeyKeys.all }),
  });
}

export function useUpdateJourneyRule(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Partial<TRuleUpdate>) => api<JourneyRule>(`/journeys/rules/${id}`, { method: 'PATCH', body }),
    onSuccess: (data) => {
      qc.setQueryData(journeyKeys.rule(id), data);
      return qc.invalidateQueries({ queryKey: journeyKeys.all });
    },
  });
}

export function useSwitchJourneyRule() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; enabled: boolean; storeId?: string }) => api<JourneyRule>(`/journeys/rules/${v.id}/enabled`, { method: 'PUT', body: { enabled: v.enabled, storeId: v.storeId } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: journeyKeys.all }),
  });
}

export function useDeleteJourneyRule() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<{ ok: true }>(`/journeys/rules/${id}`, { method: 'DELETE' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: journeyKeys.all }),
  });
}

/** The 30-day preview of a saved rule or of the draft being edited (debounced by the caller). */
export function useJourneyPreview(input: { ruleId?: string; rule?: TRuleDraft } | null) {
  return useQuery({
    queryKey: journeyKeys.preview(input),
    queryFn: ({ signal }) => api<JourneyPreview>('/journeys/rules/preview', { method: 'POST', body: { ...input, days: 31 }, signal }),
    enabled: input !== null,
    placeholderData: keepPreviousData,
    retry: (n, e) => !(e instanceof ApiError && e.status < 500) && n < 2,
  });
}

export function useStartJourneyRun() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { ruleId?: string; asOf?: string; storeId?: string }) => api<JourneyRun>('/journeys/runs', { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: journeyKeys.runs }),
  });
}

export function useJourneyRuns() {
  return useQuery({
    queryKey: journeyKeys.runs,
    queryFn: ({ signal }) => api<{ items: JourneyRun[] }>('/journeys/runs', { query: { limit: 30 }, signal }),
    refetchInterval: (q) => (q.state.data?.items.some((r) => r.status === 'running') ? 1000 : false),
  });
}

/** A run, polled every second while it is running. */
export function useJourneyRun(id: string | null) {
  const qc = useQueryClient();
  return useQuery({
    queryKey: journeyKeys.run(id ?? ''),
    queryFn: async ({ signal }) => {
      const r = await api<JourneyRun>(`/journeys/runs/${id}`, { signal });
      if (r.status !== 'running') {
        void qc.invalidateQueries({ queryKey: ['journeys', 'rules'] });
        void qc.invalidateQueries({ queryKey: ['journeys', 'rule'] });
        void qc.invalidateQueries({ queryKey: ['journeys', 'preview'] });
      }
      return r;
    },
    enabled: !!id,
    refetchInterval: (q) => (q.state.data?.status === 'running' || !q.state.data ? 1000 : false),
  });
}

export function useCustomerFirings(customerId: string) {
  return useQuery({
    queryKey: [...customerKeys.all, customerId, 'journey-firings'],
    queryFn: ({ signal }) => api<{ items: JourneyFiring[] }>(`/customers/${customerId}/journey-firings`, { signal }),
  });
}
