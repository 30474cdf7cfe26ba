import { SYSTEM_ACTOR, type Actor } from './rbac.js';

/**
 * An owner signed in to the portal (车主端): who they are, nothing more. Every owner-facing service call takes one and
 * reads or changes only that customer's records — a record of another owner answers 404. Owners hold no staff
 * permissions; `ownerServiceActor` is how the portal asks other modules' services for this one customer's data.
 */
export interface PortalActor {
  customerId: string;
  /** The customer's home store (where a new appointment goes by default, whose phone the portal shows). */
  storeId: string;
  /** The portal session it came from (sign-out revokes it). */
  sessionId: string;
  ip?: string;
}

/**
 * The actor the portal passes to other modules' services (customers, vehicles, sales, service, segments) on an
 * owner's behalf: the system's rights, named as the owner in the audit log. Only ever used with `owner.customerId`
 * fixed by the caller — the services' own store scope does not narrow it, so the caller must.
 */
export function ownerServiceActor(owner: PortalActor): Actor {
  return { ...SYSTEM_ACTOR, displayName: '车主本人（车主端） / The owner (portal)', ip: owner.ip };
}
