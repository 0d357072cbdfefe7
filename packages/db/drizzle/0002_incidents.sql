CREATE TABLE "incident_occurrences" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"incident_id" bigint,
	"analysis_id" bigint NOT NULL,
	"project_id" bigint NOT NULL,
	"pipeline_id" bigint NOT NULL,
	"job_id" bigint NOT NULL,
	"job_name" text NOT NULL,
	"ref" text,
	"sha" text,
	"merge_request_iid" bigint,
	"on_default_branch" boolean DEFAULT false NOT NULL,
	"target_branch" text,
	"fingerprint" text NOT NULL,
	"verdict_kind" text NOT NULL,
	"verdict" jsonb NOT NULL,
	"safe_to_merge" boolean DEFAULT false NOT NULL,
	"facts" jsonb,
	"compared_pipeline_id" bigint,
	"retry_job_id" bigint,
	"retry_status" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incidents" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"fingerprint" text NOT NULL,
	"signature" text NOT NULL,
	"project_id" bigint NOT NULL,
	"job_name" text NOT NULL,
	"failure_reason" text,
	"category" text,
	"title" text NOT NULL,
	"identity_lines" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"occurrences" integer DEFAULT 0 NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"default_branch" text,
	"failing_since_pipeline_id" bigint,
	"failing_since_sha" text,
	"failing_since_at" timestamp with time zone,
	"last_default_pipeline_id" bigint,
	"fixed_pipeline_id" bigint,
	"fixed_sha" text,
	"fixed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "incident_occurrences" ADD CONSTRAINT "incident_occurrences_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_occurrences" ADD CONSTRAINT "incident_occurrences_analysis_id_analyses_id_fk" FOREIGN KEY ("analysis_id") REFERENCES "public"."analyses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "incident_occurrences_job_uq" ON "incident_occurrences" USING btree ("project_id","job_id");--> statement-breakpoint
CREATE INDEX "incident_occurrences_commit_idx" ON "incident_occurrences" USING btree ("fingerprint","sha");--> statement-breakpoint
CREATE INDEX "incident_occurrences_incident_idx" ON "incident_occurrences" USING btree ("incident_id","created_at");--> statement-breakpoint
CREATE INDEX "incident_occurrences_analysis_idx" ON "incident_occurrences" USING btree ("analysis_id");--> statement-breakpoint
CREATE INDEX "incident_occurrences_retry_idx" ON "incident_occurrences" USING btree ("retry_job_id") WHERE "incident_occurrences"."retry_job_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "incidents_fingerprint_uq" ON "incidents" USING btree ("fingerprint");--> statement-breakpoint
CREATE INDEX "incidents_signature_idx" ON "incidents" USING btree ("signature");--> statement-breakpoint
CREATE INDEX "incidents_project_seen_idx" ON "incidents" USING btree ("project_id","last_seen_at");--> statement-breakpoint
CREATE INDEX "incidents_open_default_idx" ON "incidents" USING btree ("project_id") WHERE "incidents"."status" = 'open' and "incidents"."failing_since_pipeline_id" is not null;