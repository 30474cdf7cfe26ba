import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { completeVin } from '../../../contracts/validators.js';
import { changedFields, classifySearch, describeTimelineEntry, escapeLike, maskIdNumber, mergeFill } from './rules.js';

describe('classifySearch', () => {
  it('reads 4 digits as the mobile last 4', () => {
    expect(classifySearch(' 5678 ')).toEqual({ kind: 'last4', value: '5678' });
    expect(classifySearch('５６７８')).toEqual({ kind: 'last4', value: '5678' });
  });

  it('reads a full mobile in any format as the E.164 number', () => {
    for (const q of ['13812345678', '138 1234 5678', '+86 138-1234-5678', '0086 13812345678', '１３８１２３４５６７８']) {
      expect(classifySearch(q)).toEqual({ kind: 'mobile', value: '+8613812345678' });
    }
  });

  it('reads a plate with or without the dot as the normalised plate', () => {
    expect(classifySearch('京A·12345')).toEqual({ kind: 'plate', value: '京A·12345' });
    expect(classifySearch('京a12345')).toEqual({ kind: 'plate', value: '京A·12345' });
    expect(classifySearch('粤B D12345')).toEqual({ kind: 'plate', value: '粤B·D12345' });
  });

  it('reads 6–17 letters and digits as a VIN fragment, upper-cased', () => {
    const vin = completeVin('LSVAU233', '22123456');
    expect(classifySearch(vin)).toEqual({ kind: 'vin', value: vin });
    expect(classifySearch('lsvau2')).toEqual({ kind: 'vin', value: 'LSVAU2' });
    expect(classifySearch('22123456a')).toEqual({ kind: 'vin', value: '22123456A' });
  });

  it('falls back to the name, with contains only where a trigram index can serve it', () => {
    expect(classifySearch('张')).toEqual({ kind: 'name', value: '张', contains: false });
    expect(classifySearch('张伟')).toEqual({ kind: 'name', value: '张伟', contains: false });
    expect(classifySearch('Wang')).toEqual({ kind: 'name', value: 'Wang', contains: true });
    expect(classifySearch('Li')).toEqual({ kind: 'name', value: 'Li', contains: false });
    // Letters I, O and Q never occur in a VIN, so this is a name even though it has letters and digits.
    expect(classifySearch('Tom2024')).toMatchObject({ kind: 'name' });
    // Digits only (not 4, not a mobile) have no letter: not a VIN.
    expect(classifySearch('123456')).toMatchObject({ kind: 'name' });
    expect(classifySearch('   ')).toBeNull();
  });
});

describe('escapeLike', () => {
  it('makes LIKE wildcards literal', () => {
    expect(escapeLike('50%_a\\b')).toBe('50\\%\\_a\\\\b');
  });
});

describe('maskIdNumber', () => {
  it('keeps the first 3 and last 4 of a resident ID', () => {
    expect(maskIdNumber('110101199003078515')).toBe('110***********8515');
  });
  it('keeps only the last 2 of a short number, and passes null through', () => {
    expect(maskIdNumber('E1234567')).toBe('******67');
    expect(maskIdNumber(null)).toBeNull();
  });
  it('never shows more than 7 characters of a long number and keeps its length', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9A-Z]{10,30}$/), (id) => {
        const m = maskIdNumber(id)!;
        expect(m).toHaveLength(id.length);
        expect(m.replace(/\*/g, '').length).toBe(7);
      }),
    );
  });
});

describe('changedFields', () => {
  it('lists only the fields whose value changes', () => {
    expect(changedFields({ name: 'a', city: '', email: null }, { name: 'a', city: '北京', email: null, gender: undefined })).toEqual(['city']);
  });
});

describe('mergeFill', () => {
  const base = {
    storeId: 's1',
    gender: 'unknown',
    birthday: null,
    mobile: null,
    idNumber: null,
    wechatOpenid: null,
    wechatUnionid: null,
    email: null,
    city: '',
    occupation: '',
    householdNotes: '',
    sourceChannel: '',
    salesConsultantId: null,
    serviceAdvisorId: null,
  };
  it('fills only what the survivor lacks', () => {
    const fill = mergeFill({ ...base, city: '北京' }, { ...base, city: '天津', gender: 'female', mobile: '+8613800000000', salesConsultantId: 'st1' });
    expect(fill).toEqual({ gender: 'female', mobile: '+8613800000000', salesConsultantId: 'st1' });
  });
  it('does not carry owners across stores', () => {
    expect(mergeFill(base, { ...base, storeId: 's2', salesConsultantId: 'st2' })).toEqual({});
  });
});

describe('describeTimelineEntry', () => {
  it('words each kind for the console', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    expect(describeTimelineEntry({ at, kind: 'sales_order', sub: 'open', label: 'SO-1', note: '', amountFen: 12345600, refId: 'x' })).toMatchObject({ title: '新车订单 / Sales order SO-1', detail: '¥123,456.00' });
    expect(describeTimelineEntry({ at, kind: 'ro_stage', sub: 'qc', label: 'RO-9', note: '', amountFen: null, refId: 'r' }).title).toBe('工单进度 / Workshop: 质检 / QC');
    expect(describeTimelineEntry({ at, kind: 'interaction', sub: 'call', label: '已预约', note: '约周六保养', amountFen: null, refId: 'i' })).toMatchObject({ title: '电话 / Call · 已预约', detail: '约周六保养' });
  });
});
