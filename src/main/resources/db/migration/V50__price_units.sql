-- Every unit genai-prices prices, service tiers, off-peak windows and match rules in the price catalogue.
-- Token units are USD per million tokens; requests_kcount and web_searches_kcount are USD per thousand.
ALTER TABLE price_version
    ADD COLUMN cache_write_5m_mtok   NUMERIC(20, 10),
    ADD COLUMN input_audio_mtok      NUMERIC(20, 10),
    ADD COLUMN cache_audio_read_mtok NUMERIC(20, 10),
    ADD COLUMN input_image_mtok      NUMERIC(20, 10),
    ADD COLUMN cache_image_read_mtok NUMERIC(20, 10),
    ADD COLUMN input_video_mtok      NUMERIC(20, 10),
    ADD COLUMN input_tool_mtok       NUMERIC(20, 10),
    ADD COLUMN output_audio_mtok     NUMERIC(20, 10),
    ADD COLUMN output_image_mtok     NUMERIC(20, 10),
    ADD COLUMN output_video_mtok     NUMERIC(20, 10),
    ADD COLUMN output_citation_mtok  NUMERIC(20, 10),
    ADD COLUMN requests_kcount       NUMERIC(20, 10),
    ADD COLUMN web_searches_kcount   NUMERIC(20, 10),
    -- priority / flex / batch prices are separate rows of their tier
    ADD COLUMN service_tier          TEXT NOT NULL DEFAULT 'standard',
    -- an off-peak price: the row applies in this daily UTC window (start <= t < end, over midnight when end <= start)
    ADD COLUMN time_of_day_start     TIME,
    ADD COLUMN time_of_day_end       TIME,
    -- other model names the row prices (genai-prices match clauses); the model id always matches
    ADD COLUMN match_rule            JSONB;

ALTER TABLE price_version DROP CONSTRAINT price_version_provider_model_effective_from_key;
CREATE UNIQUE INDEX price_version_key ON price_version (provider, model, service_tier, effective_from,
    COALESCE(time_of_day_start, '00:00'::time), COALESCE(time_of_day_end, '00:00'::time));
