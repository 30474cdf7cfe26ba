import { sql, type SQL, type AnyColumn } from 'drizzle-orm';
import { ForbiddenError, NotFoundError } from './errors.js';

export const ROLES = ['group_admin', 'store_manager', 'sales', 'service', 'cx', 'marketing'] as const;
export type TRole = (typeof ROLES)[number];

/** Who is acting: passed to every service call; the service checks permission and scope before touching data. */
export interface Actor {
  staffId: string;
  username: string;
  displayName: string;
  role: TRole;
  /** The staff member's store; null for group-wide roles. */
  storeId: string | null;
  ip?: string;
}

const ALL: TRole[] = [...ROLES];

/**
 * Role → permissions. Phones are masked for everyone by default; `customers.reveal` is the audited click that shows
 * one number (marketing never needs a number: messages go through the consent-checked outbox).
 */
const PERMISSIONS = {
  'customers.read': ALL,
  'customers.write': ['group_admin', 'store_manager', 'sales', 'service'],
  'customers.reveal': ['group_admin', 'store_manager', 'sales', 'service', 'cx'],
  'customers.merge': ['group_admin', 'store_manager'],
  'customers.tag': ALL,
  'customers.consent': ['group_admin', 'store_manager', 'sales', 'service', 'cx'],
  'interactions.write': ['group_admin', 'store_manager', 'sales', 'service', 'cx'],
  'behaviour.write': ['group_admin', 'store_manager', 'marketing'],
  'vehicles.write': ['group_admin', 'store_manager', 'sales', 'service'],
  'sales.write': ['group_admin', 'store_manager', 'sales'],
  'service.write': ['group_admin', 'store_manager', 'service'],
  'imports.run': ['group_admin', 'store_manager', 'marketing'],
  'catalogue.manage': ['group_admin'],
  'org.manage': ['group_admin'],
  'staff.read': ALL,
  'audit.read': ['group_admin', 'store_manager'],
  'tasks.read': ALL,
  /** Create a task for oneself, complete or hand on one's own tasks. */
  'tasks.write': ALL,
  /** Assign and reassign anyone's tasks in the store, the team board, task settings. */
  'tasks.manage': ['group_admin', 'store_manager'],
  'messages.read': ALL,
  /** Send one message to a customer through the consent gate; retry a failed one. */
  'messages.send': ALL,
  'templates.manage': ['group_admin', 'store_manager', 'marketing', 'cx'],
  /** Quiet hours, frequency cap, send attempts of a store. */
  'messaging.settings': ['group_admin', 'store_manager'],
  /** See segments and their live counts (each user counts their own store's customers). */
  'segments.read': ALL,
  'segments.write': ['group_admin', 'store_manager', 'marketing', 'cx'],
  /** Download a segment's customers as Excel (phones masked; audited). */
  'segments.export': ['group_admin', 'store_manager', 'marketing'],
  /** Lifecycle / value / trade-in thresholds of the derived facts. */
  'segments.settings': ['group_admin', 'store_manager'],
  /** See the appointment board and customers' service appointments. */
  'appointments.read': ALL,
  /** Book, move and cancel service appointments for the store's customers (phone bookings, care calls). */
  'appointments.book': ['group_admin', 'store_manager', 'service', 'sales', 'cx'],
  /** Check a car in (opening its repair order) and mark no-shows. */
  'appointments.checkin': ['group_admin', 'store_manager', 'service'],
  /** Slot length, opening hours, bays and technicians of a store. */
  'appointments.settings': ['group_admin', 'store_manager'],
  /** See journey rules, previews, runs and a customer's firings. */
  'journeys.read': ALL,
  /** Create, edit and switch journey rules; start a run. */
  'journeys.manage': ['group_admin', 'store_manager', 'marketing', 'cx'],
  /** See members' tiers, points, coupons, the rewards catalogue and loyalty settings. */
  'loyalty.read': ALL,
  /** Tiers, earn rules, campaign multipliers, the rewards catalogue, issuing a coupon by hand. */
  'loyalty.manage': ['group_admin', 'store_manager', 'marketing'],
  /** Manual points adjustments (audited). */
  'loyalty.adjust': ['group_admin', 'store_manager'],
  /** Liability and redemption-rate reports. */
  'loyalty.reports': ['group_admin', 'store_manager', 'marketing'],
  /** 核销: look up and redeem a coupon against a repair order. */
  'coupons.redeem': ['group_admin', 'store_manager', 'service'],
  'coupons.void': ['group_admin', 'store_manager'],
  'referrals.read': ALL,
  /** Enter a referred friend, move a referral along (visited, test drive, lost). */
  'referrals.write': ['group_admin', 'store_manager', 'sales', 'marketing'],
  /** The referral reward ladder and the referee discount. */
  'referrals.settings': ['group_admin', 'store_manager', 'marketing'],
  /** See complaints (store-scoped) and their timelines. */
  'complaints.read': ['group_admin', 'store_manager', 'sales', 'service', 'cx'],
  /** Take a complaint, work it through its steps (acknowledge … revisit), reopen, compensate. */
  'complaints.write': ['group_admin', 'store_manager', 'sales', 'service', 'cx'],
  /** A store's SLA budgets, business hours and routing rules. */
  'complaints.manage': ['group_admin', 'store_manager', 'cx'],
  /** The weekly complaint analysis and its Excel export; the NPS / CSAT reports and verbatims. */
  'voice.reports': ['group_admin', 'store_manager', 'cx', 'service', 'sales'],
  /** Survey templates (builder) and sending a survey by hand. */
  'surveys.manage': ['group_admin', 'store_manager', 'cx'],
} satisfies Record<string, TRole[]>;

