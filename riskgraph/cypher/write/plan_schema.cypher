// The index that finds a plan's inspection results (Event.plan_id). Idempotent (IF NOT EXISTS). No parameters.
CREATE INDEX event_plan IF NOT EXISTS FOR (n:Event) ON (n.plan_id)
