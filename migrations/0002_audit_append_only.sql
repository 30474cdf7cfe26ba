-- The audit log is append-only: PIPL accountability depends on nobody rewriting who revealed or exported what.
CREATE OR REPLACE FUNCTION baoke_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION baoke_refuse_change();
