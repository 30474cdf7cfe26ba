/**
 * Chinese text data for the demo generator: names, places, occupations, channels, and the wording staff would
 * actually type into a DMS (interaction notes, repair jobs, milestone notes). Weights are relative frequencies; the
 * generator expands them into lookup arrays, so only their ratios matter.
 */

export type Weighted<T> = readonly (readonly [T, number])[];

/**
 * Surnames with their approximate share of the mainland population in per-mille (after the 2020 census ranking:
 * 王 李 张 刘 陈 cover about 30% of people). The long tail is cut at ~1‰ and a few compound surnames are kept so
 * that search by name meets them.
 */
export const SURNAMES: Weighted<string> = [
  ['王', 72], ['李', 71], ['张', 68], ['刘', 54], ['陈', 46], ['杨', 31], ['黄', 22], ['赵', 21], ['吴', 20], ['周', 19],
  ['徐', 15], ['孙', 15], ['马', 13], ['朱', 13], ['胡', 12], ['郭', 12], ['何', 12], ['高', 11], ['林', 11], ['罗', 9],
  ['郑', 9], ['梁', 8], ['谢', 7], ['宋', 6], ['唐', 6], ['许', 6], ['韩', 6], ['冯', 5], ['邓', 5], ['曹', 5],
  ['彭', 5], ['曾', 5], ['肖', 4], ['田', 4], ['董', 4], ['袁', 4], ['潘', 4], ['于', 4], ['蒋', 4], ['蔡', 4],
  ['余', 3], ['杜', 3], ['叶', 3], ['程', 3], ['苏', 3], ['魏', 3], ['吕', 3], ['丁', 3], ['任', 3], ['沈', 3],
  ['姚', 2], ['卢', 2], ['姜', 2], ['崔', 2], ['钟', 2], ['谭', 2], ['陆', 2], ['汪', 2], ['范', 2], ['金', 2],
  ['石', 2], ['廖', 2], ['贾', 2], ['夏', 2], ['韦', 2], ['付', 2], ['方', 2], ['白', 2], ['邹', 2], ['孟', 2],
  ['熊', 2], ['秦', 2], ['邱', 2], ['江', 2], ['尹', 2], ['薛', 2], ['闫', 2], ['段', 2], ['雷', 2], ['侯', 1],
  ['龙', 1], ['史', 1], ['陶', 1], ['黎', 1], ['贺', 1], ['顾', 1], ['毛', 1], ['郝', 1], ['龚', 1], ['邵', 1],
  ['万', 1], ['钱', 1], ['严', 1], ['武', 1], ['戴', 1], ['莫', 1], ['孔', 1], ['向', 1], ['汤', 1], ['常', 1],
  ['欧阳', 0.3], ['司马', 0.1], ['诸葛', 0.1], ['上官', 0.1],
];

/** Given names by gender and generation: people born before ~1980 carry different names from those born after. */
export const GIVEN_NAMES = {
  maleClassic: [
    '建国', '建华', '志强', '国强', '海涛', '永刚', '卫东', '德明', '文军', '伟', '强', '军', '勇', '斌', '刚', '平',
    '辉', '华', '明', '林', '峰', '波', '海峰', '晓东', '红军', '立新', '振华', '建军', '长青', '宝林', '国庆',
    '学文', '志刚', '金龙', '永明', '俊峰', '东升', '春生', '庆华', '玉龙',
  ],
  maleModern: [
    '子轩', '浩然', '宇航', '博文', '俊杰', '梓豪', '一鸣', '皓轩', '晨阳', '思远', '天宇', '嘉豪', '明轩', '睿',
    '泽宇', '航', '昊', '涛', '鹏', '磊', '杰', '宇', '凯', '帆', '鑫', '超', '浩', '亮', '晨', '旭', '阳', '毅',
    '子健', '文博', '锦程', '逸飞', '家乐', '哲', '楠', '启航',
  ],
  femaleClassic: [
    '秀英', '桂英', '玉兰', '淑珍', '丽华', '红梅', '海燕', '晓燕', '秀兰', '凤英', '芳', '娜', '敏', '静', '丽',
    '艳', '娟', '霞', '玲', '萍', '红', '燕', '慧', '洁', '莉', '丽娟', '春梅', '美玲', '建红', '文静', '淑芬',
    '翠花', '玉梅', '雪梅', '桂兰', '丽萍', '秀珍', '彩霞', '金凤', '亚萍',
  ],
  femaleModern: [
    '欣怡', '梓涵', '诗涵', '雨萱', '佳怡', '思琪', '若曦', '可馨', '梦瑶', '雅婷', '婧', '璐', '雪', '琳', '悦',
    '颖', '丹', '倩', '晨曦', '静怡', '婷婷', '佳琪', '晓彤', '一诺', '语嫣', '紫萱', '欣然', '子涵', '梦琪', '雨桐',
    '芮', '萌', '瑶', '楠楠', '思雨', '心怡', '佳欣', '嘉怡', '舒婷', '妍',
  ],
} as const;

