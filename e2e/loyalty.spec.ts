import { request as playwrightRequest, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { completeVin } from '../src/contracts/validators.js';
import { DEMO_PASSWORD, expect, newSignInCode, settle, signInCodesSeen, test } from './fixtures.js';

const PHONE = { width: 375, height: 812 };

async function staffApi(baseURL: string, username: string) {
  const ctx: APIRequestContext = await playwrightRequest.newContext({ baseURL });
  const res = await ctx.post('/api/v1/auth/login', { data: { username, password: DEMO_PASSWORD } });
  expect(res.status(), `sign in as ${username}`).toBe(200);
  const csrf = ((await res.json()) as { csrfToken: string }).csrfToken;
  const call = async <T>(method: 'GET' | 'POST', url: string, data?: unknown): Promise<T> => {
    const r = await ctx.fetch(`/api/v1${url}`, { method, data, headers: { 'x-csrf-token': csrf } });
    expect(r.ok(), `${method} ${url}: ${r.status()} ${await r.text()}`).toBeTruthy();
    return (await r.json()) as T;
  };
  return { get: <T>(url: string) => call<T>('GET', url), post: <T>(url: string, data: unknown) => call<T>('POST', url, data), dispose: () => ctx.dispose() };
}
type TStaffApi = Awaited<ReturnType<typeof staffApi>>;

const uniq = () => String(Date.now()).slice(-6) + String(Math.floor(Math.random() * 90) + 10);

async function newOwner(api: TStaffApi, name: string) {
  const n = uniq();
  const mobile = `+86171${n}`;
  const customer = await api.post<{ id: string }>('/customers', { name, mobile });
  const vehicle = await api.post<{ id: string }>('/vehicles', { customerId: customer.id, vin: completeVin('LSLA7H4E', `LY${n.slice(-6)}`), plate: `京N·L${n.slice(-4)}` });
  return { customerId: customer.id, vehicleId: vehicle.id, mobile, national: mobile.slice(3) };
}

async function snapPhone(page: Page, name: string) {
  await settle(page);
  await expect(page.locator('.adm-toast-mask')).toHaveCount(0, { timeout: 5_000 });
  fs.mkdirSync(path.resolve('test-results', 'screens'), { recursive: true });
  await page.screenshot({ path: path.resolve('test-results', 'screens', `${name}.png`), fullPage: true });
}

/** Signs an owner in through the login screen with the code read from the SMS outbox. */
async function signInOwner(page: Page, staff: TStaffApi, owner: { customerId: string; national: string }) {
  await page.goto('/portal/login');
  await page.getByLabel('手机号').fill(owner.national);
  const sms = () => staff.get<{ items: { id: string; body: string }[] }>(`/messages?customerId=${owner.customerId}&channel=sms`);
  const seen = await signInCodesSeen(sms);
  await page.getByTestId('get-code').click();
  const code = await newSignInCode(sms, seen);
  await page.getByLabel('验证码').fill(code);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/portal$/);
}

async function desktop(browser: Browser, username: string) {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await ctx.newPage();
  expect((await page.request.post('/api/v1/auth/login', { data: { username, password: DEMO_PASSWORD } })).status()).toBe(200);
  return { ctx, page };
}

