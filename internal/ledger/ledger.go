// Package ledger keeps livetranslate's usage ledger: one row for every request the tool sent to the
// service (a success, an API error, an interruption) and every one the local result cache
// answered instead (counted apart: nothing was sent or paid for it), in a SQLite file that
// parallel jobs and parallel processes write at once, and the queries behind `livetranslate
// usage`. A row says what
// was sent and what it used, never the API key and never the media. The ledger is a record kept on
// the side, so a damaged or locked file must never fail a translation: Open and Record return their
// errors, and Recorder wraps a Ledger for the CLI, warning once and carrying on.
package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	// The pure-Go SQLite driver keeps the binary static and free of cgo.
	_ "modernc.org/sqlite"

	"github.com/livetranslate/livetranslate/internal/xdg"
)

// Status of a request, as recorded.
const (
	StatusOK          = "ok"          // the service answered in full
	StatusAPIError    = "api_error"   // the service refused the request or failed (an error object)
	StatusFailed      = "failed"      // it never got an answer: network, timeout, a bad response
	StatusInterrupted = "interrupted" // the user cancelled it (Ctrl-C)
	StatusTruncated   = "truncated"   // the answer was cut short (finish_reason "length")
	// StatusCached is a request answered from the local result cache: nothing was sent or paid
	// for; its tokens are those of the answer it reused, what the cache saved.
	StatusCached = "cached"
)

var statuses = map[string]bool{
	StatusOK: true, StatusAPIError: true, StatusFailed: true, StatusInterrupted: true, StatusTruncated: true,
	StatusCached: true,
}

// Kinds of input.
const (
	KindAudio = "audio"
	KindVideo = "video"
)

// busyTimeout is how long a write waits for another writer (a parallel job or process) to finish.
// A write takes a millisecond; ten seconds of waiting means the file is held by something stuck.
const busyTimeout = 10 * time.Second

// Row is one request the tool sent, or that the result cache answered (StatusCached).
type Row struct {
	// ID is the row's number in the ledger, set by List; Record ignores it.
	ID int64 `json:"id"`
	// Start is when the request was sent; End when its answer ended or it failed.
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Input is the file path or URL the user gave ("-" for standard input). A URL is stored without
	// its user info and query string, which may hold credentials (a signed URL).
	Input string `json:"input"`
	// InputSHA256 is the hex digest of the whole input, "" when unknown; InputSize its size in
	// bytes, 0 when unknown (a URL passed through).
	InputSHA256 string `json:"input_sha256"`
	InputSize   int64  `json:"input_size"`
	// Kind is KindAudio or KindVideo.
	Kind string `json:"kind"`
	// Segment is 0 when the request carried the whole input, else the 1-based number of the
	// segment of a split input it carried.
	Segment int `json:"segment"`
	// Model is the model asked for; Region the endpoint's region (intl, cn), "" for another server.
	Model  string `json:"model"`
	Region string `json:"region"`
	// SourceLang is the source language code, "" when the model detected it; TargetLang the target.
	SourceLang string `json:"source_lang"`
	TargetLang string `json:"target_lang"`
	// Modalities are the output modalities, comma-separated ("text" or "text,audio"); Voice the
	// voice asked for, "" for text only.
	Modalities string `json:"modalities"`
	Voice      string `json:"voice"`
	// Status is one of the Status constants; HTTPStatus the response's status, 0 if none arrived;
	// ErrorCode the service's error code, if any; RequestID the service's id of the request.
	Status     string `json:"status"`
	HTTPStatus int    `json:"http_status"`
	ErrorCode  string `json:"error_code"`
	RequestID  string `json:"request_id"`
	// Token counts as the service reported them (0 when it reported none).
	PromptAudioTokens     int `json:"prompt_audio_tokens"`
	PromptVideoTokens     int `json:"prompt_video_tokens"`
	PromptTextTokens      int `json:"prompt_text_tokens"`
	CompletionTextTokens  int `json:"completion_text_tokens"`
	CompletionAudioTokens int `json:"completion_audio_tokens"`
	TotalTokens           int `json:"total_tokens"`
	// Cost is the estimated cost when the request was made, in Currency ("" when no price was known).
	Cost     float64 `json:"cost"`
	Currency string  `json:"currency"`
	// Outputs are the files written for the request, comma-separated.
	Outputs string `json:"outputs"`
}

// Ledger is an open usage ledger. It is safe for concurrent use.
type Ledger struct {
	db   *sql.DB
	path string
}

// DefaultPath is $XDG_STATE_HOME/livetranslate/usage.db, or ~/.local/state/livetranslate/usage.db
// when XDG_STATE_HOME is unset or not absolute (as the XDG spec says). It is "" when neither
// variable gives a place, and the caller then has no ledger.
func DefaultPath(getenv func(string) string) string {
	return xdg.Path(getenv, xdg.State, "livetranslate", "usage.db")
}

