import { hash, verify } from '@node-rs/argon2';
import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import crypto from 'node:crypto';
import type { TDb, TDbOrTx } from '../../db/index.js';
import type { Clock } from '../../platform/clock.js';
import { ConflictError, NotFoundError, UnauthorizedError, ValidationError } from '../../platform/errors.js';
import { assertCan, assertStoreAccess, isGroupWide, type Actor, type TRole } from '../../platform/rbac.js';
import { recordAudit } from '../audit/service.js';
import { apiTokens, sessions, staff, stores } from './schema.js';

const SESSION_HOURS = 12;
const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

export const hashPassword = (password: string) => hash(password, { memoryCost: 19456, timeCost: 2, parallelism: 1 });

export type TStore = typeof stores.$inferSelect;
export type TStaff = typeof staff.$inferSelect;

export function createOrgService({ db, clock }: { db: TDb; clock: Clock }) {
  const toActor = (s: TStaff, ip?: string): Actor => ({
    staffId: s.id,
    username: s.username,
    displayName: s.displayName,
    role: s.role,
    storeId: s.storeId,
    ip,
  });

  return {
    /** Verifies a password and opens a session; the raw token goes only into the cookie. */
    async login(username: string, password: string, meta: { ip?: string; userAgent?: string }) {
      const [s] = await db.select().from(staff).where(eq(staff.username, username.trim().toLowerCase()));
      // Verify against a dummy hash when the user is unknown so timing does not reveal which usernames exist.
      const ok = s ? await verify(s.passwordHash, password) : (await verify(await dummyHash(), password), false);
      if (!s || !ok || !s.active) throw new UnauthorizedError('用户名或密码错误 / Wrong username or password');
      const token = crypto.randomBytes(32).toString('base64url');
      const csrfToken = crypto.randomBytes(24).toString('base64url');
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3600_000);
      await db.transaction(async (tx) => {
        await tx.insert(sessions).values({ id: sha256(token), staffId: s.id, csrfToken, expiresAt, ip: meta.ip, userAgent: meta.userAgent?.slice(0, 300) });
        await tx.update(staff).set({ lastLoginAt: now }).where(eq(staff.id, s.id));
        await recordAudit(tx, toActor(s, meta.ip), { action: 'auth.login', entityType: 'staff', entityId: s.id, storeId: s.storeId });
      });
      return { token, csrfToken, expiresAt, actor: toActor(s, meta.ip), staff: s };
    },

    async logout(token: string) {
      await db.delete(sessions).where(eq(sessions.id, sha256(token)));
    },

    /** Resolves a session cookie to its actor and CSRF token, or null when unknown or expired. */
    async resolveSession(token: string, ip?: string) {
      const rows = await db
        .select({ s: staff, csrfToken: sessions.csrfToken })
        .from(sessions)
        .innerJoin(staff, eq(staff.id, sessions.staffId))
        .where(and(eq(sessions.id, sha256(token)), gt(sessions.expiresAt, clock.now()), eq(staff.active, true)));
      const row = rows[0];
      return row ? { actor: toActor(row.s, ip), csrfToken: row.csrfToken } : null;
    },

    async resolveApiToken(token: string, ip?: string) {
      const rows = await db
        .select({ s: staff, id: apiTokens.id })
        .from(apiTokens)
        .innerJoin(staff, eq(staff.id, apiTokens.staffId))
        .where(and(eq(apiTokens.tokenHash, sha256(token)), isNull(apiTokens.revokedAt), eq(staff.active, true)));
      const row = rows[0];
      if (!row) return null;
      await db.update(apiTokens).set({ lastUsedAt: clock.now() }).where(eq(apiTokens.id, row.id));
      return toActor(row.s, ip);
    },

    /** Creates an integration token for the acting staff member; the plain token is shown once. */
    async createApiToken(actor: Actor, name: string) {
      const token = `bk_${crypto.randomBytes(32).toString('base64url')}`;
      const [row] = await db.transaction(async (tx) => {
        const r = await tx.insert(apiTokens).values({ staffId: actor.staffId, name, tokenHash: sha256(token) }).returning();
        await recordAudit(tx, actor, { action: 'api_token.create', entityType: 'api_token', entityId: r[0]!.id, detail: { name } });
        return r;
      });
      return { id: row!.id, name: row!.name, token, createdAt: row!.createdAt };
    },

    async me(actor: Actor) {
      const [s] = await db.select().from(staff).where(eq(staff.id, actor.staffId));
      if (!s) throw new NotFoundError('员工');
      return s;
    },

    async listStores(actor: Actor) {
      const q = db.select().from(stores).orderBy(asc(stores.code));
      if (isGroupWide(actor)) return q;
      return actor.storeId ? q.where(eq(stores.id, actor.storeId)) : [];
    },

    async getStore(actor: Actor, id: string) {
      assertStoreAccess(actor, id, '门店');
      const [s] = await db.select().from(stores).where(eq(stores.id, id));
      if (!s) throw new NotFoundError('门店');
      return s;
    },

    async createStore(actor: Actor, input: Omit<typeof stores.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>) {
      assertCan(actor, 'org.manage');
      return db.transaction(async (tx) => {
        const [dupe] = await tx.select({ id: stores.id }).from(stores).where(eq(stores.code, input.code));
        if (dupe) throw new ConflictError(`门店编码 ${input.code} 已存在 / Store code already exists`, { type: 'store', id: dupe.id, label: input.code });
        const [s] = await tx.insert(stores).values(input).returning();
        await recordAudit(tx, actor, { action: 'store.create', entityType: 'store', entityId: s!.id, storeId: s!.id, detail: { code: input.code } });
        return s!;
      });
    },

    async updateStore(actor: Actor, id: string, patch: Partial<typeof stores.$inferInsert>) {
      assertCan(actor, 'org.manage');
      return db.transaction(async (tx) => {
        const [s] = await tx.update(stores).set(patch).where(eq(stores.id, id)).returning();
        if (!s) throw new NotFoundError('门店');
        await recordAudit(tx, actor, { action: 'store.update', entityType: 'store', entityId: id, storeId: id, detail: { fields: Object.keys(patch) } });
        return s;
      });
    },

    async listStaff(actor: Actor, q: { storeId?: string; role?: TRole }) {
      assertCan(actor, 'staff.read');
      const conds = [];
      if (!isGroupWide(actor)) conds.push(eq(staff.storeId, actor.storeId ?? '00000000-0000-0000-0000-000000000000'));
      if (q.storeId) conds.push(eq(staff.storeId, q.storeId));
      if (q.role) conds.push(eq(staff.role, q.role));
      return db.select().from(staff).where(and(...conds)).orderBy(asc(staff.username));
    },

    async createStaff(actor: Actor, input: { username: string; displayName: string; password: string; role: TRole; storeId?: string | null; mobile?: string | null; email?: string | null }) {
      assertCan(actor, 'org.manage');
      if (input.role !== 'group_admin' && !input.storeId) throw new ValidationError('门店角色必须指定门店 / A store role needs a store', [{ path: 'storeId', message: 'required' }]);
      const username = input.username.trim().toLowerCase();
      return db.transaction(async (tx) => {
        const [dupe] = await tx.select({ id: staff.id }).from(staff).where(eq(staff.username, username));
        if (dupe) throw new ConflictError(`用户名 ${username} 已被使用 / Username taken`, { type: 'staff', id: dupe.id, label: username });
        const [s] = await tx
          .insert(staff)
          .values({ username, displayName: input.displayName, passwordHash: await hashPassword(input.password), role: input.role, storeId: input.role === 'group_admin' ? null : input.storeId!, mobile: input.mobile ?? null, email: input.email ?? null })
          .returning();
        await recordAudit(tx, actor, { action: 'staff.create', entityType: 'staff', entityId: s!.id, storeId: s!.storeId, detail: { username, role: input.role } });
        return s!;
      });
    },

    async updateStaff(actor: Actor, id: string, patch: { displayName?: string; role?: TRole; storeId?: string | null; active?: boolean; password?: string; mobile?: string | null; email?: string | null }) {
      assertCan(actor, 'org.manage');
      return db.transaction(async (tx) => {
        const { password, ...rest } = patch;
        const values: Partial<typeof staff.$inferInsert> = { ...rest };
        if (password) values.passwordHash = await hashPassword(password);
        const [s] = await tx.update(staff).set(values).where(eq(staff.id, id)).returning();
        if (!s) throw new NotFoundError('员工');
        if (patch.active === false || password) await tx.delete(sessions).where(eq(sessions.staffId, id));
        await recordAudit(tx, actor, { action: 'staff.update', entityType: 'staff', entityId: id, storeId: s.storeId, detail: { fields: Object.keys(patch).map((k) => (k === 'password' ? 'password(changed)' : k)) } });
        return s;
      });
    },

    /** Drops expired sessions; run by a daily job. */
    async purgeExpiredSessions() {
      await db.delete(sessions).where(sql`${sessions.expiresAt} < ${clock.now()}`);
    },
  };
}

export type TOrgService = ReturnType<typeof createOrgService>;

/** Ensures the first group admin exists (production start-up with BAOKE_ADMIN_PASSWORD). */
export async function ensureAdmin(db: TDbOrTx, password: string): Promise<boolean> {
  const [existing] = await db.select({ id: staff.id }).from(staff).where(eq(staff.role, 'group_admin')).limit(1);
  if (existing) return false;
  await db.insert(staff).values({ username: 'admin', displayName: '集团管理员', passwordHash: await hashPassword(password), role: 'group_admin', storeId: null });
  return true;
}

let dummy: Promise<string> | undefined;
const dummyHash = () => (dummy ??= hashPassword('no-such-user-password'));
