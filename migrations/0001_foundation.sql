CREATE TYPE "public"."staff_role" AS ENUM('group_admin', 'store_manager', 'sales', 'service', 'cx', 'marketing');--> statement-breakpoint
CREATE TYPE "public"."consent_channel" AS ENUM('sms', 'wechat', 'phone', 'email');--> statement-breakpoint
CREATE TYPE "public"."consent_purpose" AS ENUM('service', 'marketing');--> statement-breakpoint
CREATE TYPE "public"."customer_status" AS ENUM('active', 'merged', 'erased');--> statement-breakpoint
CREATE TYPE "public"."gender" AS ENUM('male', 'female', 'unknown');--> statement-breakpoint
CREATE TYPE "public"."interaction_kind" AS ENUM('call', 'visit', 'wechat', 'sms', 'email', 'note');--> statement-breakpoint
CREATE TYPE "public"."body_type" AS ENUM('suv', 'sedan', 'mpv', 'hatchback', 'wagon', 'pickup');--> statement-breakpoint
CREATE TYPE "public"."powertrain" AS ENUM('ice', 'hev', 'phev', 'bev');--> statement-breakpoint
CREATE TYPE "public"."vehicle_status" AS ENUM('in_use', 'sold', 'scrapped');--> statement-breakpoint
CREATE TYPE "public"."delivery_milestone" AS ENUM('ordered', 'inspection', 'transport', 'pdi', 'handover_prep', 'delivered');--> statement-breakpoint
CREATE TYPE "public"."sales_order_status" AS ENUM('open', 'delivered', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."ro_kind" AS ENUM('first_service', 'maintenance', 'repair', 'warranty', 'accident', 'recall', 'inspection');--> statement-breakpoint
CREATE TYPE "public"."workshop_stage" AS ENUM('booked', 'received', 'diagnosis', 'repair', 'qc', 'wash', 'ready', 'delivered');--> statement-breakpoint
CREATE TYPE "public"."import_kind" AS ENUM('customers', 'vehicles', 'sales_orders', 'repair_orders');--> statement-breakpoint
CREATE TYPE "public"."import_status" AS ENUM('uploaded', 'previewed', 'queued', 'running', 'completed', 'failed');--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" uuid PRIMARY KEY NOT NULL,
	"staff_id" uuid NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "api_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"staff_id" uuid NOT NULL,
	"csrf_token" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"ip" text,
	"user_agent" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff" (
	"id" uuid PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"display_name" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" "staff_role" NOT NULL,
	"store_id" uuid,
	"mobile" text,
	"email" text,
	"active" boolean DEFAULT true NOT NULL,
	"last_login_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "staff_username_unique" UNIQUE("username")
);
--> statement-breakpoint
CREATE TABLE "stores" (
	"id" uuid PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"brands" text[] DEFAULT '{}' NOT NULL,
	"city" text DEFAULT '' NOT NULL,
	"address" text DEFAULT '' NOT NULL,
	"phone" text DEFAULT '' NOT NULL,
	"timezone" text DEFAULT 'Asia/Shanghai' NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stores_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" uuid PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_staff_id" uuid,
	"actor_name" text NOT NULL,
	"action" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" text,
	"store_id" uuid,
	"customer_id" uuid,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"ip" text
);
--> statement-breakpoint
CREATE TABLE "domain_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"customer_id" uuid,
	"store_id" uuid,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "behaviour_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_consents" (
	"id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"channel" "consent_channel" NOT NULL,
	"purpose" "consent_purpose" NOT NULL,
	"granted" boolean NOT NULL,
	"source" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"recorded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_tags" (
	"customer_id" uuid NOT NULL,
	"tag_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_tags_customer_id_tag_id_pk" PRIMARY KEY("customer_id","tag_id")
);
--> statement-breakpoint
CREATE TABLE "customers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"store_id" uuid NOT NULL,
	"name" text NOT NULL,
	"gender" "gender" DEFAULT 'unknown' NOT NULL,
	"birthday" date,
	"mobile" text,
	"mobile_last4" text GENERATED ALWAYS AS (right(mobile, 4)) STORED,
	"id_number" text,
	"wechat_openid" text,
	"wechat_unionid" text,
	"email" text,
	"city" text DEFAULT '' NOT NULL,
	"occupation" text DEFAULT '' NOT NULL,
	"household_notes" text DEFAULT '' NOT NULL,
	"source_channel" text DEFAULT '' NOT NULL,
	"sales_consultant_id" uuid,
	"service_advisor_id" uuid,
	"status" "customer_status" DEFAULT 'active' NOT NULL,
	"merged_into_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "interactions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"staff_id" uuid,
	"kind" "interaction_kind" NOT NULL,
	"direction" text DEFAULT 'outbound' NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"outcome" text DEFAULT '' NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tags" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"color" text DEFAULT 'blue' NOT NULL,
	"kind" text DEFAULT 'manual' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tags_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "vehicle_models" (
	"id" uuid PRIMARY KEY NOT NULL,
	"brand" text NOT NULL,
	"series" text NOT NULL,
	"name" text NOT NULL,
	"body_type" "body_type" NOT NULL,
	"powertrain" "powertrain" NOT NULL,
	"seats" integer NOT NULL,
	"min_price_fen" bigint NOT NULL,
	"max_price_fen" bigint NOT NULL,
	"luxury" boolean DEFAULT false NOT NULL,
	"maintenance_interval_months" integer NOT NULL,
	"maintenance_interval_km" integer NOT NULL,
	"first_service_months" integer DEFAULT 6 NOT NULL,
	"first_service_km" integer DEFAULT 5000 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "vehicles" (
	"id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"vin" text NOT NULL,
	"plate" text,
	"model_id" uuid,
	"color" text DEFAULT '' NOT NULL,
	"purchase_date" date,
	"delivery_date" date,
	"last_mileage_km" integer,
	"last_mileage_at" date,
	"insurance_expiry" date,
	"warranty_end" date,
	"status" "vehicle_status" DEFAULT 'in_use' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sales_order_milestones" (
	"id" uuid PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"milestone" "delivery_milestone" NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"photos" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"staff_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sales_orders" (
	"id" uuid PRIMARY KEY NOT NULL,
	"order_no" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"vehicle_id" uuid,
	"model_id" uuid,
	"consultant_id" uuid,
	"price_fen" bigint NOT NULL,
	"trade_in_vin" text,
	"trade_in_value_fen" bigint DEFAULT 0 NOT NULL,
	"finance_provider" text DEFAULT '' NOT NULL,
	"loan_amount_fen" bigint DEFAULT 0 NOT NULL,
	"loan_term_months" integer DEFAULT 0 NOT NULL,
	"insurance_bundle" boolean DEFAULT false NOT NULL,
	"referrer_customer_id" uuid,
	"status" "sales_order_status" DEFAULT 'open' NOT NULL,
	"milestone" "delivery_milestone" DEFAULT 'ordered' NOT NULL,
	"ordered_at" timestamp with time zone NOT NULL,
	"delivered_at" timestamp with time zone,
	"note" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "repair_order_stages" (
	"id" uuid PRIMARY KEY NOT NULL,
	"ro_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"stage" "workshop_stage" NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"photos" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"staff_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "repair_orders" (
	"id" uuid PRIMARY KEY NOT NULL,
	"ro_no" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"vehicle_id" uuid NOT NULL,
	"advisor_id" uuid,
	"kind" "ro_kind" NOT NULL,
	"mileage_km" integer,
	"labour_fen" bigint DEFAULT 0 NOT NULL,
	"parts_fen" bigint DEFAULT 0 NOT NULL,
	"total_fen" bigint GENERATED ALWAYS AS (labour_fen + parts_fen) STORED,
	"fault_codes" text[] DEFAULT '{}' NOT NULL,
	"items" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"stage" "workshop_stage" DEFAULT 'received' NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"note" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_jobs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"store_id" uuid NOT NULL,
	"kind" "import_kind" NOT NULL,
	"file_name" text NOT NULL,
	"file_path" text NOT NULL,
	"file_bytes" integer DEFAULT 0 NOT NULL,
	"format" text NOT NULL,
	"headers" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"mapping" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" "import_status" DEFAULT 'uploaded' NOT NULL,
	"total_rows" integer DEFAULT 0 NOT NULL,
	"processed_rows" integer DEFAULT 0 NOT NULL,
	"created_count" integer DEFAULT 0 NOT NULL,
	"updated_count" integer DEFAULT 0 NOT NULL,
	"unchanged_count" integer DEFAULT 0 NOT NULL,
	"rejected_count" integer DEFAULT 0 NOT NULL,
	"preview" jsonb,
	"error_file_path" text,
	"error" text,
	"idempotency_key" text,
	"created_by" uuid,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_mappings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" "import_kind" NOT NULL,
	"name" text NOT NULL,
	"mapping" jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff" ADD CONSTRAINT "staff_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "behaviour_events" ADD CONSTRAINT "behaviour_events_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_consents" ADD CONSTRAINT "customer_consents_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_tags" ADD CONSTRAINT "customer_tags_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_tags" ADD CONSTRAINT "customer_tags_tag_id_tags_id_fk" FOREIGN KEY ("tag_id") REFERENCES "public"."tags"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_sales_consultant_id_staff_id_fk" FOREIGN KEY ("sales_consultant_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_service_advisor_id_staff_id_fk" FOREIGN KEY ("service_advisor_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interactions" ADD CONSTRAINT "interactions_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interactions" ADD CONSTRAINT "interactions_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vehicles" ADD CONSTRAINT "vehicles_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vehicles" ADD CONSTRAINT "vehicles_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vehicles" ADD CONSTRAINT "vehicles_model_id_vehicle_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."vehicle_models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales_order_milestones" ADD CONSTRAINT "sales_order_milestones_order_id_sales_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."sales_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales_order_milestones" ADD CONSTRAINT "sales_order_milestones_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales_orders" ADD CONSTRAINT "sales_orders_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales_orders" ADD CONSTRAINT "sales_orders_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales_orders" ADD CONSTRAINT "sales_orders_vehicle_id_vehicles_id_fk" FOREIGN KEY ("vehicle_id") REFERENCES "public"."vehicles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales_orders" ADD CONSTRAINT "sales_orders_model_id_vehicle_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."vehicle_models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales_orders" ADD CONSTRAINT "sales_orders_consultant_id_staff_id_fk" FOREIGN KEY ("consultant_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales_orders" ADD CONSTRAINT "sales_orders_referrer_customer_id_customers_id_fk" FOREIGN KEY ("referrer_customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "repair_order_stages" ADD CONSTRAINT "repair_order_stages_ro_id_repair_orders_id_fk" FOREIGN KEY ("ro_id") REFERENCES "public"."repair_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "repair_order_stages" ADD CONSTRAINT "repair_order_stages_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "repair_orders" ADD CONSTRAINT "repair_orders_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "repair_orders" ADD CONSTRAINT "repair_orders_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "repair_orders" ADD CONSTRAINT "repair_orders_vehicle_id_vehicles_id_fk" FOREIGN KEY ("vehicle_id") REFERENCES "public"."vehicles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "repair_orders" ADD CONSTRAINT "repair_orders_advisor_id_staff_id_fk" FOREIGN KEY ("advisor_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_jobs" ADD CONSTRAINT "import_jobs_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_jobs" ADD CONSTRAINT "import_jobs_created_by_staff_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_mappings" ADD CONSTRAINT "import_mappings_created_by_staff_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_tokens_staff_idx" ON "api_tokens" USING btree ("staff_id");--> statement-breakpoint
CREATE INDEX "sessions_staff_idx" ON "sessions" USING btree ("staff_id");--> statement-breakpoint
CREATE INDEX "sessions_expires_idx" ON "sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "staff_store_idx" ON "staff" USING btree ("store_id","role");--> statement-breakpoint
CREATE INDEX "audit_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_entity_idx" ON "audit_log" USING btree ("entity_type","entity_id");--> statement-breakpoint
CREATE INDEX "audit_customer_idx" ON "audit_log" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "audit_actor_idx" ON "audit_log" USING btree ("actor_staff_id","at");--> statement-breakpoint
CREATE INDEX "audit_store_idx" ON "audit_log" USING btree ("store_id","at");--> statement-breakpoint
CREATE INDEX "domain_events_pending_idx" ON "domain_events" USING btree ("created_at") WHERE processed_at is null;--> statement-breakpoint
CREATE INDEX "domain_events_customer_idx" ON "domain_events" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "behaviour_customer_idx" ON "behaviour_events" USING btree ("customer_id","occurred_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "customer_consents_uq" ON "customer_consents" USING btree ("customer_id","channel","purpose");--> statement-breakpoint
CREATE INDEX "customer_tags_tag_idx" ON "customer_tags" USING btree ("tag_id","customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "customers_mobile_uq" ON "customers" USING btree ("mobile") WHERE mobile is not null and status = 'active';--> statement-breakpoint
CREATE INDEX "customers_store_created_idx" ON "customers" USING btree ("store_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "customers_created_idx" ON "customers" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "customers_last4_idx" ON "customers" USING btree ("mobile_last4");--> statement-breakpoint
CREATE INDEX "customers_name_trgm_idx" ON "customers" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "customers_name_idx" ON "customers" USING btree ("name","id");--> statement-breakpoint
CREATE INDEX "customers_consultant_idx" ON "customers" USING btree ("sales_consultant_id");--> statement-breakpoint
CREATE INDEX "customers_advisor_idx" ON "customers" USING btree ("service_advisor_id");--> statement-breakpoint
CREATE INDEX "customers_openid_idx" ON "customers" USING btree ("wechat_openid");--> statement-breakpoint
CREATE INDEX "interactions_customer_idx" ON "interactions" USING btree ("customer_id","occurred_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "interactions_staff_idx" ON "interactions" USING btree ("staff_id");--> statement-breakpoint
CREATE UNIQUE INDEX "vehicle_models_uq" ON "vehicle_models" USING btree ("brand","series","name");--> statement-breakpoint
CREATE UNIQUE INDEX "vehicles_vin_uq" ON "vehicles" USING btree ("vin");--> statement-breakpoint
CREATE INDEX "vehicles_customer_idx" ON "vehicles" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "vehicles_plate_idx" ON "vehicles" USING btree ("plate");--> statement-breakpoint
CREATE INDEX "vehicles_vin_trgm_idx" ON "vehicles" USING gin ("vin" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "vehicles_model_idx" ON "vehicles" USING btree ("model_id");--> statement-breakpoint
CREATE INDEX "vehicles_store_purchase_idx" ON "vehicles" USING btree ("store_id","purchase_date");--> statement-breakpoint
CREATE INDEX "vehicles_purchase_idx" ON "vehicles" USING btree ("purchase_date");--> statement-breakpoint
CREATE UNIQUE INDEX "sales_order_milestones_uq" ON "sales_order_milestones" USING btree ("order_id","milestone");--> statement-breakpoint
CREATE INDEX "sales_order_milestones_customer_idx" ON "sales_order_milestones" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "sales_order_milestones_staff_idx" ON "sales_order_milestones" USING btree ("staff_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sales_orders_no_uq" ON "sales_orders" USING btree ("order_no");--> statement-breakpoint
CREATE INDEX "sales_orders_customer_idx" ON "sales_orders" USING btree ("customer_id","ordered_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "sales_orders_store_idx" ON "sales_orders" USING btree ("store_id","ordered_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "sales_orders_vehicle_idx" ON "sales_orders" USING btree ("vehicle_id");--> statement-breakpoint
CREATE INDEX "sales_orders_consultant_idx" ON "sales_orders" USING btree ("consultant_id");--> statement-breakpoint
CREATE INDEX "sales_orders_model_idx" ON "sales_orders" USING btree ("model_id");--> statement-breakpoint
CREATE INDEX "sales_orders_referrer_idx" ON "sales_orders" USING btree ("referrer_customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "repair_order_stages_uq" ON "repair_order_stages" USING btree ("ro_id","stage");--> statement-breakpoint
CREATE INDEX "repair_order_stages_customer_idx" ON "repair_order_stages" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "repair_order_stages_staff_idx" ON "repair_order_stages" USING btree ("staff_id");--> statement-breakpoint
CREATE UNIQUE INDEX "repair_orders_no_uq" ON "repair_orders" USING btree ("store_id","ro_no");--> statement-breakpoint
CREATE INDEX "repair_orders_customer_idx" ON "repair_orders" USING btree ("customer_id","opened_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "repair_orders_vehicle_idx" ON "repair_orders" USING btree ("vehicle_id","opened_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "repair_orders_store_idx" ON "repair_orders" USING btree ("store_id","opened_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "repair_orders_advisor_idx" ON "repair_orders" USING btree ("advisor_id");--> statement-breakpoint
CREATE INDEX "import_jobs_store_idx" ON "import_jobs" USING btree ("store_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "import_jobs_created_by_idx" ON "import_jobs" USING btree ("created_by");--> statement-breakpoint
CREATE UNIQUE INDEX "import_jobs_idem_uq" ON "import_jobs" USING btree ("created_by","idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "import_mappings_uq" ON "import_mappings" USING btree ("kind","name");--> statement-breakpoint
CREATE INDEX "import_mappings_created_by_idx" ON "import_mappings" USING btree ("created_by");