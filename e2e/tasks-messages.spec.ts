import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { call, expect, settle, switchLanguage, test } from './fixtures.js';

/**
 * Tasks and messages in the staff console: "my tasks" with a not-reached call and its retry, the team board's bulk
 * reassignment, the template editor's live preview, and a message sent from the customer 360 (one queued, one held
 * back for want of marketing consent), the outbox that shows both, and the owner's unsubscribe page.
 */

interface CustomerRow {
  id: string;
  name: string;
  storeId: string;
  vehicles: { id: string; plate: string | null }[];
}
interface StaffRow {
  id: string;
  username: string;
  displayName: string;
  storeId: string | null;
}

/** A customer of the signed-in user's store with a plated car (the demo has plenty). */
async function ownerWithCar(page: Page, skip = 0): Promise<CustomerRow> {
  const { items } = await call<{ items: CustomerRow[] }>(page, 'GET', '/customers?limit=100');
  const owners = items.filter((c) => c.vehicles.some((v) => v.plate));
  expect(owners.length, 'the demo store has owners with plated cars').toBeGreaterThan(skip);
  return owners[skip]!;
}

async function staffOf(page: Page, username: string): Promise<StaffRow> {
  const { items } = await call<{ items: StaffRow[] }>(page, 'GET', '/staff');
  const s = items.find((x) => x.username === username);
  expect(s, `staff ${username}`).toBeTruthy();
  return s!;
}

/** Another active employee of the same store, a service advisor if there is one. */
async function colleagueOf(page: Page, s: StaffRow): Promise<StaffRow> {
  const { items } = await call<{ items: (StaffRow & { role: string; active: boolean })[] }>(page, 'GET', `/staff?storeId=${s.storeId}`);
  const others = items.filter((x) => x.id !== s.id && x.active && x.role !== 'store_manager');
  const pick = others.find((x) => x.role === 'service') ?? others[0];
  expect(pick, 'a colleague in the store').toBeTruthy();
  return pick!;
}

const stamp = () => String(Date.now()).slice(-6);

/** Picks an entry of the open antd select dropdown by its label. */
async function pickOption(page: Page, label: string): Promise<void> {
  await page.locator(`.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option[title="${label}"]`).click();
}

