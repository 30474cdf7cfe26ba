import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TCoupon, TLedgerEntry, TReward } from '../../../contracts/loyalty';
import type { ZOwnerReferral, ZPortalLoyalty, ZRedemptionResult } from '../../../contracts/loyalty';
import type { z } from 'zod';
import type { Wire } from '../../api/types';
import { portalApi } from '../../portal/api/client';

export type PortalLoyalty = Wire<z.infer<typeof ZPortalLoyalty>>;
export type LedgerEntry = Wire<TLedgerEntry>;
export type Reward = Wire<TReward>;
export type Coupon = Wire<TCoupon>;
export type OwnerReferral = Wire<z.infer<typeof ZOwnerReferral>>;
type Page<T> = { items: T[]; nextCursor: string | null };

export const loyaltyKeys = {
  all: ['portal', 'loyalty'] as const,
  me: ['portal', 'loyalty', 'me'] as const,
  ledger: ['portal', 'loyalty', 'ledger'] as const,
  rewards: ['portal', 'loyalty', 'rewards'] as const,
  coupons: (state: string) => ['portal', 'loyalty', 'coupons', state] as const,
  referral: ['portal', 'loyalty', 'referral'] as const,
};

export const useMyLoyalty = () => useQuery({ queryKey: loyaltyKeys.me, queryFn: ({ signal }) => portalApi<PortalLoyalty>('/loyalty', { signal }) });

export function useLedger() {
  return useInfiniteQuery({
    queryKey: loyaltyKeys.ledger,
    queryFn: ({ pageParam, signal }) => portalApi<Page<LedgerEntry>>('/loyalty/ledger', { query: { limit: 20, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export const useRewards = () => useQuery({ queryKey: loyaltyKeys.rewards, queryFn: ({ signal }) => portalApi<Reward[]>('/rewards', { signal }) });
export const useCoupons = (state: string) =>
  useQuery({ queryKey: loyaltyKeys.coupons(state), queryFn: ({ signal }) => portalApi<Page<Coupon>>('/coupons', { query: { state, limit: 50 }, signal }), refetchInterval: state === 'issued' ? 10_000 : false });
export const useReferral = () => useQuery({ queryKey: loyaltyKeys.referral, queryFn: ({ signal }) => portalApi<OwnerReferral>('/referral', { signal }) });

const invalidate = (qc: ReturnType<typeof useQueryClient>) => qc.invalidateQueries({ queryKey: loyaltyKeys.all });

export function useRedeem() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ rewardId, idempotencyKey }: { rewardId: string; idempotencyKey: string }) =>
      portalApi<Wire<z.infer<typeof ZRedemptionResult>>>(`/rewards/${rewardId}/redeem`, { method: 'POST', headers: { 'Idempotency-Key': idempotencyKey } }),
    onSettled: () => invalidate(qc),
  });
}

export function useDonate() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ rewardId, points, idempotencyKey }: { rewardId: string; points: number; idempotencyKey: string }) =>
      portalApi(`/rewards/${rewardId}/donate`, { method: 'POST', body: { points }, headers: { 'Idempotency-Key': idempotencyKey } }),
    onSettled: () => invalidate(qc),
  });
}

export function useReferralSignup() {
  return useMutation({
    mutationFn: (body: { code: string; friendName: string; friendMobile: string; interestedModel: string }) =>
      portalApi<{ ok: true; referrerName: string }>('/referral/signup', { method: 'POST', body, allowUnauthorized: true }),
  });
}