/** Where a store's owners live: districts around the store (most) and the commuter towns beyond. */
export const CITIES_BY_STORE_CITY: Record<string, Weighted<string>> = {
  北京: [
    ['北京市朝阳区', 22], ['北京市海淀区', 12], ['北京市丰台区', 10], ['北京市大兴区', 12], ['北京市通州区', 10],
    ['北京市昌平区', 8], ['北京市顺义区', 7], ['北京市东城区', 4], ['北京市西城区', 4], ['北京市房山区', 4],
    ['北京市石景山区', 3], ['北京市门头沟区', 1], ['河北省廊坊市', 2], ['河北省三河市', 1],
  ],
  天津: [
    ['天津市河西区', 18], ['天津市南开区', 14], ['天津市和平区', 8], ['天津市河东区', 10], ['天津市河北区', 8],
    ['天津市红桥区', 5], ['天津市西青区', 10], ['天津市津南区', 8], ['天津市东丽区', 6], ['天津市北辰区', 6],
    ['天津市滨海新区', 5], ['河北省沧州市', 1], ['河北省廊坊市', 1],
  ],
};

/** Plate prefixes by store city: province abbreviation and the issuing-authority letters used there (no I/O). */
export const PLATE_REGIONS: Record<string, { province: string; authorities: string }> = {
  北京: { province: '京', authorities: 'ABCEFGHJKLMNPQ' },
  天津: { province: '津', authorities: 'ABCDEFGHJKLMNQR' },
};

/** Region codes (first 6 digits of a resident ID) by city, for generated ID numbers. */
export const ID_REGION_CODES: Record<string, readonly string[]> = {
  北京: ['110101', '110102', '110105', '110106', '110108', '110111', '110112', '110113', '110114', '110115'],
  天津: ['120101', '120102', '120103', '120104', '120105', '120110', '120111', '120112', '120113', '120116'],
};

export const OCCUPATIONS: Weighted<string> = [
  ['企业职员', 22], ['工程师', 9], ['个体经营', 9], ['企业主', 6], ['公务员', 5], ['教师', 5], ['医生', 3],
  ['护士', 2], ['程序员', 6], ['销售经理', 5], ['金融从业者', 4], ['律师', 2], ['会计', 3], ['设计师', 3],
  ['自由职业', 4], ['网约车司机', 2], ['物流从业者', 2], ['房地产经纪人', 2], ['科研人员', 2], ['新媒体运营', 2],
];

/** Source channels as staff record them; the shares follow the seeds (walk-in first, referral strong). */
export const SOURCE_CHANNELS: Weighted<string> = [
  ['到店', 33], ['汽车之家', 15], ['懂车帝', 15], ['抖音', 12], ['转介绍', 13], ['官网', 6], ['车展', 6],
];

export const HOUSEHOLD_NOTES: readonly string[] = [
  '已婚，一个孩子上小学',
  '已婚，两个孩子（8 岁、5 岁），周末常全家出行',
  '家有老人，周末常带父母出行',
  '孩子刚上幼儿园，接送为主',
  '单身，喜欢周末自驾',
  '夫妻二人，计划明年要孩子',
  '三代同堂，关注后排空间',
  '孩子在外地上大学，寒暑假接送',
  '养了一只金毛，出行带宠物',
  '爱人也在本店购车',
  '住得离门店较远，希望上门取送车',
  '公司用车兼家用',
];

export const VEHICLE_COLORS: Weighted<string> = [
  ['珍珠白', 30], ['曜石黑', 25], ['星河银', 14], ['深空灰', 12], ['海洋蓝', 8], ['中国红', 5], ['翡翠绿', 3], ['香槟金', 3],
];

