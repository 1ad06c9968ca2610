// Package s3test gives tests a real S3 server: versitygw (the Versity S3 gateway,
// Apache-2.0) with its posix backend over a temporary folder, listening on the
// loopback. Like storetest and redistest, a missing versitygw skips the test, except
// under CI=true, where it fails: CI must not pass by testing nothing.
//
// A package that calls Main from its TestMain shares one gateway among its tests
// (started at first use, stopped after the last test); New then gives each test its
// own bucket. Without Main, each New starts a gateway of its own.
package s3test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Version is the versitygw the tests are written against.
const Version = "v1.8.0"

// Install is how to get it.
const Install = "go install github.com/versity/versitygw/cmd/versitygw@" + Version + " (scripts/test-prepare.sh does this)"

// Server is a bucket on a running gateway: what a store needs to reach it.
type Server struct {
	Endpoint  string // http://127.0.0.1:port
	Region    string
	Bucket    string
	AccessKey string
	SecretKey string
}

// The gateway shared by a package's tests when its TestMain calls Main. A test binary
// is one process; this is its one gateway, not configuration.
var shared struct {
	sync.Mutex
	main bool // Main is running the tests
	gw   *Gateway
	err  error
}

// Main runs the package's tests sharing one gateway and stops it afterwards.
func Main(m *testing.M) {
	shared.Lock()
	shared.main = true
	shared.Unlock()
	code := m.Run()
	shared.Lock()
	if shared.gw != nil {
		shared.gw.Stop()
	}
	shared.Unlock()
	os.Exit(code)
}

// New gives the test a fresh, empty bucket on a running gateway.
func New(t testing.TB) Server {
	t.Helper()
	bin := need(t)
	shared.Lock()
	var gw *Gateway
	if shared.main {
		if shared.gw == nil && shared.err == nil {
			shared.gw, shared.err = Start(bin, Options{})
		}
		gw = shared.gw
		if shared.err != nil {
			shared.Unlock()
			t.Fatalf("s3test: %v", shared.err)
		}
	}
	shared.Unlock()
	if gw == nil {
		gw, _ = own(t, bin)
	}
	return gw.bucket(t)
}

// Own starts a gateway of the test's own, stopped when the test ends (or earlier by
// the test, to see a store go away), and gives it a bucket.
func Own(t testing.TB) (*Gateway, Server) {
	t.Helper()
	gw, _ := own(t, need(t))
	return gw, gw.bucket(t)
}

func own(t testing.TB, bin string) (*Gateway, error) {
	t.Helper()
	gw, err := Start(bin, Options{})
	if err != nil {
		t.Fatalf("s3test: %v", err)
	}
	t.Cleanup(gw.Stop)
	return gw, nil
}

// need finds versitygw or skips (fails under CI=true).
func need(t testing.TB) string {
	t.Helper()
	bin, err := Binary()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("s3test: %v (CI=true, so this fails rather than skips). Install it: %s", err, Install)
		}
		t.Skipf("s3test: %v; install it to run the S3 tests: %s", err, Install)
	}
	return bin
}

// Binary finds versitygw: $VERSITYGW, then PATH, then the folder scripts/test-prepare.sh
// installs into (<user cache>/govchat/bin), then $GOBIN and $GOPATH/bin.
func Binary() (string, error) {
	if p := os.Getenv("VERSITYGW"); p != "" {
		if isExec(p) {
			return p, nil
		}
		return "", fmt.Errorf("VERSITYGW=%s is not an executable", p)
	}
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p, nil
	}
	var dirs []string
	if cache, err := os.UserCacheDir(); err == nil {
		dirs = append(dirs, filepath.Join(cache, "govchat", "bin"))
	}
	if gobin := os.Getenv("GOBIN"); gobin != "" {
		dirs = append(dirs, gobin)
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		if home, err := os.UserHomeDir(); err == nil {
			gopath = filepath.Join(home, "go")
		}
	}
	for _, p := range filepath.SplitList(gopath) {
		dirs = append(dirs, filepath.Join(p, "bin"))
	}
	for _, d := range dirs {
		if p := filepath.Join(d, "versitygw"); isExec(p) {
			return p, nil
		}
	}
	return "", errors.New("versitygw not found (looked in VERSITYGW, PATH, " + strings.Join(dirs, ", ") + ")")
}

