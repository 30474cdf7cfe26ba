CREATE INDEX "customer_facts_store_score_idx" ON "customer_facts" USING btree ("store_id","trade_in_score");--> statement-breakpoint
CREATE INDEX "customer_facts_store_due_idx" ON "customer_facts" USING btree ("store_id","next_maintenance_due_date");--> statement-breakpoint
CREATE INDEX "customer_facts_store_visit_idx" ON "customer_facts" USING btree ("store_id","last_visit_at");--> statement-breakpoint
CREATE INDEX "customer_facts_store_churn_idx" ON "customer_facts" USING btree ("store_id","churn_risk");