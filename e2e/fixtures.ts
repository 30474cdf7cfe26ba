import { test as base, expect, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';

export const DEMO_PASSWORD = 'baoke-demo';
export const SCREENS_DIR = path.resolve('test-results', 'screens');

interface Fixtures {
  /** Signs in through the API (the session cookie lands in the page's browser context) and returns the staff. */
  signIn: (username: string) => Promise<{ id: string; displayName: string; storeId: string | null }>;
  /** Saves a 1440×900 screenshot of the page to test-results/screens/<name>.png for review. */
  snap: (name: string, opts?: { fullPage?: boolean }) => Promise<void>;
}

export const test = base.extend<Fixtures>({
  signIn: async ({ page }, use) => {
    await use(async (username) => {
      const res = await page.request.post('/api/v1/auth/login', { data: { username, password: DEMO_PASSWORD } });
      expect(res.status(), `sign in as ${username}`).toBe(200);
      return (await res.json()) as { id: string; displayName: string; storeId: string | null };
    });
  },
  snap: async ({ page }, use) => {
    fs.mkdirSync(SCREENS_DIR, { recursive: true });
    await use(async (name, opts) => {
      await settle(page);
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path: path.join(SCREENS_DIR, `${name}.png`), fullPage: opts?.fullPage ?? false });
    });
  },
});

/** Waits until nothing is loading: no skeletons or spinners left and animations done. */
export async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await expect(page.locator('.ant-skeleton-active')).toHaveCount(0);
  await expect(page.locator('.ant-spin-spinning')).toHaveCount(0);
  await page.waitForTimeout(300);
}

/**
 * Picks a language from the header's switcher. antd opens the dropdown with a zoom animation, and a click that lands
 * while it is still moving can miss the item, so the pick is retried until `<html lang>` says it took.
 */
export async function switchLanguage(page: Page, label: 'English' | '简体中文'): Promise<void> {
  const lang = label === 'English' ? 'en-US' : 'zh-CN';
  await expect(async () => {
    const item = page.getByRole('menuitem', { name: label });
    if (!(await item.isVisible())) await page.getByTestId('lang-switch').click();
    await item.click({ timeout: 2_000 });
    await expect(page.locator('html')).toHaveAttribute('lang', lang, { timeout: 2_000 });
  }).toPass({ timeout: 15_000 });
}

export { expect };

type TSmsList = () => Promise<{ items: { id: string; body: string }[] }>;
const isSignInCode = (body: string) => /验证码/.test(body) && /\d{6}/.test(body);

/** The ids of the owner's sign-in code messages already in the outbox, taken before asking for a new code. */
export async function signInCodesSeen(list: TSmsList): Promise<Set<string>> {
  return new Set((await list()).items.filter((m) => isSignInCode(m.body)).map((m) => m.id));
}

/**
 * Waits for the sign-in code that was asked for after `seen` was taken and returns it — never an older code of an
 * earlier test, nor digits of another message to the same owner.
 */
export async function newSignInCode(list: TSmsList, seen: Set<string>): Promise<string> {
  let code = '';
  await expect
    .poll(async () => {
      const fresh = (await list()).items.find((m) => isSignInCode(m.body) && !seen.has(m.id));
      code = fresh?.body.match(/\d{6}/)?.[0] ?? '';
      return code;
    })
    .toMatch(/^\d{6}$/);
  return code;
}
