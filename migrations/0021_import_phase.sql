CREATE TYPE "public"."import_phase" AS ENUM('read', 'match', 'write');--> statement-breakpoint
ALTER TABLE "import_jobs" ADD COLUMN "phase" "import_phase";