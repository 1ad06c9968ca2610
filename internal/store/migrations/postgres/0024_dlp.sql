-- govchat data-loss-prevention rules (数据防泄漏), postgres dialect. Keep in step with
-- ../sqlite/0024_dlp.sql. One row: the security officer's whole rule set as the JSON
-- of protocol.DLPRule (internal/dlp validates it; it is read and written whole). No
-- row: the built-in defaults (protocol.DefaultDLPRules). Hits are never stored here:
-- they are audit events (dlp.hit) holding rule ids and counts.
CREATE TABLE dlp_rules (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    rules      TEXT    NOT NULL,
    updated_at BIGINT  NOT NULL,
    updated_by BIGINT  NOT NULL
);
