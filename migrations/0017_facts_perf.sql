-- Derived facts (segments/facts.ts): the one pass over every repair order reads this index instead of the table. It
-- carries every column that aggregate names, in (customer, vehicle) order: an index-only scan feeding a sorted group
-- aggregate (no hash table of millions of groups), and an incremental refresh reads only its customers' entries.
CREATE INDEX IF NOT EXISTS "repair_orders_facts_idx" ON "repair_orders" USING btree ("customer_id", "vehicle_id") INCLUDE ("opened_at", "kind", "stage", "mileage_km", "total_fen");
