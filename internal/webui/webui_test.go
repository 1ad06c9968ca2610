package webui

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func get(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

func TestServesBuiltClient(t *testing.T) {
	dist := fstest.MapFS{
		"index.html":           {Data: []byte("<html>app</html>")},
		"assets/app-abc.js":    {Data: []byte("console.log(1)")},
		"favicon.svg":          {Data: []byte("<svg/>")},
		"sw.js":                {Data: []byte("self.addEventListener('fetch', () => {})")},
		"manifest.webmanifest": {Data: []byte(`{"name":"govchat"}`)},
		"icons/icon-192.png":   {Data: []byte("\x89PNG\r\n\x1a\n")},
	}
	h, built := Handler(dist)
	if !built {
		t.Fatal("client with index.html should count as built")
	}
	cases := []struct {
		path, body, cache, contentType string
		status                         int
	}{
		{"/", "app", "no-cache", "text/html", 200},
		{"/channels/42", "app", "no-cache", "text/html", 200}, // client-side route
		{"/assets/app-abc.js", "console.log", "immutable", "javascript", 200},
		{"/favicon.svg", "<svg", "no-cache", "image/svg+xml", 200},
		// The service worker must be revalidated on every check, or a release could keep
		// the old one for a day; browsers refuse a worker that is not JavaScript.
		{"/sw.js", "addEventListener", "no-cache", "text/javascript", 200},
		{"/manifest.webmanifest", "govchat", "no-cache", "application/manifest+json", 200},
		{"/icons/icon-192.png", "PNG", "no-cache", "image/png", 200},
		{"/missing.js", "", "", "", 404},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			rec := get(t, h, tc.path)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d", rec.Code, tc.status)
			}
			if !strings.Contains(rec.Body.String(), tc.body) {
				t.Errorf("body %q lacks %q", rec.Body.String(), tc.body)
			}
			if !strings.Contains(rec.Header().Get("Cache-Control"), tc.cache) {
				t.Errorf("Cache-Control %q lacks %q", rec.Header().Get("Cache-Control"), tc.cache)
			}
			if !strings.Contains(rec.Header().Get("Content-Type"), tc.contentType) {
				t.Errorf("Content-Type %q lacks %q", rec.Header().Get("Content-Type"), tc.contentType)
			}
		})
	}
}

func TestExplainsMissingClient(t *testing.T) {
	h, built := Handler(fstest.MapFS{".gitkeep": {}})
	if built {
		t.Fatal("no index.html: not built")
	}
	rec := get(t, h, "/")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "npm run build") {
		t.Fatalf("want the how-to-build page, got %d %q", rec.Code, rec.Body.String())
	}
}
