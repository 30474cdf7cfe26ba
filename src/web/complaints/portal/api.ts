import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TComplaint, TComplaintDetail, TComplaintType } from '../../../contracts/complaints';
import type { Wire } from '../../api/types';
import { portalApi } from '../../portal/api/client';

export type OwnerComplaint = Wire<TComplaint>;
export type OwnerComplaintDetail = Wire<TComplaintDetail>;
const keys = { list: ['portal', 'complaints'] as const, one: (id: string) => ['portal', 'complaints', id] as const };

export function useMyComplaints() {
  return useQuery({ queryKey: keys.list, queryFn: ({ signal }) => portalApi<{ items: OwnerComplaint[] }>('/complaints', { signal }) });
}
export function useMyComplaint(id: string) {
  return useQuery({ queryKey: keys.one(id), queryFn: ({ signal }) => portalApi<OwnerComplaintDetail>(`/complaints/${id}`, { signal }) });
}
export function useRaiseComplaint() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { type: TComplaintType; title: string; description: string }) => portalApi<OwnerComplaint>('/complaints', { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.list }),
  });
}
