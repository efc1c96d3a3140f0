-- Audio priced by duration (genai-prices' audio_hours, input_audio_hours, output_audio_hours): USD per hour of audio,
-- the request's seconds of audio divided by 3,600.
ALTER TABLE price_version
    ADD COLUMN audio_hours        NUMERIC(20, 10),
    ADD COLUMN input_audio_hours  NUMERIC(20, 10),
    ADD COLUMN output_audio_hours NUMERIC(20, 10);
