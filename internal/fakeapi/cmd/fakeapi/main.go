// Command fakeapi runs the livetranslate endpoint emulator on a local port
// for `make demo` and manual tests. Its first line on stdout is the base URL
// (http://127.0.0.1:PORT/compatible-mode/v1); it logs one line per request on
// stderr and runs until SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/livetranslate/livetranslate/internal/fakeapi"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "fakeapi: error: %v\n", err)
		os.Exit(2)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fakeapi", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	key := fs.String("key", "", "required bearer API key (empty: any non-empty key)")
	maxDataURI := fs.Int64("max-data-uri", fakeapi.DefaultMaxDataURI, "size limit of one data URI as sent; 0 or less: no limit")
	latency := fs.Duration("latency", 0, "delay before the first byte of each answer")
	chunkDelay := fs.Duration("chunk-delay", 0, "delay between stream events")
	noProbe := fs.Bool("no-probe", false, "do not use ffprobe for durations")
	quiet := fs.Bool("quiet", false, "do not log requests on stderr")
	var f fakeapi.Fault
	fs.StringVar(&f.Kind, "fault", "", "fault kind: "+strings.Join(fakeapi.FaultKinds(), ", "))
	fs.IntVar(&f.Status, "fault-status", 0, "HTTP status for status, sse-error-400 and html faults")
	fs.StringVar(&f.Code, "fault-code", "", "error.code for status, sse-error-400 and instream-error faults")
	fs.StringVar(&f.Message, "fault-message", "", "error.message for status, sse-error-400 and instream-error faults")
	fs.StringVar(&f.RetryAfter, "fault-retry-after", "", "Retry-After header for status faults")
	fs.IntVar(&f.Times, "fault-times", 0, "number of requests the fault applies to (0: all)")
	fs.IntVar(&f.After, "fault-after", 0, "content chunks sent before the fault strikes")
	var limit fakeapi.Limit
	fs.IntVar(&limit.InFlight, "max-in-flight", 0, "answer at most this many requests at once, refusing the others with 429 (0: no limit)")
	fs.DurationVar(&limit.Hold, "hold", 0, "with -max-in-flight: how long each admitted request takes before its answer starts")
	fs.StringVar(&limit.RetryAfter, "limit-retry-after", "", "with -max-in-flight: the Retry-After header of the refusals")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}

	opts := fakeapi.Options{
		APIKey:     *key,
		MaxDataURI: *maxDataURI,
		NoLimit:    *maxDataURI <= 0,
		Latency:    *latency,
		ChunkDelay: *chunkDelay,
		NoProbe:    *noProbe,
	}
	if !*quiet {
		opts.OnRequest = func(r fakeapi.Recorded) {
			fmt.Fprintf(stderr, "fakeapi: %d %s model=%s stream=%t %s format=%s target=%s bytes=%d request_id=%s\n",
				r.Status, time.Now().Format(time.TimeOnly), r.Model, r.Stream, r.ContentType, r.Format, r.TargetLang, r.MediaBytes, r.RequestID)
		}
	}
	server := fakeapi.New(opts)
	server.SetLimit(limit)
	if f.Kind != "" {
		known := false
		for _, k := range fakeapi.FaultKinds() {
			known = known || k == f.Kind
		}
		if !known {
			return fmt.Errorf("unknown fault kind %q (kinds: %s)", f.Kind, strings.Join(fakeapi.FaultKinds(), ", "))
		}
		server.SetFault(f)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	fmt.Fprintf(stdout, "http://%s/compatible-mode/v1\n", ln.Addr())
	if fl, ok := stdout.(interface{ Sync() error }); ok {
		fl.Sync()
	}

	hs := &http.Server{Handler: server, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	// Stalled streams wait for their clients: give them a moment, then cut.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		hs.Close()
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
