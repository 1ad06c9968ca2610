# govchat has two front doors: `make run` and `make test`. Everything else is a step
# they take.

GO      ?= go
NPM     ?= npm
BIN     := bin/govchat
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
ARGS    ?=

.PHONY: run build client server test prepare test-go test-client test-browser screenshots bench fuzz clean

## run: build the web client and the binary, then serve the embedded default (SQLite,
## in-process bus, demo organisation seeded on first start). Extra flags: make run ARGS="--addr 0.0.0.0:8080"
run: build
	./$(BIN) serve $(ARGS)

## build: the web client (needs Node.js), embedded into bin/govchat
build: client server

server:
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./server

client: client-web/node_modules/.installed
	cd client-web && $(NPM) run build

# npm ci only when the lock file changed since the last install.
client-web/node_modules/.installed: client-web/package-lock.json
	cd client-web && $(NPM) ci --no-audit --no-fund
	touch $@

## test: every test — Go (both storage backends, PostgreSQL and Redis for real), the web
## client's unit tests, and the browser tests in Debian's chromium
test: prepare build test-go test-client test-browser

## prepare: install chromium and CJK fonts when missing (root with apt-get), start
## PostgreSQL and Redis when down; says what it cannot do (and fails under CI=true)
prepare:
	scripts/test-prepare.sh

test-go: prepare
	$(GO) vet ./...
	$(GO) test -count=1 ./...

test-client: client-web/node_modules/.installed
	cd client-web && $(NPM) test

test-browser: prepare build
	cd client-web && GOVCHAT_BIN="$(CURDIR)/$(BIN)" $(NPM) run test:browser

## screenshots: regenerate docs/screenshots/ (the README's pictures) against a throwaway server
screenshots: build
	cd client-web && GOVCHAT_BIN="$(CURDIR)/$(BIN)" $(NPM) run screenshots

## bench: Go benchmarks (figures go to BENCHMARKS.md)
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

## fuzz: a short run of every fuzz target
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 30s ./internal/orgimport
	$(GO) test -run '^$$' -fuzz FuzzVerifyDecode -fuzztime 30s ./internal/passwd
	$(GO) test -run '^$$' -fuzz FuzzParseCredential -fuzztime 30s ./internal/passwd
	$(GO) test -run '^$$' -fuzz FuzzTerms -fuzztime 30s ./internal/search
	$(GO) test -run '^$$' -fuzz FuzzDecodeFrame -fuzztime 30s ./internal/hub
	$(GO) test -run '^$$' -fuzz FuzzDecodeBody -fuzztime 30s ./internal/httpapi
	$(GO) test -run '^$$' -fuzz FuzzDecode -fuzztime 30s ./internal/busevent
	# e2e: minimising is capped, as a new 70 KB ciphertext input would take the whole run
	$(GO) test -run '^$$' -fuzz '^FuzzParseHeader$$' -fuzztime 30s -fuzzminimizetime 100x ./internal/e2e
	$(GO) test -run '^$$' -fuzz '^FuzzDecrypt$$' -fuzztime 30s -fuzzminimizetime 100x ./internal/e2e
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeMeta$$' -fuzztime 30s -fuzzminimizetime 100x ./internal/e2e
	$(GO) test -run '^$$' -fuzz '^FuzzParseContentDigest$$' -fuzztime 30s ./internal/files
	$(GO) test -run '^$$' -fuzz '^FuzzParseRange$$' -fuzztime 30s ./internal/files

clean:
	rm -rf bin client-web/dist/app
