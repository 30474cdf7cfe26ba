/** A car for the 爱车 tab (antd-mobile-icons has none); stroke follows the text colour like the other icons. */
export function CarIcon({ size = '1em' }: { size?: string | number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" fill="none" aria-hidden="true" style={{ verticalAlign: '-0.125em' }}>
      <path d="M5 16.5h14M4 16.5v-4l1.9-4.6A2 2 0 0 1 7.75 6.6h8.5a2 2 0 0 1 1.85 1.3L20 12.5v4" stroke="currentColor" strokeWidth="1.6" strokeLinejoin="round" />
      <path d="M4 12.5h16" stroke="currentColor" strokeWidth="1.6" />
      <circle cx="7.5" cy="17" r="1.8" stroke="currentColor" strokeWidth="1.6" fill="var(--pt-bg, #fff)" />
      <circle cx="16.5" cy="17" r="1.8" stroke="currentColor" strokeWidth="1.6" fill="var(--pt-bg, #fff)" />
    </svg>
  );
}