/** Mobile prefixes of the three carriers (China Mobile, Unicom, Telecom), most common first. */
export const MOBILE_PREFIXES: readonly string[] = [
  '134', '135', '136', '137', '138', '139', '147', '150', '151', '152', '157', '158', '159', '178', '182', '183',
  '184', '187', '188', '198', '130', '131', '132', '155', '156', '166', '175', '176', '185', '186', '133', '153',
  '173', '177', '180', '181', '189', '191', '199',
];

export const FINANCE_PROVIDERS: readonly string[] = ['品牌汽车金融', '平安银行', '招商银行', '中国建设银行', '工商银行信用卡分期'];

export interface TagSpec {
  name: string;
  color: string;
}
/** Manual tags the demo's staff have attached (the "需求标签库" of the seeds). */
export const DEMO_TAGS: readonly TagSpec[] = [
  { name: '关注智能驾驶', color: 'blue' },
  { name: '宝妈', color: 'magenta' },
  { name: '商务人士', color: 'gold' },
  { name: '自驾游爱好者', color: 'green' },
  { name: '二胎家庭', color: 'purple' },
  { name: '价格敏感', color: 'orange' },
  { name: '露营爱好者', color: 'cyan' },
  { name: '新能源意向', color: 'lime' },
  { name: '置换意向', color: 'volcano' },
  { name: '车友会成员', color: 'geekblue' },
  { name: '推荐达人', color: 'red' },
  { name: '夜间用车多', color: 'default' },
];

/** Interaction templates: who does it (`sales`, `service`, `cx`), for owners or prospects, weighted. */
export interface InteractionTemplate {
  kind: 'call' | 'visit' | 'wechat' | 'sms' | 'note';
  direction: 'inbound' | 'outbound';
  who: 'sales' | 'service' | 'cx';
  forOwner: boolean;
  outcome: string;
  summary: string;
  weight: number;
}
export const INTERACTION_TEMPLATES: readonly InteractionTemplate[] = [
  { kind: 'call', direction: 'outbound', who: 'service', forOwner: true, outcome: '已预约', summary: '保养到期提醒，客户表示本周六上午到店', weight: 10 },
  { kind: 'call', direction: 'outbound', who: 'service', forOwner: true, outcome: '未接通', summary: '保养提醒电话未接通，已发短信', weight: 6 },
  { kind: 'call', direction: 'outbound', who: 'cx', forOwner: true, outcome: '满意', summary: '交车后回访，客户对交车流程满意，顺便介绍了首保时间', weight: 5 },
  { kind: 'call', direction: 'outbound', who: 'cx', forOwner: true, outcome: '满意', summary: '维修后回访，问题已解决，客户满意', weight: 6 },
  { kind: 'call', direction: 'outbound', who: 'service', forOwner: true, outcome: '需再次跟进', summary: '续保提醒，客户在比价，下周再联系', weight: 5 },
  { kind: 'call', direction: 'outbound', who: 'service', forOwner: true, outcome: '已成交', summary: '续保报价已确认，客户选择在本店续保', weight: 3 },
  { kind: 'call', direction: 'outbound', who: 'sales', forOwner: true, outcome: '有意向', summary: '介绍置换补贴政策，客户表示年底考虑换车', weight: 3 },
  { kind: 'call', direction: 'inbound', who: 'service', forOwner: true, outcome: '已解答', summary: '客户来电咨询胎压报警，指导复位后正常', weight: 3 },
  { kind: 'call', direction: 'outbound', who: 'cx', forOwner: true, outcome: '已接通', summary: '生日关怀电话，告知保养券已发放到小程序', weight: 3 },
  { kind: 'wechat', direction: 'outbound', who: 'service', forOwner: true, outcome: '已读', summary: '微信发送首保提醒和免费玻璃水券', weight: 5 },
  { kind: 'wechat', direction: 'inbound', who: 'service', forOwner: true, outcome: '已解答', summary: '客户微信咨询车机升级，已发送升级说明', weight: 4 },
  { kind: 'wechat', direction: 'outbound', who: 'sales', forOwner: true, outcome: '已报名', summary: '邀请参加周末车主亲子活动，客户已报名', weight: 3 },
  { kind: 'wechat', direction: 'inbound', who: 'sales', forOwner: true, outcome: '已推荐', summary: '客户推荐同事来店看车，已登记转介绍', weight: 2 },
  { kind: 'visit', direction: 'inbound', who: 'service', forOwner: true, outcome: '已完成', summary: '到店保养，顺便检查了刹车片余量', weight: 4 },
  { kind: 'visit', direction: 'inbound', who: 'sales', forOwner: true, outcome: '有意向', summary: '陪朋友到店看车，对新款感兴趣', weight: 2 },
  { kind: 'sms', direction: 'outbound', who: 'service', forOwner: true, outcome: '已发送', summary: '年检提醒短信', weight: 3 },
  { kind: 'note', direction: 'outbound', who: 'service', forOwner: true, outcome: '', summary: '客户偏好周末上午到店，不喜欢电话打扰，优先微信联系', weight: 2 },
  { kind: 'note', direction: 'outbound', who: 'cx', forOwner: true, outcome: '', summary: '客户曾反映等待时间长，下次到店优先安排工位', weight: 2 },
  { kind: 'call', direction: 'outbound', who: 'sales', forOwner: false, outcome: '已邀约', summary: '首次电话联系，邀约周末到店试驾', weight: 8 },
  { kind: 'call', direction: 'outbound', who: 'sales', forOwner: false, outcome: '未接通', summary: '跟进电话未接通', weight: 5 },
  { kind: 'visit', direction: 'inbound', who: 'sales', forOwner: false, outcome: '已试驾', summary: '到店试驾，关注空间和油耗，预算 15–20 万', weight: 6 },
  { kind: 'wechat', direction: 'outbound', who: 'sales', forOwner: false, outcome: '已读', summary: '发送车型配置表和本月金融方案', weight: 6 },
  { kind: 'call', direction: 'outbound', who: 'sales', forOwner: false, outcome: '战败', summary: '客户已在竞品品牌下订，原因：价格', weight: 3 },
  { kind: 'note', direction: 'outbound', who: 'sales', forOwner: false, outcome: '', summary: '客户家里有两个孩子，重点推荐七座车型', weight: 2 },
];

