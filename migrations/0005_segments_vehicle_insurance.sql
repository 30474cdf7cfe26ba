ALTER TABLE "vehicle_facts" ADD COLUMN "insurance_expiry" date;--> statement-breakpoint
ALTER TABLE "vehicle_facts" DROP COLUMN "days_to_insurance_expiry";