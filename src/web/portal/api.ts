import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TAvailability } from '../../contracts/appointments';
import type { TLoanInput, TLoanQuote } from '../../contracts/loan';
import type {
  TPortalAppointment,
  TPortalCodeSent,
  TPortalConsent,
  TPortalGarage,
  TPortalHome,
  TPortalInbox,
  TPortalMe,
  TPortalRepairOrder,
  TPortalSalesOrder,
  TPortalVehicleDetail,
} from '../../contracts/portal';
import type { TRoKind } from '../../contracts/service';
import type { Wire } from '../api/types';
import { ApiError, portalApi } from './api/client';

export type PortalMe = Wire<TPortalMe>;
export type PortalHome = Wire<TPortalHome>;
export type PortalGarage = Wire<TPortalGarage>;
export type PortalVehicle = Wire<TPortalVehicleDetail>;
export type PortalRepairOrder = Wire<TPortalRepairOrder>;
export type PortalSalesOrder = Wire<TPortalSalesOrder>;
export type PortalAppointment = Wire<TPortalAppointment>;
export type PortalConsent = Wire<TPortalConsent>;
export type PortalInbox = Wire<TPortalInbox>;
export type Availability = Wire<TAvailability>;

export const portalKeys = {
  all: ['portal'] as const,
  me: ['portal', 'me'] as const,
  home: ['portal', 'home'] as const,
  garage: ['portal', 'vehicles'] as const,
  vehicle: (id: string) => ['portal', 'vehicles', id] as const,
  repairOrder: (id: string) => ['portal', 'repair-orders', id] as const,
  salesOrder: (id: string) => ['portal', 'sales-orders', id] as const,
  inbox: ['portal', 'inbox'] as const,
  appointments: ['portal', 'appointments'] as const,
  availability: (vehicleId: string, from: string) => ['portal', 'availability', vehicleId, from] as const,
};

/** The signed-in owner, or null without a session (a 401 here is an answer, not an error). */
export function useOwner() {
  return useQuery({
    queryKey: portalKeys.me,
    queryFn: async () => {
      try {
        return await portalApi<PortalMe>('/me', { allowUnauthorized: true });
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
    staleTime: 5 * 60_000,
    retry: false,
  });
}

export function useRequestCode() {
  return useMutation({ mutationFn: (mobile: string) => portalApi<TPortalCodeSent>('/auth/code', { method: 'POST', body: { mobile }, allowUnauthorized: true }) });
}

export function useVerifyCode() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { mobile: string; code: string }) => portalApi<PortalMe>('/auth/verify', { method: 'POST', body, allowUnauthorized: true }),
    onSuccess: (me) => {
      qc.removeQueries({ queryKey: portalKeys.all });
      qc.setQueryData(portalKeys.me, me);
    },
  });
}

export function useSignOut(everywhere = false) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => portalApi(everywhere ? '/auth/sign-out-everywhere' : '/auth/sign-out', { method: 'POST', allowUnauthorized: true }),
    onSettled: () => {
      qc.removeQueries({ queryKey: portalKeys.all });
      qc.setQueryData(portalKeys.me, null);
    },
  });
}

export function usePutConsent() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ channel, granted }: { channel: string; granted: boolean }) => portalApi<{ consents: PortalConsent[] }>(`/me/consents/${channel}`, { method: 'PUT', body: { granted } }),
    onSuccess: (r) => qc.setQueryData<PortalMe | null>(portalKeys.me, (me) => (me ? { ...me, consents: r.consents } : me)),
  });
}

export function useHome() {
  return useQuery({ queryKey: portalKeys.home, queryFn: ({ signal }) => portalApi<PortalHome>('/home', { signal }), refetchInterval: 30_000 });
}

export function useGarage() {
  return useQuery({ queryKey: portalKeys.garage, queryFn: ({ signal }) => portalApi<PortalGarage>('/vehicles', { signal }) });
}

