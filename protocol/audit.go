package protocol

// The tamper-evident trail (PROTOCOL.md §4.8 "Proofs, checkpoints and bundles", and
// docs/audit.md): the status of the trail, signed checkpoints, inclusion proofs and the
// signed bundle an inspector verifies offline with `govchat audit verify`.

// AuditCheckpoint is one signed checkpoint: a C2SP signed note whose body is the
// origin, the tree size and the base64 root hash.
type AuditCheckpoint struct {
	Size int64  `json:"size"`
	At   string `json:"at"`   // RFC 3339, when it was signed
	Text string `json:"text"` // the signed note, verbatim
}

// AuditStatus answers GET /api/v1/audit/status: how far back the trail goes and its
// latest checkpoint (absent before the first).
type AuditStatus struct {
	Events        int64            `json:"events"`
	OldestID      int64            `json:"oldest_id"`
	OldestAt      string           `json:"oldest_at,omitempty"`
	NewestID      int64            `json:"newest_id"`
	NewestAt      string           `json:"newest_at,omitempty"`
	RetentionDays int              `json:"retention_days"`
	PurgedLeaves  int64            `json:"purged"` // entries retention removed (their hashes stay in the log)
	Checkpoint    *AuditCheckpoint `json:"checkpoint,omitempty"`
	VerifierKey   string           `json:"vkey"`
}

// AuditCheckpoints answers GET /api/v1/audit/checkpoints, largest first.
type AuditCheckpoints struct {
	Checkpoints []AuditCheckpoint `json:"checkpoints"`
}

// AuditRecord is an entry with everything its hashes cover, as exported: at_ms is the
// hashed time (unix milliseconds); prev_hash and hash are base64.
type AuditRecord struct {
	ID         int64  `json:"id"`
	AtMS       int64  `json:"at_ms"`
	ActorID    int64  `json:"actor_id"`
	ActorName  string `json:"actor_name"`
	Action     string `json:"action"`
	TargetType string `json:"target_type"`
	TargetID   string `json:"target_id"`
	Outcome    string `json:"outcome"`
	IP         string `json:"ip"`
	RequestID  string `json:"request_id"`
	Detail     string `json:"detail"`
	PrevHash   []byte `json:"prev_hash"`
	Hash       []byte `json:"hash"`
}

// AuditInclusionProof answers GET /api/v1/audit/events/{id}/proof (and is what
// `govchat audit prove` writes): the entry, its leaf, the tlog record proof to the
// checkpoint's root, the checkpoint and the key that signed it.
type AuditInclusionProof struct {
	Format      string      `json:"format"` // "govchat-audit-proof/1"
	Event       AuditRecord `json:"event"`
	LeafIndex   int64       `json:"leaf_index"`
	TreeSize    int64       `json:"tree_size"`
	Proof       [][]byte    `json:"proof"`
	Checkpoint  string      `json:"checkpoint"`
	VerifierKey string      `json:"vkey"`
}

// AuditProofFormat names the inclusion proof's format.
const AuditProofFormat = "govchat-audit-proof/1"

// AuditBundleFormat names the bundle's format (manifest.json).
const AuditBundleFormat = "govchat-audit-bundle/1"

// AuditBundleManifest is a bundle's manifest.json: what it covers and who exported it
// for which case. events.ndjson holds Count AuditRecords, leaves FirstLeaf on.
type AuditBundleManifest struct {
	Format       string `json:"format"`
	CaseNumber   string `json:"case_number"`
	ExportedBy   int64  `json:"exported_by"`
	ExportedName string `json:"exported_by_name"`
	ExportedAt   string `json:"exported_at"`
	Since        string `json:"since,omitempty"`
	Until        string `json:"until,omitempty"`
	Origin       string `json:"origin"`
	TreeSize     int64  `json:"tree_size"`
	FirstLeaf    int64  `json:"first_leaf"`
	Count        int64  `json:"count"`
	FirstID      int64  `json:"first_id"`
	LastID       int64  `json:"last_id"`
	EventsSHA256 string `json:"events_sha256"` // hex SHA-256 of events.ndjson
}

// AuditBundleBlock is the hash of a complete subtree of the log outside the bundle's
// range: leaves [index·2^level, (index+1)·2^level).
type AuditBundleBlock struct {
	Level int    `json:"level"`
	Index int64  `json:"index"`
	Hash  []byte `json:"hash"`
}

// AuditBundleProof is a bundle's proof.json: with the leaves of the bundle's entries,
// these blocks give the checkpoint's root.
type AuditBundleProof struct {
	TreeSize int64              `json:"tree_size"`
	Blocks   []AuditBundleBlock `json:"blocks"`
}
