import { and, desc, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import crypto from 'node:crypto';
import type { TConsentChannel } from '../../../contracts/customers.js';
import { loanQuote, type TLoanInput, type TLoanQuote } from '../../../contracts/loan.js';
import {
  PORTAL_CODE_LENGTH,
  type TPortalAppointment,
  type TPortalCodeSent,
  type TPortalConsent,
  type TPortalGarage,
  type TPortalHome,
  type TPortalInbox,
  type TPortalMaintenance,
  type TPortalMe,
  type TPortalRepairOrder,
  type TPortalRoSummary,
  type TPortalSalesOrder,
  type TPortalStore,
  type TPortalVehicle,
  type TPortalVehicleDetail,
} from '../../../contracts/portal.js';
import { CONSENT_CHANNELS } from '../../../contracts/customers.js';
import type { TSalesOrder } from '../../../contracts/sales.js';
import type { TRepairOrder } from '../../../contracts/service.js';
import type { TCustomerFacts } from '../../../contracts/segments.js';
import type { TVehicle } from '../../../contracts/vehicles.js';
import { maskMobile } from '../../../contracts/validators.js';
import type { TConfig } from '../../config.js';
import type { TDb } from '../../db/index.js';
import type { Clock } from '../../platform/clock.js';
import { AppError, BusinessRuleError, NotFoundError, RateLimitedError, ValidationError } from '../../platform/errors.js';
import { ownerServiceActor, type PortalActor } from '../../platform/owner.js';
import { assertCan, storeScope, type Actor } from '../../platform/rbac.js';
import { decodeCursor, encodeCursor } from '../../platform/pagination.js';
import { recordAudit } from '../audit/service.js';
import { customerConsents, customers } from '../customers/schema.js';
import type { TCustomersService } from '../customers/service.js';
import { messages } from '../messaging/schema.js';
import type { TMessagingService } from '../messaging/service.js';
import { stores } from '../org/schema.js';
import type { TSalesService } from '../sales/service.js';
import type { TSegmentsService } from '../segments/service.js';
import type { TAppointmentsService } from '../service/appointments/service.js';
import type { TServiceOrdersService } from '../service/service.js';
import type { TVehiclesService } from '../vehicles/service.js';
import {
  CODE_MAX_ATTEMPTS,
  CODE_RATE_LIMITS,
  CODE_RESEND_SECONDS,
  CODE_TTL_MS,
  codeSmsBody,
  codesMatch,
  generateCode,
  hashCode,
  mobileKey,
  SEEN_EVERY_MS,
  SESSION_DAYS,
  sha256,
  waitMessage,
  waitSeconds,
} from './rules.js';
import { portalInboxReads, portalLoginCodes, portalSessions } from './schema.js';

export interface TPortalDeps {
  db: TDb;
  clock: Clock;
  config: TConfig;
  /** Demo mode: sign-in codes are also written to the server log (never otherwise). */
  demo?: boolean;
  messaging: Pick<TMessagingService, 'enqueueMessage' | 'nudge'>;
  customers: Pick<TCustomersService, 'putConsent' | 'addBehaviourEvent'>;
  vehicles: Pick<TVehiclesService, 'listForCustomer'>;
  sales: Pick<TSalesService, 'listForCustomer' | 'get'>;
  serviceOrders: Pick<TServiceOrdersService, 'listForCustomer' | 'get'>;
  appointments: Pick<TAppointmentsService, 'openForOwner'>;
  segments: Pick<TSegmentsService, 'getFacts'>;
  log?: (m: string) => void;
}

/** Advisory lock classes: code requests and verifications of one number, and of one client address. */
const CODE_LOCK_MOBILE = 815401;
const CODE_LOCK_IP = 815402;

export interface TPortalSignIn {
  token: string;
  csrfToken: string;
  expiresAt: Date;
  owner: PortalActor;
}

type TVerifyOutcome = { kind: 'ok'; signIn: TPortalSignIn } | { kind: 'wrong'; left: number } | { kind: 'dead' };

const codeDead = () =>
  new AppError(401, 'code-expired', '验证码已失效，请重新获取 / The code has expired, request a new one', undefined, { attemptsLeft: 0 });

const roSummary = (r: TRepairOrder): TPortalRoSummary => ({
  id: r.id,
  roNo: r.roNo,
  kind: r.kind,
  stage: r.stage,
  openedAt: r.openedAt,
  closedAt: r.closedAt,
  mileageKm: r.mileageKm,
  totalFen: r.totalFen,
});

const roOut = (r: TRepairOrder): TPortalRepairOrder => ({
  ...roSummary(r),
  vehicleId: r.vehicleId,
  labourFen: r.labourFen,
  partsFen: r.partsFen,
  items: r.items,
  advisorName: r.advisor?.displayName ?? null,
  note: r.note,
  stages: r.stages.map((s) => ({ stage: s.stage, at: s.at, note: s.note, photos: s.photos })),
});

const orderOut = (o: TSalesOrder): TPortalSalesOrder => ({
  id: o.id,
  orderNo: o.orderNo,
  vehicleId: o.vehicleId,
  modelName: o.modelName,
  status: o.status,
  milestone: o.milestone,
  orderedAt: o.orderedAt,
  deliveredAt: o.deliveredAt,
  consultantName: o.consultant?.displayName ?? null,
  milestones: o.milestones.map((m) => ({ milestone: m.milestone, at: m.at, note: m.note, photos: m.photos })),
});

function maintenanceOf(facts: TCustomerFacts | null, v: { id: string; plate: string | null }): TPortalMaintenance | null {
  const f = facts?.vehicles.find((x) => x.vehicleId === v.id);
  if (!f || (f.nextMaintenanceDueDate === null && f.nextMaintenanceDueKm === null)) return null;
  return { vehicleId: v.id, plate: v.plate, dueDate: f.nextMaintenanceDueDate, dueKm: f.nextMaintenanceDueKm, kind: f.nextMaintenanceKind };
}

/**
 * The owner portal: sign-in with a one-time code sent to the mobile through the messaging outbox, owner sessions
 * (separate from staff sessions), and the owner-facing reads and writes. Every owner function takes the
 * {@link PortalActor} and reads only that customer's records, through the owning modules' services.
 */
export function createPortalService(deps: TPortalDeps) {
  const { db, clock, config } = deps;
  const log = deps.log ?? ((m: string) => console.log(`[baoke] ${m}`));
  // The code hash key: the deployment's secret when set, so that a database copy alone cannot test codes.
  const codeKey = `portal-code:${config.BAOKE_SECRET ?? 'baoke'}`;

  /** A live owner (404 for a session whose customer was merged or erased meanwhile). */
  async function ownerRow(owner: PortalActor) {
    const [r] = await db
      .select({ c: customers, store: stores })
      .from(customers)
      .innerJoin(stores, eq(stores.id, customers.storeId))
      .where(and(eq(customers.id, owner.customerId), eq(customers.status, 'active')));
    if (!r) throw new NotFoundError('客户');
    return r;
  }

  const storeOut = (s: typeof stores.$inferSelect): TPortalStore => ({ id: s.id, name: s.name, phone: s.phone, address: s.address, city: s.city, timezone: s.timezone || 'Asia/Shanghai' });

  async function consentsOf(customerId: string): Promise<TPortalConsent[]> {
    const rows = await db
      .select()
      .from(customerConsents)
      .where(and(eq(customerConsents.customerId, customerId), eq(customerConsents.purpose, 'marketing')));
    return CONSENT_CHANNELS.map((channel) => {
      const r = rows.find((x) => x.channel === channel);
      return { channel, granted: r?.granted ?? false, source: r?.source ?? null, recordedAt: r?.recordedAt ?? null };
    });
  }

  async function factsOf(owner: PortalActor): Promise<TCustomerFacts | null> {
    try {
      return await deps.segments.getFacts(ownerServiceActor(owner), owner.customerId);
    } catch (err) {
      // Facts are a nicety on the home screen: being recomputed right now, or absent, is not an error for the owner.
      if (err instanceof AppError && (err.status === 404 || err.status === 422)) return null;
      throw err;
    }
  }

  async function unreadCount(customerId: string): Promise<number> {
    const r = await db.execute<{ n: number }>(sql`
      select count(*)::int as n from messages m
      where m.customer_id = ${customerId} and m.channel = 'inbox' and m.status = 'sent'
        and not exists (select 1 from portal_inbox_reads r where r.message_id = m.id)`);
    return Number(r.rows[0]?.n ?? 0);
  }

  async function garageOf(owner: PortalActor, withHistory?: string): Promise<{ garage: TPortalGarage; facts: TCustomerFacts | null; ros: TRepairOrder[]; vehicles: TVehicle[] }> {
    const actor = ownerServiceActor(owner);
    const [vehicles, orders, ros, open, facts] = await Promise.all([
      deps.vehicles.listForCustomer(actor, owner.customerId),
      deps.sales.listForCustomer(actor, owner.customerId),
      deps.serviceOrders.listForCustomer(actor, owner.customerId, withHistory ? 200 : 50),
      deps.appointments.openForOwner(owner),
      factsOf(owner),
    ]);
    const rank = (v: TVehicle) => (v.status === 'in_use' ? 0 : 1);
    const list: TPortalVehicle[] = [...vehicles]
      .sort((a, b) => rank(a) - rank(b) || (b.deliveryDate ?? b.purchaseDate ?? '').localeCompare(a.deliveryDate ?? a.purchaseDate ?? ''))
      .map((v) => {
        const openRo = ros.find((r) => r.vehicleId === v.id && !r.closedAt);
        const openOrder = orders.find((o) => o.vehicleId === v.id && o.status === 'open');
        return {
          id: v.id,
          plate: v.plate,
          vin: v.vin,
          modelName: v.model ? `${v.model.series} ${v.model.name}` : v.modelName,
          brand: v.model?.brand ?? null,
          color: v.color,
          purchaseDate: v.purchaseDate,
          deliveryDate: v.deliveryDate,
          lastMileageKm: v.lastMileageKm,
          lastMileageAt: v.lastMileageAt,
          insuranceExpiry: v.insuranceExpiry,
          warrantyEnd: v.warrantyEnd,
          status: v.status,
          nextMaintenance: v.status === 'in_use' ? maintenanceOf(facts, v) : null,
          openRepairOrder: openRo ? roOut(openRo) : null,
          openSalesOrder: openOrder ? orderOut(openOrder) : null,
          nextAppointment: open.get(v.id) ?? null,
        };
      });
    const pending = orders.filter((o) => o.status === 'open' && !o.vehicleId).map(orderOut);
    return { garage: { vehicles: list, orders: pending }, facts, ros, vehicles };
  }

  return {
    // -------------------------------------------------------------------------------------------------------------
    // Sign-in
    // -------------------------------------------------------------------------------------------------------------

    /**
     * Sends a sign-in code by SMS when the number belongs to an owner; answers the same either way (an unknown number
     * gets no SMS, but its request is recorded and counted alike, so neither the answer nor the rate limit tells
     * who is a customer). Refused with 429 and the wait in words beyond 1 a minute / 5 an hour per number or
     * 5 a minute / 30 an hour per address. A new code replaces the number's earlier one.
     */
    async requestCode(mobile: string, meta: { ip?: string }): Promise<TPortalCodeSent> {
      const now = clock.now();
      const mk = mobileKey(mobile);
      const ip = meta.ip ?? '';
      const sent = await db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(${CODE_LOCK_MOBILE}::int, hashtext(${mk}))`);
        await tx.execute(sql`select pg_advisory_xact_lock(${CODE_LOCK_IP}::int, hashtext(${ip}))`);
        const hourAgo = new Date(now.getTime() - 3_600_000);
        const [byMobile, byIp] = await Promise.all([
          tx
            .select({ at: portalLoginCodes.createdAt })
            .from(portalLoginCodes)
            .where(and(eq(portalLoginCodes.mobileHash, mk), gt(portalLoginCodes.createdAt, hourAgo)))
            .orderBy(desc(portalLoginCodes.createdAt))
            .limit(CODE_RATE_LIMITS.mobile.perHour + 1),
          tx
            .select({ at: portalLoginCodes.createdAt })
            .from(portalLoginCodes)
            .where(and(eq(portalLoginCodes.ip, ip), gt(portalLoginCodes.createdAt, hourAgo)))
            .orderBy(desc(portalLoginCodes.createdAt))
            .limit(CODE_RATE_LIMITS.ip.perHour + 1),
        ]);
        const wait = Math.max(
          waitSeconds(
            byMobile.map((r) => r.at),
            CODE_RATE_LIMITS.mobile,
            now,
          ),
          ip
            ? waitSeconds(
                byIp.map((r) => r.at),
                CODE_RATE_LIMITS.ip,
                now,
              )
            : 0,
        );
        if (wait > 0) throw new RateLimitedError(waitMessage(wait), wait);

        const [c] = await tx
          .select({ id: customers.id, storeId: customers.storeId })
          .from(customers)
          .where(and(eq(customers.mobile, mobile), eq(customers.status, 'active')));
        await tx
          .update(portalLoginCodes)
          .set({ supersededAt: now })
          .where(and(eq(portalLoginCodes.mobileHash, mk), isNull(portalLoginCodes.consumedAt), isNull(portalLoginCodes.supersededAt)));
        const code = generateCode();
        const salt = crypto.randomBytes(16).toString('hex');
        const [row] = await tx
          .insert(portalLoginCodes)
          .values({
            mobileHash: mk,
            customerId: c?.id ?? null,
            storeId: c?.storeId ?? null,
            salt,
            codeHash: c ? hashCode(codeKey, salt, code).toString('hex') : null,
            ip,
            expiresAt: new Date(now.getTime() + CODE_TTL_MS),
            createdAt: now,
          })
          .returning({ id: portalLoginCodes.id });
        if (!c) return null;
        await deps.messaging.enqueueMessage(tx, {
          customerId: c.id,
          channel: 'sms',
          purpose: 'service',
          body: codeSmsBody(code),
          firingKey: `portal.sign-in:${row!.id}`,
          requestedByRecipient: true,
          createdBy: null,
        });
        return { code };
      });
      if (sent) {
        deps.messaging.nudge();
        if (deps.demo) log(`演示模式 demo: 车主端验证码 portal sign-in code for ${maskMobile(mobile)}: ${sent.code}`);
      }
      return { resendAfterSeconds: CODE_RESEND_SECONDS, expiresInSeconds: CODE_TTL_MS / 1000, codeLength: PORTAL_CODE_LENGTH };
    },

    /**
     * Checks a code against the number's latest one: right → a new portal session (the code is used up); wrong →
     * one try fewer (after 5 the code is dead); expired, replaced, used or never sent → the same "request a new code".
     * Compared in constant time; numbers that are nobody's behave exactly like a wrong code.
     */
    async verifyCode(mobile: string, code: string, meta: { ip?: string; userAgent?: string }): Promise<TPortalSignIn> {
      const now = clock.now();
      const mk = mobileKey(mobile);
      const outcome = await db.transaction(async (tx): Promise<TVerifyOutcome> => {
        await tx.execute(sql`select pg_advisory_xact_lock(${CODE_LOCK_MOBILE}::int, hashtext(${mk}))`);
        const [row] = await tx
          .select()
          .from(portalLoginCodes)
          .where(and(eq(portalLoginCodes.mobileHash, mk), isNull(portalLoginCodes.consumedAt), isNull(portalLoginCodes.supersededAt)))
          .orderBy(desc(portalLoginCodes.createdAt))
          .limit(1)
          .for('update');
        const submitted = hashCode(codeKey, row?.salt ?? 'none', code);
        if (!row || row.expiresAt <= now || row.attempts >= CODE_MAX_ATTEMPTS) {
          codesMatch(null, submitted);
          return { kind: 'dead' };
        }
        const ok = codesMatch(row.codeHash ? Buffer.from(row.codeHash, 'hex') : null, submitted);
        if (!ok) {
          const attempts = row.attempts + 1;
          await tx.update(portalLoginCodes).set({ attempts }).where(eq(portalLoginCodes.id, row.id));
          return attempts >= CODE_MAX_ATTEMPTS ? { kind: 'dead' } : { kind: 'wrong', left: CODE_MAX_ATTEMPTS - attempts };
        }
        await tx.update(portalLoginCodes).set({ consumedAt: now }).where(eq(portalLoginCodes.id, row.id));
        const [c] = await tx
          .select({ id: customers.id, storeId: customers.storeId })
          .from(customers)
          .where(and(eq(customers.id, row.customerId!), eq(customers.status, 'active')));
        if (!c) return { kind: 'dead' };
        const token = crypto.randomBytes(32).toString('base64url');
        const csrfToken = crypto.randomBytes(24).toString('base64url');
        const expiresAt = new Date(now.getTime() + SESSION_DAYS * 86_400_000);
        const id = sha256(token);
        await tx.insert(portalSessions).values({ id, customerId: c.id, storeId: c.storeId, csrfToken, expiresAt, lastSeenAt: now, ip: meta.ip ?? null, userAgent: meta.userAgent?.slice(0, 300) ?? null, createdAt: now });
        const owner: PortalActor = { customerId: c.id, storeId: c.storeId, sessionId: id, ip: meta.ip };
        await recordAudit(tx, ownerServiceActor(owner), { action: 'portal.sign_in', entityType: 'customer', entityId: c.id, storeId: c.storeId, customerId: c.id });
        return { kind: 'ok', signIn: { token, csrfToken, expiresAt, owner } };
      });
      if (outcome.kind === 'ok') return outcome.signIn;
      if (outcome.kind === 'wrong') {
        throw new AppError(401, 'code-invalid', `验证码不正确，还可以再试 ${outcome.left} 次 / Wrong code, ${outcome.left} tries left`, undefined, { attemptsLeft: outcome.left });
      }
      throw codeDead();
    },

    /** The owner behind a session cookie, or null (unknown, expired, revoked, or the customer is no longer live). */
    async resolveSession(token: string, ip?: string): Promise<{ owner: PortalActor; csrfToken: string } | null> {
      const now = clock.now();
      const id = sha256(token);
      const [r] = await db
        .select({ customerId: portalSessions.customerId, csrfToken: portalSessions.csrfToken, lastSeenAt: portalSessions.lastSeenAt, storeId: customers.storeId })
        .from(portalSessions)
        .innerJoin(customers, eq(customers.id, portalSessions.customerId))
        .where(and(eq(portalSessions.id, id), isNull(portalSessions.revokedAt), gt(portalSessions.expiresAt, now), eq(customers.status, 'active')));
      if (!r) return null;
      if (now.getTime() - r.lastSeenAt.getTime() > SEEN_EVERY_MS) await db.update(portalSessions).set({ lastSeenAt: now }).where(eq(portalSessions.id, id));
      return { owner: { customerId: r.customerId, storeId: r.storeId, sessionId: id, ip }, csrfToken: r.csrfToken };
    },

    /** Ends one session (sign out on this phone). */
    async signOut(token: string): Promise<void> {
      await db.update(portalSessions).set({ revokedAt: clock.now() }).where(and(eq(portalSessions.id, sha256(token)), isNull(portalSessions.revokedAt)));
    },

    /** Ends all of the owner's sessions (sign out everywhere). */
    async signOutEverywhere(owner: PortalActor): Promise<number> {
      const r = await db
        .update(portalSessions)
        .set({ revokedAt: clock.now() })
        .where(and(eq(portalSessions.customerId, owner.customerId), isNull(portalSessions.revokedAt)))
        .returning({ id: portalSessions.id });
      return r.length;
    },

    /** Staff: an owner's portal sign-ins (live sessions, last seen). */
    async accessOf(actor: Actor, customerId: string): Promise<{ activeSessions: number; lastSignInAt: Date | null; lastSeenAt: Date | null }> {
      assertCan(actor, 'customers.read');
      const [c] = await db.select({ id: customers.id }).from(customers).where(and(eq(customers.id, customerId), storeScope(actor, customers.storeId)));
      if (!c) throw new NotFoundError('客户');
      const now = clock.now();
      const [r] = await db
        .select({
          active: sql<number>`count(*) filter (where ${portalSessions.revokedAt} is null and ${portalSessions.expiresAt} > ${now})::int`,
          lastSignIn: sql<Date | null>`max(${portalSessions.createdAt})`,
          lastSeen: sql<Date | null>`max(${portalSessions.lastSeenAt})`,
        })
        .from(portalSessions)
        .where(eq(portalSessions.customerId, customerId));
      const d = (v: Date | string | null | undefined) => (v ? new Date(v) : null);
      return { activeSessions: Number(r?.active ?? 0), lastSignInAt: d(r?.lastSignIn), lastSeenAt: d(r?.lastSeen) };
    },

    /** Staff: ends every portal session of an owner (lost phone, number passed on). Audited. */
    async revokeSessions(actor: Actor, customerId: string): Promise<{ revoked: number }> {
      assertCan(actor, 'customers.write');
      return db.transaction(async (tx) => {
        const [c] = await tx.select({ id: customers.id, storeId: customers.storeId }).from(customers).where(and(eq(customers.id, customerId), storeScope(actor, customers.storeId)));
        if (!c) throw new NotFoundError('客户');
        const r = await tx
          .update(portalSessions)
          .set({ revokedAt: clock.now() })
          .where(and(eq(portalSessions.customerId, customerId), isNull(portalSessions.revokedAt)))
          .returning({ id: portalSessions.id });
        await recordAudit(tx, actor, { action: 'portal.sessions_revoke', entityType: 'customer', entityId: customerId, storeId: c.storeId, customerId, detail: { revoked: r.length } });
        return { revoked: r.length };
      });
    },

    /** Removes codes older than a day and sessions ended more than 30 days ago (daily job). */
    async purge(): Promise<void> {
      const now = clock.now().getTime();
      await db.delete(portalLoginCodes).where(lt(portalLoginCodes.createdAt, new Date(now - 86_400_000)));
      await db.delete(portalSessions).where(or(lt(portalSessions.expiresAt, new Date(now - 30 * 86_400_000)), lt(portalSessions.revokedAt, new Date(now - 30 * 86_400_000))));
    },

    // -------------------------------------------------------------------------------------------------------------
    // The owner's own data
    // -------------------------------------------------------------------------------------------------------------

    /** Name, masked mobile, home store and marketing consents per channel. */
    async me(owner: PortalActor, csrfToken: string): Promise<TPortalMe> {
      const { c, store } = await ownerRow(owner);
      return { customerId: c.id, name: c.name, mobileMasked: c.mobile ? maskMobile(c.mobile) : null, store: storeOut(store), consents: await consentsOf(c.id), csrfToken };
    },

    /** Grants or withdraws marketing consent on one channel, recorded with source `portal` by the customers module. */
    async putMarketingConsent(owner: PortalActor, channel: TConsentChannel, granted: boolean): Promise<TPortalConsent[]> {
      await ownerRow(owner);
      await deps.customers.putConsent(ownerServiceActor(owner), owner.customerId, channel, 'marketing', { granted, source: 'portal' });
      return consentsOf(owner.customerId);
    },

    /** The owner's cars with their live progress, and new cars still on order. */
    async garage(owner: PortalActor): Promise<TPortalGarage> {
      return (await garageOf(owner)).garage;
    },

    /** One of the owner's cars with its repair history (404 for anyone else's). */
    async vehicle(owner: PortalActor, id: string): Promise<TPortalVehicleDetail> {
      const { garage, ros } = await garageOf(owner, id);
      const v = garage.vehicles.find((x) => x.id === id);
      if (!v) throw new NotFoundError('车辆');
      const history = ros.filter((r) => r.vehicleId === id && r.closedAt).slice(0, 50).map(roSummary);
      return { ...v, history };
    },

    /** One of the owner's repair orders with items, amounts and stages. */
    async repairOrder(owner: PortalActor, id: string): Promise<TPortalRepairOrder> {
      const ro = await deps.serviceOrders.get(ownerServiceActor(owner), id).catch((err: unknown) => {
        throw err instanceof NotFoundError ? new NotFoundError('工单') : err;
      });
      if (ro.customerId !== owner.customerId) throw new NotFoundError('工单');
      return roOut(ro);
    },

    /** One of the owner's sales orders with its delivery milestones. */
    async salesOrder(owner: PortalActor, id: string): Promise<TPortalSalesOrder> {
      const o = await deps.sales.get(ownerServiceActor(owner), id).catch((err: unknown) => {
        throw err instanceof NotFoundError ? new NotFoundError('订单') : err;
      });
      if (o.customerId !== owner.customerId) throw new NotFoundError('订单');
      return orderOut(o);
    },

    /** The home screen in one answer: greeting name, cars at a glance, next appointment and maintenance, unread count. */
    async home(owner: PortalActor): Promise<TPortalHome> {
      const [{ c, store }, { garage }, unread] = await Promise.all([ownerRow(owner), garageOf(owner), unreadCount(owner.customerId)]);
      const upcoming = garage.vehicles
        .map((v) => v.nextAppointment)
        .filter((a): a is TPortalAppointment => !!a)
        .sort((a, b) => a.slotStart.getTime() - b.slotStart.getTime());
      const due = garage.vehicles
        .map((v) => v.nextMaintenance)
        .filter((m): m is TPortalMaintenance => !!m)
        .sort((a, b) => (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999'));
      return { name: c.name, store: storeOut(store), garage, nextAppointment: upcoming[0] ?? null, nextMaintenance: due[0] ?? null, unreadCount: unread };
    },

    /** The owner's portal inbox (messages on channel `inbox` that were delivered), newest first, with read state. */
    async inbox(owner: PortalActor, q: { limit: number; cursor?: string }): Promise<TPortalInbox> {
      const c = decodeCursor(q.cursor, 2) as [string, string] | undefined;
      if (c && (Number.isNaN(Date.parse(c[0])) || !/^[0-9a-f-]{36}$/i.test(c[1]))) throw new ValidationError('分页游标无效 / Invalid cursor', [{ path: 'querystring.cursor', message: 'invalid' }]);
      const rows = await db
        .select({ id: messages.id, subject: messages.subject, body: messages.body, sentAt: messages.sentAt, readAt: portalInboxReads.readAt })
        .from(messages)
        .leftJoin(portalInboxReads, eq(portalInboxReads.messageId, messages.id))
        .where(
          and(
            eq(messages.customerId, owner.customerId),
            eq(messages.channel, 'inbox'),
            eq(messages.status, 'sent'),
            c ? sql`(${messages.sentAt}, ${messages.id}) < (${c[0]}::timestamptz, ${c[1]}::uuid)` : undefined,
          ),
        )
        .orderBy(desc(messages.sentAt), desc(messages.id))
        .limit(q.limit + 1);
      const items = rows.slice(0, q.limit).map((r) => ({ id: r.id, subject: r.subject, body: r.body, sentAt: r.sentAt!, read: r.readAt !== null }));
      const last = items.at(-1);
      return { items, nextCursor: rows.length > q.limit && last ? encodeCursor([last.sentAt.toISOString(), last.id]) : null, unread: await unreadCount(owner.customerId) };
    },

    /** Marks one of the owner's inbox messages read (idempotent). */
    async markRead(owner: PortalActor, messageId: string): Promise<void> {
      const [m] = await db
        .select({ id: messages.id, storeId: messages.storeId })
        .from(messages)
        .where(and(eq(messages.id, messageId), eq(messages.customerId, owner.customerId), eq(messages.channel, 'inbox'), eq(messages.status, 'sent')));
      if (!m) throw new NotFoundError('消息');
      await db.insert(portalInboxReads).values({ messageId: m.id, customerId: owner.customerId, storeId: m.storeId, readAt: clock.now() }).onConflictDoNothing();
    },

    /** Marks all of the owner's inbox messages read, in one statement. */
    async markAllRead(owner: PortalActor): Promise<void> {
      await db.execute(sql`
        insert into portal_inbox_reads (message_id, customer_id, store_id, read_at)
        select m.id, m.customer_id, m.store_id, ${clock.now().toISOString()}::timestamptz from messages m
        where m.customer_id = ${owner.customerId} and m.channel = 'inbox' and m.status = 'sent'
        on conflict (message_id) do nothing`);
    },

    /** The loan calculator's quote; the use is recorded as behaviour `loan.calculated` (segments read it). */
    async loanQuote(owner: PortalActor, input: TLoanInput): Promise<TLoanQuote> {
      let q: TLoanQuote;
      try {
        q = loanQuote(input);
      } catch {
        throw new BusinessRuleError('loan-invalid', '请检查车价、首付和期数 / Check the price, down payment and term');
      }
      await deps.customers.addBehaviourEvent(ownerServiceActor(owner), owner.customerId, {
        kind: 'loan.calculated',
        payload: { priceFen: input.priceFen, downPaymentFen: input.downPaymentFen, annualRatePct: input.annualRatePct, termMonths: input.termMonths, monthlyPaymentFen: q.monthlyPaymentFen, source: 'portal' },
      });
      return q;
    },
  };
}

export type TPortalService = ReturnType<typeof createPortalService>;