/** One car; polled every few seconds while it is in the workshop or being delivered, so the steps move live. */
export function useVehicle(id: string) {
  return useQuery({
    queryKey: portalKeys.vehicle(id),
    queryFn: ({ signal }) => portalApi<PortalVehicle>(`/vehicles/${id}`, { signal }),
    refetchInterval: (q) => (q.state.data && (q.state.data.openRepairOrder || q.state.data.openSalesOrder) ? 5_000 : false),
    refetchIntervalInBackground: false,
  });
}

export function useRepairOrder(id: string) {
  return useQuery({
    queryKey: portalKeys.repairOrder(id),
    queryFn: ({ signal }) => portalApi<PortalRepairOrder>(`/repair-orders/${id}`, { signal }),
    refetchInterval: (q) => (q.state.data && !q.state.data.closedAt ? 5_000 : false),
  });
}

export function useSalesOrder(id: string) {
  return useQuery({
    queryKey: portalKeys.salesOrder(id),
    queryFn: ({ signal }) => portalApi<PortalSalesOrder>(`/sales-orders/${id}`, { signal }),
    refetchInterval: (q) => (q.state.data && q.state.data.status === 'open' ? 10_000 : false),
  });
}

export function useInbox() {
  return useInfiniteQuery({
    queryKey: portalKeys.inbox,
    queryFn: ({ pageParam, signal }) => portalApi<PortalInbox>('/inbox', { query: { limit: 20, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** The unread count for the tab badge: a one-item inbox page (cheap), refreshed every minute. */
export function useUnreadBadge(): number | undefined {
  const q = useQuery({
    queryKey: [...portalKeys.inbox, 'unread'],
    queryFn: ({ signal }) => portalApi<PortalInbox>('/inbox', { query: { limit: 1 }, signal }),
    refetchInterval: 60_000,
    staleTime: 20_000,
  });
  return q.data?.unread || undefined;
}

export function useMarkRead() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string | 'all') => portalApi(id === 'all' ? '/inbox/read-all' : `/inbox/${id}/read`, { method: 'POST' }),
    onSuccess: () => Promise.all([qc.invalidateQueries({ queryKey: portalKeys.inbox }), qc.invalidateQueries({ queryKey: portalKeys.home })]),
  });
}

export function useAppointments() {
  return useQuery({ queryKey: portalKeys.appointments, queryFn: ({ signal }) => portalApi<{ items: PortalAppointment[] }>('/appointments', { signal }) });
}

export function useAvailability(vehicleId: string | undefined, from: string) {
  return useQuery({
    queryKey: portalKeys.availability(vehicleId ?? '', from),
    queryFn: ({ signal }) => portalApi<Availability>('/appointments/availability', { query: { vehicleId, from, days: 14 }, signal }),
    enabled: !!vehicleId,
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
}

const invalidateBookings = (qc: ReturnType<typeof useQueryClient>) =>
  Promise.all([qc.invalidateQueries({ queryKey: portalKeys.appointments }), qc.invalidateQueries({ queryKey: portalKeys.home }), qc.invalidateQueries({ queryKey: portalKeys.garage }), qc.invalidateQueries({ queryKey: ['portal', 'availability'] })]);

export function useBook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ idempotencyKey, ...body }: { vehicleId: string; kind: TRoKind; slotStart: string; note?: string; idempotencyKey: string }) =>
      portalApi<PortalAppointment>('/appointments', { method: 'POST', body, headers: { 'Idempotency-Key': idempotencyKey } }),
    onSettled: () => invalidateBookings(qc),
  });
}

export function useReschedule() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, slotStart }: { id: string; slotStart: string }) => portalApi<PortalAppointment>(`/appointments/${id}/reschedule`, { method: 'POST', body: { slotStart } }),
    onSettled: () => invalidateBookings(qc),
  });
}

export function useCancelAppointment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => portalApi<PortalAppointment>(`/appointments/${id}/cancel`, { method: 'POST', body: {} }),
    onSettled: () => invalidateBookings(qc),
  });
}

/** Records a finished calculation (the screen computes locally as the owner types). */
export function useRecordLoanQuote() {
  return useMutation({ mutationFn: (input: TLoanInput) => portalApi<TLoanQuote>('/loan-quotes', { method: 'POST', body: input }) });
}
