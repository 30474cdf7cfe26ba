import { afterAll, describe, expect, it } from 'vitest';
import i18n, { setLang } from '../i18n';
import { setDisplayTimezone } from '../lib/format';
import type { Message, MessageTemplate } from './api';
import { explainMessage, insertAt, senderVariables, templateFamilies, usableTemplates, variablesIn, type TExplainable } from './rules';

const base: TExplainable = {
  status: 'queued',
  suppressionReason: null,
  channel: 'sms',
  purpose: 'marketing',
  nextAttemptAt: '2026-12-01T12:00:00.000Z',
  scheduledAt: '2026-12-01T12:00:00.000Z',
  sentAt: null,
  attempts: 0,
  createdAt: '2026-12-01T12:00:00.000Z',
};
const explain = (m: Partial<Message>, settings?: { marketingCap: number; capWindowDays: number }) => explainMessage(i18n.t, { ...base, ...m }, settings);

describe('explainMessage', () => {
  setDisplayTimezone('Asia/Shanghai');
  afterAll(() => setLang('zh-CN'));

  it('says in Chinese why a message was held back, naming the channel and purpose', async () => {
    await setLang('zh-CN');
    expect(explain({ status: 'suppressed', suppressionReason: 'no_consent' })).toBe('客户未授权通过短信接收营销消息');
    expect(explain({ status: 'suppressed', suppressionReason: 'no_consent', purpose: 'service' })).toBe('客户拒绝通过短信接收服务通知，或与本店尚无服务关系（无车辆、无工单）');
    expect(explain({ status: 'suppressed', suppressionReason: 'unsubscribed', channel: 'email' })).toBe('客户已通过退订链接退订邮件营销消息');
    expect(explain({ status: 'suppressed', suppressionReason: 'no_address', channel: 'wechat' })).toBe('客户未绑定微信，无法发送微信消息');
    expect(explain({ status: 'suppressed', suppressionReason: 'frequency_cap' })).toBe('已达营销消息频次上限');
    expect(explain({ status: 'suppressed', suppressionReason: 'frequency_cap' }, { marketingCap: 2, capWindowDays: 7 })).toBe('已达营销频次上限（7 天内最多 2 条）');
  });

  it('gives the store-time instant a deferred or retried message waits for', async () => {
    await setLang('zh-CN');
    // 00:00 UTC = 08:00 in Shanghai, when the default quiet hours end.
    expect(explain({ status: 'deferred', suppressionReason: 'quiet_hours', nextAttemptAt: '2026-12-02T00:00:00.000Z' })).toBe('免打扰时段，延后至 2026-12-02 08:00 发送');
    expect(explain({ status: 'queued', attempts: 2, nextAttemptAt: '2026-12-01T12:04:00.000Z' })).toBe('第 2 次发送失败，将于 2026-12-01 20:04 重试');
    expect(explain({ status: 'queued', scheduledAt: '2026-12-03T02:00:00.000Z', nextAttemptAt: '2026-12-03T02:00:00.000Z' })).toBe('计划于 2026-12-03 10:00 发送');
    expect(explain({ status: 'queued' })).toBe('等待发送');
    expect(explain({ status: 'sent', sentAt: '2026-12-01T12:00:30.000Z' })).toBe('已于 2026-12-01 20:00 发送');
    expect(explain({ status: 'sent', suppressionReason: 'quiet_hours', sentAt: '2026-12-02T00:00:05.000Z' })).toBe('因免打扰时段延后，已于 2026-12-02 08:00 发送');
    expect(explain({ status: 'failed', attempts: 5 })).toBe('发送失败，已尝试 5 次，可修复后重发');
  });

  it('has an English sentence for every status and reason', async () => {
    await setLang('en-US');
    expect(explain({ status: 'suppressed', suppressionReason: 'no_consent' })).toBe('The customer has not consented to marketing by SMS');
    expect(explain({ status: 'deferred', nextAttemptAt: '2026-12-02T00:00:00.000Z' })).toBe('Quiet hours: deferred until 2026-12-02 08:00');
    for (const reason of ['no_consent', 'frequency_cap', 'unsubscribed', 'no_address'] as const) {
      for (const channel of ['sms', 'wechat', 'email', 'inbox'] as const) {
        for (const purpose of ['service', 'marketing'] as const) {
          expect(explain({ status: 'suppressed', suppressionReason: reason, channel, purpose })).not.toMatch(/[\u3400-\u9fff]|messaging\./);
        }
      }
    }
  });
});

describe('template text helpers', () => {
  it('inserts a variable at the caret, replacing a selection, or at the end', () => {
    expect(insertAt('您好，', '{{客户姓名}}', 0, 0)).toEqual({ text: '{{客户姓名}}您好，', caret: 8 });
    expect(insertAt('您的爱车XX到期', '{{车牌}}', 4, 6)).toEqual({ text: '您的爱车{{车牌}}到期', caret: 10 });
    expect(insertAt('到期：', '{{到期日期}}', null, null)).toEqual({ text: '到期：{{到期日期}}', caret: 11 });
  });

  it('lists the variables a text uses and asks the sender only for those the server cannot fill', () => {
    expect(variablesIn('{{客户姓名}}，{{ 车牌 }}将于{{到期日期}}到期', '{{客户姓名}}')).toEqual(['客户姓名', '车牌', '到期日期']);
    expect(senderVariables(['客户姓名', '车牌', '到期日期', '积分'], [])).toEqual(['到期日期', '积分']);
    // The preview found no plate (a customer without a car): ask for it too, but not once the text drops it.
    expect(senderVariables(['客户姓名', '车牌'], ['车牌'])).toEqual(['车牌']);
    expect(senderVariables(['客户姓名'], ['车牌'])).toEqual([]);
  });
});

describe('template lists', () => {
  const tpl = (o: Partial<MessageTemplate>): MessageTemplate => ({
    id: o.id ?? `${o.storeId ?? 'g'}-${o.code}-${o.locale ?? 'zh-CN'}`,
    storeId: null,
    code: 'care',
    name: '关怀',
    channel: 'sms',
    purpose: 'service',
    locale: 'zh-CN',
    subject: '',
    body: 'x',
    active: true,
    variables: [],
    createdAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-01T00:00:00.000Z',
    ...o,
  });

  it('offers a store its own version instead of the group template it overrides', () => {
    const group = tpl({ code: 'care' });
    const groupEn = tpl({ code: 'care', locale: 'en-US' });
    const own = tpl({ code: 'care', storeId: 's1' });
    const other = tpl({ code: 'birthday' });
    expect(usableTemplates([group, groupEn, own, other]).map((x) => x.id)).toEqual([groupEn.id, own.id, other.id]);
  });

  it('groups language versions into one row per code, channel and scope, Chinese first, group before stores', () => {
    const rows = templateFamilies([
      tpl({ code: 'care', storeId: 's1', updatedAt: '2026-12-03T00:00:00.000Z' }),
      tpl({ code: 'care', locale: 'en-US', updatedAt: '2026-12-02T00:00:00.000Z' }),
      tpl({ code: 'care' }),
      tpl({ code: 'birthday', channel: 'wechat' }),
    ]);
    expect(rows.map((f) => [f.code, f.storeId, f.versions.map((v) => v.locale)])).toEqual([
      ['birthday', null, ['zh-CN']],
      ['care', null, ['zh-CN', 'en-US']],
      ['care', 's1', ['zh-CN']],
    ]);
    expect(rows[1]!.updatedAt).toBe('2026-12-02T00:00:00.000Z');
  });
});
