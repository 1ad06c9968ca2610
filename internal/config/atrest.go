package config

import (
	"path/filepath"
	"strings"
)

// EnvDataKeyFile names the master key file for encryption at rest.
const EnvDataKeyFile = "GOVCHAT_DATA_KEY_FILE"

// DataKeyFileIn is where the embedded default keeps its generated master key: beside
// the SQLite database.
func DataKeyFileIn(data string) string { return filepath.Join(data, "data.key") }

// KeyFile is the master key file for encryption at rest (docs/at-rest.md): 32 random
// bytes as 64 hex digits or base64. The path is not secret, but the file is, and a
// printed configuration shows where the key lives, never what it is.
func (c Config) KeyFile() string {
	if c.DataKeyFile != "" {
		return c.DataKeyFile
	}
	if c.Database == "" || strings.HasPrefix(c.Database, "sqlite:") {
		return DataKeyFileIn(c.Data)
	}
	return ""
}

// validateAtRest checks the path's form; whether the file is there and holds a key
// is the server's to find out when it opens the store (it may create it).
func (c Config) validateAtRest(bad func(setting, format string, args ...any)) {
	if strings.ContainsAny(c.DataKeyFile, "\n\x00") {
		bad("data-key-file", "must be a file path")
	}
}

// MissingKeyFile is the refusal to start PostgreSQL without a key file. The
// embedded default creates one beside its database, but the nodes of a cluster must
// share one master key, and a key generated on one node's disk would make every
// other node's reads fail — so PostgreSQL gets no generated key, and there is no
// flag to run without encryption at all: a developer makes a key with one command.
const MissingKeyFile = "PostgreSQL needs the master key for encryption at rest: give --data-key-file or " +
	EnvDataKeyFile + " naming a file (mode 0600) that holds 32 random bytes as 64 hex digits or base64, " +
	"the same file on every node. Make one with: head -c 32 /dev/urandom | base64 > govchat-data.key && chmod 600 govchat-data.key " +
	"(keep its backups apart from the database's; see README, \"What deletion means\")"
