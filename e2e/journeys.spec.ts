import { call, expect, pick, test } from './fixtures.js';

test.describe('journeys', () => {
  test('a store manager builds a segment, creates a birthday rule with a task, previews, enables and runs it, completes the task and sees it on the timeline', async ({ page, signIn, snap }) => {
    const me = await signIn('manager1');
    const stamp = Date.now() % 1_000_000;
    // Today in the store's time zone: the customer's birthday, so the rule fires today.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const city = `关怀城${stamp}`;
    const name = `寿星${stamp}`;
    const customer = await call<{ id: string }>(page, 'POST', '/customers', { name, mobile: `+86135${String(10_000_000 + stamp).slice(-8)}`, birthday: `1990-${today.slice(5)}`, city });
    // The segment: owners of that city (built through the same API the segment editor saves with).
    const segmentName = `生日关怀测试客群 ${stamp}`;
    await call(page, 'POST', '/segments', { name: segmentName, rule: { op: 'and', children: [{ field: 'customer.city', cmp: 'eq', value: city }] } });

    await page.goto('/journeys');
    await expect(page.getByRole('heading', { name: '全周期关怀规则' })).toBeVisible();
    await expect(page.getByRole('link', { name: '生日关怀' })).toBeVisible();
    await snap('70-journey-rules');
    await page.getByTestId('new-rule').click();
    await expect(page).toHaveURL(/\/journeys\/new$/);

    const ruleName = `生日当天店总致电 ${stamp}`;
    await page.getByTestId('rule-name-zh').fill(ruleName);
    await page.getByText('已保存的客群').click();
    await pick(page, page.getByTestId('audience-segment'), segmentName, { search: true });
    const taskTitle = `生日致电 ${stamp}`;
    await page.getByTestId('action-0-title').fill(taskTitle);
    await pick(page, page.getByTestId('action-0-assignTo'), '角色：店总');
    await page.getByTestId('action-0-dueInDays').fill('2');

    // The draft's preview: exactly our customer, today.
    await expect(page.getByTestId('preview-total')).toHaveText('共 1 位客户', { timeout: 15_000 });
    await expect(page.getByTestId('preview')).toContainText(name);
    await expect(page.getByTestId('preview')).toContainText(today);
    await page.getByTestId('save-rule').click();
    await expect(page).toHaveURL(/\/journeys\/[0-9a-f-]{36}$/);
    await expect(page.getByTestId('preview-total')).toHaveText('共 1 位客户');
    await snap('71-journey-rule-editor');

    await page.getByTestId('rule-enabled').click();
    await expect(page.getByTestId('rule-enabled')).toHaveAttribute('aria-checked', 'true');
    await page.getByTestId('run-rule').click();
    await expect(page.getByTestId('run-progress')).toContainText('运行完成', { timeout: 30_000 });
    // Fired (by this run, or by the incremental run that noticed the new customer first): nothing left to preview.
    await expect(page.getByTestId('preview-total')).toHaveText('共 0 位客户', { timeout: 15_000 });
    await snap('72-journey-rule-ran');

    // The task waits in "my tasks" (upcoming: due in 2 days); complete it as reached.
    await page.goto('/tasks?tab=upcoming');
    const row = page.getByTestId('task-table').locator('tbody tr', { hasText: taskTitle });
    await expect(row).toBeVisible();
    await expect(row).toContainText(name);
    // Its source names the rule (a link to it), not an id.
    await expect(row.getByRole('link', { name: ruleName })).toBeVisible();
    await snap('72a-my-tasks-from-rule');
    await row.getByTestId('task-open').click();
    const drawer = page.getByRole('dialog', { name: '任务详情' });
    await expect(drawer).toContainText(taskTitle);
    await drawer.getByText('已联系', { exact: true }).click();
    await drawer.getByTestId('complete-submit').click();
    await expect(drawer).toContainText('已完成');
    await page.keyboard.press('Escape');

    // The 360 timeline: the firing with its reason, and the task (done, reached).
    await page.goto(`/customers/${customer.id}`);
    const timeline = page.getByTestId('timeline');
    const firing = timeline.getByTestId('timeline-entry').filter({ hasText: ruleName });
    await expect(firing).toBeVisible();
    await expect(firing).toContainText('生日');
    const task = timeline.getByTestId('timeline-entry').filter({ hasText: taskTitle });
    await expect(task).toContainText('已完成');
    await expect(task).toContainText('已联系');
    await firing.scrollIntoViewIfNeeded();
    await snap('73-customer-timeline-journey', { fullPage: true });

    // The run is in the runs list with its report.
    await page.goto('/journeys/runs');
    await expect(page.getByRole('heading', { name: '运行记录' })).toBeVisible();
    await snap('74-journey-runs');
    expect(me.storeId).toBeTruthy();
  });
});
