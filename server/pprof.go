package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// startPprof serves Go's profiles (net/http/pprof) on a listener of their own, which
// --pprof has already confined to a loopback address (config.validatePprof): they show
// the server's memory and are no part of the API, so they never share the main
// listener, its routes or its middleware. The bound address is checked again, since
// what was validated is only what was written. stop closes it; a profile being taken
// is cut short.
func startPprof(addr string, log *slog.Logger) (bound net.Addr, stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("invalid --pprof %s: %w", addr, err)
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); !ok || !tcp.IP.IsLoopback() {
		_ = ln.Close()
		return nil, nil, fmt.Errorf("invalid --pprof %s: bound to %s, not a loopback address", addr, ln.Addr())
	}
	mux := http.NewServeMux()
	// Registered by hand rather than by importing the package for its side effect,
	// which would put them on http.DefaultServeMux.
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		// No WriteTimeout: a CPU profile or a trace streams for as long as it was asked.
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Warn("pprof listener stopped", "err", err)
		}
	}()
	log.Warn("profiling enabled (--pprof): Go profiles are served on the loopback", "addr", ln.Addr().String())
	return ln.Addr(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if srv.Shutdown(ctx) != nil {
			_ = srv.Close()
		}
	}, nil
}

// pprofBanner is the banner's line for profiling, when it is on.
func pprofBanner(bound net.Addr) string {
	return fmt.Sprintf("  性能剖析 / profiling (--pprof, loopback only): http://%s/debug/pprof/\n", bound)
}
