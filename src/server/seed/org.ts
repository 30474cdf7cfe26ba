import { eq } from 'drizzle-orm';
import type { TDbOrTx } from '../db/index.js';
import { hashPassword } from '../modules/org/service.js';
import { staff, stores } from '../modules/org/schema.js';
import type { TRole } from '../platform/rbac.js';

export const DEMO_PASSWORD = 'baoke-demo';

/** The demo dealer group: three stores of two brands. Codes are stable so tests and docs can name them. */
export const DEMO_STORES = [
  { code: 'BJ-LH', name: '华辰领航北京亦庄店', brands: ['领航 Linghang'], city: '北京', address: '北京市大兴区亦庄经济开发区荣华南路 88 号', phone: '010-67881234' },
  { code: 'TJ-LH', name: '华辰领航天津河西店', brands: ['领航 Linghang'], city: '天津', address: '天津市河西区友谊路 216 号', phone: '022-28335678' },
  { code: 'BJ-JG', name: '华辰极光北京望京店', brands: ['极光 Jiguang'], city: '北京', address: '北京市朝阳区望京街 9 号', phone: '010-64729988' },
] as const;

const ROLE_USERS: { prefix: string; role: TRole; names: string[] }[] = [
  { prefix: 'manager', role: 'store_manager', names: ['王建国', '刘志强', '陈海燕'] },
  { prefix: 'sales', role: 'sales', names: ['张伟', '李娜', '赵磊'] },
  { prefix: 'service', role: 'service', names: ['孙丽', '周强', '吴静'] },
  { prefix: 'cx', role: 'cx', names: ['郑敏', '冯涛', '何佳'] },
  { prefix: 'marketing', role: 'marketing', names: ['杨帆', '徐晴', '马骁'] },
];

export interface SeededOrg {
  stores: (typeof stores.$inferSelect)[];
  staff: Map<string, typeof staff.$inferSelect>;
}

/**
 * Creates (or finds) the demo stores and one demo user per role and store: `admin`, then `manager1`, `sales1`, …
 * for the first store, `…2` for the second, `…3` for the third. Every password is `baoke-demo`.
 */
export async function seedDemoOrg(db: TDbOrTx, opts: { extraSalesPerStore?: number } = {}): Promise<SeededOrg> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const seededStores: (typeof stores.$inferSelect)[] = [];
  for (const s of DEMO_STORES) {
    const [existing] = await db.select().from(stores).where(eq(stores.code, s.code));
    seededStores.push(existing ?? (await db.insert(stores).values({ ...s, brands: [...s.brands] }).returning())[0]!);
  }
  const users: (typeof staff.$inferInsert)[] = [{ username: 'admin', displayName: '集团管理员 林总', role: 'group_admin', storeId: null, passwordHash }];
  seededStores.forEach((store, i) => {
    for (const r of ROLE_USERS) users.push({ username: `${r.prefix}${i + 1}`, displayName: r.names[i]!, role: r.role, storeId: store.id, passwordHash });
    for (let k = 0; k < (opts.extraSalesPerStore ?? 0); k++) {
      users.push({ username: `sales${i + 1}-${k + 2}`, displayName: `销售顾问${i + 1}-${k + 2}`, role: 'sales', storeId: store.id, passwordHash });
      users.push({ username: `service${i + 1}-${k + 2}`, displayName: `服务顾问${i + 1}-${k + 2}`, role: 'service', storeId: store.id, passwordHash });
    }
  });
  await db.insert(staff).values(users).onConflictDoNothing({ target: staff.username });
  const all = await db.select().from(staff);
  return { stores: seededStores, staff: new Map(all.map((s) => [s.username, s])) };
}
