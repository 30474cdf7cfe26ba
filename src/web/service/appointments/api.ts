import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TAppointment, TAppointmentSettings, TAppointmentSettingsInput, TAvailability } from '../../../contracts/appointments';
import type { TRoKind } from '../../../contracts/service';
import { api } from '../../api/client';
import type { Wire } from '../../api/types';
import { customerKeys } from '../../customers/api';

export type Appointment = Wire<TAppointment>;
export type AppointmentSettings = Wire<TAppointmentSettings>;
export type Availability = Wire<TAvailability>;
export type AppointmentSettingsInput = TAppointmentSettingsInput;

export const appointmentKeys = {
  all: ['appointments'] as const,
  list: (q: Record<string, string | undefined>) => ['appointments', 'list', q] as const,
  availability: (storeId: string, from: string, days: number) => ['appointments', 'availability', storeId, from, days] as const,
  settings: (storeId: string) => ['appointments', 'settings', storeId] as const,
};

const spanOf = (q: { from?: string; to?: string }) => (q.from && q.to ? Date.parse(q.to) - Date.parse(q.from) : -1);

/** A store's appointments of a day range (the board), refreshed every half minute: owners book from the portal too. */
export function useAppointmentList(storeId: string | undefined, from: string, to: string) {
  return useQuery({
    queryKey: appointmentKeys.list({ storeId, from, to }),
    queryFn: ({ signal }) => api<{ items: Appointment[] }>('/appointments', { query: { storeId, from, to, limit: 500 }, signal }),
    enabled: !!storeId,
    // Keep showing the previous day while paging day by day, never another range's length (day ↔ week).
    placeholderData: (prev, prevQuery) => (prevQuery && spanOf(prevQuery.queryKey[2] as { from?: string; to?: string }) === spanOf({ from, to }) ? prev : undefined),
    refetchInterval: 30_000,
  });
}

export function useCustomerAppointments(customerId: string) {
  return useQuery({
    queryKey: appointmentKeys.list({ customerId }),
    queryFn: ({ signal }) => api<{ items: Appointment[] }>('/appointments', { query: { customerId, limit: 100 }, signal }),
  });
}

export function useAvailability(storeId: string | undefined, from: string, days: number) {
  return useQuery({
    queryKey: appointmentKeys.availability(storeId ?? '', from, days),
    queryFn: ({ signal }) => api<Availability>('/appointments/availability', { query: { storeId, from, days }, signal }),
    enabled: !!storeId,
    placeholderData: (prev, prevQuery) => (prevQuery?.queryKey[4] === days ? prev : undefined),
    refetchInterval: 30_000,
  });
}

export function useAppointmentSettings(storeId: string | undefined) {
  return useQuery({
    queryKey: appointmentKeys.settings(storeId ?? ''),
    queryFn: ({ signal }) => api<AppointmentSettings>('/appointment-settings', { query: { storeId }, signal }),
    enabled: !!storeId,
  });
}

function useInvalidate() {
  const qc = useQueryClient();
  return (customerId?: string) =>
    Promise.all([qc.invalidateQueries({ queryKey: appointmentKeys.all }), customerId ? qc.invalidateQueries({ queryKey: customerKeys.detail(customerId) }) : Promise.resolve()]);
}

export function usePutAppointmentSettings(storeId: string | undefined) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body: AppointmentSettingsInput) => api<AppointmentSettings>('/appointment-settings', { method: 'PUT', query: { storeId }, body }),
    onSuccess: () => invalidate(),
  });
}

export function useBookAppointment() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ idempotencyKey, ...body }: { vehicleId: string; kind: TRoKind; slotStart: string; note?: string; advisorId?: string; idempotencyKey: string }) =>
      api<Appointment>('/appointments', { method: 'POST', body, headers: { 'Idempotency-Key': idempotencyKey } }),
    onSuccess: (a) => invalidate(a.customer.id),
  });
}

export function useRescheduleAppointment() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, slotStart }: { id: string; slotStart: string }) => api<Appointment>(`/appointments/${id}/reschedule`, { method: 'POST', body: { slotStart } }),
    onSuccess: (a) => invalidate(a.customer.id),
  });
}

export function useCancelAppointment() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, reason }: { id: string; reason?: string }) => api<Appointment>(`/appointments/${id}/cancel`, { method: 'POST', body: { reason } }),
    onSuccess: (a) => invalidate(a.customer.id),
  });
}

export function useCheckIn() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, ...body }: { id: string; openRepairOrder: boolean; mileageKm?: number; note?: string }) => api<Appointment>(`/appointments/${id}/check-in`, { method: 'POST', body }),
    onSuccess: (a) => invalidate(a.customer.id),
  });
}

export function useMarkNoShow() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (id: string) => api<Appointment>(`/appointments/${id}/no-show`, { method: 'POST' }),
    onSuccess: (a) => invalidate(a.customer.id),
  });
}
