import { GiftOutline } from 'antd-mobile-icons';
import type { TPortalModule } from '../../portal/registry';
import { loyaltyPortalTexts } from './texts';
import './loyalty.css';

/** Loyalty in the owner portal: the 会员 tab (order 30), 兑换 / 卡券 / 推荐 screens, the share link's landing page. */
export const loyaltyPortal: TPortalModule = {
  key: 'loyalty',
  texts: loyaltyPortalTexts,
  tabs: [{ key: 'points', path: '/portal/points', order: 30, label: 'loyalty.tab', icon: () => <GiftOutline /> }],
  screens: [
    { path: '/portal/points', load: () => import('./PointsPage'), chrome: 'tabs', tab: 'points' },
    { path: '/portal/rewards', load: () => import('./RewardsPage'), chrome: 'stack', tab: 'points' },
    { path: '/portal/coupons', load: () => import('./CouponsPage'), chrome: 'stack', tab: 'points' },
    { path: '/portal/referral', load: () => import('./ReferralPage'), chrome: 'stack', tab: 'points' },
    { path: '/portal/r/:code', load: () => import('./SignupPage'), chrome: 'stack', public: true },
  ],
  entries: [
    { key: 'rewards', label: 'loyalty.member.redeem', icon: <GiftOutline />, path: '/portal/rewards', order: 25, where: 'home' },
    { key: 'coupons', label: 'loyalty.member.coupons', icon: <span aria-hidden="true">🎫</span>, path: '/portal/coupons', order: 5, where: 'me' },
    { key: 'referral', label: 'loyalty.member.referral', icon: <span aria-hidden="true">🤝</span>, path: '/portal/referral', order: 6, where: 'me' },
  ],
};
