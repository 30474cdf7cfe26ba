import { Spin } from 'antd';
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import type { Me } from '../api/types';
import { useMe } from '../auth/api';
import { useStores } from '../org/api';
import { setDisplayTimezone } from '../lib/format';
import { useLocalStorage } from '../lib/useLocalStorage';

export type TPermission =
  | 'customers.read'
  | 'customers.write'
  | 'customers.reveal'
  | 'customers.merge'
  | 'customers.tag'
  | 'customers.consent'
  | 'interactions.write'
  | 'behaviour.write'
  | 'vehicles.write'
  | 'sales.write'
  | 'service.write'
  | 'imports.run'
  | 'catalogue.manage'
  | 'org.manage'
  | 'staff.read'
  | 'audit.read'
  | 'tasks.read'
  | 'tasks.write'
  | 'tasks.manage'
  | 'messages.read'
  | 'messages.send'
  | 'templates.manage'
  | 'messaging.settings'
  | 'appointments.read'
  | 'appointments.book'
  | 'appointments.checkin'
  | 'appointments.settings'
  | 'segments.read'
  | 'segments.write'
  | 'segments.export'
  | 'journeys.read'
  | 'journeys.manage'
  | 'segments.settings'
  | 'loyalty.read'
  | 'loyalty.manage'
  | 'loyalty.adjust'
  | 'loyalty.reports'
  | 'coupons.redeem'
  | 'coupons.void'
  | 'referrals.read'
  | 'referrals.write'
  | 'referrals.settings'
  | 'complaints.read'
  | 'complaints.write'
  | 'complaints.manage'
  | 'voice.reports'
  | 'surveys.manage';

interface Session {
  me: Me;
  can: (p: TPermission) => boolean;
  /** Group-wide roles (group admin) see every store and pick one in the header. */
  groupWide: boolean;
  /** The store filter: the user's own store, or the one a group admin picked (undefined = all stores). */
  storeId: string | undefined;
  setStoreId: (id: string | undefined) => void;
  storeName: (id: string | null | undefined) => string;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside <RequireAuth>');
  return s;
}

export function useCan(): (p: TPermission) => boolean {
  return useSession().can;
}

function FullPageSpin() {
  return (
    <div style={{ height: '100vh', display: 'grid', placeItems: 'center' }}>
      <Spin size="large" />
    </div>
  );
}

/** Renders its children only for a signed-in user; otherwise sends them to /login and back afterwards. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <FullPageSpin />;
  if (!me.data) {
    const next = location.pathname + location.search;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <SessionBody me={me.data}>{children}</SessionBody>;
}

function SessionBody({ me, children }: { me: Me; children: ReactNode }) {
  const stores = useStores();
  const groupWide = me.role === 'group_admin';
  const [picked, setPicked] = useLocalStorage<string | null>(`baoke.store.${me.id}`, null);
  const storeId = groupWide ? (picked ?? undefined) : (me.storeId ?? undefined);
  const value = useMemo<Session>(() => {
    const byId = new Map((stores.data ?? []).map((s) => [s.id, s]));
    const own = storeId ? byId.get(storeId) : undefined;
    setDisplayTimezone(own?.timezone);
    return {
      me,
      can: (p) => me.permissions.includes(p),
      groupWide,
      storeId,
      setStoreId: (id) => setPicked(id ?? null),
      storeName: (id) => (id ? (byId.get(id)?.name ?? '') : ''),
    };
  }, [me, stores.data, storeId, groupWide, setPicked]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
