import { test as base, expect, type Locator, type Page } from '@playwright/test';
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

/** A staff API call from the signed-in page (its session cookie, and the CSRF header for writes); fails the test on an error status. */
export async function call<T>(page: Page, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, data?: unknown): Promise<T> {
  const csrf = (await page.context().cookies()).find((c) => c.name === 'baoke_csrf')?.value ?? '';
  const res = await page.request.fetch(`/api/v1${url}`, { method, data, headers: method === 'GET' ? {} : { 'x-csrf-token': csrf } });
  expect(res.ok(), `${method} ${url}: ${res.status()} ${await res.text()}`).toBeTruthy();
  return (await res.json()) as T;
}

/**
 * Picks the option with this label in an antd Select (typing it into the search box first when the select is
 * searchable), and checks the select shows it. antd opens the dropdown with an animation and a click that lands while
 * it moves can miss, so the pick is retried until the choice shows.
 */
export async function pick(page: Page, select: Locator, label: string, opts: { search?: boolean } = {}) {
  const exact = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  const option = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: exact });
  await expect(async () => {
    if (!(await option.first().isVisible())) {
      await select.click();
      if (opts.search) await select.locator('input').fill(label);
    }
    await option.first().click({ timeout: 2_000 });
    await expect(select).toContainText(label, { timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  // Multiple-choice selects stay open: close them so the next click lands on the page.
  await page.keyboard.press('Escape');
}
