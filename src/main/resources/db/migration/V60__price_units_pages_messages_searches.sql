-- Units of the genai-prices data beyond V50's, each USD per thousand: file-search (storage) tool calls, document
-- pages read by OCR models (annotated pages priced apart), and text messages.
ALTER TABLE price_version
    ADD COLUMN storage_searches_kcount         NUMERIC(20, 10),
    ADD COLUMN input_document_kpages           NUMERIC(20, 10),
    ADD COLUMN input_annotated_document_kpages NUMERIC(20, 10),
    ADD COLUMN input_text_messages_kcount      NUMERIC(20, 10);
