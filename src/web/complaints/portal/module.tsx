import { ExclamationCircleOutline } from 'antd-mobile-icons';
import type { TPortalModule } from '../../portal/registry';
import { complaintsPortalTexts } from './texts';

/** 我的投诉: raise a complaint and follow it (a row on the Me screen). */
export const complaintsPortal: TPortalModule = {
  key: 'complaints',
  texts: complaintsPortalTexts,
  screens: [
    { path: '/portal/complaints', load: () => import('./MyComplaintsPage'), chrome: 'stack', tab: 'me' },
    { path: '/portal/complaints/:id', load: () => import('./MyComplaintPage'), chrome: 'stack', tab: 'me' },
  ],
  entries: [{ key: 'complaints', label: 'complaints.title', icon: <ExclamationCircleOutline />, path: '/portal/complaints', order: 50, where: 'me' }],
};
