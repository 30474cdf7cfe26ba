import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TNpsReport, TSurveyResponse, TSurveyTemplate, TSurveyTemplateInput } from '../../contracts/surveys';
import { api } from '../api/client';
import type { Wire } from '../api/types';

export type SurveyTemplate = Wire<TSurveyTemplate>;
export type NpsReport = Wire<TNpsReport>;
export type SurveyResponse = Wire<TSurveyResponse>;
export interface NpsQuery {
  storeId?: string;
  touchpoint?: string;
  groupBy: 'store' | 'advisor' | 'consultant' | 'touchpoint';
  interval: 'week' | 'month';
  from?: string;
  to?: string;
}
export interface ResponsesQuery {
  storeId?: string;
  customerId?: string;
  touchpoint?: string;
  advisorId?: string;
  consultantId?: string;
  group?: 'promoter' | 'passive' | 'detractor';
  from?: string;
  to?: string;
}

export const surveyKeys = {
  all: ['surveys'] as const,
  templates: ['surveys', 'templates'] as const,
  nps: (q: NpsQuery) => ['surveys', 'nps', q] as const,
  responses: (q: ResponsesQuery) => ['surveys', 'responses', q] as const,
};

export function useSurveyTemplates() {
  return useQuery({ queryKey: surveyKeys.templates, queryFn: ({ signal }) => api<SurveyTemplate[]>('/survey-templates', { signal }) });
}
export function useSaveTemplate() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, storeId, body }: { id?: string; storeId?: string; body: TSurveyTemplateInput }) =>
      id ? api<SurveyTemplate>(`/survey-templates/${id}`, { method: 'PUT', body }) : api<SurveyTemplate>('/survey-templates', { method: 'POST', query: { storeId }, body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: surveyKeys.templates }),
  });
}
export function useNps(q: NpsQuery) {
  return useQuery({ queryKey: surveyKeys.nps(q), queryFn: ({ signal }) => api<NpsReport>('/surveys/nps', { query: { ...q }, signal }), placeholderData: keepPreviousData });
}
export function useResponses(q: ResponsesQuery | null) {
  return useQuery({ queryKey: surveyKeys.responses(q ?? {}), queryFn: ({ signal }) => api<SurveyResponse[]>('/survey-responses', { query: { ...q }, signal }), enabled: q !== null });
}
export function useInviteSurvey() {
  return useMutation({ mutationFn: (body: { customerId: string; templateId: string }) => api<{ id: string; link: string; expiresAt: string }>('/survey-invitations', { method: 'POST', body }) });
}
