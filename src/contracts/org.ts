import { z } from 'zod';
import { ZId, ZRole } from './common.js';

export const ZLogin = z.object({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(200) });
export const ZStore = z.object({
  id: ZId,
  code: z.string(),
  name: z.string(),
  brands: z.array(z.string()),
  city: z.string(),
  address: z.string(),
  phone: z.string(),
  timezone: z.string(),
  active: z.boolean(),
});
export const ZStoreCreate = z.object({
  code: z.string().trim().min(1).max(32).regex(/^[A-Za-z0-9_-]+$/, '编码只能包含字母、数字、下划线 / letters, digits, _ and - only'),
  name: z.string().trim().min(1).max(100),
  brands: z.array(z.string().trim().min(1).max(50)).max(10).default([]),
  city: z.string().trim().max(50).default(''),
  address: z.string().trim().max(200).default(''),
  phone: z.string().trim().max(30).default(''),
  timezone: z.string().trim().max(50).default('Asia/Shanghai'),
});
export const ZStoreUpdate = ZStoreCreate.partial().extend({ active: z.boolean().optional() });
export const ZStaff = z.object({
  id: ZId,
  username: z.string(),
  displayName: z.string(),
  role: ZRole,
  storeId: ZId.nullable(),
  mobile: z.string().nullable(),
  email: z.string().nullable(),
  active: z.boolean(),
  lastLoginAt: z.date().nullable(),
});
export const ZStaffCreate = z.object({
  username: z.string().trim().min(2).max(64).regex(/^[a-zA-Z0-9._-]+$/, '用户名只能包含字母、数字和 . _ - / letters, digits, . _ - only'),
  displayName: z.string().trim().min(1).max(50),
  password: z.string().min(8, '密码至少 8 位 / at least 8 characters').max(200),
  role: ZRole,
  storeId: ZId.nullable().optional(),
  mobile: z.string().trim().max(30).nullable().optional(),
  email: z.email().max(200).nullable().optional(),
});
export const ZStaffUpdate = ZStaffCreate.omit({ username: true }).partial().extend({ active: z.boolean().optional() });
export const ZMe = ZStaff.extend({ permissions: z.array(z.string()), csrfToken: z.string().optional() });
export type TStore = z.infer<typeof ZStore>;
export type TStaff = z.infer<typeof ZStaff>;
export type TMe = z.infer<typeof ZMe>;
