import { and, eq } from 'drizzle-orm';
import { completeVin } from '../../contracts/validators.js';
import type { TDbOrTx } from '../db/index.js';
import { newId } from '../db/columns.js';
import { customerConsents, customers } from '../modules/customers/schema.js';
import { messages } from '../modules/messaging/schema.js';
import { staff, stores } from '../modules/org/schema.js';
import { salesOrderMilestones, salesOrders } from '../modules/sales/schema.js';
import { appointments } from '../modules/service/appointments/schema.js';
import { repairOrders, repairOrderStages, type TRoItem } from '../modules/service/schema.js';
import { vehicleModels, vehicles } from '../modules/vehicles/schema.js';

/** The demo owner the README tells people to sign in to the portal with (a 170 number: the generator never makes one). */
export const DEMO_OWNER_MOBILE = '+8617012345678';
export const DEMO_OWNER_NAME = '林晓峰';

const MIN = 60_000;
const DAY = 86_400_000;
const ymd = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/**
 * One owner of the flagship store with everything the portal shows, relative to `asOf`: an SUV in the workshop right
 * now (at 维修, with notes and parts), a second car with a booked service the day after tomorrow, a new car on its way
 * (at 运输), two past services, consents and two inbox messages. Idempotent: does nothing when the number exists.
 */
