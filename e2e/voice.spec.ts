import { call, expect, newSignInCode, settle, signInCodesSeen, test } from './fixtures.js';

/**
 * The voice of the owner, end to end: a survey link answered on a phone by a detractor opens a complaint, which the
 * CX officer acknowledges, resolves, reports back and revisits until it closes; the NPS report shows the answer.
 */

test('a detractor’s answer → complaint → acknowledged → resolved → revisit → closed, with the NPS report updated', async ({ page, signIn, snap, browser }) => {
  await signIn('cx1');
  const { items } = await call<{ items: { id: string; name: string }[] }>(page, 'GET', '/customers?limit=50');
  const customer = items[7]!;
  const templates = await call<{ id: string; code: string | null }[]>(page, 'GET', '/survey-templates');
  const tpl = templates.find((t) => t.code === 'default_service')!;
  const inv = await call<{ link: string }>(page, 'POST', '/survey-invitations', { customerId: customer.id, templateId: tpl.id });
  const path = new URL(inv.link).pathname;

  // The owner, on a phone, no login.
  const phone = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'zh-CN', baseURL: new URL(page.url() === 'about:blank' ? inv.link : page.url()).origin });
  const owner = await phone.newPage();
  await owner.goto(path);
  await expect(owner.getByRole('heading', { name: '维修保养满意度（次日）' })).toBeVisible();
  await owner.getByTestId('q-nps').getByRole('radio', { name: '3', exact: true }).click();
  await owner.getByTestId('q-csat').getByRole('radio', { name: '2', exact: true }).click();
  await owner.getByTestId('q-low_reason').getByText('等待时间').click();
  const comment = `等了一上午没人理 ${Date.now() % 10000}`;
  await owner.getByTestId('q-comment').locator('textarea').fill(comment);
  await owner.waitForTimeout(300);
  await owner.screenshot({ path: 'test-results/screens/voice-survey-375.png', fullPage: true });
  await owner.getByTestId('survey-submit').click();
  await expect(owner.getByText('提交成功')).toBeVisible();
  await owner.goto(path);
  await expect(owner.getByText('您已提交过本问卷')).toBeVisible();
  await phone.close();

  // The complaint it opened, on the clock.
  await page.goto('/complaints');
  await page.getByPlaceholder('搜索单号、标题或客户').fill(customer.name);
  await page.getByPlaceholder('搜索单号、标题或客户').press('Enter');
  const row = page.getByTestId('complaint-table').getByRole('row').filter({ hasText: '满意度调查贬损者' }).first();
  await expect(row).toBeVisible();
  await expect(row.getByTestId('next-due')).toContainText('响应');
  await snap('voice-complaints');
  await row.getByRole('link').first().click();
  await expect(page.getByTestId('clock-acknowledge')).toBeVisible();
  await expect(page.getByText('等待时间').first()).toBeVisible();
  await snap('voice-complaint-detail', { fullPage: true });

  const step = async (action: string, fill?: () => Promise<void>) => {
    await page.getByTestId(`action-${action}`).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toBeVisible();
    await fill?.();
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    await expect(dialog).toBeHidden();
    await settle(page);
  };
  await step('acknowledge', () => page.getByRole('dialog').getByLabel('备注').fill('已致电客户致歉'));
  await expect(page.getByText('已响应').first()).toBeVisible();
  await step('resolve', async () => {
    await page.getByRole('dialog').getByLabel('根因').fill('快保工位不足');
    await page.getByRole('dialog').getByLabel('处理结果').fill('增开快保工位，赠送一次免费洗车');
  });
  await step('feedback');
  await step('revisit', () => page.getByRole('dialog').getByLabel('备注').fill('客户表示满意'));
  await expect(page.getByText('已关闭').first()).toBeVisible();
  await expect(page.getByTestId('complaint-timeline')).toContainText('回访');
  await snap('voice-complaint-closed', { fullPage: true });

  // The NPS report counts the answer and shows the verbatim.
  await page.goto('/surveys/nps');
  await expect(page.getByTestId('verbatims')).toContainText(comment);
  await expect(page.getByTestId('nps-trend')).toBeVisible();
  await expect(page.getByTestId('nps-response-rate')).toContainText(/回收率 [\d.]+%/);
  await snap('voice-nps', { fullPage: true });

  await page.goto('/complaints/weekly');
  await expect(page.getByTestId('weekly-trend')).toBeVisible();
  await snap('voice-weekly', { fullPage: true });

  await page.goto('/complaints/settings');
  await expect(page.getByTestId('routing-rules')).toContainText('费用争议');
  await snap('voice-settings');
  await page.goto('/surveys/templates');
  await expect(page.getByTestId('survey-templates')).toContainText('交车满意度');
  await page.getByRole('button', { name: '新建问卷' }).click();
  await expect(page.getByTestId('template-form')).toBeVisible();
  await snap('voice-template-builder');
});

test('the owner raises a complaint in the portal and follows it; staff see it on the clock', async ({ browser, page, signIn }) => {
  await signIn('service1');
  // An owner of its own (other specs sign the demo owner in, and a number may ask for a code once a minute).
  const national = `172${String(Date.now()).slice(-8)}`;
  const ownerId = (await call<{ id: string }>(page, 'POST', '/customers', { name: '投诉车主', mobile: `+86${national}` })).id;
  const phone = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: 'zh-CN', baseURL: new URL(page.url() === 'about:blank' ? 'http://localhost' : page.url()).origin });
  const owner = await phone.newPage();
  const base = test.info().project.use.baseURL!;
  await owner.goto(`${base}/portal/login`);
  await owner.getByLabel('手机号').fill(national);
  const sms = () => call<{ items: { id: string; body: string }[] }>(page, 'GET', `/messages?customerId=${ownerId}&channel=sms`);
  const seen = await signInCodesSeen(sms);
  await owner.getByTestId('get-code').click();
  const code = await newSignInCode(sms, seen);
  await owner.getByLabel('验证码').fill(code);
  await owner.getByRole('button', { name: '登录' }).click();
  await expect(owner.getByTestId('home-greeting')).toBeVisible();
  await owner.goto(`${base}/portal/complaints`);
  await owner.getByTestId('raise-complaint').click();
  await owner.getByText('费用争议').click();
  await owner.getByPlaceholder('例如：结算金额比报价高').fill('结算金额比报价多了300元');
  await owner.getByRole('button', { name: '提交' }).click();
  await expect(owner.getByTestId('complaint-steps')).toContainText('受理');
  await owner.screenshot({ path: 'test-results/screens/voice-portal-complaint-375.png' });
  await owner.goto(`${base}/portal/complaints`);
  await expect(owner.getByText('结算金额比报价多了300元')).toBeVisible();
  await owner.screenshot({ path: 'test-results/screens/voice-portal-list-375.png' });
  await phone.close();

  const list = await call<{ items: { title: string; channel: string; assignee: { displayName: string } | null }[] }>(page, 'GET', `/complaints?customerId=${ownerId}`);
  expect(list.items[0]).toMatchObject({ title: '结算金额比报价多了300元', channel: 'portal' });
});
