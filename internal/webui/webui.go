// Package webui serves the embedded web client: hashed assets with long caching, the
// app page for every client-side route, and a plain explanation when the binary was
// built without the client (go build with no Node installed).
package webui

import (
	"bytes"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

// notBuilt is served when the binary carries no client. It must work under the strict
// CSP, so it has no script and no inline style.
const notBuilt = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>govchat</title></head>
<body>
<h1>govchat 服务器已运行，但网页客户端尚未构建</h1>
<p>The govchat server is running, but this binary was built without the web client.</p>
<p>构建方法 / To build it: <code>make build</code> (需要 Node.js / needs Node.js), 或 or
<code>cd client-web &amp;&amp; npm ci &amp;&amp; npm run build</code>, 然后重新编译 then rebuild with <code>go build ./server</code>.</p>
<p>API: <code>/api/v1/</code> · <code>/healthz</code> · <code>/readyz</code></p>
</body></html>
`

// contentType fixes the type of the files the installable web app depends on, whatever the
// system MIME tables say: browsers refuse a service worker that is not JavaScript, and a web
// app manifest is application/manifest+json. Empty for every other file.
func contentType(p string) string {
	switch p {
	case "sw.js":
		return "text/javascript; charset=utf-8"
	case "manifest.webmanifest":
		return "application/manifest+json"
	}
	return ""
}

// Handler serves files from dist, which holds the output of the client build (index.html
// and assets/). Built reports whether a client is present.
func Handler(dist fs.FS) (h http.Handler, built bool) {
	index, err := fs.ReadFile(dist, "index.html")
	if err != nil {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-cache")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(notBuilt))
		}), false
	}
	files := http.FileServerFS(dist)
	start := time.Now()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if p != "" && p != "index.html" {
			if st, err := fs.Stat(dist, p); err == nil && !st.IsDir() {
				if strings.HasPrefix(p, "assets/") {
					// Vite puts a content hash in every asset name: cache forever.
					w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
				} else {
					// Everything else, the service worker included, is revalidated, so a
					// new release (and a new worker) is picked up at once.
					w.Header().Set("Cache-Control", "no-cache")
				}
				if ct := contentType(p); ct != "" {
					w.Header().Set("Content-Type", ct)
				}
				files.ServeHTTP(w, r)
				return
			}
			if path.Ext(p) != "" {
				http.NotFound(w, r)
				return
			}
		}
		// Client-side routes all get the app page, which must be revalidated so a new
		// release is picked up at once.
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		http.ServeContent(w, r, "index.html", start, bytes.NewReader(index))
	}), true
}