// Open opens the ledger at path, creating it and its directories (private to the user) when
// missing and bringing its schema up to date. It returns an error for a file that is not a ledger
// (damaged, or another kind of file) and leaves such a file as it found it.
func Open(ctx context.Context, path string) (*Ledger, error) {
	return open(ctx, path, busyTimeout)
}

func open(ctx context.Context, path string, busy time.Duration) (*Ledger, error) {
	if path == "" {
		return nil, ErrNoPath
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("usage ledger %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return nil, fmt.Errorf("usage ledger: %w", err)
	}
	// Create the file here so that it is private: SQLite would create it readable by everyone under
	// the usual umask, and its -wal and -shm files copy the database file's mode.
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("usage ledger: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("usage ledger: %w", err)
	}
	// A file: URI, so that a path holding '?' or '#' stays a path. WAL lets readers and one writer
	// work at once; the busy timeout makes a writer wait for another instead of failing; and
	// "immediate" transactions take the write lock at BEGIN, so a migration never deadlocks with
	// another process's.
	dsn := "file:" + (&url.URL{Path: abs}).EscapedPath() +
		fmt.Sprintf("?_busy_timeout=%d&_journal_mode=WAL&_txlock=immediate", busy.Milliseconds())
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("usage ledger %s: %w", abs, err)
	}
	// One connection: writes of one process queue in database/sql instead of meeting as rivals in
	// SQLite's locks; other processes are what the busy timeout is for.
	db.SetMaxOpenConns(1)
	l := &Ledger{db: db, path: abs}
	if err := l.migrateWaiting(ctx, busy); err != nil {
		db.Close()
		if strings.Contains(err.Error(), "file is not a database") {
			return nil, &NotLedgerError{Path: abs, Err: err}
		}
		return nil, fmt.Errorf("usage ledger %s: %w", abs, err)
	}
	return l, nil
}

// migrateWaiting is migrate, tried again while another process holds the database: when several
// processes open a new ledger at once, the switch to WAL and the first read can meet SQLITE_BUSY
// without SQLite's busy handler ever waiting (it does not wait during WAL recovery or a journal
// mode change), so the busy timeout alone does not cover them.
func (l *Ledger) migrateWaiting(ctx context.Context, busy time.Duration) error {
	deadline := time.Now().Add(busy)
	wait := 10 * time.Millisecond
	for {
		err := l.migrate(ctx)
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 200*time.Millisecond)
	}
}

// isBusy reports whether err is SQLite's "database is locked" (SQLITE_BUSY, or SQLITE_LOCKED).
func isBusy(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database is locked") ||
		strings.Contains(msg, "SQLITE_LOCKED")
}

// Path is the ledger's file.
func (l *Ledger) Path() string { return l.path }

// Close closes the ledger.
func (l *Ledger) Close() error {
	if err := l.db.Close(); err != nil {
		return fmt.Errorf("closing usage ledger %s: %w", l.path, err)
	}
	return nil
}

// migrations are the schema's versions: migrations[i] takes a ledger from version i to i+1, and the
// version is kept in PRAGMA user_version. Released migrations are never edited, only appended to.
var migrations = []string{
	// v1: the first release.
	`CREATE TABLE requests (
		id                      INTEGER PRIMARY KEY,
		start_ms                INTEGER NOT NULL, -- Unix milliseconds
		end_ms                  INTEGER NOT NULL,
		input                   TEXT    NOT NULL,
		input_sha256            TEXT    NOT NULL DEFAULT '',
		input_size              INTEGER NOT NULL DEFAULT 0,
		kind                    TEXT    NOT NULL DEFAULT '',
		segment                 INTEGER NOT NULL DEFAULT 0,
		model                   TEXT    NOT NULL DEFAULT '',
		region                  TEXT    NOT NULL DEFAULT '',
		source_lang             TEXT    NOT NULL DEFAULT '',
		target_lang             TEXT    NOT NULL DEFAULT '',
		modalities              TEXT    NOT NULL DEFAULT '',
		voice                   TEXT    NOT NULL DEFAULT '',
		status                  TEXT    NOT NULL,
		http_status             INTEGER NOT NULL DEFAULT 0,
		error_code              TEXT    NOT NULL DEFAULT '',
		request_id              TEXT    NOT NULL DEFAULT '',
		prompt_audio_tokens     INTEGER NOT NULL DEFAULT 0,
		prompt_video_tokens     INTEGER NOT NULL DEFAULT 0,
		prompt_text_tokens      INTEGER NOT NULL DEFAULT 0,
		completion_text_tokens  INTEGER NOT NULL DEFAULT 0,
		completion_audio_tokens INTEGER NOT NULL DEFAULT 0,
		total_tokens            INTEGER NOT NULL DEFAULT 0,
		cost                    REAL    NOT NULL DEFAULT 0,
		currency                TEXT    NOT NULL DEFAULT '',
		outputs                 TEXT    NOT NULL DEFAULT ''
	);
	CREATE INDEX requests_by_start ON requests (start_ms);`,
	// v2: running sums for `usage` (sums.go), filled from the requests already there.
	sumsSchema(),
}

