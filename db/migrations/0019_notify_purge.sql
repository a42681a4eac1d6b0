-- The purge of the notifications (TRELLIS_OUTBOX_KEEP_DAYS,
-- TRELLIS_INBOX_KEEP_DAYS) finds the mail done with and the items read long
-- ago without reading every row.
CREATE INDEX mail_outbox_done ON mail_outbox (status, sent_at);
CREATE INDEX inbox_items_read ON inbox_items (read_at);
