-- Facts are derived: the next refresh rebuilds them with the new anchors (a daily run finding everyone due runs in full).
TRUNCATE "customer_facts", "vehicle_facts";--> statement-breakpoint
ALTER TABLE "customer_facts" ADD COLUMN "trade_in_other_reasons" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "customer_facts" ADD COLUMN "oldest_vehicle_day" date;--> statement-breakpoint
ALTER TABLE "customer_facts" ADD COLUMN "km_anchor_km" integer;--> statement-breakpoint
ALTER TABLE "customer_facts" ADD COLUMN "km_anchor_day" date;--> statement-breakpoint
ALTER TABLE "customer_facts" ADD COLUMN "km_per_day" real;--> statement-breakpoint
ALTER TABLE "customer_facts" ADD COLUMN "trade_in_base" real DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "customer_facts" ADD COLUMN "trade_in_age_years" real DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "customer_facts" ADD COLUMN "trade_in_mileage_km" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "customer_facts" ADD COLUMN "churn_since" date;--> statement-breakpoint
ALTER TABLE "customer_facts" ADD COLUMN "churn_medium_days" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "customer_facts" ADD COLUMN "churn_high_days" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "customer_facts" ADD COLUMN "trade_in_other_hit" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "customer_facts" ADD COLUMN "stale_on" date;--> statement-breakpoint
ALTER TABLE "customer_facts" ADD COLUMN "sweep_on" date;--> statement-breakpoint
ALTER TABLE "segment_fact_runs" ADD COLUMN "settings_digest" text;--> statement-breakpoint
ALTER TABLE "vehicle_facts" ADD COLUMN "base_day" date;--> statement-breakpoint
ALTER TABLE "vehicle_facts" ADD COLUMN "est_anchor_km" integer;--> statement-breakpoint
ALTER TABLE "vehicle_facts" ADD COLUMN "est_anchor_day" date;--> statement-breakpoint
CREATE INDEX "customers_inactive_idx" ON "customers" USING btree ("id") WHERE status <> 'active';--> statement-breakpoint
CREATE INDEX "customer_facts_stale_idx" ON "customer_facts" USING btree ("stale_on");--> statement-breakpoint
ALTER TABLE "customer_facts" DROP COLUMN "churn_score";--> statement-breakpoint
ALTER TABLE "customer_facts" DROP COLUMN "trade_in_reasons";--> statement-breakpoint
ALTER TABLE "customer_facts" DROP COLUMN "max_estimated_mileage_km";--> statement-breakpoint
ALTER TABLE "vehicle_facts" DROP COLUMN "age_years";--> statement-breakpoint
ALTER TABLE "vehicle_facts" DROP COLUMN "estimated_mileage_km";
