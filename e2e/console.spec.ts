import { AxeBuilder } from '@axe-core/playwright';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, settle, switchLanguage, test } from './fixtures.js';

/** Page-wide chrome (menu, table headers) must be written in the UI language only. */
const CJK = /[\u3400-\u9fff]/;
const LATIN_WORD = /[A-Za-z]{2,}/;

interface CustomerRow {
  id: string;
  name: string;
  vehicles: { plate: string | null }[];
}

test.describe('staff console', () => {
  test('a service advisor signs in, finds a customer by plate, logs a call and sees it on the timeline', async ({ page, snap }) => {
    await page.goto('/customers');
    await expect(page).toHaveURL(/\/login/);
    await snap('01-login');

    await page.getByLabel('用户名').fill('service1');
    await page.getByLabel('密码').fill('wrong-password');
    await page.getByRole('button', { name: '登录' }).click();
    await expect(page.getByRole('alert')).toContainText('用户名或密码错误');

    await page.getByLabel('密码').fill('baoke-demo');
    await page.getByRole('button', { name: '登录' }).click();
    await expect(page).toHaveURL(/\/customers$/);
    await expect(page.getByTestId('user-menu')).toContainText('孙丽');
    await expect(page.getByTestId('user-menu')).toContainText('服务顾问');

    // A real plate of this store, taken from the API the page itself uses.
    const res = await page.request.get('/api/v1/customers', { params: { limit: 100 } });
    expect(res.ok()).toBeTruthy();
    const items = ((await res.json()) as { items: CustomerRow[] }).items;
    const owner = items.find((c) => c.vehicles.some((v) => v.plate));
    expect(owner, 'the demo store has an owner with a plated car').toBeTruthy();
    const plate = owner!.vehicles.find((v) => v.plate)!.plate!;

    await snap('02-customers');
    const search = page.getByLabel('搜索客户');
    await search.fill(plate);
    await search.press('Enter');
    const rows = page.getByTestId('customer-table').locator('tbody tr.ant-table-row');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText(owner!.name);
    await expect(rows.first()).toContainText(plate);
    await snap('03-customers-search-by-plate');

    await rows.first().getByRole('link', { name: owner!.name }).click();
    await expect(page).toHaveURL(new RegExp(`/customers/${owner!.id}$`));
    await expect(page.getByTestId('customer-name')).toHaveText(owner!.name);
    await expect(page.getByTestId('customer-mobile')).toHaveText(/^\d{3}\*{4}\d{4}$/);
    await snap('04-customer-360');

    const summary = `客户确认周六上午到店做保养（e2e ${Date.now()}）`;
    await page.getByTestId('log-interaction').click();
    const dialog = page.getByRole('dialog', { name: '记录沟通' });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('radio', { name: '电话' })).toBeChecked();
    await dialog.getByLabel('结果').fill('已预约');
    await dialog.getByLabel('内容摘要').fill(summary);
    await snap('05-log-interaction');
    await dialog.getByRole('button', { name: '保存' }).click();
    await expect(dialog).toBeHidden();

    const first = page.getByTestId('timeline-entry').first();
    await expect(first).toContainText(summary);
    await expect(first).toContainText('电话');
    await expect(first).toContainText('已预约');
    await snap('06-customer-360-timeline-after-call');

    await page.getByRole('tab', { name: /互动/ }).click();
    await expect(page.getByRole('tabpanel')).toContainText(summary);
  });

  test('a store manager imports a CSV with one bad row and downloads the error file naming it', async ({ page, signIn, snap }) => {
    await signIn('manager1');
    const suffix = String(Date.now()).slice(-8);
    const good = [
      { name: `导入测试甲${suffix.slice(-3)}`, mobile: `199${suffix}`, city: '北京' },
      { name: `导入测试乙${suffix.slice(-3)}`, mobile: `198${suffix}`, city: '天津' },
    ];
    const bad = { name: `导入测试丙${suffix.slice(-3)}`, mobile: '12345', city: '上海' };
    const csv = ['客户姓名,手机号,城市', ...[good[0]!, bad, good[1]!].map((r) => `${r.name},${r.mobile},${r.city}`)].join('\n') + '\n';
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'baoke-e2e-')), `客户导入-${suffix}.csv`);
    fs.writeFileSync(file, csv, 'utf8');
    // The bad row is the second data row; the header is spreadsheet row 1.
    const badRow = 3;

    await page.goto('/imports');
    await expect(page.getByRole('heading', { name: '数据导入' })).toBeVisible();
    await page.locator('input[type=file]').setInputFiles(file);
    await expect(page.getByText(path.basename(file))).toBeVisible();
    await snap('10-import-upload');
    await page.getByTestId('import-upload').click();

    const mapping = page.getByTestId('mapping-table');
    await expect(mapping).toBeVisible();
    await expect(page.getByLabel('客户姓名', { exact: true })).toBeVisible();
    await expect(mapping).toContainText('手机号');
    await snap('11-import-mapping');
    await page.getByTestId('import-preview').click();

    await expect(page.getByTestId('preview-created')).toContainText('2');
    await expect(page.getByTestId('preview-rejected')).toContainText('1');
    const rejections = page.getByTestId('preview-rejections');
    await expect(rejections).toContainText(String(badRow));
    await expect(rejections).toContainText('手机号');
    await snap('12-import-preview');

    await page.getByTestId('import-run').click();
    const confirm = page.getByRole('dialog').filter({ hasText: '部分行将被拒绝' });
    await confirm.getByRole('button', { name: '开始导入' }).click();

    await expect(page.getByTestId('import-progress')).toBeVisible();
    const result = page.getByTestId('import-result');
    await expect(result).toBeVisible({ timeout: 60_000 });
    await expect(result).toContainText('1 行被拒绝');
    await expect(page.getByTestId('import-progress-text')).toContainText('3 / 3');
    // All three steps (read and check, match, write) are done.
    await expect(page.getByTestId('import-phases').locator('.ant-steps-item-finish')).toHaveCount(3);
    await snap('13-import-completed');

    const downloadPromise = page.waitForEvent('download');
    await page.getByTestId('download-errors').click();
    const download = await downloadPromise;
    const content = fs.readFileSync((await download.path())!, 'utf8');
    expect(content).toContain(bad.name);
    expect(content).toContain(bad.mobile);
    expect(content).toMatch(new RegExp(`(^|\\n|,)"?${badRow}"?,`));
    expect(content).not.toContain(good[0]!.name);

    // The good rows are customers now.
    await page.goto('/customers');
    const search = page.getByLabel('搜索客户');
    await search.fill(good[0]!.mobile);
    await search.press('Enter');
    await expect(page.getByTestId('customer-table').locator('tbody tr.ant-table-row')).toHaveCount(1);
    await expect(page.getByTestId('customer-table')).toContainText(good[0]!.name);

    await page.goto('/imports');
    await expect(page.getByTestId('import-history')).toContainText(path.basename(file));
    await snap('14-import-history');
  });

  test('the language switches between Chinese and English everywhere on the page', async ({ page, signIn, snap }) => {
    await signIn('service1');
    await page.goto('/customers');
    await expect(page.getByRole('heading', { name: '客户', exact: true })).toBeVisible();
    await settle(page);
    const menu = page.getByRole('menu', { name: '主菜单' });
    const head = page.getByTestId('customer-table').locator('thead');
    // NPS is what the trade calls it in Chinese too (净推荐值 is rarely said); every other menu text is Chinese.
    expect((await menu.textContent())?.replace(/\bNPS\b/g, '')).not.toMatch(LATIN_WORD);
    expect(await head.textContent()).not.toMatch(LATIN_WORD);
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');

    await switchLanguage(page, 'English');
    await expect(page.getByRole('heading', { name: 'Customers', exact: true })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en-US');
    await expect(page.getByLabel('Search customers')).toHaveAttribute('placeholder', 'Name / mobile / last 4 digits / plate / VIN');
    await expect(page.getByTestId('user-menu')).toContainText('Service advisor');
    const menuEn = page.getByRole('menu', { name: 'Main menu' });
    await expect(menuEn).toContainText('Model catalogue');
    expect(await menuEn.textContent()).not.toMatch(CJK);
    expect(await head.textContent()).not.toMatch(CJK);
    // antd's own texts (date picker placeholders) follow the language too.
    await expect(page.getByPlaceholder('Purchased from')).toBeVisible();
    await snap('20-customers-en');

    await page.reload();
    await expect(page.getByRole('heading', { name: 'Customers', exact: true })).toBeVisible();
    await switchLanguage(page, '简体中文');
    await expect(page.getByRole('heading', { name: '客户', exact: true })).toBeVisible();
  });

  test('the customer list has no serious or critical accessibility violations', async ({ page, signIn }) => {
    await signIn('service1');
    await page.goto('/customers');
    await expect(page.getByTestId('customer-table').locator('tbody tr.ant-table-row').first()).toBeVisible();
    await settle(page);
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    const report = blocking.map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.slice(0, 8).map((n) => n.target.join(' ')).join('\n  ')}`).join('\n');
    expect(blocking, report).toEqual([]);
  });

  test('screens of the main pages for review (group admin)', async ({ page, signIn, snap }) => {
    await signIn('admin');
    await page.goto('/customers');
    await expect(page.getByTestId('customer-table').locator('tbody tr.ant-table-row').first()).toBeVisible();
    await snap('30-admin-customers');

    await page.getByTestId('new-customer').click();
    const drawer = page.getByRole('dialog', { name: '新建客户' });
    await expect(drawer).toBeVisible();
    await drawer.getByLabel('手机号').fill('1381234');
    await expect(drawer).toContainText('手机号格式不正确');
    await drawer.getByLabel('手机号').fill('138 1234 5678');
    await expect(drawer).toContainText('将保存为 +8613812345678');
    await snap('31-new-customer');
    await page.keyboard.press('Escape');

    // An owner with cars, orders and repair orders makes the fullest 360.
    const res = await page.request.get('/api/v1/customers', { params: { limit: 100 } });
    const items = ((await res.json()) as { items: CustomerRow[] }).items;
    let chosen: string | undefined;
    for (const c of items.filter((x) => x.vehicles.length > 0).slice(0, 15)) {
      const d = (await (await page.request.get(`/api/v1/customers/${c.id}`)).json()) as { salesOrders: unknown[]; repairOrders: unknown[] };
      if (d.salesOrders.length && d.repairOrders.length) {
        chosen = c.id;
        break;
      }
    }
    await page.goto(`/customers/${chosen ?? items[0]!.id}`);
    await expect(page.getByTestId('customer-name')).toBeVisible();
    await snap('32-customer-360-timeline');
    for (const [tab, name] of [
      ['车辆', '33-customer-360-vehicles'],
      ['销售订单', '34-customer-360-sales-orders'],
      ['维修工单', '35-customer-360-repair-orders'],
      ['互动', '36-customer-360-interactions'],
      ['行为', '37-customer-360-behaviour'],
    ] as const) {
      await page.getByRole('tab', { name: new RegExp(tab) }).click();
      await snap(name);
    }

    for (const [url, heading, name] of [
      ['/imports', '数据导入', '40-imports'],
      ['/org/stores', '门店', '41-stores'],
      ['/org/staff', '员工', '42-staff'],
      ['/catalogue', '车型库', '43-catalogue'],
      ['/audit', '审计日志', '44-audit'],
    ] as const) {
      await page.goto(url);
      await expect(page.getByRole('heading', { name: heading, exact: true })).toBeVisible();
      await snap(name);
    }
  });
});
