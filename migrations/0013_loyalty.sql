CREATE TYPE "public"."coupon_source" AS ENUM('redemption', 'campaign', 'journey', 'compensation', 'referral', 'manual');--> statement-breakpoint
CREATE TYPE "public"."coupon_status" AS ENUM('issued', 'redeemed', 'void');--> statement-breakpoint
CREATE TYPE "public"."ledger_kind" AS ENUM('earn', 'redeem', 'expire', 'adjust', 'donate');--> statement-breakpoint
CREATE TYPE "public"."points_source" AS ENUM('repair_order', 'sales_order', 'referral', 'event', 'survey', 'journey', 'compensation', 'manual');--> statement-breakpoint
CREATE TYPE "public"."reward_kind" AS ENUM('labour_voucher', 'parts_discount', 'perk', 'merchandise', 'charity');--> statement-breakpoint
CREATE TYPE "public"."referral_channel" AS ENUM('link', 'staff');--> statement-breakpoint
CREATE TYPE "public"."referral_status" AS ENUM('submitted', 'visited', 'test_drive', 'ordered', 'delivered', 'lost');--> statement-breakpoint
CREATE TABLE "coupons" (
	"id" uuid PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"title" text NOT NULL,
	"value_fen" bigint DEFAULT 0 NOT NULL,
	"source" "coupon_source" NOT NULL,
	"reward_id" uuid,
	"issue_key" text,
	"status" "coupon_status" DEFAULT 'issued' NOT NULL,
	"valid_from" timestamp with time zone NOT NULL,
	"valid_until" timestamp with time zone NOT NULL,
	"redeemed_at" timestamp with time zone,
	"redeemed_by" uuid,
	"redeemed_store_id" uuid,
	"repair_order_id" uuid,
	"voided_at" timestamp with time zone,
	"void_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "loyalty_accounts" (
	"customer_id" uuid PRIMARY KEY NOT NULL,
	"store_id" uuid NOT NULL,
	"balance" integer DEFAULT 0 NOT NULL,
	"earned_total" integer DEFAULT 0 NOT NULL,
	"tier_code" text DEFAULT '' NOT NULL,
	"tier_rank" integer DEFAULT 0 NOT NULL,
	"tier_since" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_accounts_balance_nonneg" CHECK (balance >= 0)
);
--> statement-breakpoint
CREATE TABLE "loyalty_earn_rules" (
	"id" uuid PRIMARY KEY NOT NULL,
	"source" "points_source" NOT NULL,
	"ro_kind" text DEFAULT '' NOT NULL,
	"points_per_yuan_x100" integer DEFAULT 0 NOT NULL,
	"fixed_points" integer DEFAULT 0 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "loyalty_event_receipts" (
	"event_id" uuid NOT NULL,
	"processed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "loyalty_event_receipts_event_id_pk" PRIMARY KEY("event_id")
);
--> statement-breakpoint
CREATE TABLE "loyalty_ledger" (
	"id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"kind" "ledger_kind" NOT NULL,
	"source" "points_source",
	"points" integer NOT NULL,
	"spend_fen" bigint DEFAULT 0 NOT NULL,
	"reason" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"ref_type" text,
	"ref_id" text,
	"reward_id" uuid,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_ledger_sign" CHECK ((kind = 'earn' and points > 0) or (kind in ('redeem', 'expire', 'donate') and points < 0) or (kind = 'adjust' and points <> 0))
);
--> statement-breakpoint
CREATE TABLE "loyalty_lot_consumptions" (
	"entry_id" uuid NOT NULL,
	"lot_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"points" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_lot_consumptions_entry_id_lot_id_pk" PRIMARY KEY("entry_id","lot_id"),
	CONSTRAINT "loyalty_lot_consumptions_pos" CHECK (points > 0)
);
--> statement-breakpoint
CREATE TABLE "loyalty_lots" (
	"id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"points" integer NOT NULL,
	"remaining" integer NOT NULL,
	"earned_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"noticed_at" timestamp with time zone,
	CONSTRAINT "loyalty_lots_remaining" CHECK (remaining >= 0 and remaining <= points)
);
--> statement-breakpoint
CREATE TABLE "loyalty_multipliers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"factor_x100" integer NOT NULL,
	"source" "points_source",
	"ro_kind" text,
	"store_id" uuid,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "loyalty_redemptions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"reward_id" uuid NOT NULL,
	"points" integer NOT NULL,
	"entry_id" uuid NOT NULL,
	"coupon_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "loyalty_rewards" (
	"id" uuid PRIMARY KEY NOT NULL,
	"store_id" uuid,
	"kind" "reward_kind" NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"points_cost" integer NOT NULL,
	"value_fen" bigint DEFAULT 0 NOT NULL,
	"stock" integer,
	"issued_count" integer DEFAULT 0 NOT NULL,
	"valid_days" integer DEFAULT 90 NOT NULL,
	"available_from" timestamp with time zone,
	"available_until" timestamp with time zone,
	"min_tier_rank" integer DEFAULT 0 NOT NULL,
	"per_customer_limit" integer,
	"donated_points" bigint DEFAULT 0 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "loyalty_rewards_stock" CHECK (stock is null or stock >= 0),
	CONSTRAINT "loyalty_rewards_cost" CHECK (points_cost > 0)
);
--> statement-breakpoint
CREATE TABLE "loyalty_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"active_preset" text DEFAULT 'explorer' NOT NULL,
	"point_value_fen" integer DEFAULT 1 NOT NULL,
	"expiry_years" integer DEFAULT 1 NOT NULL,
	"expiry_notice_days" integer DEFAULT 30 NOT NULL,
	"updated_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "loyalty_tier_history" (
	"id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"from_code" text NOT NULL,
	"to_code" text NOT NULL,
	"reason" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "loyalty_tiers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"preset" text NOT NULL,
	"code" text NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"rank" integer NOT NULL,
	"min_points_12m" integer DEFAULT 0 NOT NULL,
	"min_spend_12m_fen" bigint DEFAULT 0 NOT NULL,
	"min_referrals" integer DEFAULT 0 NOT NULL,
	"benefits" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"maintenance_discount_pct" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "referral_codes" (
	"customer_id" uuid PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "referral_event_receipts" (
	"event_id" uuid PRIMARY KEY NOT NULL,
	"processed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "referral_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"tiers" jsonb NOT NULL,
	"referee_title" text NOT NULL,
	"referee_discount_fen" integer NOT NULL,
	"valid_days" integer DEFAULT 180 NOT NULL,
	"updated_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "referrals" (
	"id" uuid PRIMARY KEY NOT NULL,
	"referrer_customer_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"friend_name" text NOT NULL,
	"friend_mobile" text NOT NULL,
	"friend_customer_id" uuid,
	"interested_model" text DEFAULT '' NOT NULL,
	"channel" "referral_channel" NOT NULL,
	"status" "referral_status" DEFAULT 'submitted' NOT NULL,
	"sales_order_id" uuid,
	"reward_rank" integer,
	"referrer_coupon_id" uuid,
	"referee_coupon_id" uuid,
	"rewarded_at" timestamp with time zone,
	"lost_reason" text,
	"history" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "coupons" ADD CONSTRAINT "coupons_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupons" ADD CONSTRAINT "coupons_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupons" ADD CONSTRAINT "coupons_reward_id_loyalty_rewards_id_fk" FOREIGN KEY ("reward_id") REFERENCES "public"."loyalty_rewards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupons" ADD CONSTRAINT "coupons_redeemed_by_staff_id_fk" FOREIGN KEY ("redeemed_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupons" ADD CONSTRAINT "coupons_redeemed_store_id_stores_id_fk" FOREIGN KEY ("redeemed_store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_accounts" ADD CONSTRAINT "loyalty_accounts_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_accounts" ADD CONSTRAINT "loyalty_accounts_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_multipliers" ADD CONSTRAINT "loyalty_multipliers_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_multipliers" ADD CONSTRAINT "loyalty_multipliers_created_by_staff_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_redemptions" ADD CONSTRAINT "loyalty_redemptions_reward_id_loyalty_rewards_id_fk" FOREIGN KEY ("reward_id") REFERENCES "public"."loyalty_rewards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_rewards" ADD CONSTRAINT "loyalty_rewards_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_rewards" ADD CONSTRAINT "loyalty_rewards_created_by_staff_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_settings" ADD CONSTRAINT "loyalty_settings_updated_by_staff_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_codes" ADD CONSTRAINT "referral_codes_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referral_settings" ADD CONSTRAINT "referral_settings_updated_by_staff_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_referrer_customer_id_customers_id_fk" FOREIGN KEY ("referrer_customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_friend_customer_id_customers_id_fk" FOREIGN KEY ("friend_customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "referrals" ADD CONSTRAINT "referrals_created_by_staff_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "coupons_code_uq" ON "coupons" USING btree ("code");--> statement-breakpoint
CREATE UNIQUE INDEX "coupons_issue_key_uq" ON "coupons" USING btree ("issue_key") WHERE issue_key is not null;--> statement-breakpoint
CREATE INDEX "coupons_customer_idx" ON "coupons" USING btree ("customer_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "coupons_store_idx" ON "coupons" USING btree ("store_id","created_at");--> statement-breakpoint
CREATE INDEX "coupons_reward_idx" ON "coupons" USING btree ("reward_id");--> statement-breakpoint
CREATE INDEX "coupons_redeemed_by_idx" ON "coupons" USING btree ("redeemed_by");--> statement-breakpoint
CREATE INDEX "coupons_redeemed_store_idx" ON "coupons" USING btree ("redeemed_store_id");--> statement-breakpoint
CREATE INDEX "coupons_ro_idx" ON "coupons" USING btree ("repair_order_id") WHERE repair_order_id is not null;--> statement-breakpoint
CREATE INDEX "loyalty_accounts_store_idx" ON "loyalty_accounts" USING btree ("store_id");--> statement-breakpoint
CREATE UNIQUE INDEX "loyalty_earn_rules_uq" ON "loyalty_earn_rules" USING btree ("source","ro_kind");--> statement-breakpoint
CREATE INDEX "loyalty_event_receipts_processed_idx" ON "loyalty_event_receipts" USING btree ("processed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "loyalty_ledger_idem_uq" ON "loyalty_ledger" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "loyalty_ledger_customer_idx" ON "loyalty_ledger" USING btree ("customer_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "loyalty_ledger_store_idx" ON "loyalty_ledger" USING btree ("store_id","created_at");--> statement-breakpoint
CREATE INDEX "loyalty_ledger_reward_idx" ON "loyalty_ledger" USING btree ("reward_id") WHERE reward_id is not null;--> statement-breakpoint
CREATE INDEX "loyalty_lot_consumptions_lot_idx" ON "loyalty_lot_consumptions" USING btree ("lot_id");--> statement-breakpoint
CREATE INDEX "loyalty_lots_open_idx" ON "loyalty_lots" USING btree ("customer_id","expires_at","earned_at") WHERE remaining > 0;--> statement-breakpoint
CREATE INDEX "loyalty_lots_expiry_idx" ON "loyalty_lots" USING btree ("expires_at") WHERE remaining > 0;--> statement-breakpoint
CREATE INDEX "loyalty_lots_store_idx" ON "loyalty_lots" USING btree ("store_id","earned_at");--> statement-breakpoint
CREATE INDEX "loyalty_multipliers_window_idx" ON "loyalty_multipliers" USING btree ("starts_at","ends_at");--> statement-breakpoint
CREATE INDEX "loyalty_multipliers_store_idx" ON "loyalty_multipliers" USING btree ("store_id");--> statement-breakpoint
CREATE INDEX "loyalty_multipliers_created_by_idx" ON "loyalty_multipliers" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "loyalty_redemptions_customer_idx" ON "loyalty_redemptions" USING btree ("customer_id","reward_id");--> statement-breakpoint
CREATE INDEX "loyalty_redemptions_reward_idx" ON "loyalty_redemptions" USING btree ("reward_id");--> statement-breakpoint
CREATE UNIQUE INDEX "loyalty_redemptions_entry_uq" ON "loyalty_redemptions" USING btree ("entry_id");--> statement-breakpoint
CREATE INDEX "loyalty_rewards_store_idx" ON "loyalty_rewards" USING btree ("store_id");--> statement-breakpoint
CREATE INDEX "loyalty_rewards_created_by_idx" ON "loyalty_rewards" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "loyalty_tier_history_customer_idx" ON "loyalty_tier_history" USING btree ("customer_id","at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "loyalty_tiers_preset_code_uq" ON "loyalty_tiers" USING btree ("preset","code");--> statement-breakpoint
CREATE UNIQUE INDEX "loyalty_tiers_preset_rank_uq" ON "loyalty_tiers" USING btree ("preset","rank");--> statement-breakpoint
CREATE UNIQUE INDEX "referral_codes_code_uq" ON "referral_codes" USING btree ("code");--> statement-breakpoint
CREATE INDEX "referral_event_receipts_processed_idx" ON "referral_event_receipts" USING btree ("processed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "referrals_friend_mobile_uq" ON "referrals" USING btree ("friend_mobile") WHERE status <> 'lost';--> statement-breakpoint
CREATE UNIQUE INDEX "referrals_sales_order_uq" ON "referrals" USING btree ("sales_order_id") WHERE sales_order_id is not null;--> statement-breakpoint
CREATE INDEX "referrals_referrer_idx" ON "referrals" USING btree ("referrer_customer_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "referrals_store_idx" ON "referrals" USING btree ("store_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "referrals_friend_customer_idx" ON "referrals" USING btree ("friend_customer_id");--> statement-breakpoint
CREATE INDEX "referrals_rewarded_idx" ON "referrals" USING btree ("rewarded_at") WHERE rewarded_at is not null;--> statement-breakpoint
CREATE INDEX "referrals_created_by_idx" ON "referrals" USING btree ("created_by");