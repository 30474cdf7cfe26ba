CREATE TYPE "public"."task_kind" AS ENUM('handover', 'follow_up_call', 'care', 'maintenance_reminder', 'insurance_renewal', 'warranty_extension', 'preventive', 'trade_in', 'win_back', 'event_follow_up', 'complaint_revisit', 'survey_follow_up', 'manual');--> statement-breakpoint
CREATE TYPE "public"."task_outcome" AS ENUM('reached', 'not_reached', 'booked', 'not_interested', 'complaint_raised');--> statement-breakpoint
CREATE TYPE "public"."task_priority" AS ENUM('low', 'normal', 'high', 'urgent');--> statement-breakpoint
CREATE TYPE "public"."task_status" AS ENUM('open', 'done', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."message_channel" AS ENUM('sms', 'wechat', 'email', 'inbox');--> statement-breakpoint
CREATE TYPE "public"."message_locale" AS ENUM('zh-CN', 'en-US');--> statement-breakpoint
CREATE TYPE "public"."message_purpose" AS ENUM('service', 'marketing');--> statement-breakpoint
CREATE TYPE "public"."message_status" AS ENUM('queued', 'deferred', 'sent', 'failed', 'suppressed');--> statement-breakpoint
CREATE TYPE "public"."message_suppression" AS ENUM('no_consent', 'quiet_hours', 'frequency_cap', 'unsubscribed', 'no_address');--> statement-breakpoint
CREATE TABLE "task_settings" (
	"store_id" uuid PRIMARY KEY NOT NULL,
	"escalate_after_hours" integer NOT NULL,
	"retry_delay_hours" integer NOT NULL,
	"max_attempts" integer NOT NULL,
	"updated_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"id" uuid PRIMARY KEY NOT NULL,
	"store_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"vehicle_id" uuid,
	"assignee_staff_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"kind" "task_kind" NOT NULL,
	"priority" "task_priority" DEFAULT 'normal' NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"status" "task_status" DEFAULT 'open' NOT NULL,
	"outcome" "task_outcome",
	"outcome_note" text DEFAULT '' NOT NULL,
	"completed_at" timestamp with time zone,
	"completed_by" uuid,
	"source_rule_id" uuid,
	"firing_key" text,
	"escalated_at" timestamp with time zone,
	"escalation_level" integer DEFAULT 0 NOT NULL,
	"escalated_to" uuid,
	"retry_of_task_id" uuid,
	"attempt" integer DEFAULT 1 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "message_templates" (
	"id" uuid PRIMARY KEY NOT NULL,
	"store_id" uuid,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"channel" "message_channel" NOT NULL,
	"purpose" "message_purpose" NOT NULL,
	"locale" "message_locale" DEFAULT 'zh-CN' NOT NULL,
	"subject" text DEFAULT '' NOT NULL,
	"body" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "message_unsubscribe_tokens" (
	"id" uuid PRIMARY KEY NOT NULL,
	"token" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"channel" "message_channel" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" uuid PRIMARY KEY NOT NULL,
	"customer_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"channel" "message_channel" NOT NULL,
	"purpose" "message_purpose" NOT NULL,
	"template_id" uuid,
	"to_address" text,
	"subject" text DEFAULT '' NOT NULL,
	"body" text NOT NULL,
	"status" "message_status" NOT NULL,
	"suppression_reason" "message_suppression",
	"scheduled_at" timestamp with time zone NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"locked_until" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"provider" text,
	"provider_message_id" text,
	"source_rule_id" uuid,
	"firing_key" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "messaging_settings" (
	"store_id" uuid PRIMARY KEY NOT NULL,
	"quiet_start" time NOT NULL,
	"quiet_end" time NOT NULL,
	"marketing_cap" integer NOT NULL,
	"cap_window_days" integer NOT NULL,
	"max_attempts" integer NOT NULL,
	"updated_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "task_settings" ADD CONSTRAINT "task_settings_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_settings" ADD CONSTRAINT "task_settings_updated_by_staff_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_vehicle_id_vehicles_id_fk" FOREIGN KEY ("vehicle_id") REFERENCES "public"."vehicles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_assignee_staff_id_staff_id_fk" FOREIGN KEY ("assignee_staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_completed_by_staff_id_fk" FOREIGN KEY ("completed_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_escalated_to_staff_id_fk" FOREIGN KEY ("escalated_to") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_retry_of_task_id_tasks_id_fk" FOREIGN KEY ("retry_of_task_id") REFERENCES "public"."tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_created_by_staff_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_templates" ADD CONSTRAINT "message_templates_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_templates" ADD CONSTRAINT "message_templates_created_by_staff_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_unsubscribe_tokens" ADD CONSTRAINT "message_unsubscribe_tokens_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_template_id_message_templates_id_fk" FOREIGN KEY ("template_id") REFERENCES "public"."message_templates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_created_by_staff_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messaging_settings" ADD CONSTRAINT "messaging_settings_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messaging_settings" ADD CONSTRAINT "messaging_settings_updated_by_staff_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "task_settings_updated_by_idx" ON "task_settings" USING btree ("updated_by");--> statement-breakpoint
CREATE UNIQUE INDEX "tasks_firing_key_uq" ON "tasks" USING btree ("firing_key") WHERE firing_key is not null;--> statement-breakpoint
CREATE INDEX "tasks_assignee_open_idx" ON "tasks" USING btree ("assignee_staff_id","due_at") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "tasks_assignee_closed_idx" ON "tasks" USING btree ("assignee_staff_id","completed_at" DESC NULLS LAST) WHERE status <> 'open';--> statement-breakpoint
CREATE INDEX "tasks_store_due_idx" ON "tasks" USING btree ("store_id","due_at");--> statement-breakpoint
CREATE INDEX "tasks_escalation_idx" ON "tasks" USING btree ("due_at") WHERE status = 'open' and escalation_level = 0;--> statement-breakpoint
CREATE INDEX "tasks_customer_idx" ON "tasks" USING btree ("customer_id","due_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "tasks_vehicle_idx" ON "tasks" USING btree ("vehicle_id");--> statement-breakpoint
CREATE INDEX "tasks_completed_by_idx" ON "tasks" USING btree ("completed_by");--> statement-breakpoint
CREATE INDEX "tasks_escalated_to_idx" ON "tasks" USING btree ("escalated_to") WHERE escalated_to is not null;--> statement-breakpoint
CREATE INDEX "tasks_retry_of_idx" ON "tasks" USING btree ("retry_of_task_id");--> statement-breakpoint
CREATE INDEX "tasks_created_by_idx" ON "tasks" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "tasks_source_rule_idx" ON "tasks" USING btree ("source_rule_id") WHERE source_rule_id is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "message_templates_group_uq" ON "message_templates" USING btree ("code","channel","locale") WHERE store_id is null;--> statement-breakpoint
CREATE UNIQUE INDEX "message_templates_store_uq" ON "message_templates" USING btree ("store_id","code","channel","locale") WHERE store_id is not null;--> statement-breakpoint
CREATE INDEX "message_templates_created_by_idx" ON "message_templates" USING btree ("created_by");--> statement-breakpoint
CREATE UNIQUE INDEX "message_unsubscribe_tokens_token_uq" ON "message_unsubscribe_tokens" USING btree ("token");--> statement-breakpoint
CREATE UNIQUE INDEX "message_unsubscribe_tokens_live_uq" ON "message_unsubscribe_tokens" USING btree ("customer_id","channel") WHERE revoked_at is null;--> statement-breakpoint
CREATE INDEX "message_unsubscribe_tokens_customer_idx" ON "message_unsubscribe_tokens" USING btree ("customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "messages_firing_key_uq" ON "messages" USING btree ("firing_key") WHERE firing_key is not null;--> statement-breakpoint
CREATE INDEX "messages_due_idx" ON "messages" USING btree ("next_attempt_at") WHERE status in ('queued', 'deferred');--> statement-breakpoint
CREATE INDEX "messages_cap_idx" ON "messages" USING btree ("customer_id","scheduled_at") WHERE purpose = 'marketing' and status in ('queued', 'deferred', 'sent');--> statement-breakpoint
CREATE INDEX "messages_customer_idx" ON "messages" USING btree ("customer_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "messages_store_created_idx" ON "messages" USING btree ("store_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "messages_created_idx" ON "messages" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "messages_template_idx" ON "messages" USING btree ("template_id");--> statement-breakpoint
CREATE INDEX "messages_created_by_idx" ON "messages" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "messages_source_rule_idx" ON "messages" USING btree ("source_rule_id") WHERE source_rule_id is not null;--> statement-breakpoint
CREATE INDEX "messaging_settings_updated_by_idx" ON "messaging_settings" USING btree ("updated_by");