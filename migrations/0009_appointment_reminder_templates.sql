-- The group's default day-before reminder of a service appointment (sent by the `service.appointments-remind` job),
-- for SMS and the owner portal's inbox. Stores may override it with a template of the same code, or deactivate it.
INSERT INTO message_templates (id, store_id, code, name, channel, purpose, locale, subject, body, active, created_at, updated_at)
SELECT (lpad(to_hex(floor(extract(epoch from clock_timestamp()) * 1000)::bigint), 12, '0') || '7' || lpad(to_hex(t.n), 3, '0') || to_hex(32768 | t.n) || right(gen_random_uuid()::text, 12))::uuid, NULL, t.code, t.name, t.channel::message_channel, 'service'::message_purpose, 'zh-CN'::message_locale, t.subject, t.body, true, now(), now()
FROM (VALUES
  (1, 'appointment.reminder', '预约到店提醒（短信）', 'sms', '',
   '【{{门店名称}}】{{客户姓名}}您好，您预约了{{预约时间}}为爱车{{车牌}}做{{服务项目}}，请准时到店。如需改约，可在车主端操作或致电{{门店电话}}。'),
  (2, 'appointment.reminder', '预约到店提醒（车主端消息）', 'inbox', '明天的预约提醒',
   '您预约了{{预约时间}}到{{门店名称}}为{{车牌}}做{{服务项目}}。如需改约或取消，请在「预约」页操作，或致电{{门店电话}}。')
) AS t(n, code, name, channel, subject, body)
WHERE NOT EXISTS (
  SELECT 1 FROM message_templates m WHERE m.store_id IS NULL AND m.code = t.code AND m.channel = t.channel::message_channel AND m.locale = 'zh-CN'
);
