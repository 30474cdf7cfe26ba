import type { ThemeConfig } from 'antd';

/** antd defaults with the Baoke brand blue; calm, dense, consistent. */
export const BRAND_PRIMARY = '#1d5bd8';

/**
 * People who ask their system for less motion (vestibular disorders, WCAG 2.3.3) get none: no zooming dialogs or
 * sliding drawers, which also means a click never lands on a moving target.
 */
const reducedMotion = typeof window !== 'undefined' && typeof window.matchMedia === 'function' && window.matchMedia('(prefers-reduced-motion: reduce)').matches;

export const brandTheme: ThemeConfig = {
  token: {
    motion: !reducedMotion,
    colorPrimary: BRAND_PRIMARY,
    colorInfo: BRAND_PRIMARY,
    colorLink: BRAND_PRIMARY,
    borderRadius: 6,
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', 'WenQuanYi Micro Hei', sans-serif",
    colorBgLayout: '#f4f6f9',
    // antd's default secondary/tertiary greys (45 % black) fall below WCAG AA contrast on white; darken them.
    colorTextSecondary: 'rgba(0, 0, 0, 0.62)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.56)',
    colorTextDescription: 'rgba(0, 0, 0, 0.56)',
    // Filter selects carry their name as placeholder, so it must stay readable.
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.55)',
  },
  components: {
    Layout: { headerHeight: 56, headerPadding: '0 20px', siderBg: '#ffffff' },
    Table: { headerBg: '#f7f8fa', cellPaddingBlockSM: 7 },
    Menu: { itemHeight: 40, itemMarginInline: 8 },
    Card: { headerFontSize: 15 },
  },
};
