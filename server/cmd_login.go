package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"govchat/internal/authclient"
	"govchat/protocol"
)

// loginCmd is `govchat login`: for scripts, it logs in to a running server the way the
// browser does (PROTOCOL.md §4.2) — prelogin, derive, login — and prints the bearer
// token. The password is read from the terminal without echo, or from standard input
// when that is not a terminal; it never leaves this process.
func loginCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("login", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("url", "", "the server's base URL, e.g. https://im.example.gov.cn")
	username := fs.String("username", "", "login name")
	totp := fs.String("totp", "", "the current code of the authenticator app, for an account with a second factor")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if *base == "" || *username == "" {
		fs.Usage()
		return fmt.Errorf("%w: login needs --url and --username", errUsage)
	}
	password, err := readPassword(stdin, stderr)
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: 60 * time.Second}
	url := strings.TrimRight(*base, "/")
	var pre protocol.PreloginResponse
	if err := postJSON(ctx, client, url+"/api/v1/auth/prelogin", protocol.PreloginRequest{Username: *username}, &pre); err != nil {
		return fmt.Errorf("prelogin: %w", err)
	}
	req, err := authclient.LoginRequest(*username, password, *totp, pre)
	if err != nil {
		return err
	}
	var out protocol.LoginResponse
	if err := postJSON(ctx, client, url+"/api/v1/auth/login", req, &out); err != nil {
		return fmt.Errorf("login: %w", err)
	}
	fmt.Fprintln(stdout, out.Token)
	return nil
}

// readPassword reads one line: from the terminal without echo, else from r.
func readPassword(r io.Reader, prompt io.Writer) (string, error) {
	if f, ok := r.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(prompt, "密码 / password: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompt)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		return string(b), nil
	}
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", fmt.Errorf("%w: no password on standard input", errUsage)
	}
	return line, nil
}

func postJSON(ctx context.Context, client *http.Client, url string, body, out any) error {
	raw, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(raw))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		var eb protocol.ErrorBody
		if json.Unmarshal(data, &eb) == nil && eb.Error.Code != "" {
			return fmt.Errorf("%d %s: %s", resp.StatusCode, eb.Error.Code, eb.Error.Message)
		}
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return json.Unmarshal(data, out)
}
