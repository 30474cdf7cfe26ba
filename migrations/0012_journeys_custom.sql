-- Journeys: indexes the daily run's date triggers and event triggers read, and the group's default message
-- templates of the default journey rules (stores may override a code, or deactivate it).
CREATE INDEX IF NOT EXISTS "domain_events_type_created_idx" ON "domain_events" USING btree ("type", "created_at");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "repair_orders_first_service_idx" ON "repair_orders" USING btree ("opened_at") WHERE kind = 'first_service';--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "vehicles_insurance_expiry_idx" ON "vehicles" USING btree ("insurance_expiry") WHERE status = 'in_use';--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "vehicles_warranty_end_idx" ON "vehicles" USING btree ("warranty_end") WHERE status = 'in_use';--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "vehicles_delivery_date_idx" ON "vehicles" USING btree ("delivery_date") WHERE status = 'in_use';--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "vehicle_facts_due_idx" ON "vehicle_facts" USING btree ("next_maintenance_due_date");--> statement-breakpoint
INSERT INTO message_templates (id, store_id, code, name, channel, purpose, locale, subject, body, active, created_at, updated_at)
SELECT (lpad(to_hex(floor(extract(epoch from clock_timestamp()) * 1000)::bigint), 12, '0') || '7' || lpad(to_hex(t.n), 3, '0') || to_hex(32768 | t.n) || right(gen_random_uuid()::text, 12))::uuid, NULL, t.code, t.name, t.channel::message_channel, t.purpose::message_purpose, 'zh-CN'::message_locale, t.subject, t.body, true, now(), now()
FROM (VALUES
  (101, 'journeys.post_delivery_survey', '交车满意度调查', 'sms', 'service', '', '【{{门店名称}}】{{客户姓名}}您好，爱车{{车牌}}已交付一周，邀请您花 1 分钟评价本次购车体验，感谢您的支持！'),
  (102, 'journeys.first_service', '首保提醒', 'sms', 'service', '', '【{{门店名称}}】{{客户姓名}}您好，爱车{{车牌}}的首次保养即将到期，到店首保赠送玻璃水一瓶。预约请致电{{门店电话}}。'),
  (103, 'journeys.maintenance_due', '保养到期提醒', 'sms', 'service', '', '【{{门店名称}}】{{客户姓名}}您好，爱车{{车牌}}即将到保养时间，欢迎在车主端预约或致电{{门店电话}}。'),
  (104, 'journeys.birthday', '生日祝福', 'sms', 'service', '', '【{{门店名称}}】{{客户姓名}}，祝您生日快乐！我们为您准备了 ¥500 保养券，已放入车主端「卡券」。'),
  (105, 'journeys.seasonal_spring', '春节出行检测', 'sms', 'marketing', '', '【{{门店名称}}】春节将至，长途出行前欢迎到店免费检测{{车牌}}。退订：{{退订链接}}'),
  (106, 'journeys.seasonal_rainy', '雨季空调滤芯', 'sms', 'marketing', '', '【{{门店名称}}】雨季来临，建议更换空调滤芯，保持车内空气清新。退订：{{退订链接}}'),
  (107, 'journeys.seasonal_winter', '冬季养护', 'sms', 'marketing', '', '【{{门店名称}}】入冬前请检查防冻液、电瓶和轮胎，欢迎到店免费检测。退订：{{退订链接}}'),
  (108, 'journeys.insurance_renewal', '续保提醒', 'sms', 'service', '', '【{{门店名称}}】{{客户姓名}}您好，爱车{{车牌}}的保险即将到期，续保请联系您的服务顾问或致电{{门店电话}}。'),
  (109, 'journeys.extended_warranty', '延保推荐', 'sms', 'marketing', '', '【{{门店名称}}】{{客户姓名}}您好，爱车{{车牌}}的质保即将到期，现在办理延保享专属优惠。退订：{{退订链接}}')
) AS t(n, code, name, channel, purpose, subject, body)
WHERE NOT EXISTS (
  SELECT 1 FROM message_templates m WHERE m.store_id IS NULL AND m.code = t.code AND m.channel = t.channel::message_channel AND m.locale = 'zh-CN'
);
