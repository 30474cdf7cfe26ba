CREATE TABLE "journey_rule_marks" (
	"rule_id" uuid PRIMARY KEY NOT NULL,
	"as_of" date NOT NULL,
	"evaluated_at" timestamp with time zone NOT NULL,
	"rule_version" integer NOT NULL,
	"switches" text NOT NULL,
	"facts_run_id" uuid
);
--> statement-breakpoint
ALTER TABLE "journey_rule_marks" ADD CONSTRAINT "journey_rule_marks_rule_id_journey_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."journey_rules"("id") ON DELETE cascade ON UPDATE no action;