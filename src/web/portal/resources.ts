import { PORTAL_MODULES } from './modules';

/**
 * The portal instance's texts: each module's under its key (`portal.…` for the portal's own screens). A later module
 * brings its texts in its `TPortalModule` — nothing to add here.
 */
const pick = (lang: 'zh' | 'en') => Object.fromEntries(PORTAL_MODULES.map((m) => [m.key, m.texts[lang]]));

export const portalZhCN = pick('zh');
export const portalEnUS = pick('en');