export async function seedPortalDemoOwner(db: TDbOrTx, opts: { asOf: Date }): Promise<string | null> {
  const now = opts.asOf;
  const [exists] = await db.select({ id: customers.id }).from(customers).where(eq(customers.mobile, DEMO_OWNER_MOBILE));
  if (exists) return null;
  const [store] = await db.select().from(stores).where(eq(stores.code, 'BJ-LH'));
  if (!store) return null;
  const [advisor] = await db.select().from(staff).where(eq(staff.username, 'service1'));
  const [consultant] = await db.select().from(staff).where(eq(staff.username, 'sales1'));
  const model = async (series: string, name: string) => (await db.select().from(vehicleModels).where(and(eq(vehicleModels.series, series), eq(vehicleModels.name, name))))[0];
  const l7 = await model('L7', '双擎混动 尊享版');
  const s3 = await model('S3', '1.5L CVT 精英版');
  const e5 = await model('E5', '长续航智驾版');

  const customerId = newId();
  await db.insert(customers).values({
    id: customerId,
    storeId: store.id,
    name: DEMO_OWNER_NAME,
    gender: 'male',
    birthday: '1986-04-12',
    mobile: DEMO_OWNER_MOBILE,
    city: '北京',
    occupation: '工程师',
    householdNotes: '二孩家庭，周末常带孩子出游',
    sourceChannel: 'referral',
    salesConsultantId: consultant?.id ?? null,
    serviceAdvisorId: advisor?.id ?? null,
    createdAt: new Date(now.getTime() - 900 * DAY),
  });
  for (const [channel, purpose, granted] of [
    ['sms', 'service', true],
    ['sms', 'marketing', true],
    ['wechat', 'marketing', false],
  ] as const) {
    await db.insert(customerConsents).values({ customerId, storeId: store.id, channel, purpose, granted, source: 'contract', recordedAt: new Date(now.getTime() - 800 * DAY) });
  }

  const suvId = newId();
  const sedanId = newId();
  const newCarId = newId();
  await db.insert(vehicles).values([
    {
      id: suvId,
      customerId,
      storeId: store.id,
      vin: completeVin('LSLA7H4E', 'RY000001'),
      plate: '京N·D8826',
      modelId: l7?.id ?? null,
      color: '星云灰',
      purchaseDate: ymd(new Date(now.getTime() - 560 * DAY)),
      deliveryDate: ymd(new Date(now.getTime() - 555 * DAY)),
      lastMileageKm: 21_360,
      lastMileageAt: ymd(now),
      insuranceExpiry: ymd(new Date(now.getTime() + 170 * DAY)),
      warrantyEnd: ymd(new Date(now.getTime() + 540 * DAY)),
    },
    {
      id: sedanId,
      customerId,
      storeId: store.id,
      vin: completeVin('LSLB3C1A', 'PY000002'),
      plate: '京Q·7K315',
      modelId: s3?.id ?? null,
      color: '珍珠白',
      purchaseDate: ymd(new Date(now.getTime() - 1500 * DAY)),
      deliveryDate: ymd(new Date(now.getTime() - 1498 * DAY)),
      lastMileageKm: 68_900,
      lastMileageAt: ymd(new Date(now.getTime() - 150 * DAY)),
      insuranceExpiry: ymd(new Date(now.getTime() + 40 * DAY)),
      warrantyEnd: ymd(new Date(now.getTime() - 400 * DAY)),
    },
    { id: newCarId, customerId, storeId: store.id, vin: completeVin('LGJE5B2K', 'SY000003'), plate: null, modelId: e5?.id ?? null, color: '冰川蓝' },
  ]);

  // Past services of the SUV, and today's visit in the workshop.
  const ro = async (o: { no: string; kind: 'first_service' | 'maintenance' | 'repair'; opened: Date; closed: Date | null; km: number; items: TRoItem[]; stages: [typeof repairOrderStages.$inferInsert.stage, Date, string][]; note?: string }) => {
    const id = newId();
    const labour = o.items.filter((i) => i.kind === 'labour').reduce((a, i) => a + i.amountFen, 0);
    const parts = o.items.filter((i) => i.kind === 'part').reduce((a, i) => a + i.amountFen, 0);
    const stage = o.stages.at(-1)![0];
    await db.insert(repairOrders).values({
      id,
      roNo: o.no,
      customerId,
      storeId: store.id,
      vehicleId: suvId,
      advisorId: advisor?.id ?? null,
      kind: o.kind,
      mileageKm: o.km,
      labourFen: labour,
      partsFen: parts,
      items: o.items,
      stage,
      openedAt: o.opened,
      closedAt: o.closed,
      note: o.note ?? '',
    });
    await db.insert(repairOrderStages).values(o.stages.map(([s, at, note]) => ({ roId: id, customerId, storeId: store.id, stage: s, at, note, staffId: advisor?.id ?? null })));
    return id;
  };
  const first = new Date(now.getTime() - 470 * DAY);
  await ro({
    no: 'RO-BJLH-DEMO-0001',
    kind: 'first_service',
    opened: first,
    closed: new Date(first.getTime() + 150 * MIN),
    km: 5_020,
    items: [
      { name: '首保工时', kind: 'labour', quantity: 1, amountFen: 0 },
      { name: '机油 0W-20', kind: 'part', quantity: 4, amountFen: 0 },
    ],
    stages: [
      ['received', first, ''],
      ['repair', new Date(first.getTime() + 30 * MIN), ''],
      ['delivered', new Date(first.getTime() + 150 * MIN), '首保免费'],
    ],
  });
  const second = new Date(now.getTime() - 180 * DAY);
  await ro({
    no: 'RO-BJLH-DEMO-0002',
    kind: 'maintenance',
    opened: second,
    closed: new Date(second.getTime() + 180 * MIN),
    km: 14_880,
    items: [
      { name: '保养工时', kind: 'labour', quantity: 1, amountFen: 28_000 },
      { name: '机油 0W-20', kind: 'part', quantity: 4, amountFen: 36_000 },
      { name: '机油滤清器', kind: 'part', quantity: 1, amountFen: 6_800 },
    ],
    stages: [
      ['received', second, ''],
      ['qc', new Date(second.getTime() + 120 * MIN), ''],
      ['delivered', new Date(second.getTime() + 180 * MIN), ''],
    ],
  });
  await ro({
    no: 'RO-BJLH-DEMO-0003',
    kind: 'maintenance',
    opened: new Date(now.getTime() - 100 * MIN),
    closed: null,
    km: 21_360,
    note: '客户在休息区等候',
    items: [
      { name: '保养工时', kind: 'labour', quantity: 1, amountFen: 28_000 },
      { name: '机油 0W-20', kind: 'part', quantity: 4, amountFen: 36_000 },
      { name: '机油滤清器', kind: 'part', quantity: 1, amountFen: 6_800 },
      { name: '前刹车片（一套）', kind: 'part', quantity: 1, amountFen: 68_000 },
      { name: '刹车片更换工时', kind: 'labour', quantity: 1.5, amountFen: 18_000 },
    ],
    stages: [
      ['booked', new Date(now.getTime() - 2 * DAY), '车主端预约'],
      ['received', new Date(now.getTime() - 100 * MIN), '外观检查无新增划痕，里程 21,360 km'],
      ['diagnosis', new Date(now.getTime() - 75 * MIN), '前刹车片剩余 3 mm，建议更换；已电话征得车主同意'],
      ['repair', new Date(now.getTime() - 40 * MIN), '正在更换机油、机滤和前刹车片'],
    ],
  });

  // The day after tomorrow, 10:00 store time: the sedan's maintenance.
  const slotDay = ymd(new Date(now.getTime() + 2 * DAY));
  const slotStart = new Date(`${slotDay}T10:00:00+08:00`);
  await db.insert(appointments).values({
    storeId: store.id,
    customerId,
    vehicleId: sedanId,
    kind: 'maintenance',
    slotStart,
    slotEnd: new Date(slotStart.getTime() + 30 * MIN),
    localDate: slotDay,
    note: '保养灯亮了，顺便检查空调',
    source: 'portal',
    advisorId: advisor?.id ?? null,
    createdAt: new Date(now.getTime() - 3 * 3600_000),
  });

  // The new car on its way.
  const orderId = newId();
  const ordered = new Date(now.getTime() - 21 * DAY);
  await db.insert(salesOrders).values({
    id: orderId,
    orderNo: 'SO-BJLH-DEMO-0001',
    customerId,
    storeId: store.id,
    vehicleId: newCarId,
    modelId: e5?.id ?? null,
    consultantId: consultant?.id ?? null,
    priceFen: 215_800_00,
    financeProvider: '领航汽车金融',
    loanAmountFen: 120_000_00,
    loanTermMonths: 36,
    insuranceBundle: true,
    milestone: 'transport',
    orderedAt: ordered,
  });
  await db.insert(salesOrderMilestones).values([
    { orderId, customerId, storeId: store.id, milestone: 'ordered', at: ordered, note: '签订购车合同，已收定金 ¥5,000', staffId: consultant?.id ?? null },
    { orderId, customerId, storeId: store.id, milestone: 'inspection', at: new Date(now.getTime() - 9 * DAY), note: '车辆下线检测完成，外观内饰无异常', staffId: consultant?.id ?? null },
    { orderId, customerId, storeId: store.id, milestone: 'transport', at: new Date(now.getTime() - 2 * DAY), note: '物流在途，预计 3 天内到店', staffId: consultant?.id ?? null },
  ]);

  // Two messages already delivered to the portal inbox.
  const inbox = (subject: string, body: string, at: Date) => ({
    customerId,
    storeId: store.id,
    channel: 'inbox' as const,
    purpose: 'service' as const,
    toAddress: DEMO_OWNER_MOBILE,
    subject,
    body,
    status: 'sent' as const,
    scheduledAt: at,
    sentAt: at,
    attempts: 1,
    provider: 'outbox',
    createdAt: at,
    updatedAt: at,
  });
  await db.insert(messages).values([
    inbox('新车运输中', `林先生您好，您订购的极光 E5 已从工厂发出，预计 3 天内到店，届时顾问会与您约定交车时间。`, new Date(now.getTime() - 2 * DAY)),
    inbox('爱车已到店接车', '您的京N·D8826 已完成接车检查，维修进度会在「爱车」页实时更新。', new Date(now.getTime() - 95 * MIN)),
  ]);
  return customerId;
}
