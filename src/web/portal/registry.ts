import type { ComponentType, ReactNode } from 'react';

/**
 * How screens plug into the owner portal's shell. A module (the portal's own, later loyalty, referrals, complaints…)
 * describes its tabs, screens, shortcuts and texts; `modules.tsx` lists the modules; the shell, the router and the
 * i18n resources are built from that list, so a later wave adds a screen without touching the shell.
 */

/** A tab of the bottom bar. Tabs are shown by `order` (the portal's own: 10 首页, 20 爱车, 40 预约, 50 消息, 90 我的). */
export interface TPortalTab {
  key: string;
  /** The screen the tab opens, e.g. `/portal/points`. */
  path: string;
  order: number;
  /** An i18n key of the portal instance, e.g. `loyalty.tabs.points`. */
  label: string;
  icon: (active: boolean) => ReactNode;
  /** A count shown on the tab (unread messages); a React hook, called on every render of the bar. */
  useBadge?: () => number | undefined;
}

/** A route of the portal, loaded on first visit (code-split). */
export interface TPortalScreen {
  /** Path under the site root, e.g. `/portal/points` or `/portal/points/:id`. */
  path: string;
  load: () => Promise<{ default: ComponentType }>;
  /** `tabs`: a top-level screen with the bottom bar; `stack`: a detail screen with a back bar and no tab bar. */
  chrome: 'tabs' | 'stack';
  /** The tab highlighted while this screen shows. */
  tab?: string;
  /** Reachable without signing in (the sign-in screen itself). */
  public?: boolean;
}

/** A shortcut tile on the home screen (`home`) or a row on the Me screen (`me`). */
export interface TPortalEntry {
  key: string;
  label: string;
  icon: ReactNode;
  path: string;
  order: number;
  where: 'home' | 'me';
}

export interface TPortalModule {
  /** Also the top-level key of the module's texts (`portal.…`, `loyalty.…`). */
  key: string;
  texts: { zh: object; en: object };
  tabs?: TPortalTab[];
  screens: TPortalScreen[];
  entries?: TPortalEntry[];
}
