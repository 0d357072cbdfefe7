CREATE TABLE "analyses" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"request_id" text NOT NULL,
	"dedup_key" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"trigger" text NOT NULL,
	"project_id" bigint NOT NULL,
	"pipeline_id" bigint NOT NULL,
	"project" jsonb NOT NULL,
	"pipeline" jsonb NOT NULL,
	"failed_jobs" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"result" jsonb,
	"category" text,
	"severity" text,
	"fingerprint" text,
	"error" jsonb,
	"provider" text,
	"model" text,
	"prompt_version" text,
	"input_tokens" integer DEFAULT 0 NOT NULL,
	"output_tokens" integer DEFAULT 0 NOT NULL,
	"cost_usd" double precision DEFAULT 0 NOT NULL,
	"cache_hit" boolean DEFAULT false NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"timings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"fetch_state" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"enqueued_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analysis_jobs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"analysis_id" bigint NOT NULL,
	"job_id" bigint NOT NULL,
	"name" text NOT NULL,
	"stage" text NOT NULL,
	"status" text NOT NULL,
	"failure_reason" text,
	"allow_failure" boolean DEFAULT false NOT NULL,
	"web_url" text,
	"excerpt" jsonb,
	"findings" jsonb,
	"log_bytes" integer,
	"log_truncated" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fingerprints" (
	"fingerprint" text PRIMARY KEY NOT NULL,
	"analysis_id" bigint,
	"category" text,
	"result" jsonb NOT NULL,
	"hits" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mail_cursors" (
	"account" text DEFAULT '' NOT NULL,
	"folder" text NOT NULL,
	"uid_validity" text NOT NULL,
	"last_uid" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mail_cursors_account_folder_pk" PRIMARY KEY("account","folder")
);
--> statement-breakpoint
CREATE TABLE "posted_notes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"project_id" bigint NOT NULL,
	"target" text NOT NULL,
	"note_id" bigint NOT NULL,
	"analysis_id" bigint,
	"fingerprint" text,
	"state" text NOT NULL,
	"pipeline_id" bigint,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "processed_emails" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"message_id" text NOT NULL,
	"folder" text NOT NULL,
	"uid" bigint NOT NULL,
	"uid_validity" text NOT NULL,
	"sender" text,
	"subject" text,
	"project_id" bigint,
	"project_path" text,
	"pipeline_id" bigint,
	"ref" text,
	"outcome" text NOT NULL,
	"reason" text,
	"request_id" text,
	"received_at" timestamp with time zone,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"idempotency_key" text,
	"event_type" text NOT NULL,
	"object_kind" text,
	"project_id" bigint,
	"pipeline_id" bigint,
	"headers" jsonb NOT NULL,
	"body" text NOT NULL,
	"outcome" text NOT NULL,
	"reason" text,
	"request_id" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "analysis_jobs" ADD CONSTRAINT "analysis_jobs_analysis_id_analyses_id_fk" FOREIGN KEY ("analysis_id") REFERENCES "public"."analyses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fingerprints" ADD CONSTRAINT "fingerprints_analysis_id_analyses_id_fk" FOREIGN KEY ("analysis_id") REFERENCES "public"."analyses"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "posted_notes" ADD CONSTRAINT "posted_notes_analysis_id_analyses_id_fk" FOREIGN KEY ("analysis_id") REFERENCES "public"."analyses"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "analyses_request_id_uq" ON "analyses" USING btree ("request_id");--> statement-breakpoint
CREATE UNIQUE INDEX "analyses_dedup_key_uq" ON "analyses" USING btree ("dedup_key");--> statement-breakpoint
CREATE INDEX "analyses_created_idx" ON "analyses" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "analyses_project_idx" ON "analyses" USING btree ("project_id","pipeline_id");--> statement-breakpoint
CREATE INDEX "analyses_unfinished_idx" ON "analyses" USING btree ("updated_at") WHERE "analyses"."status" in ('queued', 'running');--> statement-breakpoint
CREATE INDEX "analyses_outbox_idx" ON "analyses" USING btree ("created_at") WHERE "analyses"."enqueued_at" IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "analysis_jobs_job_uq" ON "analysis_jobs" USING btree ("analysis_id","job_id");--> statement-breakpoint
CREATE UNIQUE INDEX "posted_notes_target_uq" ON "posted_notes" USING btree ("project_id","target");--> statement-breakpoint
CREATE UNIQUE INDEX "processed_emails_message_id_uq" ON "processed_emails" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "processed_emails_uid_idx" ON "processed_emails" USING btree ("folder","uid_validity","uid");--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_deliveries_idem_uq" ON "webhook_deliveries" USING btree ("idempotency_key");