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
		"index.html":        {Data: []byte("<html>app</html>")},
		"assets/app-abc.js": {Data: []byte("console.log(1)")},
		"favicon.svg":       {Data: []byte("<svg/>")},
	}
	h, built := Handler(dist)
	if !built {
		t.Fatal("client with index.html should count as built")
	}
	cases := []struct {
		path, body, cache string
		status            int
	}{
		{"/", "app", "no-cache", 200},
		{"/channels/42", "app", "no-cache", 200}, // client-side route
		{"/assets/app-abc.js", "console.log", "immutable", 200},
		{"/favicon.svg", "<svg", "no-cache", 200},
		{"/missing.js", "", "", 404},
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
