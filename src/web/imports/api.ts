import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiUrl } from '../api/client';
import type { ImportJob, ImportKind, ImportMapping, ImportMappingPreset, ImportPreview, ImportUpload, Page } from '../api/types';
import { customerKeys } from '../customers/api';

export const importKeys = {
  all: ['imports'] as const,
  list: () => ['imports', 'list'] as const,
  detail: (id: string) => ['imports', 'detail', id] as const,
  mappings: (kind: ImportKind) => ['imports', 'mappings', kind] as const,
};

const ACTIVE = new Set(['queued', 'running']);

export function useImports() {
  return useQuery({
    queryKey: importKeys.list(),
    queryFn: ({ signal }) => api<Page<ImportJob>>('/imports', { query: { limit: 50 }, signal }),
    // Keep the history live while something in it is still running.
    refetchInterval: (q) => (q.state.data?.items.some((j) => ACTIVE.has(j.status)) ? 3000 : false),
  });
}

/** One import; polled every second while it is queued or running. */
export function useImport(id: string | undefined) {
  return useQuery({
    queryKey: importKeys.detail(id ?? ''),
    queryFn: ({ signal }) => api<ImportJob>(`/imports/${id}`, { signal }),
    enabled: !!id,
    refetchInterval: (q) => (q.state.data && !ACTIVE.has(q.state.data.status) ? false : 1000),
  });
}

export function useUploadImport() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (p: { file: File; kind: ImportKind; storeId: string }) => {
      const form = new FormData();
      // Fields before the file: a streaming multipart parser sees them first.
      form.append('kind', p.kind);
      form.append('storeId', p.storeId);
      form.append('file', p.file, p.file.name);
      return api<ImportUpload>('/imports', { method: 'POST', form });
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: importKeys.list() }),
  });
}

export function usePreviewImport() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: { id: string; mapping: ImportMapping; saveMappingAs?: string }) =>
      api<ImportPreview>(`/imports/${id}/preview`, { method: 'POST', body }),
    onSuccess: (_d, v) => Promise.all([qc.invalidateQueries({ queryKey: importKeys.all }), v.saveMappingAs ? qc.invalidateQueries({ queryKey: ['imports', 'mappings'] }) : null]),
  });
}

export function useRunImport() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, idempotencyKey }: { id: string; idempotencyKey: string }) =>
      api<ImportJob | undefined>(`/imports/${id}/run`, { method: 'POST', headers: { 'Idempotency-Key': idempotencyKey } }),
    onSuccess: (_d, v) =>
      Promise.all([qc.invalidateQueries({ queryKey: importKeys.detail(v.id) }), qc.invalidateQueries({ queryKey: importKeys.list() })]),
  });
}

/** Once an import has finished, customer lists are stale. */
export function useInvalidateAfterImport() {
  const qc = useQueryClient();
  return () => Promise.all([qc.invalidateQueries({ queryKey: customerKeys.all }), qc.invalidateQueries({ queryKey: importKeys.list() })]);
}

export function useImportMappings(kind: ImportKind) {
  return useQuery({
    queryKey: importKeys.mappings(kind),
    queryFn: async ({ signal }) => {
      const r = await api<{ items: ImportMappingPreset[] } | ImportMappingPreset[]>('/import-mappings', { query: { kind }, signal });
      return Array.isArray(r) ? r : r.items;
    },
  });
}

export function useSaveMapping() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { kind: ImportKind; name: string; mapping: ImportMapping }) => api<ImportMappingPreset>('/import-mappings', { method: 'POST', body }),
    onSuccess: (_d, v) => qc.invalidateQueries({ queryKey: importKeys.mappings(v.kind) }),
  });
}

export const errorFileUrl = (id: string) => apiUrl(`/imports/${id}/errors`);
