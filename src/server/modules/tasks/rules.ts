import type { TTaskSettingsInput } from '../../../contracts/tasks.js';
import type { TRole } from '../../platform/rbac.js';

/** What a store without its own settings gets: escalate after a day overdue, retry a missed call the next day, 3 tries. */
export const DEFAULT_TASK_SETTINGS: TTaskSettingsInput = {
  escalateAfterHours: 24,
  retryDelayHours: 24,
  maxAttempts: 3,
};

/**
 * Who gets a task: a named staff member; the customer's own service advisor or sales consultant (when set, active
 * and working at the customer's store), else the least-loaded active staff of the matching role there; or the
 * least-loaded staff of a role. With nobody of that role, the store manager.
 */
export type TAssignTo = 'owner_advisor' | 'owner_consultant' | { role: TRole } | { staffId: string };

/** The role whose workload decides when the owner is missing. */
export function fallbackRole(a: TAssignTo): TRole {
  if (a === 'owner_advisor') return 'service';
  if (a === 'owner_consultant') return 'sales';
  if ('role' in a) return a.role;
  return 'service';
}

/** The retry of a not-reached call: whether another try is allowed, and when. */
export function retryPlan(attempt: number, settings: Pick<TTaskSettingsInput, 'maxAttempts' | 'retryDelayHours'>, now: Date, retryAt?: Date): Date | null {
  if (attempt >= settings.maxAttempts) return null;
  return retryAt ?? new Date(now.getTime() + settings.retryDelayHours * 3600_000);
}
