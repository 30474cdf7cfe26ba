import { describe, expect, it } from 'vitest';
import { mappingErrors, normaliseHeader, suggestMapping } from './mapping.js';

describe('normaliseHeader', () => {
  it('folds width, case, spacing, punctuation and a bracketed unit away', () => {
    expect(normaliseHeader('成交价（元）')).toBe('成交价');
    expect(normaliseHeader(' Mobile  Phone ')).toBe('mobilephone');
    expect(normaliseHeader('E-mail')).toBe('email');
    expect(normaliseHeader('ＶＩＮ')).toBe('vin');
    expect(normaliseHeader('*手机号:')).toBe('手机号');
  });
});

describe('suggestMapping', () => {
  it('maps the Chinese headers of a DMS customer export', () => {
    const headers = ['序号', '客户姓名', '手机号码', '性别', '出生日期', '所在城市', '电子邮箱', '身份证号', '职业', '客户来源'];
    const { mapping, savedMappingName } = suggestMapping('customers', headers);
    expect(savedMappingName).toBeNull();
    expect(mapping).toEqual({
      name: '客户姓名',
      mobile: '手机号码',
      gender: '性别',
      birthday: '出生日期',
      city: '所在城市',
      email: '电子邮箱',
      idNumber: '身份证号',
      occupation: '职业',
      sourceChannel: '客户来源',
    });
  });

  it('maps English headers', () => {
    const { mapping } = suggestMapping('customers', ['Name', 'Mobile Phone', 'Gender', 'Date of birth', 'City', 'E-mail', 'ID Number']);
    expect(mapping).toEqual({ name: 'Name', mobile: 'Mobile Phone', gender: 'Gender', birthday: 'Date of birth', city: 'City', email: 'E-mail', idNumber: 'ID Number' });
  });

  it('maps repair-order headers, including units and headers that contain a synonym', () => {
    const headers = ['维修工单号', 'VIN码', '车牌', '车主姓名', '联系电话', '工单类型', '开单日期', '出厂日期', '进厂里程(km)', '工时费(元)', '配件费(元)', '总金额', '服务顾问', '故障代码'];
    const { mapping } = suggestMapping('repair_orders', headers);
    expect(mapping).toEqual({
      roNo: '维修工单号',
      vin: 'VIN码',
      plate: '车牌',
      customerName: '车主姓名',
      mobile: '联系电话',
      kind: '工单类型',
      openedAt: '开单日期',
      closedAt: '出厂日期',
      mileageKm: '进厂里程(km)',
      labourYuan: '工时费(元)',
      partsYuan: '配件费(元)',
      totalYuan: '总金额',
      advisor: '服务顾问',
      faultCodes: '故障代码',
    });
    // 客户手机号 is not a synonym but contains one.
    expect(suggestMapping('repair_orders', ['RO No', 'Chassis No', '客户手机号', 'Open Date']).mapping).toEqual({
      roNo: 'RO No',
      vin: 'Chassis No',
      mobile: '客户手机号',
      openedAt: 'Open Date',
    });
  });

  it('uses one column for one field only', () => {
    const { mapping } = suggestMapping('vehicles', ['车架号', '手机号', '车主手机号']);
    expect(mapping.ownerMobile).toBe('车主手机号');
    expect(Object.values(mapping).filter((h) => h === '车主手机号')).toHaveLength(1);
  });

  it('maps sales-order headers with the price in yuan', () => {
    const { mapping } = suggestMapping('sales_orders', ['订单编号', '客户姓名', '手机', '车架号', '车型', '价格(元)', '订车日期', '交车日期', '销售顾问']);
    expect(mapping).toMatchObject({ orderNo: '订单编号', mobile: '手机', priceYuan: '价格(元)', orderedAt: '订车日期', deliveredAt: '交车日期', consultant: '销售顾问', model: '车型' });
  });

  it('prefers a saved mapping whose columns all exist in the file', () => {
    const headers = ['客户', '电话号码', '备注'];
    const saved: { name: string; mapping: Record<string, string> }[] = [
      { name: 'DMS-A', mapping: { name: '姓名', mobile: '手机号' } }, // columns missing from this file
      { name: 'DMS-B', mapping: { name: '客户', mobile: '电话号码', bogus: '备注' } },
    ];
    expect(suggestMapping('customers', headers, saved)).toEqual({ mapping: { name: '客户', mobile: '电话号码' }, savedMappingName: 'DMS-B' });
    expect(suggestMapping('customers', ['姓名', '手机号'], saved).savedMappingName).toBe('DMS-A');
  });
});

describe('mappingErrors', () => {
  it('names missing required fields, unknown fields and columns not in the file', () => {
    const errors = mappingErrors('customers', { name: '姓名', age: '年龄', city: '城市' }, ['姓名', '年龄']);
    expect(errors.map((e) => e.path).sort()).toEqual(['mapping.age', 'mapping.city', 'mapping.mobile']);
    expect(errors.find((e) => e.path === 'mapping.mobile')!.message).toContain('手机号');
  });

  it('requires a VIN or a plate column for repair orders', () => {
    expect(mappingErrors('repair_orders', { roNo: 'a', openedAt: 'b' }, ['a', 'b']).map((e) => e.path)).toEqual(['mapping.vin']);
    expect(mappingErrors('repair_orders', { roNo: 'a', openedAt: 'b', plate: 'c' }, ['a', 'b', 'c'])).toEqual([]);
  });
});
