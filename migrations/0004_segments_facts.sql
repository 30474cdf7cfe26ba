CREATE TYPE "public"."churn_risk" AS ENUM('low', 'medium', 'high');--> statement-breakpoint
CREATE TYPE "public"."lifecycle_stage" AS ENUM('prospect', 'new_owner', 'regular', 'replacement');--> statement-breakpoint
CREATE TYPE "public"."value_tier" AS ENUM('high_value', 'regular', 'potential');--> statement-breakpoint
CREATE TABLE "customer_facts" (
	"customer_id" uuid PRIMARY KEY NOT NULL,
	"store_id" uuid NOT NULL,
	"lifecycle_stage" "lifecycle_stage" NOT NULL,
	"value_tier" "value_tier" NOT NULL,
	"needs" text[] DEFAULT '{}'::text[] NOT NULL,
	"last_visit_at" timestamp with time zone,
	"visits_12m" integer DEFAULT 0 NOT NULL,
	"spend_12m_fen" bigint DEFAULT 0 NOT NULL,
	"repairs_6m" integer DEFAULT 0 NOT NULL,
	"age" integer,
	"vehicle_count" integer DEFAULT 0 NOT NULL,
	"has_trade_in_intent" boolean DEFAULT false NOT NULL,
	"has_add_on_intent" boolean DEFAULT false NOT NULL,
	"churn_risk" "churn_risk" DEFAULT 'low' NOT NULL,
	"churn_score" integer DEFAULT 0 NOT NULL,
	"trade_in_candidate" boolean DEFAULT false NOT NULL,
	"trade_in_score" integer DEFAULT 0 NOT NULL,
	"trade_in_reasons" text[] DEFAULT '{}'::text[] NOT NULL,
	"next_maintenance_due_date" date,
	"next_insurance_expiry" date,
	"max_estimated_mileage_km" integer,
	"as_of" date NOT NULL,
	"computed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "customer_facts_needs_ck" CHECK ("customer_facts"."needs" <@ array['family','business','young']::text[])
);
--> statement-breakpoint
CREATE TABLE "segment_event_receipts" (
	"event_id" uuid NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "segment_event_receipts_event_id_pk" PRIMARY KEY("event_id")
);
--> statement-breakpoint
CREATE TABLE "segment_fact_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"as_of" date NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"customers" integer DEFAULT 0 NOT NULL,
	"vehicles" integer DEFAULT 0 NOT NULL,
	"changed_customers" integer DEFAULT 0 NOT NULL,
	"changed_vehicles" integer DEFAULT 0 NOT NULL,
	"duration_ms" integer,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "segment_settings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"store_id" uuid,
	"overrides" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "segments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"store_id" uuid,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"rule" jsonb NOT NULL,
	"created_by" uuid,
	"updated_by" uuid,
	"last_count" integer,
	"last_counted_at" timestamp with time zone,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "vehicle_facts" (
	"vehicle_id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"age_years" numeric(6, 2),
	"km_per_day" real,
	"last_reading_km" integer,
	"last_reading_date" date,
	"estimated_mileage_km" integer,
	"next_maintenance_due_date" date,
	"next_maintenance_due_km" integer,
	"first_service_done" boolean DEFAULT false NOT NULL,
	"days_to_insurance_expiry" integer,
	"warranty_end" date,
	"as_of" date NOT NULL,
	"computed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "customer_facts" ADD CONSTRAINT "customer_facts_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segment_settings" ADD CONSTRAINT "segment_settings_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segment_settings" ADD CONSTRAINT "segment_settings_updated_by_staff_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_created_by_staff_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segments" ADD CONSTRAINT "segments_updated_by_staff_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vehicle_facts" ADD CONSTRAINT "vehicle_facts_vehicle_id_vehicles_id_fk" FOREIGN KEY ("vehicle_id") REFERENCES "public"."vehicles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customer_facts_store_stage_idx" ON "customer_facts" USING btree ("store_id","lifecycle_stage");--> statement-breakpoint
CREATE INDEX "segment_event_receipts_processed_idx" ON "segment_event_receipts" USING btree ("processed_at");--> statement-breakpoint
CREATE INDEX "segment_fact_runs_started_idx" ON "segment_fact_runs" USING btree ("started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "segment_settings_store_uq" ON "segment_settings" USING btree (coalesce("store_id", '00000000-0000-0000-0000-000000000000'::uuid));--> statement-breakpoint
CREATE INDEX "segment_settings_updated_by_idx" ON "segment_settings" USING btree ("updated_by");--> statement-breakpoint
CREATE UNIQUE INDEX "segments_name_uq" ON "segments" USING btree (coalesce("store_id", '00000000-0000-0000-0000-000000000000'::uuid),"name") WHERE archived_at is null;--> statement-breakpoint
CREATE INDEX "segments_store_idx" ON "segments" USING btree ("store_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "segments_created_by_idx" ON "segments" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "segments_updated_by_idx" ON "segments" USING btree ("updated_by");--> statement-breakpoint
CREATE INDEX "vehicle_facts_customer_idx" ON "vehicle_facts" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "customer_tags_tag_store_idx" ON "customer_tags" USING btree ("tag_id","store_id","customer_id");