// SchemaVersion is the version of the schema this package writes.
func SchemaVersion() int { return len(migrations) }

// migrate brings the schema to SchemaVersion. Processes opening a new ledger at once take turns on
// the write lock, and each re-reads the version under it, so every migration runs exactly once.
func (l *Ledger) migrate(ctx context.Context) error {
	var version int
	if err := l.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return err
	}
	latest := SchemaVersion()
	if version == latest {
		return nil
	}
	if version > latest {
		return fmt.Errorf("schema version %d is newer than this livetranslate knows (%d): upgrade livetranslate", version, latest)
	}
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrating: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // a no-op after Commit
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("migrating: %w", err)
	}
	for v := version; v < latest; v++ {
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			return fmt.Errorf("migrating to schema version %d: %w", v+1, err)
		}
	}
	if version < latest {
		// PRAGMA takes no parameters; the value is this package's own number.
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", latest)); err != nil {
			return fmt.Errorf("migrating: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrating: %w", err)
	}
	return nil
}

const columns = `start_ms, end_ms, input, input_sha256, input_size, kind, segment, model, region,
	source_lang, target_lang, modalities, voice, status, http_status, error_code, request_id,
	prompt_audio_tokens, prompt_video_tokens, prompt_text_tokens, completion_text_tokens,
	completion_audio_tokens, total_tokens, cost, currency, outputs`

const insertRow = `INSERT INTO requests (` + columns + `)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// Record adds r to the ledger. The write is one statement, so it is atomic, and it waits for other
// writers up to the busy timeout.
func (l *Ledger) Record(ctx context.Context, r Row) error {
	args, err := insertArgs(r)
	if err != nil {
		return err
	}
	if _, err := l.db.ExecContext(ctx, insertRow, args...); err != nil {
		return fmt.Errorf("recording a request in usage ledger %s: %w", l.path, err)
	}
	return nil
}

// RecordAll adds rows to the ledger in one transaction: all of them or, on an error, none. It is
// for many rows at once (an import, a benchmark's ledger), where a transaction per row would
// spend its time waiting for the disk.
func (l *Ledger) RecordAll(ctx context.Context, rows iter.Seq[Row]) (n int, err error) {
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("recording requests in usage ledger %s: %w", l.path, err)
	}
	defer func() { _ = tx.Rollback() }() // a no-op after Commit
	stmt, err := tx.PrepareContext(ctx, insertRow)
	if err != nil {
		return 0, fmt.Errorf("recording requests in usage ledger %s: %w", l.path, err)
	}
	defer stmt.Close()
	for r := range rows {
		args, err := insertArgs(r)
		if err != nil {
			return 0, fmt.Errorf("request %d: %w", n+1, err)
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return 0, fmt.Errorf("recording requests in usage ledger %s: %w", l.path, err)
		}
		n++
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("recording requests in usage ledger %s: %w", l.path, err)
	}
	return n, nil
}

// insertArgs checks r and gives the values of insertRow for it.
func insertArgs(r Row) ([]any, error) {
	if r.Start.IsZero() {
		return nil, errors.New("recording a request: no start time")
	}
	if !statuses[r.Status] {
		return nil, fmt.Errorf("recording a request: unknown status %q", r.Status)
	}
	end := r.End
	if end.IsZero() {
		end = r.Start
	}
	return []any{r.Start.UnixMilli(), end.UnixMilli(), redactInput(r.Input), r.InputSHA256, r.InputSize, r.Kind, r.Segment,
		r.Model, r.Region, r.SourceLang, r.TargetLang, r.Modalities, r.Voice, r.Status, r.HTTPStatus,
		r.ErrorCode, r.RequestID, r.PromptAudioTokens, r.PromptVideoTokens, r.PromptTextTokens,
		r.CompletionTextTokens, r.CompletionAudioTokens, r.TotalTokens, r.Cost, r.Currency, r.Outputs}, nil
}

// redactInput keeps an input's name but not what could be a secret or the media itself: the user
// info and query of a URL (a signed URL carries its signature there), and the payload of a data URI.
func redactInput(s string) string {
	if len(s) > 5 && strings.EqualFold(s[:5], "data:") {
		mediaType, _, _ := strings.Cut(s[5:], ",")
		mediaType, _, _ = strings.Cut(mediaType, ";")
		return "data:" + mediaType + ",(omitted)"
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return s
	}
	if u.User == nil && u.RawQuery == "" && !u.ForceQuery && u.Fragment == "" {
		return s
	}
	hadQuery := u.RawQuery != "" || u.ForceQuery
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	if hadQuery {
		return u.String() + "?(query omitted)"
	}
	return u.String()
}
