import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  TMessage,
  TMessageChannel,
  TMessagePurpose,
  TMessageStatus,
  TMessageTemplate,
  TMessagingSettings,
  TMessagingSettingsInput,
  TSuppressionReason,
  TTemplateLocale,
  TTemplatePreview,
} from '../../contracts/messaging';
import { api } from '../api/client';
import type { Page, Wire } from '../api/types';

export type Message = Wire<TMessage>;
export type MessageTemplate = Wire<TMessageTemplate>;
export type MessagingSettings = TMessagingSettings;
export type TemplatePreview = TTemplatePreview;
export type {
  TMessageChannel as MessageChannel,
  TMessagePurpose as MessagePurpose,
  TMessageStatus as MessageStatus,
  TSuppressionReason as SuppressionReason,
  TTemplateLocale as TemplateLocale,
};

export interface MessageListQuery {
  status?: TMessageStatus;
  channel?: TMessageChannel;
  purpose?: TMessagePurpose;
  customerId?: string;
  storeId?: string;
  /** ISO instants: from inclusive, to exclusive. */
  createdFrom?: string;
  createdTo?: string;
  limit?: number;
}

export interface TemplateListQuery {
  storeId?: string;
  channel?: TMessageChannel;
  purpose?: TMessagePurpose;
  code?: string;
  active?: boolean;
}

export interface MessageSendInput {
  customerId: string;
  vehicleId?: string;
  channel: TMessageChannel;
  purpose?: TMessagePurpose;
  templateId?: string;
  subject?: string;
  body?: string;
  vars?: Record<string, string>;
}

export interface TemplatePreviewInput {
  templateId?: string;
  channel?: TMessageChannel;
  purpose?: TMessagePurpose;
  locale?: TTemplateLocale;
  subject?: string;
  body?: string;
  customerId?: string;
  vehicleId?: string;
  vars?: Record<string, string>;
}

export interface TemplateCreateInput {
  storeId?: string | null;
  code: string;
  name: string;
  channel: TMessageChannel;
  purpose: TMessagePurpose;
  locale: TTemplateLocale;
  subject?: string;
  body: string;
  active?: boolean;
}
export type TemplateUpdateInput = Partial<Pick<TemplateCreateInput, 'name' | 'subject' | 'body' | 'active'>>;

export const messageKeys = {
  all: ['messages'] as const,
  lists: () => [...messageKeys.all, 'list'] as const,
  list: (q: MessageListQuery) => [...messageKeys.lists(), q] as const,
  detail: (id: string) => [...messageKeys.all, 'detail', id] as const,
  templates: (q: TemplateListQuery) => ['message-templates', q] as const,
  templatesAll: ['message-templates'] as const,
  preview: (q: TemplatePreviewInput) => ['message-templates', 'preview', q] as const,
  settings: (storeId: string | undefined) => ['message-settings', storeId ?? null] as const,
};

export function useMessages(q: MessageListQuery, opts: { enabled?: boolean } = {}) {
  return useInfiniteQuery({
    queryKey: messageKeys.list(q),
    queryFn: ({ pageParam, signal }) => api<Page<Message>>('/messages', { query: { ...q, limit: q.limit ?? 50, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    enabled: opts.enabled ?? true,
    // The worker sends a queued message within seconds; refresh while the first page still shows one waiting.
    refetchInterval: (query) => (query.state.data?.pages[0]?.items.some((m) => m.status === 'queued' && m.attempts === 0) ? 10_000 : false),
  });
}

export function useMessage(id: string | undefined) {
  return useQuery({
    queryKey: messageKeys.detail(id ?? ''),
    queryFn: ({ signal }) => api<Message>(`/messages/${id}`, { signal }),
    enabled: Boolean(id),
    // A queued message is sent by the worker within seconds; keep the drawer current while it waits.
    refetchInterval: (q) => (q.state.data && (q.state.data.status === 'queued' || q.state.data.status === 'deferred') ? 5_000 : false),
  });
}

/**
 * Sends one message through the consent / quiet-hours / frequency gate. The caller keeps one Idempotency-Key per
 * message it composes (`newIdempotencyKey()` in lib/idempotency), so pressing "send" again after a lost answer cannot send twice.
 */
export function useSendMessage() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ idempotencyKey, ...body }: MessageSendInput & { idempotencyKey: string }) =>
      api<Message>('/messages', { method: 'POST', body, headers: { 'Idempotency-Key': idempotencyKey } }),
    onSuccess: (m) => {
      qc.setQueryData(messageKeys.detail(m.id), m);
      return qc.invalidateQueries({ queryKey: messageKeys.lists() });
    },
  });
}

export function useRetryMessage() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<Message>(`/messages/${id}/retry`, { method: 'POST' }),
    onSuccess: (m) => {
      qc.setQueryData(messageKeys.detail(m.id), m);
      return qc.invalidateQueries({ queryKey: messageKeys.lists() });
    },
  });
}

export function useTemplates(q: TemplateListQuery = {}, opts: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: messageKeys.templates(q),
    queryFn: async ({ signal }) => (await api<{ items: MessageTemplate[] }>('/message-templates', { query: { ...q }, signal })).items,
    enabled: opts.enabled ?? true,
  });
}

/** Renders text or a template with the server's own renderer (the same SQL the sender uses). */
export function useTemplatePreview(q: TemplatePreviewInput, opts: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: messageKeys.preview(q),
    queryFn: ({ signal }) => api<TemplatePreview>('/message-templates/preview', { method: 'POST', body: q, signal }),
    enabled: (opts.enabled ?? true) && Boolean(q.templateId || q.body?.trim()),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    retry: false,
  });
}

export function useCreateTemplate() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TemplateCreateInput) => api<MessageTemplate>('/message-templates', { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: messageKeys.templatesAll }),
  });
}

export function useUpdateTemplate() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: TemplateUpdateInput & { id: string }) => api<MessageTemplate>(`/message-templates/${id}`, { method: 'PATCH', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: messageKeys.templatesAll }),
  });
}

export function useMessagingSettings(storeId: string | undefined, opts: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: messageKeys.settings(storeId),
    queryFn: ({ signal }) => api<MessagingSettings>('/message-settings', { query: { storeId }, signal }),
    staleTime: 5 * 60_000,
    enabled: opts.enabled ?? true,
  });
}

export function usePutMessagingSettings(storeId: string | undefined) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TMessagingSettingsInput) => api<MessagingSettings>('/message-settings', { method: 'PUT', query: { storeId }, body }),
    onSuccess: (s) => qc.setQueryData(messageKeys.settings(storeId), s),
  });
}
