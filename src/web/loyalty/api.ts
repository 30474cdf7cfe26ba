import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type {
  TAccount,
  TAdjustment,
  TCoupon,
  TEarnRule,
  TLedgerEntry,
  TLoyaltyConfig,
  TLoyaltySettings,
  TMultiplierInput,
  TReferral,
  TReferralSettings,
  TReward,
  TRewardInput,
  TTierUpdate,
  ZLeaderboard,
  ZLiabilityReport,
  ZRedemptionRateReport,
} from '../../contracts/loyalty';
import { api } from '../api/client';
import type { Page, Wire } from '../api/types';
import { newIdempotencyKey } from '../lib/idempotency';

export type LoyaltyConfig = Wire<TLoyaltyConfig>;
export type Account = Wire<TAccount>;
export type LedgerEntry = Wire<TLedgerEntry>;
export type Coupon = Wire<TCoupon>;
export type Reward = Wire<TReward>;
export type Referral = Wire<TReferral>;
export type Leaderboard = Wire<z.infer<typeof ZLeaderboard>>;
export type Liability = Wire<z.infer<typeof ZLiabilityReport>>;
export type RedemptionRate = Wire<z.infer<typeof ZRedemptionRateReport>>;

export const loyaltyKeys = {
  all: ['loyalty'] as const,
  config: ['loyalty', 'config'] as const,
  account: (id: string) => ['loyalty', 'account', id] as const,
  ledger: (id: string) => ['loyalty', 'ledger', id] as const,
  coupons: (customerId: string) => ['loyalty', 'coupons', customerId] as const,
  rewards: ['loyalty', 'rewards'] as const,
  liability: ['loyalty', 'reports', 'liability'] as const,
  rate: ['loyalty', 'reports', 'rate'] as const,
  referrals: ['loyalty', 'referrals'] as const,
  leaderboard: (month: string) => ['loyalty', 'leaderboard', month] as const,
};

export const useLoyaltyConfig = () => useQuery({ queryKey: loyaltyKeys.config, queryFn: ({ signal }) => api<LoyaltyConfig>('/loyalty/config', { signal }) });
export const useAccount = (id: string) => useQuery({ queryKey: loyaltyKeys.account(id), queryFn: ({ signal }) => api<Account>(`/loyalty/accounts/${id}`, { signal }) });
export const useLedger = (id: string) => useQuery({ queryKey: loyaltyKeys.ledger(id), queryFn: ({ signal }) => api<Page<LedgerEntry>>(`/loyalty/accounts/${id}/ledger`, { query: { limit: 100 }, signal }) });
export const useCustomerCoupons = (id: string) => useQuery({ queryKey: loyaltyKeys.coupons(id), queryFn: ({ signal }) => api<Page<Coupon>>('/coupons', { query: { customerId: id, limit: 100 }, signal }) });
export const useRewards = () => useQuery({ queryKey: loyaltyKeys.rewards, queryFn: ({ signal }) => api<Reward[]>('/rewards', { signal }) });
export const useLiability = () => useQuery({ queryKey: loyaltyKeys.liability, queryFn: ({ signal }) => api<Liability>('/loyalty/reports/liability', { signal }) });
export const useRedemptionRate = () => useQuery({ queryKey: loyaltyKeys.rate, queryFn: ({ signal }) => api<RedemptionRate>('/loyalty/reports/redemption-rate', { signal }) });
export const useReferrals = () => useQuery({ queryKey: loyaltyKeys.referrals, queryFn: ({ signal }) => api<Page<Referral>>('/referrals', { query: { limit: 200 }, signal }) });
export const useLeaderboard = (month: string) => useQuery({ queryKey: loyaltyKeys.leaderboard(month), queryFn: ({ signal }) => api<Leaderboard>('/referrals/leaderboard', { query: { month }, signal }) });

function useLoyaltyMutation<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSettled: () => qc.invalidateQueries({ queryKey: loyaltyKeys.all }) });
}

export const usePutSettings = () => useLoyaltyMutation((b: TLoyaltySettings) => api<LoyaltyConfig>('/loyalty/settings', { method: 'PUT', body: b }));
export const useUpdateTier = () => useLoyaltyMutation(({ id, ...b }: TTierUpdate & { id: string }) => api(`/loyalty/tiers/${id}`, { method: 'PATCH', body: b }));
export const usePutEarnRules = () => useLoyaltyMutation((b: TEarnRule[]) => api('/loyalty/earn-rules', { method: 'PUT', body: b }));
export const useCreateMultiplier = () => useLoyaltyMutation((b: Omit<TMultiplierInput, 'startsAt' | 'endsAt'> & { startsAt: string; endsAt: string }) => api('/loyalty/multipliers', { method: 'POST', body: b }));
export const useDeleteMultiplier = () => useLoyaltyMutation((id: string) => api(`/loyalty/multipliers/${id}`, { method: 'DELETE' }));
export const useAdjust = (customerId: string) =>
  useLoyaltyMutation((b: TAdjustment) => api(`/loyalty/accounts/${customerId}/adjustments`, { method: 'POST', body: b, headers: { 'Idempotency-Key': newIdempotencyKey() } }));
export const useSaveReward = () =>
  useLoyaltyMutation(({ id, ...b }: Partial<TRewardInput> & { id?: string }) => (id ? api<Reward>(`/rewards/${id}`, { method: 'PATCH', body: b }) : api<Reward>('/rewards', { method: 'POST', body: b })));
export const useFindCoupon = () => useMutation({ mutationFn: (code: string) => api<Coupon>(`/coupons/${encodeURIComponent(code)}`) });
export const useRedeemCoupon = () => useLoyaltyMutation(({ code, repairOrderId }: { code: string; repairOrderId: string }) => api<Coupon>(`/coupons/${encodeURIComponent(code)}/redeem`, { method: 'POST', body: { repairOrderId } }));
export const useCreateReferral = () =>
  useLoyaltyMutation((b: { referrerCustomerId: string; friendName: string; friendMobile: string; interestedModel?: string }) => api<Referral>('/referrals', { method: 'POST', body: b }));
export const useReferralStatus = () => useLoyaltyMutation(({ id, status }: { id: string; status: 'visited' | 'test_drive' | 'lost' }) => api<Referral>(`/referrals/${id}/status`, { method: 'POST', body: { status } }));
export type { TReferralSettings };