/** Behaviour events (kind naming as in the customers contract). */
export const BEHAVIOUR_KINDS: Weighted<string> = [
  ['model.viewed', 50], ['loan.calculated', 18], ['valuation.requested', 12], ['event.registered', 20],
];
export const DEMO_EVENTS: readonly string[] = [
  '周末亲子试驾日', '新车主用车课堂', '春节长途出行免费检测', '雨季空调清洗关爱', '智能驾驶体验营', '车主露营节', '公益植树活动',
];

/** Sales milestone notes, in milestone order. */
export const MILESTONE_NOTES: readonly string[] = [
  '签订购车合同，已收定金',
  '车辆下线检测完成，外观内饰无异常',
  '物流在途，预计 3 天内到店',
  'PDI 检测完成，共检查 98 项',
  '车辆清洁、贴膜完成，已约好交车时间',
  '交车仪式完成，已讲解车辆功能和首保时间',
];

/**
 * Repair jobs: what the workshop did, the symptom the customer described, plausible OBD codes, amounts in yuan
 * (the generator converts to fen), and which powertrains it applies to.
 */
export interface RepairJob {
  name: string;
  part: string;
  symptom: string;
  codes: readonly string[];
  labour: readonly [number, number];
  parts: readonly [number, number];
  powertrains: readonly ('ice' | 'hev' | 'phev' | 'bev')[];
  weight: number;
}
const ALL = ['ice', 'hev', 'phev', 'bev'] as const;
const COMBUSTION = ['ice', 'hev', 'phev'] as const;
const ELECTRIC = ['phev', 'bev'] as const;
export const REPAIR_JOBS: readonly RepairJob[] = [
  { name: '更换前刹车片', part: '前刹车片', symptom: '刹车时有异响', codes: [], labour: [180, 300], parts: [380, 900], powertrains: ALL, weight: 12 },
  { name: '更换蓄电池', part: '12V 蓄电池', symptom: '车辆早上无法启动', codes: ['B1318'], labour: [50, 120], parts: [480, 1200], powertrains: ALL, weight: 9 },
  { name: '更换点火线圈', part: '点火线圈', symptom: '怠速抖动，发动机故障灯亮', codes: ['P0300', 'P0301'], labour: [150, 260], parts: [280, 720], powertrains: COMBUSTION, weight: 7 },
  { name: '更换氧传感器', part: '前氧传感器', symptom: '油耗偏高，故障灯亮', codes: ['P0171', 'P0420'], labour: [180, 300], parts: [450, 1100], powertrains: COMBUSTION, weight: 5 },
  { name: '清洗节气门及喷油嘴', part: '节气门清洗剂', symptom: '冷车启动困难', codes: ['P0171'], labour: [200, 350], parts: [80, 180], powertrains: COMBUSTION, weight: 4 },
  { name: '空调系统检修加氟', part: '冷媒 R134a', symptom: '空调不制冷', codes: [], labour: [150, 300], parts: [150, 600], powertrains: ALL, weight: 8 },
  { name: '四轮定位', part: '', symptom: '方向跑偏', codes: [], labour: [200, 300], parts: [0, 0], powertrains: ALL, weight: 7 },
  { name: '更换轮胎', part: '轮胎', symptom: '轮胎鼓包', codes: [], labour: [60, 120], parts: [700, 2400], powertrains: ALL, weight: 8 },
  { name: '网关模块检修', part: '网关模块', symptom: '仪表报多个系统故障', codes: ['U0100', 'U0121'], labour: [300, 600], parts: [900, 2600], powertrains: ALL, weight: 3 },
  { name: '更换减震器', part: '前减震器', symptom: '过减速带有异响', codes: [], labour: [400, 700], parts: [1200, 3200], powertrains: ALL, weight: 4 },
  { name: '更换轮速传感器', part: '轮速传感器', symptom: 'ABS 故障灯亮', codes: ['C0035'], labour: [150, 250], parts: [300, 700], powertrains: ALL, weight: 3 },
  { name: '更换雨刮片', part: '雨刮片', symptom: '雨刮刮不干净', codes: [], labour: [0, 30], parts: [120, 260], powertrains: ALL, weight: 6 },
  { name: '高压绝缘检测及维修', part: '高压线束插接件', symptom: '仪表提示动力系统故障', codes: ['P0AA6'], labour: [400, 900], parts: [600, 3800], powertrains: ELECTRIC, weight: 3 },
  { name: '充电口维修', part: '直流充电口', symptom: '无法快充', codes: ['P0D27'], labour: [200, 400], parts: [800, 2200], powertrains: ELECTRIC, weight: 3 },
  { name: '混动电池散热风扇清洁', part: '散热风扇滤网', symptom: '混动电池温度偏高提示', codes: ['P0A80'], labour: [200, 380], parts: [100, 300], powertrains: ['hev', 'phev'], weight: 2 },
];

