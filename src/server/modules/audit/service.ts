import { and, desc, eq, lt, or, type SQL } from 'drizzle-orm';
import type { TDbOrTx } from '../../db/index.js';
import type { Actor } from '../../platform/rbac.js';
import { assertCan, storeScope } from '../../platform/rbac.js';
import { decodeCursor, encodeCursor, type Page } from '../../platform/pagination.js';
import { auditLog, domainEvents } from './schema.js';

export interface TAuditEntry {
  action: string;
  entityType: string;
  entityId?: string | null;
  storeId?: string | null;
  customerId?: string | null;
  detail?: Record<string, unknown>;
}

/** Appends one audit entry in the caller's transaction, so the entry exists exactly when the change does. */
export async function recordAudit(tx: TDbOrTx, actor: Actor, entry: TAuditEntry): Promise<void> {
  await tx.insert(auditLog).values({
    actorStaffId: actor.username === 'system' ? null : actor.staffId,
    actorName: actor.displayName,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId ?? null,
    storeId: entry.storeId ?? null,
    customerId: entry.customerId ?? null,
    detail: entry.detail ?? {},
    ip: actor.ip ?? null,
  });
}

/** Writes a domain event into the outbox in the caller's transaction. */
export async function emitEvent(
  tx: TDbOrTx,
  type: string,
  e: { customerId?: string | null; storeId?: string | null; payload?: Record<string, unknown> },
): Promise<void> {
  await tx.insert(domainEvents).values({ type, customerId: e.customerId ?? null, storeId: e.storeId ?? null, payload: e.payload ?? {} });
}

export interface TAuditQuery {
  limit: number;
  cursor?: string;
  action?: string;
  entityType?: string;
  customerId?: string;
  actorStaffId?: string;
}

export async function listAudit(db: TDbOrTx, actor: Actor, q: TAuditQuery): Promise<Page<typeof auditLog.$inferSelect>> {
  assertCan(actor, 'audit.read');
  const conds: SQL[] = [storeScope(actor, auditLog.storeId)];
  if (q.action) conds.push(eq(auditLog.action, q.action));
  if (q.entityType) conds.push(eq(auditLog.entityType, q.entityType));
  if (q.customerId) conds.push(eq(auditLog.customerId, q.customerId));
  if (q.actorStaffId) conds.push(eq(auditLog.actorStaffId, q.actorStaffId));
  const c = decodeCursor(q.cursor, 2) as [string, string] | undefined;
  if (c) conds.push(or(lt(auditLog.at, new Date(c[0])), and(eq(auditLog.at, new Date(c[0])), lt(auditLog.id, c[1])))!);
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...conds))
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(q.limit + 1);
  const more = rows.length > q.limit;
  const items = rows.slice(0, q.limit);
  const last = items.at(-1);
  return { items, nextCursor: more && last ? encodeCursor([last.at.toISOString(), last.id]) : null };
}
