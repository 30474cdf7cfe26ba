import { useInfiniteQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import type { AuditEntry, Page } from '../api/types';

export interface AuditQuery {
  action?: string;
  entityType?: string;
  customerId?: string;
  actorStaffId?: string;
}

export const auditKeys = {
  all: ['audit'] as const,
  list: (q: AuditQuery) => ['audit', 'list', q] as const,
};

export function useAuditLog(q: AuditQuery) {
  return useInfiniteQuery({
    queryKey: auditKeys.list(q),
    queryFn: ({ pageParam, signal }) =>
      api<Page<AuditEntry>>('/audit-log', { query: { ...q, limit: 50, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
