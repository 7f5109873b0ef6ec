CREATE TABLE "api_keys" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"name" text COLLATE "C" NOT NULL,
	"key_hash" text COLLATE "C" NOT NULL,
	"hash_scheme" text COLLATE "C" DEFAULT 'sha256' NOT NULL,
	"prefix" text COLLATE "C",
	"group_ids" text COLLATE "C" NOT NULL,
	"created_at" bigint NOT NULL,
	"last_used_at" bigint,
	"revoked_at" bigint,
	"expires_at" bigint,
	"rate_limit_per_second" integer,
	"previous_key_hash" text COLLATE "C",
	"previous_hash_scheme" text COLLATE "C",
	"previous_valid_until" bigint
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"at" bigint NOT NULL,
	"key_id" text COLLATE "C",
	"method" text COLLATE "C" NOT NULL,
	"path" text COLLATE "C" NOT NULL,
	"status" integer NOT NULL,
	"resource" text COLLATE "C"
);
--> statement-breakpoint
CREATE TABLE "call_events" (
	"call_id" text COLLATE "C" NOT NULL,
	"seq" integer NOT NULL,
	"event" text COLLATE "C" NOT NULL,
	CONSTRAINT "call_events_call_id_seq_pk" PRIMARY KEY("call_id","seq")
);
--> statement-breakpoint
CREATE TABLE "calls" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"state" text COLLATE "C" NOT NULL,
	"call_type" text COLLATE "C" NOT NULL,
	"caller_group_id" text COLLATE "C",
	"callee_group_id" text COLLATE "C",
	"switchboard_id" text COLLATE "C",
	"conference_id" text COLLATE "C",
	"document" text COLLATE "C" NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cdrs" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"call_id" text COLLATE "C" NOT NULL,
	"group_id" text COLLATE "C",
	"call_type" text COLLATE "C" NOT NULL,
	"from_number" text COLLATE "C" NOT NULL,
	"to_number" text COLLATE "C" NOT NULL,
	"presented_caller_id" text COLLATE "C" NOT NULL,
	"started_at" bigint NOT NULL,
	"answered_at" bigint,
	"ended_at" bigint NOT NULL,
	"billable_seconds" integer NOT NULL,
	"tariff_class" text COLLATE "C" NOT NULL,
	"rate_fen_per_minute" integer NOT NULL,
	"charge_fen" bigint NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "conference_events" (
	"conference_id" text COLLATE "C" NOT NULL,
	"seq" integer NOT NULL,
	"event" text COLLATE "C" NOT NULL,
	CONSTRAINT "conference_events_conference_id_seq_pk" PRIMARY KEY("conference_id","seq")
);
--> statement-breakpoint
CREATE TABLE "conference_groups" (
	"conference_id" text COLLATE "C" NOT NULL,
	"group_id" text COLLATE "C" NOT NULL,
	CONSTRAINT "conference_groups_conference_id_group_id_pk" PRIMARY KEY("conference_id","group_id")
);
--> statement-breakpoint
CREATE TABLE "conference_participants" (
	"conference_id" text COLLATE "C" NOT NULL,
	"position" integer NOT NULL,
	"document" text COLLATE "C" NOT NULL,
	CONSTRAINT "conference_participants_conference_id_position_pk" PRIMARY KEY("conference_id","position")
);
--> statement-breakpoint
CREATE TABLE "conferences" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"group_id" text COLLATE "C",
	"state" text COLLATE "C" NOT NULL,
	"pin" text COLLATE "C" NOT NULL,
	"host_msisdn" text COLLATE "C" NOT NULL,
	"start_at" bigint,
	"ended_at" bigint,
	"participant_minutes" integer,
	"charge_fen" bigint,
	"document" text COLLATE "C" NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "contacts" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"group_id" text COLLATE "C",
	"owner_msisdn" text COLLATE "C",
	"name" text COLLATE "C" NOT NULL,
	"msisdn" text COLLATE "C" NOT NULL,
	"department" text COLLATE "C",
	"note" text COLLATE "C",
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "group_calendars" (
	"group_id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"holidays" text COLLATE "C" NOT NULL,
	"workdays" text COLLATE "C" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "groups" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"name" text COLLATE "C" NOT NULL,
	"institution_type" text COLLATE "C" NOT NULL,
	"value_tier" text COLLATE "C" NOT NULL,
	"province" text COLLATE "C" NOT NULL,
	"city" text COLLATE "C",
	"timezone" text COLLATE "C" NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"principal" text COLLATE "C" NOT NULL,
	"key" text COLLATE "C" NOT NULL,
	"method" text COLLATE "C" NOT NULL,
	"path" text COLLATE "C" NOT NULL,
	"body_hash" text COLLATE "C" NOT NULL,
	"status_code" integer,
	"response_body" text COLLATE "C",
	"content_type" text COLLATE "C",
	"created_at" bigint NOT NULL,
	CONSTRAINT "idempotency_keys_principal_key_pk" PRIMARY KEY("principal","key")
);
--> statement-breakpoint
CREATE TABLE "members" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"group_id" text COLLATE "C" NOT NULL,
	"msisdn" text COLLATE "C" NOT NULL,
	"name" text COLLATE "C" NOT NULL,
	"name_pinyin" text COLLATE "C" NOT NULL,
	"name_initials" text COLLATE "C" NOT NULL,
	"department" text COLLATE "C",
	"title" text COLLATE "C",
	"home_province" text COLLATE "C" NOT NULL,
	"status" text COLLATE "C" NOT NULL,
	"short_code" text COLLATE "C",
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "message_recipients" (
	"message_id" text COLLATE "C" NOT NULL,
	"msisdn" text COLLATE "C" NOT NULL,
	"member_id" text COLLATE "C",
	"group_id" text COLLATE "C",
	CONSTRAINT "message_recipients_message_id_msisdn_pk" PRIMARY KEY("message_id","msisdn")
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"from_number" text COLLATE "C" NOT NULL,
	"to_dialled" text COLLATE "C" NOT NULL,
	"text" text COLLATE "C" NOT NULL,
	"at" bigint NOT NULL,
	"sender_display" text COLLATE "C" NOT NULL,
	"group_id" text COLLATE "C",
	"kind" text COLLATE "C" DEFAULT 'sms' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ringback_policies" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"group_id" text COLLATE "C" NOT NULL,
	"seq" integer NOT NULL,
	"name" text COLLATE "C" NOT NULL,
	"applies_to" text COLLATE "C" NOT NULL,
	"schedule" text COLLATE "C",
	"tone_ids" text COLLATE "C" NOT NULL,
	"playback" text COLLATE "C" NOT NULL,
	"priority" integer DEFAULT 0 NOT NULL,
	"enabled" boolean NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ringback_tones" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"group_id" text COLLATE "C" NOT NULL,
	"title" text COLLATE "C" NOT NULL,
	"duration_seconds" integer NOT NULL,
	"production_fee_fen" bigint NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text COLLATE "C" PRIMARY KEY NOT NULL,
	"value" text COLLATE "C" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sim_subscribers" (
	"msisdn" text COLLATE "C" PRIMARY KEY NOT NULL,
	"behaviour" text COLLATE "C" NOT NULL,
	"after_seconds" integer NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subgroup_members" (
	"subgroup_id" text COLLATE "C" NOT NULL,
	"member_id" text COLLATE "C" NOT NULL,
	CONSTRAINT "subgroup_members_subgroup_id_member_id_pk" PRIMARY KEY("subgroup_id","member_id")
);
--> statement-breakpoint
CREATE TABLE "subgroups" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"group_id" text COLLATE "C" NOT NULL,
	"name" text COLLATE "C" NOT NULL,
	"short_code" text COLLATE "C",
	"onnet_rate_fen_per_minute" integer,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subscriptions" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"group_id" text COLLATE "C" NOT NULL,
	"product" text COLLATE "C" NOT NULL,
	"package_id" text COLLATE "C",
	"quantity" integer,
	"start_date" text COLLATE "C" NOT NULL,
	"end_date" text COLLATE "C",
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "switchboard_extensions" (
	"switchboard_id" text COLLATE "C" NOT NULL,
	"extension" text COLLATE "C" NOT NULL,
	"member_id" text COLLATE "C" NOT NULL,
	CONSTRAINT "switchboard_extensions_switchboard_id_extension_pk" PRIMARY KEY("switchboard_id","extension")
);
--> statement-breakpoint
CREATE TABLE "switchboard_operators" (
	"switchboard_id" text COLLATE "C" NOT NULL,
	"member_id" text COLLATE "C" NOT NULL,
	"status" text COLLATE "C" NOT NULL,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "switchboard_operators_switchboard_id_member_id_pk" PRIMARY KEY("switchboard_id","member_id")
);
--> statement-breakpoint
CREATE TABLE "switchboards" (
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"group_id" text COLLATE "C" NOT NULL,
	"pilot_number" text COLLATE "C" NOT NULL,
	"greeting" text COLLATE "C" NOT NULL,
	"after_hours_greeting" text COLLATE "C",
	"business_hours" text COLLATE "C",
	"menu" text COLLATE "C" NOT NULL,
	"outbound_prefix" text COLLATE "C",
	"fallback" text COLLATE "C" NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tariff_versions" (
	"effective_from" text COLLATE "C" PRIMARY KEY NOT NULL,
	"rates" text COLLATE "C" NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "vpns" (
	"group_id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"short_code_min" integer NOT NULL,
	"short_code_max" integer NOT NULL,
	"cross_province" boolean NOT NULL,
	"show_short_code" boolean NOT NULL,
	"onnet_rate_fen_per_minute" integer,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "call_events" ADD CONSTRAINT "call_events_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conference_events" ADD CONSTRAINT "conference_events_conference_id_conferences_id_fk" FOREIGN KEY ("conference_id") REFERENCES "public"."conferences"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conference_groups" ADD CONSTRAINT "conference_groups_conference_id_conferences_id_fk" FOREIGN KEY ("conference_id") REFERENCES "public"."conferences"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conference_participants" ADD CONSTRAINT "conference_participants_conference_id_conferences_id_fk" FOREIGN KEY ("conference_id") REFERENCES "public"."conferences"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "group_calendars" ADD CONSTRAINT "group_calendars_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "members" ADD CONSTRAINT "members_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_recipients" ADD CONSTRAINT "message_recipients_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ringback_policies" ADD CONSTRAINT "ringback_policies_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ringback_tones" ADD CONSTRAINT "ringback_tones_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subgroup_members" ADD CONSTRAINT "subgroup_members_subgroup_id_subgroups_id_fk" FOREIGN KEY ("subgroup_id") REFERENCES "public"."subgroups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subgroup_members" ADD CONSTRAINT "subgroup_members_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subgroups" ADD CONSTRAINT "subgroups_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "switchboard_extensions" ADD CONSTRAINT "switchboard_extensions_switchboard_id_switchboards_id_fk" FOREIGN KEY ("switchboard_id") REFERENCES "public"."switchboards"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "switchboard_extensions" ADD CONSTRAINT "switchboard_extensions_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "switchboard_operators" ADD CONSTRAINT "switchboard_operators_switchboard_id_switchboards_id_fk" FOREIGN KEY ("switchboard_id") REFERENCES "public"."switchboards"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "switchboard_operators" ADD CONSTRAINT "switchboard_operators_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "switchboards" ADD CONSTRAINT "switchboards_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vpns" ADD CONSTRAINT "vpns_group_id_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_hash_unique" ON "api_keys" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "audit_log_key" ON "audit_log" USING btree ("key_id","id");--> statement-breakpoint
CREATE INDEX "calls_state" ON "calls" USING btree ("state","id");--> statement-breakpoint
CREATE INDEX "calls_caller_group" ON "calls" USING btree ("caller_group_id","id");--> statement-breakpoint
CREATE INDEX "calls_callee_group" ON "calls" USING btree ("callee_group_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "cdrs_call_unique" ON "cdrs" USING btree ("call_id");--> statement-breakpoint
CREATE INDEX "cdrs_group_started" ON "cdrs" USING btree ("group_id","started_at");--> statement-breakpoint
CREATE INDEX "cdrs_started" ON "cdrs" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "conference_groups_group" ON "conference_groups" USING btree ("group_id");--> statement-breakpoint
CREATE UNIQUE INDEX "conferences_live_pin" ON "conferences" USING btree ("pin") WHERE state <> 'ended';--> statement-breakpoint
CREATE INDEX "conferences_state" ON "conferences" USING btree ("state","id");--> statement-breakpoint
CREATE INDEX "conferences_group_ended" ON "conferences" USING btree ("group_id","ended_at");--> statement-breakpoint
CREATE UNIQUE INDEX "contacts_group_msisdn_unique" ON "contacts" USING btree ("group_id","msisdn") WHERE group_id IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "contacts_owner_msisdn_unique" ON "contacts" USING btree ("owner_msisdn","msisdn") WHERE owner_msisdn IS NOT NULL;--> statement-breakpoint
CREATE INDEX "idempotency_created" ON "idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "members_msisdn_unique" ON "members" USING btree ("msisdn");--> statement-breakpoint
CREATE UNIQUE INDEX "members_group_short_code_unique" ON "members" USING btree ("group_id","short_code") WHERE short_code IS NOT NULL;--> statement-breakpoint
CREATE INDEX "members_group_department" ON "members" USING btree ("group_id","department");--> statement-breakpoint
CREATE INDEX "message_recipients_msisdn" ON "message_recipients" USING btree ("msisdn","message_id");--> statement-breakpoint
CREATE INDEX "messages_from" ON "messages" USING btree ("from_number","id");--> statement-breakpoint
CREATE INDEX "ringback_policies_group" ON "ringback_policies" USING btree ("group_id","seq");--> statement-breakpoint
CREATE INDEX "ringback_tones_group" ON "ringback_tones" USING btree ("group_id","id");--> statement-breakpoint
CREATE INDEX "subgroup_members_member" ON "subgroup_members" USING btree ("member_id");--> statement-breakpoint
CREATE UNIQUE INDEX "subgroups_group_short_code_unique" ON "subgroups" USING btree ("group_id","short_code") WHERE short_code IS NOT NULL;--> statement-breakpoint
CREATE INDEX "subscriptions_group" ON "subscriptions" USING btree ("group_id","start_date");--> statement-breakpoint
CREATE INDEX "switchboard_extensions_member" ON "switchboard_extensions" USING btree ("member_id");--> statement-breakpoint
CREATE UNIQUE INDEX "switchboards_pilot_unique" ON "switchboards" USING btree ("pilot_number");--> statement-breakpoint
CREATE INDEX "switchboards_group" ON "switchboards" USING btree ("group_id");