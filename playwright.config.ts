import { defineConfig } from '@playwright/test';
import path from 'node:path';

/**
 * Browser tests of the staff console against a real server: embedded PostgreSQL in a fresh data directory per run,
 * a small demo dealer group, Debian's Chromium (never a downloaded browser).
 */
// Ports can be moved (BAOKE_E2E_PORT, BAOKE_E2E_PG_PORT) so two checkouts can run their browser tests at once.
const PORT = Number(process.env.BAOKE_E2E_PORT ?? 3999);
const PG_PORT = process.env.BAOKE_E2E_PG_PORT ?? '54399';
const baseURL = `http://localhost:${PORT}`;

// The config is evaluated by the runner and again by each worker; only the runner starts the web server, so a
// per-evaluation timestamp still gives every run its own fresh database.
const dataDir = path.resolve('test-results', `e2e-data-${Date.now()}`);

// A production DATABASE_URL in the caller's shell must not leak into the test server (and config validation
// rejects an empty one), so the variable is left out rather than blanked.
const serverEnv: Record<string, string> = {};
for (const [k, v] of Object.entries(process.env)) {
  if (v !== undefined && k !== 'DATABASE_URL' && k !== 'DATABASE_READ_URL') serverEnv[k] = v;
}
Object.assign(serverEnv, {
  BAOKE_DATA_DIR: dataDir,
  PORT: String(PORT),
  BAOKE_EMBEDDED_PG_PORT: PG_PORT,
  BAOKE_DEMO_SIZE: '300',
  BAOKE_LOG_LEVEL: 'warn',
});

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/artifacts',
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  workers: 1,
  fullyParallel: false,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : [['list']],
  use: {
    baseURL,
    viewport: { width: 1440, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    // The console honours prefers-reduced-motion (no antd animations), so clicks never land on a moving dialog.
    reducedMotion: 'reduce',
    trace: 'on-first-retry',
    screenshot: 'only-on-failure',
    acceptDownloads: true,
  },
  projects: [
    {
      name: 'chromium',
      use: { browserName: 'chromium', launchOptions: { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS } },
    },
  ],
  webServer: {
    command: 'npx tsx src/server/main.ts start',
    url: `${baseURL}/api/v1/health`,
    env: serverEnv,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