export type TPermission = keyof typeof PERMISSIONS;

export function can(actor: Actor, permission: TPermission): boolean {
  return (PERMISSIONS[permission] as readonly TRole[]).includes(actor.role);
}

export function assertCan(actor: Actor, permission: TPermission): void {
  if (!can(actor, permission)) throw new ForbiddenError();
}

export function isGroupWide(actor: Actor): boolean {
  return actor.role === 'group_admin';
}

/** The store-scope predicate every list and read adds to its WHERE clause. */
export function storeScope(actor: Actor, storeColumn: AnyColumn | SQL): SQL {
  if (isGroupWide(actor)) return sql`true`;
  if (!actor.storeId) return sql`false`;
  return sql`${storeColumn} = ${actor.storeId}`;
}

/** A record outside the actor's stores answers 404, not 403: its existence is not theirs to know. */
export function assertStoreAccess(actor: Actor, storeId: string, what: string): void {
  if (!isGroupWide(actor) && actor.storeId !== storeId) throw new NotFoundError(what);
}

/** Which store a new record goes to: the actor's own, or (group-wide roles) the one they name. */
export function targetStore(actor: Actor, requested: string | undefined | null): string {
  if (isGroupWide(actor)) {
    if (!requested) throw new ForbiddenError('请选择门店 / Choose a store');
    return requested;
  }
  if (requested && requested !== actor.storeId) throw new ForbiddenError('不能在其他门店创建记录 / Not your store');
  return actor.storeId!;
}

/** The system itself (jobs, seeds, CLI) acting with group-wide rights. */
export const SYSTEM_ACTOR: Actor = {
  staffId: '00000000-0000-0000-0000-000000000000',
  username: 'system',
  displayName: '系统 / System',
  role: 'group_admin',
  storeId: null,
};

/** Every permission the role holds; the console uses it to show only what the user may do. */
export function permissionsOf(role: TRole): TPermission[] {
  return (Object.keys(PERMISSIONS) as TPermission[]).filter((p) => (PERMISSIONS[p] as readonly TRole[]).includes(role));
}
