import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type { RepairOrder, WorkshopStage } from '../api/types';
import { customerKeys } from '../customers/api';

export const serviceKeys = {
  all: ['service-orders'] as const,
  detail: (id: string) => ['service-orders', id] as const,
};

/** Moves a repair order to a later workshop stage; refetches the customer's 360 view. */
export function useAddStage(customerId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ roId, ...body }: { roId: string; stage: WorkshopStage; note?: string; at?: string }) =>
      api<RepairOrder>(`/service-orders/${roId}/stages`, { method: 'POST', body }),
    onSuccess: () => Promise.all([qc.invalidateQueries({ queryKey: customerKeys.detail(customerId) }), qc.invalidateQueries({ queryKey: serviceKeys.all })]),
  });
}