test.describe('tasks and messages', () => {
  test('a service advisor completes an overdue task as not reached and sees the retry scheduled', async ({ page, signIn, snap }) => {
    const me = await signIn('service1');
    const owner = await ownerWithCar(page);
    const vehicle = owner.vehicles.find((v) => v.plate)!;
    const title = `回访首保体验 ${stamp()}`;
    // Due two hours ago: the task is overdue the moment the advisor opens the console.
    await call(page, 'POST', '/tasks', { customerId: owner.id, vehicleId: vehicle.id, title, kind: 'follow_up_call', priority: 'high', dueAt: new Date(Date.now() - 2 * 3600_000).toISOString() });

    await page.goto('/customers');
    const badge = page.getByTestId('overdue-badge');
    await expect(badge.locator('.ant-badge-count')).toHaveText(/^[1-9]\d*$/);
    await badge.click();
    await expect(page).toHaveURL(/\/tasks\?tab=overdue/);
    await expect(page.getByRole('heading', { name: '我的任务' })).toBeVisible();
    await expect(page.getByRole('tab', { name: /已逾期/ })).toHaveAttribute('aria-selected', 'true');

    const row = page.getByTestId('task-table').locator('tbody tr', { hasText: title });
    await expect(row).toBeVisible();
    await expect(row).toHaveClass(/bk-row-overdue/);
    await expect(row).toContainText(owner.name);
    await expect(row).toContainText(vehicle.plate!);
    await expect(row).toContainText('电话回访');
    await expect(row).toContainText('已逾期');
    await expect(row.getByRole('link', { name: owner.name })).toHaveAttribute('href', `/customers/${owner.id}`);
    await snap('40-my-tasks-overdue');

    await row.getByTestId('task-open').click();
    const drawer = page.getByRole('dialog', { name: '任务详情' });
    await expect(drawer).toBeVisible();
    await expect(drawer).toContainText(title);
    await drawer.getByText('未接通', { exact: true }).click();
    await expect(drawer.getByTestId('retry-plan')).toContainText('将自动生成第 2 次联系任务');
    await drawer.getByLabel('备注').fill('电话无人接听，明天再打');
    await snap('41-task-drawer-not-reached');
    await drawer.getByTestId('complete-submit').click();
    await expect(drawer.getByTestId('retry-result')).toContainText('已安排第 2 次联系');
    await expect(drawer).toContainText('未接通');
    await snap('42-task-drawer-retry-scheduled');
    await drawer.getByRole('button', { name: '第 2 次尝试' }).click();
    await expect(drawer).toContainText('第 2 次尝试');
    await page.keyboard.press('Escape');
    await expect(drawer).toBeHidden();

    // The first try is gone from the overdue list; the retry waits (one day later by the store's default).
    await expect(row).toHaveCount(0);
    await page.getByRole('tab', { name: /即将到期/ }).click();
    const retry = page.getByTestId('task-table').locator('tbody tr', { hasText: title });
    await expect(retry).toBeVisible();
    await expect(retry).toContainText('第 2 次尝试');
    await page.getByRole('tab', { name: /已完成/ }).click();
    await expect(page.getByTestId('task-table').locator('tbody tr', { hasText: title })).toContainText('未接通');

    // The customer's 360 lists the open retry on its task tab, and makes a new task from its button.
    await page.goto(`/customers/${owner.id}?tab=tasks`);
    await expect(page.getByTestId('customer-tasks').locator('tbody tr', { hasText: title })).toContainText('第 2 次尝试');
    await page.getByTestId('customer-new-task').click();
    const form = page.getByRole('dialog', { name: `为 ${owner.name} 新建任务` });
    const manual = `提醒续保 ${stamp()}`;
    await form.getByLabel('任务标题').fill(manual);
    await snap('43-customer-new-task');
    await form.getByRole('button', { name: '创建任务' }).click();
    await expect(form).toBeHidden();
    await expect(page.getByTestId('customer-tasks').locator('tbody tr', { hasText: manual })).toContainText(me.displayName);
    await snap('44-customer-tasks-tab');
  });

  test('a store manager bulk-reassigns two tasks on the team board', async ({ page, signIn, snap }) => {
    await signIn('manager1');
    const advisor = await staffOf(page, 'service1');
    const colleague = await colleagueOf(page, advisor);
    const owner = await ownerWithCar(page, 1);
    const tag = stamp();
    const titles = [`保养到期提醒 ${tag}-A`, `保养到期提醒 ${tag}-B`];
    const ids: string[] = [];
    for (const [i, title] of titles.entries()) {
      const t = await call<{ id: string }>(page, 'POST', '/tasks', {
        customerId: owner.id,
        assigneeId: advisor.id,
        title,
        kind: 'maintenance_reminder',
        dueAt: new Date(Date.now() + (i + 1) * 3600_000).toISOString(),
      });
      ids.push(t.id);
    }

    await page.goto('/tasks/board');
    await expect(page.getByRole('heading', { name: '团队看板' })).toBeVisible();
    const board = page.getByTestId('board-table');
    const advisorRow = board.locator('tbody tr', { hasText: advisor.displayName });
    await expect(advisorRow).toBeVisible();
    await snap('50-team-board');

    // Clicking a person filters the store's tasks to theirs.
    await advisorRow.click();
    await expect(page.getByTestId('board-filter-assignee')).toContainText(advisor.displayName);
    const tasks = page.getByTestId('board-tasks');
    for (const title of titles) await expect(tasks.locator('tbody tr', { hasText: title })).toBeVisible();
    for (const title of titles) await tasks.getByRole('checkbox', { name: title }).check();
    const bar = page.getByTestId('bulk-bar');
    await expect(bar).toContainText('已选 2 个任务');
    await bar.getByLabel('转派给').click();
    await pickOption(page, colleague.displayName);
    await snap('51-team-board-bulk-reassign');
    await bar.getByTestId('bulk-reassign').click();
    await expect(page.getByText(`已转派 2 个任务给 ${colleague.displayName}`)).toBeVisible();
    await expect(bar).toBeHidden();
    for (const title of titles) await expect(tasks.locator('tbody tr', { hasText: title })).toHaveCount(0);

    for (const id of ids) expect((await call<{ assignee: { id: string } }>(page, 'GET', `/tasks/${id}`)).assignee.id).toBe(colleague.id);
    await board.locator('tbody tr', { hasText: colleague.displayName }).click();
    for (const title of titles) await expect(tasks.locator('tbody tr', { hasText: title })).toContainText(colleague.displayName);
    await snap('52-team-board-after-reassign');

    await page.goto('/tasks/settings');
    await expect(page.getByLabel('最多尝试次数')).toHaveValue('3');
    await snap('53-task-settings');
  });

  test('a marketing user edits a template and sees the live preview', async ({ page, signIn, snap }) => {
    await signIn('admin');
    const code = `birthday_${stamp()}`;
    await call(page, 'POST', '/message-templates', { storeId: null, code, name: '生日祝福', channel: 'sms', purpose: 'marketing', locale: 'zh-CN', body: '{{客户姓名}}，生日快乐！{{门店名称}}为您准备了保养券。' });

    await signIn('marketing1');
    const own = `maintenance_${stamp()}`;
    await call(page, 'POST', '/message-templates', { code: own, name: '保养提醒', channel: 'sms', purpose: 'service', locale: 'zh-CN', body: '{{客户姓名}}您好，您的爱车保养快到期了。' });

    await page.goto('/messages/templates');
    await expect(page.getByRole('heading', { name: '消息模板' })).toBeVisible();
    const table = page.getByTestId('template-table');
    const group = table.locator('tbody tr', { hasText: code });
    await expect(group).toContainText('集团');
    await expect(group.getByRole('button', { name: '本店覆盖' })).toBeVisible();
    await snap('60-templates');

    const mine = table.locator('tbody tr', { hasText: own });
    await mine.getByTestId('template-edit').click();
    const editor = page.getByRole('dialog', { name: `编辑模板 · ${own}` });
    await expect(editor).toBeVisible();
    const body = editor.getByLabel('内容', { exact: true });
    await body.fill('{{客户姓名}}您好，您的爱车');
    await editor.getByTestId('variable-chips').getByRole('button', { name: '{{车牌}}' }).click();
    await body.press('End');
    await body.pressSequentially('将于');
    await editor.getByTestId('variable-chips').getByRole('button', { name: '{{到期日期}}' }).click();
    await body.press('End');
    await body.pressSequentially('到期保养，请致电{{门店电话}}预约。');
    const preview = editor.getByTestId('preview-body');
    await expect(preview).toContainText('张先生您好，您的爱车京A·12345将于');
    await expect(preview).toContainText('到期保养，请致电');
    await expect(editor.getByTestId('preview-missing')).toContainText('{{到期日期}}');
    await snap('61-template-editor-preview');
    await editor.getByTestId('template-save').click();
    await expect(editor).toBeHidden();
    await expect(page.getByText('模板已保存')).toBeVisible();

    const saved = await call<{ items: { code: string; body: string }[] }>(page, 'GET', `/message-templates?code=${own}`);
    expect(saved.items[0]!.body).toBe('{{客户姓名}}您好，您的爱车{{车牌}}将于{{到期日期}}到期保养，请致电{{门店电话}}预约。');

    // An English version of the same template, previewed the same way.
    await mine.getByRole('button', { name: '添加英文版' }).click();
    const version = page.getByRole('dialog', { name: `添加语言版本 · ${own}` });
    await version.getByLabel('内容', { exact: true }).fill('Dear {{customerName}}, your car {{plate}} is due for service.');
    await expect(version.getByTestId('preview-body')).toContainText('Dear 张先生, your car 京A·12345 is due for service.');
    await version.getByTestId('template-save').click();
    await expect(version).toBeHidden();
    await expect(mine).toContainText('英文');

    // The store's own copy of the group template: same code, the store's wording, used for this store's customers.
    await group.getByRole('button', { name: '本店覆盖' }).click();
    const override = page.getByRole('dialog', { name: `本店覆盖 · ${code}` });
    const overrideBody = override.getByLabel('内容', { exact: true });
    await expect(overrideBody).toHaveValue('{{客户姓名}}，生日快乐！{{门店名称}}为您准备了保养券。');
    await overrideBody.fill('{{客户姓名}}，生日快乐！到店出示本短信，洗车免费。');
    await expect(override.getByTestId('preview-body')).toContainText('张先生，生日快乐！到店出示本短信，洗车免费。');
    await override.getByTestId('template-save').click();
    await expect(override).toBeHidden();
    await expect(table.locator('tbody tr', { hasText: code })).toHaveCount(2);
    await expect(table.locator('tbody tr', { hasText: code }).filter({ hasText: '覆盖集团模板' })).toBeVisible();
    await expect(table.locator('tbody tr', { hasText: code }).filter({ hasText: '已被本店覆盖' })).toContainText('集团');
    await snap('62-templates-after-edit');
  });

  test('an advisor sends a message from the 360, finds it in the outbox, and a marketing message without consent is held back', async ({ page, signIn, snap }) => {
    await signIn('manager1');
    const original = await call<Record<string, unknown>>(page, 'GET', '/message-settings');
    // No quiet hours for this test, so the service notice is queued whatever the time of the run.
    await page.goto('/messages/settings');
    await expect(page.getByTestId('messaging-settings-summary')).toContainText('21:00–08:00');
    await snap('70-messaging-settings');
    const rules = (o: Record<string, unknown>) => ({ quietStart: o.quietStart, quietEnd: o.quietEnd, marketingCap: o.marketingCap, capWindowDays: o.capWindowDays, maxAttempts: o.maxAttempts });
    await call(page, 'PUT', '/message-settings', { ...rules(original), quietStart: '00:00', quietEnd: '00:00' });

    try {
      await signIn('service1');
      const owner = await ownerWithCar(page, 2);
      await call(page, 'PUT', `/customers/${owner.id}/consents/sms/marketing`, { granted: false, source: 'phone_confirmation' });

      await page.goto(`/customers/${owner.id}`);
      await page.getByTestId('customer-send-message').click();
      const dialog = page.getByRole('dialog', { name: `给 ${owner.name} 发送消息` });
      await expect(dialog).toBeVisible();
      await dialog.getByText('自由编写', { exact: true }).click();
      await dialog.getByTestId('variable-chips').getByRole('button', { name: '{{客户姓名}}' }).click();
      const body = dialog.getByLabel('内容', { exact: true });
      await body.press('End');
      await body.pressSequentially('您好，您的爱车已完成保养，可随时到店取车。');
      await expect(dialog.getByTestId('preview-body')).toContainText(`${owner.name}您好，您的爱车已完成保养`);
      await snap('71-send-message');
      await dialog.getByTestId('send-submit').click();
      await expect(dialog.getByTestId('send-result')).toHaveText('消息已进入发送队列');
      await snap('72-send-message-queued');

      await dialog.getByRole('button', { name: '在发件箱查看' }).click();
      await expect(page).toHaveURL(/\/messages\?message=/);
      const detail = page.getByRole('dialog', { name: '消息详情' });
      await expect(detail.getByTestId('message-body')).toContainText(`${owner.name}您好，您的爱车已完成保养`);
      await expect(detail.getByTestId('message-address')).toHaveText(/^\d{3}\*{4}\d{4}$/);
      await expect(detail.getByTestId('message-status')).toHaveText(/待发送|已发送/);
      // The worker sends it within seconds; the drawer follows.
      await expect(detail.getByTestId('message-status')).toHaveText('已发送', { timeout: 30_000 });
      await snap('73-outbox-detail-sent');
      await page.keyboard.press('Escape');

      // Marketing by SMS to a customer who withdrew SMS marketing consent: kept, with the reason.
      await page.goto(`/customers/${owner.id}`);
      await page.getByTestId('customer-send-message').click();
      await expect(dialog).toBeVisible();
      await dialog.getByText('营销', { exact: true }).click();
      await expect(dialog.getByTestId('no-consent-warning')).toBeVisible();
      await dialog.getByText('自由编写', { exact: true }).click();
      await dialog.getByLabel('内容', { exact: true }).fill('周末到店保养享 8 折优惠');
      await dialog.getByTestId('send-submit').click();
      await expect(dialog.getByTestId('send-result')).toHaveText('消息未发送，已被拦截');
      await expect(dialog.getByTestId('send-result-reason')).toHaveText('客户未授权通过短信接收营销消息');
      await snap('74-send-message-suppressed');
      await dialog.locator('.ant-modal-footer').getByRole('button', { name: '关闭' }).click();

      await page.getByRole('tab', { name: '消息' }).click();
      const tab = page.getByRole('tabpanel');
      // Both of this test's messages are on the customer's tab (the owner may have others from earlier specs).
      const rows = tab.getByTestId('message-table').locator('tbody tr.ant-table-row');
      await expect(rows.filter({ hasText: '您的爱车已完成保养' })).toHaveCount(1);
      await expect(rows.filter({ hasText: '周末到店保养' })).toHaveCount(1);
      await expect(tab.locator('tbody tr', { hasText: '周末到店保养' }).getByTestId('message-reason')).toHaveText('客户未授权通过短信接收营销消息');
      await snap('75-customer-messages-tab');

      await page.goto('/messages?status=suppressed');
      const outbox = page.getByTestId('message-table');
      const held = outbox.locator('tbody tr', { hasText: '周末到店保养' });
      await expect(held).toContainText('已拦截');
      await expect(held).toContainText(owner.name);
      await expect(outbox.locator('tbody tr', { hasText: '已完成保养' })).toHaveCount(0);
      await snap('76-outbox-suppressed');
      await page.getByRole('button', { name: '清除筛选' }).click();
      await expect(outbox.locator('tbody tr', { hasText: '已完成保养' })).toBeVisible();
      await snap('77-outbox');
    } finally {
      await signIn('manager1');
      await call(page, 'PUT', '/message-settings', rules(original));
    }
  });

  test('an owner unsubscribes from the link in a marketing message on a phone', async ({ page, browser, signIn, snap }) => {
    await signIn('service1');
    const owner = await ownerWithCar(page, 3);
    await call(page, 'PUT', `/customers/${owner.id}/consents/email/marketing`, { granted: true, source: 'in_store_form' });
    await call(page, 'PATCH', `/customers/${owner.id}`, { email: `owner${stamp()}@example.com` });
    const m = await call<{ status: string; body: string }>(page, 'POST', '/messages', { customerId: owner.id, channel: 'email', purpose: 'marketing', subject: '冬季关怀', body: '{{客户姓名}}您好，冬季检测免费。' });
    expect(m.status).not.toBe('suppressed');
    const link = /退订请点击 (\S+)$/.exec(m.body)?.[1];
    expect(link, m.body).toBeTruthy();

    const phone = await browser.newContext({ viewport: { width: 375, height: 740 }, locale: 'zh-CN', deviceScaleFactor: 2 });
    const owners = await phone.newPage();
    await owners.goto(link!);
    await expect(owners.getByRole('heading', { name: /退订成功/ })).toBeVisible();
    await expect(owners.locator('body')).toContainText('服务通知（如维修进度、预约提醒）不受影响');
    await owners.screenshot({ path: 'test-results/screens/80-unsubscribe-375.png' });
    await phone.close();

    const again = await call<{ status: string; suppressionReason: string }>(page, 'POST', '/messages', { customerId: owner.id, channel: 'email', purpose: 'marketing', subject: '新年关怀', body: '新年快乐' });
    expect(again).toMatchObject({ status: 'suppressed', suppressionReason: 'unsubscribed' });
    await page.goto(`/customers/${owner.id}?tab=messages`);
    await expect(page.getByRole('tabpanel').locator('tbody tr', { hasText: '新年关怀' }).getByTestId('message-reason')).toHaveText('客户已通过退订链接退订邮件营销消息');
    await snap('81-customer-messages-unsubscribed');
  });

  test('my tasks, the team board, the outbox and the templates have no serious or critical accessibility violations', async ({ page, signIn }) => {
    await signIn('manager1');
    for (const [url, ready] of [
      ['/tasks?tab=upcoming', 'task-table'],
      ['/tasks/board', 'board-table'],
      ['/messages', 'message-table'],
      ['/messages/templates', 'template-table'],
    ] as const) {
      await page.goto(url);
      await expect(page.getByTestId(ready)).toBeVisible();
      await settle(page);
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      const report = blocking.map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.slice(0, 8).map((n) => n.target.join(' ')).join('\n  ')}`).join('\n');
      expect(blocking, `${url}\n${report}`).toEqual([]);
    }
  });

  test('my tasks and the outbox read in English too', async ({ page, signIn, snap }) => {
    await signIn('service1');
    await page.goto('/tasks?tab=upcoming');
    await expect(page.getByRole('heading', { name: '我的任务' })).toBeVisible();
    await switchLanguage(page, 'English');
    await expect(page.getByRole('heading', { name: 'My tasks' })).toBeVisible();
    await settle(page);
    const CJK_OUTSIDE_DATA = /[\u3400-\u9fff]/;
    expect(await page.getByRole('menu', { name: 'Main menu' }).textContent()).not.toMatch(CJK_OUTSIDE_DATA);
    expect(await page.getByTestId('task-table').locator('thead').textContent()).not.toMatch(CJK_OUTSIDE_DATA);
    expect(await page.getByRole('tablist').textContent()).not.toMatch(CJK_OUTSIDE_DATA);
    await snap('90-my-tasks-en');
    await page.goto('/messages');
    await expect(page.getByRole('heading', { name: 'Outbox' })).toBeVisible();
    expect(await page.getByTestId('message-table').locator('thead').textContent()).not.toMatch(CJK_OUTSIDE_DATA);
    await snap('91-outbox-en');
    await switchLanguage(page, '简体中文');
  });
});