export const WARRANTY_JOBS: readonly { name: string; symptom: string; codes: readonly string[]; powertrains: readonly ('ice' | 'hev' | 'phev' | 'bev')[] }[] = [
  { name: '更换水泵（保修）', symptom: '冷却液渗漏', codes: ['P0128'], powertrains: COMBUSTION },
  { name: '更换车窗升降器（保修）', symptom: '左后车窗无法升降', codes: [], powertrains: ALL },
  { name: '更换多媒体主机（保修）', symptom: '中控屏黑屏', codes: ['U0184'], powertrains: ALL },
  { name: '更换电池管理模块（保修）', symptom: '续航显示异常', codes: ['P0AFA'], powertrains: ELECTRIC },
  { name: '更换天窗电机（保修）', symptom: '天窗关闭不严', codes: [], powertrains: ALL },
];

export const ACCIDENT_JOBS: readonly { name: string; part: string; note: string }[] = [
  { name: '前保险杠钣金喷漆', part: '前保险杠', note: '追尾事故，保险公司已定损' },
  { name: '左前叶子板修复喷漆', part: '左前叶子板', note: '停车场剐蹭，走保险' },
  { name: '更换右前大灯', part: '右前大灯总成', note: '路口碰撞，对方全责' },
  { name: '后杠及尾门修复', part: '后保险杠', note: '倒车碰撞，保险公司已定损' },
  { name: '更换前挡风玻璃', part: '前挡风玻璃', note: '高速飞石击裂' },
];

export const RECALL_CAMPAIGNS: readonly string[] = [
  '召回活动：更新电池管理系统软件',
  '召回活动：检查并更换后悬架连接螺栓',
  '召回活动：更换安全气囊气体发生器',
  '召回活动：更新变速箱控制软件',
];

export const INSPECTION_JOBS: readonly { name: string; amount: readonly [number, number] }[] = [
  { name: '车辆年检代办', amount: [200, 300] },
  { name: '长途出行前安全检查', amount: [0, 0] },
  { name: '二手车评估检测', amount: [0, 0] },
  { name: '雨季底盘及空调检查', amount: [0, 100] },
];
