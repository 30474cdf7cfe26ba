CREATE TYPE "public"."compensation_kind" AS ENUM('coupon', 'points', 'cash');--> statement-breakpoint
CREATE TYPE "public"."complaint_channel" AS ENUM('hotline', 'in_store', 'wechat', 'portal', 'survey');--> statement-breakpoint
CREATE TYPE "public"."complaint_severity" AS ENUM('normal', 'urgent');--> statement-breakpoint
CREATE TYPE "public"."complaint_status" AS ENUM('received', 'acknowledged', 'resolved', 'feedback_given', 'closed', 'reopened');--> statement-breakpoint
CREATE TYPE "public"."complaint_type" AS ENUM('attitude', 'technical', 'fee', 'waiting', 'parts', 'other');--> statement-breakpoint
CREATE TYPE "public"."sla_stage" AS ENUM('acknowledge', 'resolve', 'feedback', 'revisit');--> statement-breakpoint
CREATE TYPE "public"."survey_detractor_action" AS ENUM('complaint', 'task');--> statement-breakpoint
CREATE TYPE "public"."survey_touchpoint" AS ENUM('delivery', 'service', 'event', 'complaint_revisit', 'other');--> statement-breakpoint
CREATE SEQUENCE "public"."complaint_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "complaint_clocks" (
	"complaint_id" uuid NOT NULL,
	"stage" "sla_stage" NOT NULL,
	"budget_minutes" integer NOT NULL,
	"consumed_ms" bigint DEFAULT 0 NOT NULL,
	"running_since" timestamp with time zone,
	"due_at" timestamp with time zone,
	"warn_at" timestamp with time zone,
	"met_at" timestamp with time zone,
	"breached" boolean DEFAULT false NOT NULL,
	"warned_at" timestamp with time zone,
	"escalation_level" integer DEFAULT 0 NOT NULL,
	"escalated_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "complaint_clocks_complaint_id_stage_pk" PRIMARY KEY("complaint_id","stage")
);
--> statement-breakpoint
CREATE TABLE "complaint_compensations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"complaint_id" uuid NOT NULL,
	"kind" "compensation_kind" NOT NULL,
	"amount" integer NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'recorded' NOT NULL,
	"external_ref" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "complaint_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"complaint_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_staff_id" uuid,
	"actor_name" text NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "complaint_routing_rules" (
	"store_id" uuid NOT NULL,
	"type" "complaint_type" NOT NULL,
	"role" "staff_role" NOT NULL,
	"staff_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "complaint_routing_rules_store_id_type_pk" PRIMARY KEY("store_id","type")
);
--> statement-breakpoint
CREATE TABLE "complaint_settings" (
	"store_id" uuid PRIMARY KEY NOT NULL,
	"settings" jsonb NOT NULL,
	"updated_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "complaints" (
	"id" uuid PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"store_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"vehicle_id" uuid,
	"channel" "complaint_channel" NOT NULL,
	"severity" "complaint_severity" NOT NULL,
	"type" "complaint_type" NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"status" "complaint_status" DEFAULT 'received' NOT NULL,
	"assignee_staff_id" uuid,
	"advisor_staff_id" uuid,
	"paused" boolean DEFAULT false NOT NULL,
	"root_cause" text DEFAULT '' NOT NULL,
	"resolution" text DEFAULT '' NOT NULL,
	"satisfied" boolean,
	"satisfaction_score" smallint,
	"reopen_count" integer DEFAULT 0 NOT NULL,
	"escalation_level" integer DEFAULT 0 NOT NULL,
	"escalated_to" uuid,
	"survey_response_id" uuid,
	"received_at" timestamp with time zone NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"feedback_at" timestamp with time zone,
	"revisited_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "survey_invitations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"token" text NOT NULL,
	"store_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"vehicle_id" uuid,
	"template_id" uuid NOT NULL,
	"touchpoint" "survey_touchpoint" NOT NULL,
	"firing_key" text,
	"advisor_staff_id" uuid,
	"consultant_staff_id" uuid,
	"complaint_id" uuid,
	"sent_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"remind_at" timestamp with time zone NOT NULL,
	"reminded_at" timestamp with time zone,
	"answered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "survey_responses" (
	"id" uuid PRIMARY KEY NOT NULL,
	"invitation_id" uuid NOT NULL,
	"template_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"touchpoint" "survey_touchpoint" NOT NULL,
	"advisor_staff_id" uuid,
	"consultant_staff_id" uuid,
	"nps" smallint,
	"csat" smallint,
	"answers" jsonb NOT NULL,
	"verbatim" text DEFAULT '' NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL,
	"complaint_id" uuid,
	"task_id" uuid
);
--> statement-breakpoint
CREATE TABLE "survey_templates" (
	"id" uuid PRIMARY KEY NOT NULL,
	"store_id" uuid,
	"code" text,
	"name" text NOT NULL,
	"touchpoint" "survey_touchpoint" NOT NULL,
	"intro" text DEFAULT '' NOT NULL,
	"questions" jsonb NOT NULL,
	"expires_after_days" integer DEFAULT 14 NOT NULL,
	"reminder_after_hours" integer DEFAULT 48 NOT NULL,
	"detractor_action" "survey_detractor_action" DEFAULT 'complaint' NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "complaint_clocks" ADD CONSTRAINT "complaint_clocks_complaint_id_complaints_id_fk" FOREIGN KEY ("complaint_id") REFERENCES "public"."complaints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_compensations" ADD CONSTRAINT "complaint_compensations_complaint_id_complaints_id_fk" FOREIGN KEY ("complaint_id") REFERENCES "public"."complaints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_compensations" ADD CONSTRAINT "complaint_compensations_created_by_staff_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_events" ADD CONSTRAINT "complaint_events_complaint_id_complaints_id_fk" FOREIGN KEY ("complaint_id") REFERENCES "public"."complaints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_events" ADD CONSTRAINT "complaint_events_actor_staff_id_staff_id_fk" FOREIGN KEY ("actor_staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_routing_rules" ADD CONSTRAINT "complaint_routing_rules_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_routing_rules" ADD CONSTRAINT "complaint_routing_rules_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_settings" ADD CONSTRAINT "complaint_settings_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_settings" ADD CONSTRAINT "complaint_settings_updated_by_staff_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_vehicle_id_vehicles_id_fk" FOREIGN KEY ("vehicle_id") REFERENCES "public"."vehicles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_assignee_staff_id_staff_id_fk" FOREIGN KEY ("assignee_staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_advisor_staff_id_staff_id_fk" FOREIGN KEY ("advisor_staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_escalated_to_staff_id_fk" FOREIGN KEY ("escalated_to") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_created_by_staff_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_invitations" ADD CONSTRAINT "survey_invitations_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_invitations" ADD CONSTRAINT "survey_invitations_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_invitations" ADD CONSTRAINT "survey_invitations_vehicle_id_vehicles_id_fk" FOREIGN KEY ("vehicle_id") REFERENCES "public"."vehicles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_invitations" ADD CONSTRAINT "survey_invitations_template_id_survey_templates_id_fk" FOREIGN KEY ("template_id") REFERENCES "public"."survey_templates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_invitations" ADD CONSTRAINT "survey_invitations_advisor_staff_id_staff_id_fk" FOREIGN KEY ("advisor_staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_invitations" ADD CONSTRAINT "survey_invitations_consultant_staff_id_staff_id_fk" FOREIGN KEY ("consultant_staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_responses" ADD CONSTRAINT "survey_responses_invitation_id_survey_invitations_id_fk" FOREIGN KEY ("invitation_id") REFERENCES "public"."survey_invitations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_responses" ADD CONSTRAINT "survey_responses_template_id_survey_templates_id_fk" FOREIGN KEY ("template_id") REFERENCES "public"."survey_templates"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_responses" ADD CONSTRAINT "survey_responses_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_responses" ADD CONSTRAINT "survey_responses_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_responses" ADD CONSTRAINT "survey_responses_advisor_staff_id_staff_id_fk" FOREIGN KEY ("advisor_staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_responses" ADD CONSTRAINT "survey_responses_consultant_staff_id_staff_id_fk" FOREIGN KEY ("consultant_staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_templates" ADD CONSTRAINT "survey_templates_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_templates" ADD CONSTRAINT "survey_templates_created_by_staff_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "complaint_clocks_due_idx" ON "complaint_clocks" USING btree ("due_at") WHERE met_at is null and due_at is not null;--> statement-breakpoint
CREATE INDEX "complaint_clocks_warn_idx" ON "complaint_clocks" USING btree ("warn_at") WHERE met_at is null and warned_at is null and warn_at is not null;--> statement-breakpoint
CREATE INDEX "complaint_compensations_complaint_idx" ON "complaint_compensations" USING btree ("complaint_id");--> statement-breakpoint
CREATE INDEX "complaint_compensations_created_by_idx" ON "complaint_compensations" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "complaint_events_complaint_idx" ON "complaint_events" USING btree ("complaint_id","at");--> statement-breakpoint
CREATE INDEX "complaint_events_actor_idx" ON "complaint_events" USING btree ("actor_staff_id");--> statement-breakpoint
CREATE INDEX "complaint_routing_rules_staff_idx" ON "complaint_routing_rules" USING btree ("staff_id");--> statement-breakpoint
CREATE INDEX "complaint_settings_updated_by_idx" ON "complaint_settings" USING btree ("updated_by");--> statement-breakpoint
CREATE UNIQUE INDEX "complaints_number_uq" ON "complaints" USING btree ("number");--> statement-breakpoint
CREATE UNIQUE INDEX "complaints_survey_response_uq" ON "complaints" USING btree ("survey_response_id") WHERE survey_response_id is not null;--> statement-breakpoint
CREATE INDEX "complaints_store_received_idx" ON "complaints" USING btree ("store_id","received_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "complaints_received_idx" ON "complaints" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "complaints_customer_idx" ON "complaints" USING btree ("customer_id","received_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "complaints_vehicle_idx" ON "complaints" USING btree ("vehicle_id");--> statement-breakpoint
CREATE INDEX "complaints_assignee_idx" ON "complaints" USING btree ("assignee_staff_id") WHERE status <> 'closed';--> statement-breakpoint
CREATE INDEX "complaints_advisor_idx" ON "complaints" USING btree ("advisor_staff_id");--> statement-breakpoint
CREATE INDEX "complaints_escalated_to_idx" ON "complaints" USING btree ("escalated_to");--> statement-breakpoint
CREATE INDEX "complaints_created_by_idx" ON "complaints" USING btree ("created_by");--> statement-breakpoint
CREATE UNIQUE INDEX "survey_invitations_token_uq" ON "survey_invitations" USING btree ("token");--> statement-breakpoint
CREATE UNIQUE INDEX "survey_invitations_firing_key_uq" ON "survey_invitations" USING btree ("firing_key") WHERE firing_key is not null;--> statement-breakpoint
CREATE INDEX "survey_invitations_remind_idx" ON "survey_invitations" USING btree ("remind_at") WHERE answered_at is null and reminded_at is null;--> statement-breakpoint
CREATE INDEX "survey_invitations_customer_idx" ON "survey_invitations" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "survey_invitations_store_idx" ON "survey_invitations" USING btree ("store_id","sent_at");--> statement-breakpoint
CREATE INDEX "survey_invitations_vehicle_idx" ON "survey_invitations" USING btree ("vehicle_id");--> statement-breakpoint
CREATE INDEX "survey_invitations_template_idx" ON "survey_invitations" USING btree ("template_id");--> statement-breakpoint
CREATE INDEX "survey_invitations_advisor_idx" ON "survey_invitations" USING btree ("advisor_staff_id");--> statement-breakpoint
CREATE INDEX "survey_invitations_consultant_idx" ON "survey_invitations" USING btree ("consultant_staff_id");--> statement-breakpoint
CREATE UNIQUE INDEX "survey_responses_invitation_uq" ON "survey_responses" USING btree ("invitation_id");--> statement-breakpoint
CREATE INDEX "survey_responses_store_submitted_idx" ON "survey_responses" USING btree ("store_id","submitted_at");--> statement-breakpoint
CREATE INDEX "survey_responses_submitted_idx" ON "survey_responses" USING btree ("submitted_at");--> statement-breakpoint
CREATE INDEX "survey_responses_customer_idx" ON "survey_responses" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "survey_responses_template_idx" ON "survey_responses" USING btree ("template_id");--> statement-breakpoint
CREATE INDEX "survey_responses_advisor_idx" ON "survey_responses" USING btree ("advisor_staff_id");--> statement-breakpoint
CREATE INDEX "survey_responses_consultant_idx" ON "survey_responses" USING btree ("consultant_staff_id");--> statement-breakpoint
CREATE UNIQUE INDEX "survey_templates_code_uq" ON "survey_templates" USING btree ("code") WHERE code is not null;--> statement-breakpoint
CREATE INDEX "survey_templates_store_idx" ON "survey_templates" USING btree ("store_id");--> statement-breakpoint
CREATE INDEX "survey_templates_created_by_idx" ON "survey_templates" USING btree ("created_by");