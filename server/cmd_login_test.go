package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"govchat/internal/demo"
)

// govchat login: prelogin, derive, login, and the bearer token works.
func TestLoginCommand(t *testing.T) {
	base, _ := startServer(t, "--data", t.TempDir())
	var out, errOut bytes.Buffer
	err := loginCmd(context.Background(), []string{"--url", base, "--username", "wangjianguo"}, strings.NewReader(demo.Password+"\n"), &out, &errOut)
	if err != nil {
		t.Fatalf("login: %v %s", err, errOut.String())
	}
	token := strings.TrimSpace(out.String())
	if len(token) != 43 {
		t.Fatalf("token %q", token)
	}
	req, _ := http.NewRequest("GET", base+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET /me with the printed token: %d", resp.StatusCode)
	}

	t.Run("a wrong password", func(t *testing.T) {
		out.Reset()
		err := loginCmd(context.Background(), []string{"--url", base, "--username", "wangjianguo"}, strings.NewReader("wrong-Password-1\n"), &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), "invalid_credentials") || out.Len() != 0 {
			t.Fatalf("err %v, out %q", err, out.String())
		}
	})
	t.Run("usage", func(t *testing.T) {
		for _, args := range [][]string{{"--url", base}, {"--username", "x"}} {
			if err := loginCmd(context.Background(), args, strings.NewReader("x\n"), &out, &errOut); !errors.Is(err, errUsage) {
				t.Errorf("%v: err %v", args, err)
			}
		}
		if err := loginCmd(context.Background(), []string{"--url", base, "--username", "x"}, strings.NewReader(""), &out, &errOut); !errors.Is(err, errUsage) {
			t.Errorf("no password: err %v", err)
		}
	})
}
