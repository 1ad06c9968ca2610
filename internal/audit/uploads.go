package audit

// Files (PROTOCOL.md §4.15). The target is the blob (its id); the detail names sizes,
// ranges and counts — never a file's name, type or bytes, which the server never has.
const (
	FileUpload       = "file.upload"        // an upload was completed: every part, the whole hash checked
	FileUploadCancel = "file.upload_cancel" // its uploader cancelled an upload
	// FileDownload: someone fetched a blob (the whole or a range), at most once per
	// person and blob a minute (internal/files).
	FileDownload = "file.download"
	// FileSweep: the sweeper removed uploads never attached to a message or notice a
	// day after they began (and cancelled ones); one event per sweep that removed any,
	// by actor system.
	FileSweep = "file.sweep"
)