func isExec(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// Options shape a gateway started with Start.
type Options struct {
	// Tmpfs, when set (e.g. "1m"), puts the gateway's folder on a tmpfs of that size in
	// a mount namespace of its own (unshare(1)), so a test can fill the disk for real.
	// Start fails with ErrNoNamespace where namespaces are not allowed.
	Tmpfs string
}

// ErrNoNamespace: the machine will not give the gateway a mount namespace.
var ErrNoNamespace = errors.New("s3test: no mount namespace for a tmpfs (unshare refused)")

// Gateway is a running versitygw.
type Gateway struct {
	Endpoint  string
	Region    string
	AccessKey string
	SecretKey string

	dir    string
	cmd    *exec.Cmd
	exited chan struct{}
	stderr *lockedBuffer
	client *s3.Client
	once   sync.Once
}

// Start runs versitygw on a free loopback port over a new temporary folder, with
// random root credentials, and waits until it answers.
func Start(bin string, o Options) (*Gateway, error) {
	var last error
	for range 3 { // the free port may be taken between finding and binding it
		g, err := start(bin, o)
		if err == nil {
			return g, nil
		}
		if errors.Is(err, ErrNoNamespace) {
			return nil, err
		}
		last = err
	}
	return nil, last
}

func start(bin string, o Options) (*Gateway, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "govchat-versitygw-")
	if err != nil {
		return nil, err
	}
	g := &Gateway{
		Endpoint: "http://" + port, Region: "us-east-1",
		AccessKey: "test" + randHex(8), SecretKey: randHex(20),
		dir: dir, exited: make(chan struct{}), stderr: &lockedBuffer{},
	}
	args := []string{"--port", port, "--region", g.Region, "--quiet", "posix", dir}
	if o.Tmpfs != "" {
		// unshare makes the new mount namespace's mounts private, so the tmpfs is seen by
		// the gateway alone and goes when it exits. Not root: a user namespace too.
		flags := "-m"
		if os.Getuid() != 0 {
			flags = "-Urm"
		}
		script := `mount -t tmpfs -o size="$1" govchat-test "$2" || exit 97; shift 2; exec "$@"`
		args = append([]string{flags, "sh", "-c", script, "sh", o.Tmpfs, dir, bin}, args...)
		bin = "unshare"
	}
	g.cmd = exec.Command(bin, args...)
	// The credentials go in the environment, not on a command line others can list.
	g.cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY_ID="+g.AccessKey, "ROOT_SECRET_ACCESS_KEY="+g.SecretKey)
	g.cmd.Stdout, g.cmd.Stderr = g.stderr, g.stderr
	setDeathSignal(g.cmd)
	if err := g.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		if o.Tmpfs != "" {
			return nil, fmt.Errorf("%w: %v", ErrNoNamespace, err)
		}
		return nil, fmt.Errorf("start versitygw: %w", err)
	}
	go func() { g.cmd.Wait(); close(g.exited) }()
	g.client = s3.New(s3.Options{
		BaseEndpoint: aws.String(g.Endpoint), UsePathStyle: true, Region: g.Region,
		Credentials:                credentials.NewStaticCredentialsProvider(g.AccessKey, g.SecretKey, ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
		HTTPClient:                 &http.Client{Timeout: 5 * time.Second},
		RetryMaxAttempts:           1,
	})
	if err := g.wait(15 * time.Second); err != nil {
		g.Stop()
		if o.Tmpfs != "" && (g.cmd.ProcessState.ExitCode() == 97 || strings.Contains(g.stderr.String(), "unshare")) {
			return nil, fmt.Errorf("%w: %s", ErrNoNamespace, strings.TrimSpace(g.stderr.String()))
		}
		return nil, err
	}
	return g, nil
}

// wait polls until the gateway answers an S3 request.
func (g *Gateway) wait(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := g.client.ListBuckets(ctx, &s3.ListBucketsInput{})
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-g.exited:
			return fmt.Errorf("versitygw exited: %s", strings.TrimSpace(g.stderr.String()))
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("versitygw did not answer within %s: %v; output: %s", limit, err, g.stderr.String())
		}
	}
}

// Stop ends the gateway and removes its folder.
func (g *Gateway) Stop() {
	g.once.Do(func() {
		g.cmd.Process.Signal(os.Interrupt)
		select {
		case <-g.exited:
		case <-time.After(5 * time.Second):
			g.cmd.Process.Kill()
			<-g.exited
		}
		os.RemoveAll(g.dir)
	})
}

// Bucket creates a bucket with a fresh name and answers its settings.
func (g *Gateway) Bucket() (Server, error) {
	name := "govchat-" + randHex(8)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := g.client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		return Server{}, fmt.Errorf("create bucket: %w", err)
	}
	return Server{Endpoint: g.Endpoint, Region: g.Region, Bucket: name, AccessKey: g.AccessKey, SecretKey: g.SecretKey}, nil
}

func (g *Gateway) bucket(t testing.TB) Server {
	t.Helper()
	s, err := g.Bucket()
	if err != nil {
		t.Fatalf("s3test: %v; versitygw said: %s", err, g.stderr.String())
	}
	return s
}

// StartTmpfs starts a gateway of the test's own over a tmpfs of size (see
// Options.Tmpfs), stopped when the test ends, and gives it a bucket. It skips where
// the machine allows no mount namespace: that is the machine, not a missing tool.
func StartTmpfs(t testing.TB, size string) Server {
	t.Helper()
	bin := need(t)
	gw, err := Start(bin, Options{Tmpfs: size})
	if errors.Is(err, ErrNoNamespace) {
		t.Skipf("%v", err)
	}
	if err != nil {
		t.Fatalf("s3test: %v", err)
	}
	t.Cleanup(gw.Stop)
	return gw.bucket(t)
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// lockedBuffer keeps the gateway's output (bounded) for error messages.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b.Len() < 64<<10 {
		l.b.Write(p)
	}
	return len(p), nil
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
