import { AxeBuilder } from '@axe-core/playwright';
import ExcelJS from 'exceljs';
import type { Locator, Page } from '@playwright/test';
import { expect, pick, settle, switchLanguage, test } from './fixtures.js';

const MASKED_MOBILE = /^\d{3}\*{4}\d{4}$/;

/** POST/PUT/DELETE through the page's session, with the CSRF double-submit header the console sends. */
async function apiCall<T>(page: Page, method: 'POST' | 'PUT' | 'DELETE', url: string, data?: unknown): Promise<{ status: number; body: T }> {
  const csrf = (await page.context().cookies()).find((c) => c.name === 'baoke_csrf')?.value ?? '';
  const res = await page.request.fetch(`/api/v1${url}`, { method, headers: { 'x-csrf-token': csrf }, data });
  return { status: res.status(), body: (await res.json().catch(() => null)) as T };
}

async function previewCount(page: Page, rule: unknown): Promise<{ count: number; sample: { id: string; name: string }[] }> {
  const r = await apiCall<{ count: number; sample: { id: string; name: string }[] }>(page, 'POST', '/segments/preview', { rule });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

const liveCount = (page: Page) => page.getByTestId('live-count-value');
const condition = (scope: Locator | Page, i: number) => scope.getByTestId('rule-condition').nth(i);

test.describe('segments and derived facts', () => {
  test('a store manager builds AND / OR / NOT, watches the live count, saves, reopens and exports it (phones masked)', async ({ page, signIn, snap }) => {
    await signIn('manager1');

    // A tag "已流失" on one customer the rest of the rule selects, so the NOT visibly removes exactly one.
    const stage = { field: 'facts.lifecycle_stage', cmp: 'eq', value: 'replacement' };
    const orGroup = { op: 'or', children: [{ field: 'facts.value_tier', cmp: 'eq', value: 'high_value' }, { field: 'facts.trade_in_score', cmp: 'gte', value: 60 }] };
    const tag = await apiCall<{ id: string; existing?: { id: string } }>(page, 'POST', '/tags', { name: '已流失', color: 'default' });
    expect([201, 409], JSON.stringify(tag.body)).toContain(tag.status);
    const tagId = tag.status === 201 ? tag.body.id : tag.body.existing!.id;
    const onlyStage = await previewCount(page, stage);
    const withOr = await previewCount(page, { op: 'and', children: [stage, orGroup] });
    expect(onlyStage.count, 'the demo store has replacement customers').toBeGreaterThan(withOr.count);
    expect(withOr.count, 'some of them are high value or likely to trade in').toBeGreaterThan(1);
    const lost = withOr.sample[0]!;
    expect((await apiCall(page, 'POST', `/customers/${lost.id}/tags`, { tagId })).status).toBeLessThan(300);
    const full = { op: 'and', children: [stage, orGroup, { op: 'not', children: [{ field: 'tags', cmp: 'in', value: [tagId] }] }] };
    const expected = (await previewCount(page, full)).count;
    expect(expected, 'the NOT takes the tagged customer out').toBeLessThan(withOr.count);

    await page.goto('/segments');
    await expect(page.getByRole('heading', { name: '客群' })).toBeVisible();
    await page.getByTestId('new-segment').click();
    await expect(page).toHaveURL(/\/segments\/new$/);
    const name = `置换季高价值潜客 ${Date.now() % 100000}`;
    await page.getByTestId('segment-name').fill(name);

    // 1. lifecycle = 置换客户
    const builder = page.getByTestId('rule-builder');
    await pick(page, condition(builder, 0).getByTestId('condition-field'), '生命周期阶段', { search: true });
    await pick(page, condition(builder, 0).getByTestId('condition-cmp'), '等于');
    await pick(page, condition(builder, 0).getByTestId('condition-value'), '置换客户');
    await expect(liveCount(page)).toHaveText(onlyStage.count.toLocaleString('en-US'));

    // 2. AND (value tier = 高净值 OR trade-in score ≥ 60)
    await builder.getByTestId('add-group').last().click();
    const group = builder.locator('[data-testid="rule-group"][data-op="or"]');
    await expect(group).toHaveCount(1);
    await pick(page, condition(group, 0).getByTestId('condition-field'), '价值分层', { search: true });
    await pick(page, condition(group, 0).getByTestId('condition-cmp'), '等于');
    await pick(page, condition(group, 0).getByTestId('condition-value'), '高净值');
    await group.getByTestId('add-condition').click();
    await pick(page, condition(group, 1).getByTestId('condition-field'), '置换意向分', { search: true });
    // A condition without its value is marked, and the count waits for it.
    await expect(condition(group, 1)).toContainText('请输入值');
    await expect(page.getByTestId('live-count')).toContainText('完善标红的条件后显示人数');
    await snap('segments-01a-builder-incomplete');
    await condition(group, 1).getByTestId('condition-value').fill('60');
    await expect(liveCount(page)).toHaveText(withOr.count.toLocaleString('en-US'));
    await expect(condition(group, 1)).not.toContainText('请输入值');

    // 3. AND NOT tag 已流失
    await builder.getByTestId('add-not').last().click();
    const not = builder.locator('[data-testid="rule-group"][data-op="not"]');
    await pick(page, condition(not, 0).getByTestId('condition-field'), '客户标签', { search: true });
    await pick(page, condition(not, 0).getByTestId('condition-value'), '已流失', { search: true });
    await expect(liveCount(page)).toHaveText(expected.toLocaleString('en-US'));
    await expect(page.getByTestId('segment-sample').locator('tbody tr.ant-table-row').first()).toBeVisible();
    await expect(page.getByTestId('segment-sample')).not.toContainText(lost.name);
    await snap('segments-01-builder');

    await page.setViewportSize({ width: 1280, height: 900 });
    await snap('segments-02-builder-1280');
    await page.setViewportSize({ width: 1440, height: 900 });

    await page.getByTestId('save-segment').click();
    await expect(page).toHaveURL(/\/segments\/[0-9a-f-]{36}$/);
    const segmentId = page.url().split('/').pop()!;

    // Reopen: the tree, the name and the count come back from the server.
    await page.goto('/segments');
    const row = page.getByTestId('segment-table').locator('tbody tr', { hasText: name });
    await expect(row).toContainText(expected.toLocaleString('en-US'));
    await snap('segments-03-list');
    await row.getByRole('link', { name }).click();
    await expect(page).toHaveURL(new RegExp(`/segments/${segmentId}$`));
    await expect(page.getByTestId('segment-name')).toHaveValue(name);
    await expect(builder.locator('[data-testid="rule-group"][data-op="or"]')).toHaveCount(1);
    await expect(builder.locator('[data-testid="rule-group"][data-op="not"]')).toHaveCount(1);
    await expect(builder.getByTestId('rule-condition')).toHaveCount(4);
    await expect(liveCount(page)).toHaveText(expected.toLocaleString('en-US'));

    // The customers tab pages through all of them.
    await page.getByRole('tab', { name: /客户名单/ }).click();
    const customerRows = page.getByTestId('segment-customers').locator('tbody tr.ant-table-row');
    await expect(customerRows.first()).toBeVisible();
    while (await page.getByRole('button', { name: '加载更多' }).isVisible()) {
      await page.getByRole('button', { name: '加载更多' }).click();
      await settle(page);
    }
    await expect(customerRows).toHaveCount(expected);
    await snap('segments-04-customers');

    // Export: the dialog says phones are masked and the export is audited; the file holds exactly the members.
    await page.getByTestId('export-segment').click();
    const dialog = page.getByTestId('export-confirm');
    await expect(dialog).toContainText('手机号已脱敏');
    await expect(dialog).toContainText('记入审计日志');
    await snap('segments-05-export-confirm');
    const downloadPromise = page.waitForEvent('download');
    await page.getByRole('button', { name: '导出', exact: true }).click();
    const download = await downloadPromise;
    expect(download.suggestedFilename()).toMatch(new RegExp(`^客群-${name}-\\d{4}-\\d{2}-\\d{2}\\.xlsx$`));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile((await download.path())!);
    const ws = wb.worksheets[0]!;
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(expect.arrayContaining(['姓名', '手机', '生命周期', '价值分层', '置换意向分', '置换原因']));
    const col = (title: string) => header.indexOf(title) + 1;
    const rows = Array.from({ length: ws.rowCount - 1 }, (_, i) => ws.getRow(i + 2));
    expect(rows).toHaveLength(expected);
    for (const r of rows) {
      expect(String(r.getCell(col('手机')).value)).toMatch(MASKED_MOBILE);
      expect(r.getCell(col('生命周期')).value).toBe('置换客户');
    }
    expect(rows.map((r) => r.getCell(col('姓名')).value)).not.toContain(lost.name);
    await expect(page.getByText(/已导出 \d+ 位客户/)).toBeVisible();

    const audit = await page.request.get('/api/v1/audit-log', { params: { action: 'segment.export', limit: 5 } });
    const entries = ((await audit.json()) as { items: { entityId: string | null; detail: { count?: number } }[] }).items;
    expect(entries.find((e) => e.entityId === segmentId)?.detail.count).toBe(expected);

    // Save as a copy, then archive the copy: it leaves the list, the original stays.
    await page.getByRole('tab', { name: '条件' }).click();
    await page.getByTestId('save-as').click();
    await expect(page.getByTestId('save-as-name')).toHaveValue(`${name}（副本）`);
    await page.getByRole('dialog').getByRole('button', { name: '保存' }).click();
    await expect(page).not.toHaveURL(new RegExp(`/segments/${segmentId}$`));
    await expect(page.getByTestId('segment-name')).toHaveValue(`${name}（副本）`);
    await expect(liveCount(page)).toHaveText(expected.toLocaleString('en-US'));
    await page.getByRole('button', { name: '归档' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '归档' }).click();
    await expect(page).toHaveURL(/\/segments$/);
    await expect(page.getByTestId('segment-table')).toContainText(name);
    await expect(page.getByTestId('segment-table')).not.toContainText(`${name}（副本）`);
  });

  test('the customer 360 shows the facts card, and the customer list filters by a fact', async ({ page, signIn, snap }) => {
    await signIn('manager1');
    const high = await previewCount(page, { op: 'and', children: [{ field: 'facts.trade_in_score', cmp: 'gte', value: 50 }, { field: 'facts.lifecycle_stage', cmp: 'eq', value: 'replacement' }] });
    expect(high.sample.length).toBeGreaterThan(0);
    const who = high.sample[0]!;
    const facts = (await (await page.request.get(`/api/v1/customers/${who.id}/facts`)).json()) as { tradeInScore: number; tradeInReasons: string[]; lifecycleStageLabel: string };

    await page.goto(`/customers/${who.id}`);
    const card = page.getByTestId('facts-card');
    await expect(card).toBeVisible();
    await expect(card.getByTestId('fact-stage')).toHaveText('置换客户');
    await expect(card.getByTestId('fact-tier')).toBeVisible();
    await expect(card.getByTestId('fact-churn')).toContainText('风险');
    await expect(card.getByTestId('fact-trade-in-score')).toHaveText(String(facts.tradeInScore));
    for (const reason of facts.tradeInReasons) await expect(card.getByTestId('fact-trade-in-reasons')).toContainText(reason);
    await expect(card.getByTestId('fact-next-maintenance')).toBeVisible();
    await expect(card.getByTestId('vehicle-facts')).toBeVisible();
    await snap('segments-06-customer-360-facts');

    await switchLanguage(page, 'English');
    await expect(card).toContainText('Customer insights');
    await expect(card.getByTestId('fact-stage')).toHaveText('Replacement');
    await expect(card).not.toContainText('置换客户');
    await snap('segments-07-customer-360-facts-en');
    await switchLanguage(page, '简体中文');

    // The list filtered by lifecycle stage: every row is a replacement customer, the column appears by itself, and
    // the rows are exactly the segment's members.
    const replacement = await previewCount(page, { field: 'facts.lifecycle_stage', cmp: 'eq', value: 'replacement' });
    await page.goto('/customers');
    await pick(page, page.locator('.ant-select', { has: page.getByLabel('生命周期') }), '置换客户');
    await expect(page).toHaveURL(/lifecycleStage=replacement/);
    const table = page.getByTestId('customer-table');
    await expect(table.locator('thead')).toContainText('生命周期');
    await settle(page);
    while (await page.getByRole('button', { name: '加载更多' }).isVisible()) {
      await page.getByRole('button', { name: '加载更多' }).click();
      await settle(page);
    }
    const rows = table.locator('tbody tr.ant-table-row');
    await expect(rows).toHaveCount(replacement.count);
    await expect(rows.getByTestId('fact-stage').filter({ hasNotText: '置换客户' })).toHaveCount(0);
    await snap('segments-08-customer-list-filtered');

    // A second fact narrows it further: trade-in score at least 50.
    await page.getByLabel('置换意向分不低于').fill('50');
    await page.getByLabel('置换意向分不低于').press('Tab');
    await expect(page).toHaveURL(/tradeInScoreMin=50/);
    await settle(page);
    await expect(rows).toHaveCount(Math.min(50, high.count));
    await expect(table.locator('thead')).toContainText('置换意向分');
  });

  test('a store manager opens the insight rules and sees what the store inherits', async ({ page, signIn, snap }) => {
    await signIn('manager1');
    await page.goto('/segments/settings');
    await expect(page.getByRole('heading', { name: '洞察规则设置' })).toBeVisible();
    const field = page.getByLabel('高流失风险：未到店天数达到');
    await expect(field).toHaveValue('365');
    await field.fill('400');
    await expect(page.getByText('修改后在下一次洞察更新时生效')).toBeVisible();
    await page.getByTestId('save-settings').click();
    await expect(page.getByText(/设置已保存/)).toBeVisible();
    await page.reload();
    await expect(page.getByLabel('高流失风险：未到店天数达到')).toHaveValue('400');
    await expect(page.getByText('本级设置')).toHaveCount(1);
    await snap('segments-09-settings');
    // Back to the group's value, so other tests see the defaults.
    await page.getByRole('button', { name: '恢复沿用' }).click();
    await page.getByTestId('save-settings').click();
    await expect(page.getByText(/设置已保存/)).toBeVisible();
  });

  test('the segment editor and the insights card have no serious or critical accessibility violations', async ({ page, signIn }) => {
    await signIn('marketing1');
    const saved = await apiCall<{ id: string }>(page, 'POST', '/segments', {
      name: `无障碍检查 ${Date.now() % 100000}`,
      rule: {
        op: 'and',
        children: [
          { field: 'facts.last_visit', cmp: 'within', value: { relative: { direction: 'past', amount: 6, unit: 'month' } } },
          { field: 'customer.birthday', cmp: 'lt', value: { relative: { direction: 'past', amount: 30, unit: 'year' } } },
          { op: 'or', children: [{ field: 'ro.count', cmp: 'gte', value: 2, period: { relative: { direction: 'past', amount: 90, unit: 'day' } } }, { field: 'facts.spend_12m', cmp: 'between', value: [100000, 2000000] }] },
          { op: 'not', children: [{ field: 'consent.sms_marketing', cmp: 'eq', value: false }] },
        ],
      },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    const check = async () => {
      await settle(page);
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      const report = blocking.map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.slice(0, 8).map((n) => `${n.target.join(' ')} — ${n.failureSummary ?? ''}`).join('\n  ')}`).join('\n');
      expect(blocking.map((v) => v.id), report).toEqual([]);
    };
    await page.goto(`/segments/${saved.body.id}`);
    await expect(page.getByTestId('rule-condition')).toHaveCount(5);
    await expect(liveCount(page)).toBeVisible();
    await check();
    const sample = await previewCount(page, { field: 'facts.vehicle_count', cmp: 'gte', value: 1 });
    await page.goto(`/customers/${sample.sample[0]!.id}`);
    await expect(page.getByTestId('facts-card').getByTestId('vehicle-facts')).toBeVisible();
    await check();
  });
});
