/**
 * The default journey rules of DOMAIN.md (Journeys), as data. Written once per group by `ensureDefaultRules`
 * (idempotent: a code that exists is left as the users edited it). Messages use the `journeys.*` templates of the
 * journeys migration; survey, coupon and offer actions send a message until the loyalty and voice modules register
 * their own action kinds (then the rule's action is switched to `send_survey` / `issue_coupon`).
 */
import type {
  TActionSpec,
  TCondition,
  TTrigger,
} from "../../../contracts/journeys.js";

export interface TDefaultRule {
  code: string;
  nameZh: string;
  nameEn: string;
  descriptionZh: string;
  descriptionEn: string;
  enabled: boolean;
  trigger: TTrigger;
  conditions: TCondition[];
  actions: TActionSpec[];
}

const task = (
  title: string,
  kind: string,
  assignTo: string,
  dueInDays: number,
  priority = "normal",
  description = "",
): TActionSpec => ({
  kind: "create_task",
  params: { title, kind, assignTo, dueInDays, priority, description },
});
const message = (
  templateCode: string,
  purpose: "service" | "marketing" = "service",
  channel = "sms",
): TActionSpec => ({
  kind: "send_message",
  params: { templateCode, channel, purpose },
});

export const DEFAULT_RULES: TDefaultRule[] = [
  {
    code: "handover",
    nameZh: "交车交接",
    nameEn: "Handover to service",
    descriptionZh: "新车交付后，服务顾问 3 天内联系车主，讲解隐藏功能",
    descriptionEn:
      "After delivery the service advisor calls within 3 days and explains the hidden features",
    enabled: true,
    trigger: {
      kind: "event",
      eventType: "sales_order.delivered",
      delayDays: 0,
    },
    conditions: [],
    actions: [
      task(
        "交车交接：联系车主，讲解隐藏功能",
        "handover",
        "owner_advisor",
        3,
        "high",
      ),
    ],
  },
  {
    code: "post_delivery_survey",
    nameZh: "交车 7 天满意度调查",
    nameEn: "Post-delivery survey (day 7)",
    descriptionZh: "交车后第 7 天向车主发送满意度调查",
    descriptionEn: "A satisfaction survey to the owner 7 days after delivery",
    enabled: true,
    trigger: {
      kind: "date_offset",
      field: "vehicle.delivery_date",
      offsetDays: 7,
    },
    conditions: [],
    actions: [message("journeys.post_delivery_survey")],
  },
  {
    code: "post_delivery_call",
    nameZh: "交车 15 天电话回访",
    nameEn: "Post-delivery call (day 15)",
    descriptionZh: "交车后第 15 天，销售顾问电话回访",
    descriptionEn:
      "The sales consultant calls the owner 15 days after delivery",
    enabled: true,
    trigger: {
      kind: "date_offset",
      field: "vehicle.delivery_date",
      offsetDays: 15,
    },
    conditions: [],
    actions: [
      task("交车 15 天电话回访", "follow_up_call", "owner_consultant", 2),
    ],
  },
  {
    code: "first_service_reminder",
    nameZh: "首保提醒",
    nameEn: "First-service reminder",
    descriptionZh: "首保到期前 3 天提醒，附赠玻璃水",
    descriptionEn:
      "3 days before the first service is due, with a free washer fluid offer",
    enabled: true,
    trigger: {
      kind: "date_offset",
      field: "vehicle.first_service_due",
      offsetDays: -3,
    },
    conditions: [],
    actions: [message("journeys.first_service")],
  },
  {
    code: "maintenance_reminder",
    nameZh: "保养提醒",
    nameEn: "Maintenance reminder",
    descriptionZh: "下次保养（按预计里程或月数，先到为准）到期前 7 天发送提醒",
    descriptionEn:
      "A reminder 7 days before the next maintenance is due (estimated mileage or months, whichever first)",
    enabled: true,
    trigger: {
      kind: "date_offset",
      field: "vehicle.next_maintenance_due",
      offsetDays: -7,
    },
    conditions: [],
    actions: [message("journeys.maintenance_due")],
  },
  {
    code: "maintenance_call",
    nameZh: "保养提醒未预约回访",
    nameEn: "Maintenance call if not booked",
    descriptionZh: "保养提醒发出 3 天后仍未预约，服务顾问电话邀约",
    descriptionEn:
      "A call task when no booking was made 3 days after the maintenance reminder",
    enabled: true,
    trigger: {
      kind: "date_offset",
      field: "vehicle.next_maintenance_due",
      offsetDays: -4,
    },
    conditions: [{ kind: "no_booking" }],
    actions: [
      task(
        "保养邀约：提醒后 3 天仍未预约",
        "maintenance_reminder",
        "owner_advisor",
        1,
      ),
    ],
  },
  {
    code: "churn_after_first_service",
    nameZh: "首保后 6 个月未回店",
    nameEn: "No return 6 months after first service",
    descriptionZh: "首保后 180 天内未再到店，服务顾问关怀",
    descriptionEn:
      "A care task for the advisor when the owner has not returned 180 days after the first service",
    enabled: true,
    trigger: {
      kind: "date_offset",
      field: "vehicle.first_service_date",
      offsetDays: 180,
    },
    conditions: [{ kind: "not_visited_since" }],
    actions: [
      task("流失预警：首保后 6 个月未回店", "care", "owner_advisor", 3, "high"),
    ],
  },
  {
    code: "churn_12m",
    nameZh: "12 个月未到店",
    nameEn: "No visit in 12 months",
    descriptionZh: "距上次到店满 365 天，服务顾问关怀",
    descriptionEn: "A care task for the advisor 365 days after the last visit",
    enabled: true,
    trigger: {
      kind: "date_offset",
      field: "customer.last_visit",
      offsetDays: 365,
    },
    conditions: [],
    actions: [
      task("流失预警：12 个月未到店", "care", "owner_advisor", 3, "high"),
    ],
  },
  {
    code: "birthday",
    nameZh: "生日关怀",
    nameEn: "Birthday care",
    descriptionZh: "生日当天送上祝福和 ¥500 保养券",
    descriptionEn: "A greeting and a ¥500 maintenance coupon on the birthday",
    enabled: true,
    trigger: { kind: "date_offset", field: "customer.birthday", offsetDays: 0 },
    conditions: [],
    actions: [message("journeys.birthday")],
  },
  {
    code: "seasonal_spring_festival",
    nameZh: "春节长途出行检测",
    nameEn: "Spring Festival long-trip check",
    descriptionZh: "春节前提醒车主做长途出行检测（日期每年可调整）",
    descriptionEn:
      "Before the Spring Festival: a long-trip check (adjust the date each year)",
    enabled: true,
    trigger: { kind: "annual_date", month: 1, day: 20 },
    conditions: [{ kind: "owners" }],
    actions: [message("journeys.seasonal_spring", "marketing")],
  },
  {
    code: "seasonal_rainy",
    nameZh: "雨季空调滤芯",
    nameEn: "Rainy season: AC filter",
    descriptionZh: "雨季前提醒更换空调滤芯",
    descriptionEn: "Before the rainy season: replace the AC filter",
    enabled: true,
    trigger: { kind: "annual_date", month: 6, day: 1 },
    conditions: [{ kind: "owners" }],
    actions: [message("journeys.seasonal_rainy", "marketing")],
  },
  {
    code: "seasonal_winter",
    nameZh: "冬季养护",
    nameEn: "Winter care",
    descriptionZh: "入冬前提醒冬季养护（防冻液、电瓶、轮胎）",
    descriptionEn: "Before winter: antifreeze, battery and tyres",
    enabled: true,
    trigger: { kind: "annual_date", month: 11, day: 1 },
    conditions: [{ kind: "owners" }],
    actions: [message("journeys.seasonal_winter", "marketing")],
  },
  {
    code: "insurance_renewal_60",
    nameZh: "续保提醒（60 天）",
    nameEn: "Insurance renewal (60 days)",
    descriptionZh: "保险到期前 60 天：消息 + 续保电话任务",
    descriptionEn:
      "60 days before the insurance expires: a message and a call task",
    enabled: true,
    trigger: {
      kind: "date_offset",
      field: "vehicle.insurance_expiry",
      offsetDays: -60,
    },
    conditions: [],
    actions: [
      message("journeys.insurance_renewal"),
      task("续保邀约（到期前 60 天）", "insurance_renewal", "owner_advisor", 7),
    ],
  },
  {
    code: "insurance_renewal_30",
    nameZh: "续保提醒（30 天）",
    nameEn: "Insurance renewal (30 days)",
    descriptionZh: "保险到期前 30 天：消息 + 续保电话任务",
    descriptionEn:
      "30 days before the insurance expires: a message and a call task",
    enabled: true,
    trigger: {
      kind: "date_offset",
      field: "vehicle.insurance_expiry",
      offsetDays: -30,
    },
    conditions: [],
    actions: [
      message("journeys.insurance_renewal"),
      task(
        "续保邀约（到期前 30 天）",
        "insurance_renewal",
        "owner_advisor",
        5,
        "high",
      ),
    ],
  },
  {
    code: "warranty_end",
    nameZh: "延保推荐",
    nameEn: "Extended warranty offer",
    descriptionZh: "质保到期前 90 天推荐延保",
    descriptionEn:
      "An extended-warranty offer 90 days before the warranty ends",
    enabled: true,
    trigger: {
      kind: "date_offset",
      field: "vehicle.warranty_end",
      offsetDays: -90,
    },
    conditions: [],
    actions: [message("journeys.extended_warranty", "marketing")],
  },
  {
    code: "preventive_wear",
    nameZh: "轮胎/刹车片磨损预防",
    nameEn: "Tyre and brake wear",
    descriptionZh: "预计里程超过 40,000 km，主动电话邀约检查轮胎和刹车片",
    descriptionEn:
      "A proactive call when the estimated mileage passes 40,000 km (tyres, brakes)",
    enabled: true,
    trigger: { kind: "daily", scope: "vehicle", period: "once" },
    conditions: [{ kind: "mileage_over", km: 40_000 }],
    actions: [
      task("预防性服务：轮胎/刹车片检查", "preventive", "owner_advisor", 5),
    ],
  },
  {
    code: "preventive_fault_code",
    nameZh: "故障码主动关怀",
    nameEn: "Fault code follow-up",
    descriptionZh: "工单完工且含故障码，服务顾问主动回访",
    descriptionEn:
      "A proactive call after a closed repair order with fault codes",
    enabled: true,
    trigger: { kind: "event", eventType: "repair_order.closed", delayDays: 0 },
    conditions: [{ kind: "ro_fault_codes" }],
    actions: [task("预防性服务：故障码回访", "preventive", "owner_advisor", 2)],
  },
  {
    code: "trade_in",
    nameZh: "置换邀约",
    nameEn: "Trade-in offer",
    descriptionZh:
      "车龄 ≥ 4 年、≥ 80,000 km、6 个月内维修 ≥ 3 次或浏览新车/询价估值：销售顾问置换邀约（补贴 ¥3,000 起，估值高于市场）",
    descriptionEn:
      "Car ≥ 4 years, ≥ 80,000 km, ≥ 3 repairs in 6 months, or browsed new models / asked for a valuation: a trade-in offer (¥3,000+ subsidy)",
    enabled: true,
    trigger: { kind: "daily", scope: "customer", period: "year" },
    conditions: [{ kind: "trade_in_candidate" }],
    actions: [
      task(
        "置换邀约：补贴 ¥3,000 起，估值高于市场",
        "trade_in",
        "owner_consultant",
        7,
      ),
    ],
  },
  {
    code: "win_back",
    nameZh: "战败回访",
    nameEn: "Win-back",
    descriptionZh: "线索因价格/配置/竞品战败，冷静期（7 天）后针对性回访",
    descriptionEn:
      "A tailored follow-up after the cool-off (7 days) of a lead lost to price, configuration or a competitor",
    enabled: true,
    trigger: { kind: "event", eventType: "lead.lost", delayDays: 7 },
    conditions: [],
    actions: [task("战败回访", "win_back", "owner_consultant", 3)],
  },
  {
    code: "post_event_follow_up",
    nameZh: "活动后回访",
    nameEn: "Post-event follow-up",
    descriptionZh: "活动结束后回访（A 类 1 天内；B、C 类由活动模块分级）",
    descriptionEn:
      "A follow-up after an event (grade A within 1 day; B and C graded by the events module)",
    enabled: true,
    trigger: { kind: "event", eventType: "campaign_event.ended", delayDays: 0 },
    conditions: [],
    actions: [task("活动后回访", "event_follow_up", "owner_consultant", 1)],
  },
  {
    code: "complaint_revisit",
    nameZh: "投诉回访",
    nameEn: "Complaint revisit",
    descriptionZh: "投诉解决后 7 天内回访",
    descriptionEn: "A revisit within 7 days after a complaint is resolved",
    enabled: true,
    trigger: { kind: "event", eventType: "complaint.resolved", delayDays: 0 },
    conditions: [],
    actions: [task("投诉回访", "complaint_revisit", "role:cx", 7, "high")],
  },
];
