ALTER TABLE "customer_facts" DROP CONSTRAINT "customer_facts_customer_id_customers_id_fk";
--> statement-breakpoint
ALTER TABLE "vehicle_facts" DROP CONSTRAINT "vehicle_facts_vehicle_id_vehicles_id_fk";
--> statement-breakpoint
ALTER TABLE "customer_facts" ADD COLUMN "consent_sms_marketing" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "customer_facts" ADD COLUMN "consent_wechat_marketing" boolean DEFAULT false NOT NULL;