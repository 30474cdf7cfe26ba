import { AppOutline, CalculatorOutline, CalendarOutline, MessageOutline, UserOutline } from 'antd-mobile-icons';
import { useUnreadBadge } from './api';
import { portalTexts } from './i18n';
import { CarIcon } from './icons';
import type { TPortalModule } from './registry';
import { loyaltyPortal } from '../loyalty/portal/module';
import { complaintsPortal } from '../complaints/portal/module';

/** The portal's own module: the shell's five tabs and their screens. */
export const corePortal: TPortalModule = {
  key: 'portal',
  texts: portalTexts,
  tabs: [
    { key: 'home', path: '/portal', order: 10, label: 'portal.tabs.home', icon: () => <AppOutline /> },
    { key: 'cars', path: '/portal/cars', order: 20, label: 'portal.tabs.cars', icon: () => <CarIcon /> },
    // 30 is left for 积分 / 权益 (loyalty), which arrives in the next wave.
    { key: 'appointments', path: '/portal/appointments', order: 40, label: 'portal.tabs.appointments', icon: () => <CalendarOutline /> },
    { key: 'inbox', path: '/portal/inbox', order: 50, label: 'portal.tabs.inbox', icon: () => <MessageOutline />, useBadge: useUnreadBadge },
    { key: 'me', path: '/portal/me', order: 90, label: 'portal.tabs.me', icon: () => <UserOutline /> },
  ],
  screens: [
    { path: '/portal/login', load: () => import('./login/LoginPage'), chrome: 'stack', public: true },
    { path: '/portal', load: () => import('./home/HomePage'), chrome: 'tabs', tab: 'home' },
    { path: '/portal/cars', load: () => import('./cars/CarsPage'), chrome: 'tabs', tab: 'cars' },
    { path: '/portal/cars/:id', load: () => import('./cars/CarDetailPage'), chrome: 'stack', tab: 'cars' },
    { path: '/portal/repair-orders/:id', load: () => import('./cars/RepairOrderPage'), chrome: 'stack', tab: 'cars' },
    { path: '/portal/orders/:id', load: () => import('./cars/OrderPage'), chrome: 'stack', tab: 'cars' },
    { path: '/portal/appointments', load: () => import('./appointments/AppointmentsPage'), chrome: 'tabs', tab: 'appointments' },
    { path: '/portal/appointments/new', load: () => import('./appointments/BookPage'), chrome: 'stack', tab: 'appointments' },
    { path: '/portal/appointments/:id/reschedule', load: () => import('./appointments/BookPage'), chrome: 'stack', tab: 'appointments' },
    { path: '/portal/inbox', load: () => import('./inbox/InboxPage'), chrome: 'tabs', tab: 'inbox' },
    { path: '/portal/me', load: () => import('./me/MePage'), chrome: 'tabs', tab: 'me' },
    { path: '/portal/loan', load: () => import('./loan/LoanPage'), chrome: 'stack', tab: 'me' },
  ],
  entries: [
    { key: 'book', label: 'portal.home.bookNow', icon: <CalendarOutline />, path: '/portal/appointments/new', order: 10, where: 'home' },
    { key: 'cars', label: 'portal.tabs.cars', icon: <CarIcon />, path: '/portal/cars', order: 20, where: 'home' },
    { key: 'loan', label: 'portal.loan.title', icon: <CalculatorOutline />, path: '/portal/loan', order: 30, where: 'home' },
    { key: 'inbox', label: 'portal.tabs.inbox', icon: <MessageOutline />, path: '/portal/inbox', order: 40, where: 'home' },
    { key: 'loan', label: 'portal.me.loan', icon: <CalculatorOutline />, path: '/portal/loan', order: 10, where: 'me' },
  ],
};

/**
 * Every module of the portal, in order. A later wave appends its own (`loyaltyPortal` with a 积分 tab at order 30,
 * its screens and texts); the shell, router and resources pick it up from here.
 */
export const PORTAL_MODULES: TPortalModule[] = [corePortal, loyaltyPortal, complaintsPortal];

export const PORTAL_TABS = PORTAL_MODULES.flatMap((m) => m.tabs ?? []).sort((a, b) => a.order - b.order);
export const PORTAL_SCREENS = PORTAL_MODULES.flatMap((m) => m.screens);
export const PORTAL_ENTRIES = PORTAL_MODULES.flatMap((m) => m.entries ?? []).sort((a, b) => a.order - b.order);
