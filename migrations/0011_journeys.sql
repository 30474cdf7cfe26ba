CREATE TABLE "journey_event_receipts" (
	"event_id" uuid PRIMARY KEY NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "journey_firings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"rule_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"vehicle_id" uuid,
	"firing_key" text NOT NULL,
	"occurred_on" date NOT NULL,
	"fired_at" timestamp with time zone NOT NULL,
	"reason" text NOT NULL,
	"run_id" uuid,
	"batch_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "journey_rule_stores" (
	"rule_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"enabled" boolean NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "journey_rule_stores_rule_id_store_id_pk" PRIMARY KEY("rule_id","store_id")
);
--> statement-breakpoint
CREATE TABLE "journey_rules" (
	"id" uuid PRIMARY KEY NOT NULL,
	"store_id" uuid,
	"code" text NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text DEFAULT '' NOT NULL,
	"description_zh" text DEFAULT '' NOT NULL,
	"description_en" text DEFAULT '' NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"enabled" boolean DEFAULT false NOT NULL,
	"trigger" jsonb NOT NULL,
	"audience" jsonb,
	"conditions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"actions" jsonb NOT NULL,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"deleted_at" timestamp with time zone,
	"created_by" uuid,
	"updated_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "journey_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"as_of" date NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"store_id" uuid,
	"rule_id" uuid,
	"progress" jsonb DEFAULT '{"done":0,"total":0,"current":null}'::jsonb NOT NULL,
	"report" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"error" text,
	"started_by" uuid
);
--> statement-breakpoint
ALTER TABLE "journey_rule_stores" ADD CONSTRAINT "journey_rule_stores_rule_id_journey_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."journey_rules"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journey_rule_stores" ADD CONSTRAINT "journey_rule_stores_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journey_rule_stores" ADD CONSTRAINT "journey_rule_stores_updated_by_staff_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journey_rules" ADD CONSTRAINT "journey_rules_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journey_rules" ADD CONSTRAINT "journey_rules_created_by_staff_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journey_rules" ADD CONSTRAINT "journey_rules_updated_by_staff_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "journey_event_receipts_processed_idx" ON "journey_event_receipts" USING btree ("processed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "journey_firings_key_uq" ON "journey_firings" USING btree ("rule_id","firing_key");--> statement-breakpoint
CREATE INDEX "journey_firings_customer_idx" ON "journey_firings" USING btree ("customer_id","fired_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "journey_firings_batch_idx" ON "journey_firings" USING btree ("batch_id");--> statement-breakpoint
CREATE INDEX "journey_rule_stores_store_idx" ON "journey_rule_stores" USING btree ("store_id");--> statement-breakpoint
CREATE INDEX "journey_rule_stores_updated_by_idx" ON "journey_rule_stores" USING btree ("updated_by");--> statement-breakpoint
CREATE UNIQUE INDEX "journey_rules_code_uq" ON "journey_rules" USING btree (coalesce("store_id", '00000000-0000-0000-0000-000000000000'::uuid),"code") WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "journey_rules_created_by_idx" ON "journey_rules" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "journey_rules_updated_by_idx" ON "journey_rules" USING btree ("updated_by");--> statement-breakpoint
CREATE INDEX "journey_runs_started_idx" ON "journey_runs" USING btree ("started_at" DESC NULLS LAST);