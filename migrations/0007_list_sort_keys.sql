DROP INDEX "customer_tags_tag_idx";--> statement-breakpoint
DROP INDEX "customer_tags_tag_store_idx";--> statement-breakpoint
DROP INDEX "vehicles_model_idx";--> statement-breakpoint
DROP INDEX "vehicles_store_purchase_idx";--> statement-breakpoint
DROP INDEX "vehicles_purchase_idx";--> statement-breakpoint
ALTER TABLE "customer_tags" ADD COLUMN "customer_created_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "vehicles" ADD COLUMN "customer_created_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
-- The copies start as the owner's real created_at, not the column default.
UPDATE "customer_tags" ct SET "customer_created_at" = c."created_at" FROM "customers" c WHERE c."id" = ct."customer_id";--> statement-breakpoint
UPDATE "vehicles" v SET "customer_created_at" = c."created_at" FROM "customers" c WHERE c."id" = v."customer_id";--> statement-breakpoint
-- Every write path (services, imports, merges, ownership changes) gets the copy from the one place that is right.
CREATE OR REPLACE FUNCTION baoke_copy_customer_created_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT c.created_at INTO NEW.customer_created_at FROM customers c WHERE c.id = NEW.customer_id;
  RETURN NEW;
END;
$$;--> statement-breakpoint
CREATE TRIGGER customer_tags_customer_created_at BEFORE INSERT OR UPDATE OF customer_id ON customer_tags
  FOR EACH ROW EXECUTE FUNCTION baoke_copy_customer_created_at();--> statement-breakpoint
CREATE TRIGGER vehicles_customer_created_at BEFORE INSERT OR UPDATE OF customer_id ON vehicles
  FOR EACH ROW EXECUTE FUNCTION baoke_copy_customer_created_at();--> statement-breakpoint
-- A customer's created_at is not meant to change; if a correction ever does change it, the copies follow.
CREATE OR REPLACE FUNCTION baoke_spread_customer_created_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE customer_tags SET customer_created_at = NEW.created_at WHERE customer_id = NEW.id;
  UPDATE vehicles SET customer_created_at = NEW.created_at WHERE customer_id = NEW.id;
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER customers_created_at_spread AFTER UPDATE OF created_at ON customers
  FOR EACH ROW WHEN (OLD.created_at IS DISTINCT FROM NEW.created_at) EXECUTE FUNCTION baoke_spread_customer_created_at();--> statement-breakpoint
CREATE INDEX "customer_tags_tag_created_idx" ON "customer_tags" USING btree ("tag_id","customer_created_at","customer_id");--> statement-breakpoint
CREATE INDEX "customer_tags_tag_store_created_idx" ON "customer_tags" USING btree ("tag_id","store_id","customer_created_at","customer_id");--> statement-breakpoint
CREATE INDEX "vehicles_model_created_idx" ON "vehicles" USING btree ("model_id","customer_created_at","customer_id");--> statement-breakpoint
CREATE INDEX "vehicles_store_purchase_idx" ON "vehicles" USING btree ("store_id","purchase_date","customer_created_at","customer_id");--> statement-breakpoint
CREATE INDEX "vehicles_purchase_idx" ON "vehicles" USING btree ("purchase_date","customer_created_at","customer_id");