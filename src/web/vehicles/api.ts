import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TVehicleModelCreate, TVehicleModelUpdate } from '../../contracts/vehicles';
import { api } from '../api/client';
import type { Page, Vehicle, VehicleModel } from '../api/types';
import { customerKeys } from '../customers/api';

export const vehicleKeys = {
  all: ['vehicles'] as const,
  models: (includeInactive: boolean) => ['vehicle-models', { includeInactive }] as const,
  modelsAll: ['vehicle-models'] as const,
};

/** Body of POST/PATCH /vehicles as the form sends it (the server normalises VIN and plate). */
export interface VehicleInput {
  customerId?: string;
  vin?: string;
  plate?: string | null;
  modelId?: string | null;
  color?: string;
  purchaseDate?: string | null;
  deliveryDate?: string | null;
  lastMileageKm?: number | null;
  lastMileageAt?: string | null;
  insuranceExpiry?: string | null;
  warrantyEnd?: string | null;
  status?: Vehicle['status'];
}

/** The whole catalogue (a group has tens to a few hundred models), fetched page by page once. */
export function useVehicleModels(opts: { includeInactive?: boolean } = {}) {
  const includeInactive = opts.includeInactive ?? false;
  return useQuery({
    queryKey: vehicleKeys.models(includeInactive),
    queryFn: async ({ signal }) => {
      const all: VehicleModel[] = [];
      let cursor: string | undefined;
      do {
        const page = await api<Page<VehicleModel>>('/vehicle-models', {
          query: { limit: 200, cursor, includeInactive: includeInactive ? 'true' : undefined },
          signal,
        });
        all.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return all;
    },
    staleTime: 10 * 60_000,
  });
}

export function useCreateVehicleModel() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TVehicleModelCreate) => api<VehicleModel>('/vehicle-models', { method: 'POST', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: vehicleKeys.modelsAll }),
  });
}

export function useUpdateVehicleModel() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: TVehicleModelUpdate & { id: string }) => api<VehicleModel>(`/vehicle-models/${id}`, { method: 'PATCH', body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: vehicleKeys.modelsAll }),
  });
}

export function useCreateVehicle() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: VehicleInput) => api<Vehicle>('/vehicles', { method: 'POST', body }),
    onSuccess: () => Promise.all([qc.invalidateQueries({ queryKey: customerKeys.all }), qc.invalidateQueries({ queryKey: vehicleKeys.all })]),
  });
}

export function useUpdateVehicle() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: VehicleInput & { id: string }) => api<Vehicle>(`/vehicles/${id}`, { method: 'PATCH', body }),
    onSuccess: () => Promise.all([qc.invalidateQueries({ queryKey: customerKeys.all }), qc.invalidateQueries({ queryKey: vehicleKeys.all })]),
  });
}
