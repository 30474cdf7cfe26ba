import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type { DeliveryMilestone, SalesOrder } from '../api/types';
import { customerKeys } from '../customers/api';

export const salesKeys = {
  all: ['sales-orders'] as const,
  detail: (id: string) => ['sales-orders', id] as const,
};

/** Records the next delivery milestone; the 360 view of the customer is refetched so its Steps and timeline move. */
export function useAddMilestone(customerId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ orderId, ...body }: { orderId: string; milestone: DeliveryMilestone; note?: string; at?: string }) =>
      api<SalesOrder>(`/sales-orders/${orderId}/milestones`, { method: 'POST', body }),
    onSuccess: () => Promise.all([qc.invalidateQueries({ queryKey: customerKeys.detail(customerId) }), qc.invalidateQueries({ queryKey: salesKeys.all })]),
  });
}