test.describe('loyalty (owner portal at 375 px, console at 1440 px)', () => {
  test.use({ viewport: PHONE, hasTouch: true, isMobile: true });

  test('an owner redeems a reward, staff redeem the coupon on a repair order, the owner sees it used', async ({ page, browser, baseURL }) => {
    const manager = await staffApi(baseURL!, 'manager1');
    const owner = await newOwner(manager, '积分车主');
    await manager.post(`/loyalty/accounts/${owner.customerId}/adjustments`, { points: 2500, reason: '端到端测试开户礼' });

    await signInOwner(page, manager, owner);
    await page.goto('/portal/points');
    await expect(page).toHaveURL(/\/portal\/points$/);
    await expect(page.getByTestId('member-balance')).toHaveText('2,500');
    await expect(page.getByTestId('member-tier')).toHaveText('探索者');
    await snapPhone(page, 'loyalty-01-member');

    await page.getByRole('link', { name: /积分兑换/ }).first().click();
    await expect(page).toHaveURL(/\/portal\/rewards$/);
    await snapPhone(page, 'loyalty-02-rewards');
    await page.getByRole('button', { name: '兑换 ¥100 保养工时券' }).click();
    await page.getByRole('button', { name: '确定' }).click();
    await expect(page.getByText('兑换成功，券已放入「我的卡券」')).toBeVisible();
    await expect(page.getByTestId('rewards-balance')).toHaveText('可用 1,500 积分');

    await page.goto('/portal/coupons');
    const coupon = page.getByTestId('coupon').filter({ hasText: '¥100 保养工时券' });
    await expect(coupon).toHaveAttribute('data-state', 'issued');
    const display = (await coupon.locator('.lo-code').textContent())!.trim();
    expect(display).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]$/);
    await snapPhone(page, 'loyalty-03-coupons');
    await coupon.click();
    await expect(page.getByTestId('coupon-qr').locator('img')).toBeVisible();
    await page.waitForTimeout(400);
    await page.screenshot({ path: path.resolve('test-results', 'screens', 'loyalty-04-coupon-qr.png') });
    await page.mouse.click(10, 10);

    // The service advisor opens an RO for the car and redeems the typed code in the console.
    const advisor = await staffApi(baseURL!, 'service1');
    const ro = await advisor.post<{ id: string; roNo: string }>('/service-orders', { vehicleId: owner.vehicleId, kind: 'maintenance', labourFen: 30_000, partsFen: 20_000 });
    const { ctx, page: desk } = await desktop(browser, 'service1');
    await desk.goto('/loyalty/redeem');
    await desk.getByTestId('coupon-code-input').fill(display.toLowerCase());
    await desk.getByTestId('coupon-code-input').press('Enter');
    await expect(desk.getByTestId('coupon-state')).toHaveText('可使用');
    await desk.getByText(ro.roNo).click();
    await settle(desk);
    await desk.screenshot({ path: path.resolve('test-results', 'screens', 'loyalty-05-console-redeem.png') });
    await desk.getByRole('button', { name: '确认核销' }).click();
    await expect(desk.getByTestId('coupon-state')).toHaveText('已核销');
    await desk.screenshot({ path: path.resolve('test-results', 'screens', 'loyalty-06-console-redeemed.png') });
    // A second attempt is refused.
    await desk.getByTestId('coupon-code-input').press('Enter');
    await expect(desk.getByTestId('coupon-state')).toHaveText('已核销');
    await expect(desk.getByRole('button', { name: '确认核销' })).toHaveCount(0);

    // The member tab on the customer 360.
    const { ctx: mctx, page: m } = await desktop(browser, 'manager1');
    await m.goto(`/customers/${owner.customerId}?tab=member`);
    await expect(m.getByTestId('member-tab')).toContainText('1,500');
    await settle(m);
    await m.screenshot({ path: path.resolve('test-results', 'screens', 'loyalty-07-member-tab.png'), fullPage: true });
    // A store manager sees the group's programme read-only, with the reason; the store's own campaigns stay editable.
    await m.goto('/loyalty/settings');
    await expect(m.getByTestId('loyalty-group-only')).toBeVisible();
    await expect(m.getByTestId('loyalty-settings-form').getByRole('button', { name: /保\s*存/ })).toHaveCount(0);
    for (const [url, name] of [['/loyalty/settings', 'loyalty-08-settings'], ['/loyalty/rewards', 'loyalty-09-catalogue'], ['/loyalty/reports', 'loyalty-10-reports'], ['/loyalty/referrals', 'loyalty-11-referrals']] as const) {
      await m.goto(url);
      await settle(m);
      await m.screenshot({ path: path.resolve('test-results', 'screens', `${name}.png`), fullPage: true });
    }
    await mctx.close();
    await ctx.close();

    // The owner sees it used.
    await page.goto('/portal/coupons');
    await page.getByRole('tab', { name: '已使用' }).click();
    await expect(page.getByTestId('coupon').filter({ hasText: '¥100 保养工时券' })).toHaveAttribute('data-state', 'redeemed');
    await snapPhone(page, 'loyalty-12-coupon-used');
    await manager.dispose();
    await advisor.dispose();
  });

  test('a friend signs up through the share link; delivery pays both rewards once', async ({ page, browser, baseURL }) => {
    test.setTimeout(240_000);
    const sales = await staffApi(baseURL!, 'sales1');
    const owner = await newOwner(sales, '推荐车主');
    await signInOwner(page, sales, owner);
    await page.goto('/portal/referral');
    const code = (await page.getByTestId('referral-code').textContent())!.trim();
    expect(code).toMatch(/^[0-9A-Z]{8}$/);
    await snapPhone(page, 'loyalty-13-referral');

    // The friend opens the link on their own phone, without an account.
    const friendCtx = await browser.newContext({ viewport: PHONE, hasTouch: true, isMobile: true, locale: 'zh-CN' });
    const friend = await friendCtx.newPage();
    await friend.goto(`/portal/r/${code}`);
    const friendMobile = `+86172${uniq()}`;
    await friend.getByLabel('您的称呼').fill('赵先生');
    await friend.getByLabel('手机号').fill(friendMobile.slice(3));
    await friend.getByRole('button', { name: '提交' }).click();
    await expect(friend.getByText('提交成功，顾问会尽快与您联系')).toBeVisible();
    await snapPhone(friend, 'loyalty-14-referral-signup');
    await friendCtx.close();

    // The friend buys: customer, order naming the referrer, delivery.
    const friendCustomer = await sales.post<{ id: string }>('/customers', { name: '赵先生', mobile: friendMobile });
    const order = await sales.post<{ id: string }>('/sales-orders', { customerId: friendCustomer.id, priceFen: 16_880_000, referrerCustomerId: owner.customerId });
    await sales.post(`/sales-orders/${order.id}/milestones`, { milestone: 'delivered' });

    // The loyalty consumer (every minute) moves the referral to delivered and pays the rewards.
    await expect
      .poll(async () => (await sales.get<{ items: { status: string; rewardedAt: string | null }[] }>(`/referrals?referrerCustomerId=${owner.customerId}`)).items[0], { timeout: 180_000, intervals: [2_000] })
      .toMatchObject({ status: 'delivered', rewardedAt: expect.any(String) as unknown as string });
    const referrerCoupons = await sales.get<{ items: { title: string }[] }>(`/coupons?customerId=${owner.customerId}`);
    expect(referrerCoupons.items.map((c) => c.title)).toEqual(['推荐奖励·保养券']);
    const friendCoupons = await sales.get<{ items: { title: string; valueFen: number }[] }>(`/coupons?customerId=${friendCustomer.id}`);
    expect(friendCoupons.items.map((c) => [c.title, c.valueFen])).toEqual([['推荐购车优惠', 300_000]]);

    await page.goto('/portal/referral');
    await expect(page.getByTestId('referral').first()).toHaveAttribute('data-status', 'delivered');
    await expect(page.getByTestId('referral').first()).toContainText('奖励已发放');
    await snapPhone(page, 'loyalty-15-referral-delivered');
    await page.goto('/portal/coupons');
    await expect(page.getByTestId('coupon').filter({ hasText: '推荐奖励·保养券' })).toHaveCount(1);

    // A second pass of the consumer changes nothing: still one coupon each.
    await page.waitForTimeout(1_000);
    expect((await sales.get<{ items: unknown[] }>(`/coupons?customerId=${owner.customerId}`)).items).toHaveLength(1);
    await sales.dispose();
  });
});
