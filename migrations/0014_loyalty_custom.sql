-- The points ledger and its lot consumptions are append-only: the balance is explained by them, so nobody may rewrite
-- them (a correction is a new `adjust` entry).
CREATE OR REPLACE FUNCTION loyalty_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER loyalty_ledger_append_only BEFORE UPDATE OR DELETE ON loyalty_ledger
  FOR EACH ROW EXECUTE FUNCTION loyalty_refuse_change();
--> statement-breakpoint
CREATE TRIGGER loyalty_lot_consumptions_append_only BEFORE UPDATE OR DELETE ON loyalty_lot_consumptions
  FOR EACH ROW EXECUTE FUNCTION loyalty_refuse_change();
--> statement-breakpoint
-- A coupon code: 12 random Crockford base-32 characters (60 bits from gen_random_uuid's strong random bytes, low five
-- bits of 12 fully random bytes) and a Luhn mod 32 check character. The same algorithm is in loyalty/rules.ts.
CREATE OR REPLACE FUNCTION loyalty_coupon_code() RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  alphabet constant text := '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  b bytea := decode(replace(gen_random_uuid()::text, '-', ''), 'hex');
  idx constant int[] := ARRAY[0, 1, 2, 3, 4, 5, 7, 9, 10, 11, 12, 13];
  vals int[] := '{}';
  body text := '';
  f int := 2;
  s int := 0;
  a int;
  i int;
BEGIN
  FOR i IN 1..12 LOOP
    vals := vals || (get_byte(b, idx[i]) & 31);
    body := body || substr(alphabet, (get_byte(b, idx[i]) & 31) + 1, 1);
  END LOOP;
  FOR i IN REVERSE 12..1 LOOP
    a := f * vals[i];
    f := CASE WHEN f = 2 THEN 1 ELSE 2 END;
    s := s + (a / 32) + (a % 32);
  END LOOP;
  RETURN body || substr(alphabet, ((32 - (s % 32)) % 32) + 1, 1);
END;
$$;
--> statement-breakpoint
INSERT INTO loyalty_settings (id) VALUES (1) ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO loyalty_tiers (id, preset, code, name_zh, name_en, rank, min_points_12m, min_spend_12m_fen, min_referrals, maintenance_discount_pct, benefits)
SELECT gen_random_uuid(), t.preset, t.code, t.zh, t.en, t.rank, t.pts, t.spend, t.refs, t.disc, t.benefits::jsonb
FROM (VALUES
  ('explorer', 'explorer', '探索者', 'Explorer', 0, 0, 0, 0, 0, '[{"zh":"积分累积与兑换","en":"Earn and redeem points"},{"zh":"车主活动报名","en":"Owner events"}]'),
  ('explorer', 'companion', '同行者', 'Companion', 1, 3000, 0, 1, 5, '[{"zh":"保养工时 95 折","en":"5% off maintenance labour"},{"zh":"专属服务顾问","en":"Dedicated service advisor"},{"zh":"新车试驾优先","en":"Test-drive priority"}]'),
  ('explorer', 'co_creator', '共创者', 'Co-creator', 2, 10000, 0, 3, 10, '[{"zh":"保养工时 9 折","en":"10% off maintenance labour"},{"zh":"专属技师","en":"Dedicated technician"},{"zh":"新车试驾优先","en":"Test-drive priority"},{"zh":"产品共创邀请","en":"Co-creation invitations"}]'),
  ('metal', 'bronze', '铜卡', 'Bronze', 0, 0, 0, 0, 0, '[{"zh":"积分累积与兑换","en":"Earn and redeem points"}]'),
  ('metal', 'silver', '银卡', 'Silver', 1, 2000, 0, 0, 3, '[{"zh":"保养工时 97 折","en":"3% off maintenance labour"}]'),
  ('metal', 'gold', '金卡', 'Gold', 2, 6000, 0, 2, 5, '[{"zh":"保养工时 95 折","en":"5% off maintenance labour"},{"zh":"免费洗车","en":"Free car wash"}]'),
  ('metal', 'diamond', '钻石卡', 'Diamond', 3, 15000, 0, 4, 10, '[{"zh":"保养工时 9 折","en":"10% off maintenance labour"},{"zh":"专属技师","en":"Dedicated technician"},{"zh":"代步车","en":"Courtesy car"}]')
) AS t(preset, code, zh, en, rank, pts, spend, refs, disc, benefits)
ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO loyalty_earn_rules (id, source, ro_kind, points_per_yuan_x100, fixed_points)
SELECT gen_random_uuid(), r.source::points_source, r.ro_kind, r.rate, r.fixed
FROM (VALUES
  ('repair_order', '', 100, 0),
  ('repair_order', 'warranty', 0, 0),
  ('repair_order', 'recall', 0, 0),
  ('sales_order', '', 0, 2000),
  ('referral', '', 0, 2000),
  ('event', '', 0, 200),
  ('survey', '', 0, 100)
) AS r(source, ro_kind, rate, fixed)
ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO referral_settings (id, tiers, referee_title, referee_discount_fen)
VALUES (1, '[{"nth":1,"title":"保养券","valueFen":80000},{"nth":2,"title":"加油卡","valueFen":100000},{"nth":3,"title":"现金奖励","valueFen":200000}]', '推荐购车优惠', 300000)
ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- The group's points-expiry notice (the `loyalty.expiry-notice` job, 30 days before), SMS and portal inbox.
INSERT INTO message_templates (id, store_id, code, name, channel, purpose, locale, subject, body, active, created_at, updated_at)
SELECT gen_random_uuid(), NULL, t.code, t.name, t.channel::message_channel, 'service'::message_purpose, 'zh-CN'::message_locale, t.subject, t.body, true, now(), now()
FROM (VALUES
  ('loyalty.points_expiring', '积分到期提醒（短信）', 'sms', '', '【{{门店名称}}】{{客户姓名}}您好，您有{{到期积分}}积分将于{{到期日期}}到期，欢迎在车主端兑换工时券等权益。'),
  ('loyalty.points_expiring', '积分到期提醒（车主端消息）', 'inbox', '积分即将到期', '您有{{到期积分}}积分将于{{到期日期}}到期。可在「兑换」页兑换工时券、保养券或参与积分捐赠。')
) AS t(code, name, channel, subject, body)
WHERE NOT EXISTS (
  SELECT 1 FROM message_templates m WHERE m.store_id IS NULL AND m.code = t.code AND m.channel = t.channel::message_channel AND m.locale = 'zh-CN'
);
