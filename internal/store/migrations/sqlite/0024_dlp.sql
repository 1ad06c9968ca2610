-- govchat data-loss-prevention rules (数据防泄漏), sqlite dialect. Keep in step with
-- ../postgres/0024_dlp.sql. One row: the security officer's whole rule set as the JSON
-- of protocol.DLPRule (internal/dlp validates it; it is read and written whole). No
-- row: the built-in defaults (protocol.DefaultDLPRules). Hits are never stored here:
-- they are audit events (dlp.hit) holding rule ids and counts.
CREATE TABLE dlp_rules (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    rules      TEXT    NOT NULL,
    updated_at INTEGER  NOT NULL,
    updated_by INTEGER  NOT NULL
);
