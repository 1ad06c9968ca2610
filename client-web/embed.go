// Package clientweb embeds the built web client so the govchat binary serves it.
package clientweb

import "embed"

// Dist holds dist/app when `npm run build` has run; otherwise only dist/.gitkeep.
//
//go:embed all:dist
var Dist embed.FS
