CREATE TYPE "public"."appointment_source" AS ENUM('console', 'portal');--> statement-breakpoint
CREATE TYPE "public"."appointment_status" AS ENUM('booked', 'checked_in', 'no_show', 'cancelled');--> statement-breakpoint
CREATE TABLE "appointment_settings" (
	"store_id" uuid PRIMARY KEY NOT NULL,
	"slot_minutes" integer NOT NULL,
	"bays" integer NOT NULL,
	"technicians" integer NOT NULL,
	"hours" jsonb NOT NULL,
	"grace_minutes" integer NOT NULL,
	"lead_minutes" integer NOT NULL,
	"horizon_days" integer NOT NULL,
	"closed_dates" date[] DEFAULT '{}'::date[] NOT NULL,
	"updated_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "appointments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"store_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"vehicle_id" uuid NOT NULL,
	"kind" "ro_kind" NOT NULL,
	"status" "appointment_status" DEFAULT 'booked' NOT NULL,
	"slot_start" timestamp with time zone NOT NULL,
	"slot_end" timestamp with time zone NOT NULL,
	"local_date" date NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"source" "appointment_source" NOT NULL,
	"advisor_id" uuid,
	"created_by" uuid,
	"idempotency_key" text,
	"repair_order_id" uuid,
	"checked_in_at" timestamp with time zone,
	"checked_in_by" uuid,
	"cancelled_at" timestamp with time zone,
	"cancelled_by" uuid,
	"cancel_reason" text DEFAULT '' NOT NULL,
	"no_show_at" timestamp with time zone,
	"reminded_at" timestamp with time zone,
	"reschedule_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "portal_inbox_reads" (
	"message_id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"read_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "portal_login_codes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"mobile_hash" text NOT NULL,
	"customer_id" uuid,
	"store_id" uuid,
	"salt" text NOT NULL,
	"code_hash" text,
	"ip" text DEFAULT '' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"consumed_at" timestamp with time zone,
	"superseded_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "portal_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"csrf_token" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"ip" text,
	"user_agent" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "requested_by_recipient" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "appointment_settings" ADD CONSTRAINT "appointment_settings_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appointment_settings" ADD CONSTRAINT "appointment_settings_updated_by_staff_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_vehicle_id_vehicles_id_fk" FOREIGN KEY ("vehicle_id") REFERENCES "public"."vehicles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_advisor_id_staff_id_fk" FOREIGN KEY ("advisor_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_created_by_staff_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_repair_order_id_repair_orders_id_fk" FOREIGN KEY ("repair_order_id") REFERENCES "public"."repair_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_checked_in_by_staff_id_fk" FOREIGN KEY ("checked_in_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_cancelled_by_staff_id_fk" FOREIGN KEY ("cancelled_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_inbox_reads" ADD CONSTRAINT "portal_inbox_reads_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_login_codes" ADD CONSTRAINT "portal_login_codes_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_sessions" ADD CONSTRAINT "portal_sessions_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "appointment_settings_updated_by_idx" ON "appointment_settings" USING btree ("updated_by");--> statement-breakpoint
CREATE UNIQUE INDEX "appointments_idempotency_uq" ON "appointments" USING btree ("idempotency_key") WHERE idempotency_key is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "appointments_vehicle_open_uq" ON "appointments" USING btree ("vehicle_id") WHERE status = 'booked';--> statement-breakpoint
CREATE INDEX "appointments_store_slot_idx" ON "appointments" USING btree ("store_id","slot_start");--> statement-breakpoint
CREATE INDEX "appointments_customer_idx" ON "appointments" USING btree ("customer_id","slot_start" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "appointments_vehicle_idx" ON "appointments" USING btree ("vehicle_id");--> statement-breakpoint
CREATE INDEX "appointments_open_end_idx" ON "appointments" USING btree ("slot_end") WHERE status = 'booked';--> statement-breakpoint
CREATE INDEX "appointments_remind_idx" ON "appointments" USING btree ("local_date") WHERE status = 'booked' and reminded_at is null;--> statement-breakpoint
CREATE INDEX "appointments_no_show_idx" ON "appointments" USING btree ("customer_id") WHERE status = 'no_show';--> statement-breakpoint
CREATE INDEX "appointments_advisor_idx" ON "appointments" USING btree ("advisor_id");--> statement-breakpoint
CREATE INDEX "appointments_created_by_idx" ON "appointments" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "appointments_checked_in_by_idx" ON "appointments" USING btree ("checked_in_by");--> statement-breakpoint
CREATE INDEX "appointments_cancelled_by_idx" ON "appointments" USING btree ("cancelled_by");--> statement-breakpoint
CREATE INDEX "appointments_repair_order_idx" ON "appointments" USING btree ("repair_order_id");--> statement-breakpoint
CREATE INDEX "portal_inbox_reads_customer_idx" ON "portal_inbox_reads" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "portal_login_codes_mobile_idx" ON "portal_login_codes" USING btree ("mobile_hash","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "portal_login_codes_ip_idx" ON "portal_login_codes" USING btree ("ip","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "portal_login_codes_customer_idx" ON "portal_login_codes" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "portal_login_codes_created_idx" ON "portal_login_codes" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "portal_sessions_customer_idx" ON "portal_sessions" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "portal_sessions_expires_idx" ON "portal_sessions" USING btree ("expires_at");