package ledger

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The concurrency test re-runs this test binary as writer processes; these variables select that mode.
const (
	envWriterPath = "LEDGER_TEST_WRITER_PATH"
	envWriterID   = "LEDGER_TEST_WRITER_ID"
	envWriterGo   = "LEDGER_TEST_WRITER_GO"
	rowsPerWriter = 50
)

func TestMain(m *testing.M) {
	if path := os.Getenv(envWriterPath); path != "" {
		if err := writerProcess(path, os.Getenv(envWriterID), os.Getenv(envWriterGo)); err != nil {
			fmt.Fprintln(os.Stderr, "writer:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// writerProcess opens the ledger (racing the other writers to create it), says it is ready, waits
// for the signal so that all writers write at once, and records rowsPerWriter rows.
func writerProcess(path, id, goFile string) error {
	ctx := context.Background()
	l, err := Open(ctx, path)
	if err != nil {
		return err
	}
	defer l.Close()
	if err := os.WriteFile(goFile+".ready."+id, nil, 0o600); err != nil {
		return err
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		if _, err := os.Stat(goFile); err == nil {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no go signal")
		}
		time.Sleep(2 * time.Millisecond)
	}
	start := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
	for i := range rowsPerWriter {
		r := Row{Start: start.Add(time.Duration(i) * time.Second), Input: "in.wav", Kind: KindAudio,
			Model: "m", Status: StatusOK, RequestID: fmt.Sprintf("w%s-%d", id, i), PromptAudioTokens: 1}
		if err := l.Record(ctx, r); err != nil {
			return fmt.Errorf("row %d: %w", i, err)
		}
	}
	return nil
}

func TestParallelProcessesLoseNoRow(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	t.Run("new ledger", func(t *testing.T) {
		// Not there yet: the writers race to create it.
		parallelWriters(t, filepath.Join(t.TempDir(), "state", "usage.db"), 0)
	})
	t.Run("version 1 ledger", func(t *testing.T) {
		// Written by the first release: the writers race to upgrade it.
		path := filepath.Join(t.TempDir(), "usage.db")
		old := randomRows(rand.New(rand.NewPCG(3, 4)), 300)
		createVersion1(t, path, old)
		parallelWriters(t, path, len(old))
	})
}

// parallelWriters has four processes write rowsPerWriter rows each at once into the ledger at
// path, which holds before rows already, and checks that none is lost, from the sums either.
func parallelWriters(t *testing.T, path string, before int) {
	dir := t.TempDir()
	goFile := filepath.Join(dir, "go")
	const writers = 4
	type exit struct {
		writer int
		err    error
		output string
	}
	exits := make(chan exit, writers)
	for i := range writers {
		cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), envWriterPath+"="+path, envWriterID+"="+strconv.Itoa(i), envWriterGo+"="+goFile)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() {
			err := cmd.Wait()
			exits <- exit{i, err, out.String()}
		}()
	}
	// Release the writers together once all have opened the ledger.
	deadline := time.Now().Add(60 * time.Second)
	for ready := 0; ready < writers; {
		ready = 0
		for i := range writers {
			if _, err := os.Stat(goFile + ".ready." + strconv.Itoa(i)); err == nil {
				ready++
			}
		}
		select {
		case e := <-exits:
			t.Fatalf("writer %d ended before writing: %v\n%s", e.writer, e.err, e.output)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d writers opened the ledger", ready, writers)
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := os.WriteFile(goFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for range writers {
		if e := <-exits; e.err != nil {
			t.Errorf("writer %d: %v\n%s", e.writer, e.err, e.output)
		}
	}

	l, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	rows, err := l.List(t.Context(), Query{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, r := range rows {
		if strings.HasPrefix(r.RequestID, "w") {
			seen[r.RequestID]++
		}
	}
	if len(rows) != before+writers*rowsPerWriter || len(seen) != writers*rowsPerWriter {
		t.Fatalf("%d processes × %d rows: the ledger holds %d rows, %d distinct of theirs; want %d",
			writers, rowsPerWriter, len(rows), len(seen), before+writers*rowsPerWriter)
	}
	// The running sums were kept by every writer's inserts (and, for a ledger upgraded, filled
	// once from the rows before): they count every row too.
	for _, by := range []string{ByTotal, ByDay, ByInput} {
		q := Query{By: by, Location: time.UTC}
		groups, err := l.Summary(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		if diff := sameGroups(groups, referenceSummary(rows, q)); diff != "" {
			t.Errorf("summary by %q after parallel writers: %s", by, diff)
		}
	}
	t.Logf("%d processes × %d records: %d rows", writers, rowsPerWriter, len(rows))
}

func TestParallelJobsThroughOneRecorder(t *testing.T) {
	l := openTemp(t)
	var warnings []error
	var mu sync.Mutex
	rec := &Recorder{ledger: l, warn: func(err error) { mu.Lock(); warnings = append(warnings, err); mu.Unlock() }}
	var wg sync.WaitGroup
	for j := range 8 {
		wg.Go(func() {
			for i := range 25 {
				rec.Record(t.Context(), Row{Start: time.UnixMilli(int64(j*1000 + i)), Model: "m", Status: StatusOK,
					RequestID: fmt.Sprintf("%d-%d", j, i)})
			}
		})
	}
	wg.Wait()
	if len(warnings) != 0 {
		t.Fatalf("warnings: %v", warnings)
	}
	if n := countRows(t, l); n != 200 {
		t.Fatalf("8 jobs × 25 records: %d rows, want 200", n)
	}
}

func openTemp(t *testing.T) *Ledger {
	t.Helper()
	l, err := Open(t.Context(), filepath.Join(t.TempDir(), "usage.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func countRows(t *testing.T, l *Ledger) int {
	t.Helper()
	var n int
	if err := l.db.QueryRowContext(t.Context(), "SELECT count(*) FROM requests").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestOpenCreatesAPrivateWALLedger(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a?b#c", "state") // characters a URI would misread
	path := filepath.Join(dir, "usage.db")
	l, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Record(t.Context(), Row{Start: time.Now(), Status: StatusOK}); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{dir: 0o700, path: 0o600} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.Mode().Perm(); got != want {
			t.Errorf("%s: mode %o, want %o", p, got, want)
		}
	}
	if st, err := os.Stat(path + "-wal"); err != nil {
		t.Errorf("no WAL file beside the ledger: %v", err)
	} else if st.Mode().Perm()&0o077 != 0 {
		t.Errorf("WAL file mode %o is readable by others", st.Mode().Perm())
	}
	var mode string
	if err := l.db.QueryRowContext(t.Context(), "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q (%v), want wal", mode, err)
	}
	var busy int
	if err := l.db.QueryRowContext(t.Context(), "PRAGMA busy_timeout").Scan(&busy); err != nil || busy != 10000 {
		t.Errorf("busy_timeout = %d (%v), want 10000", busy, err)
	}
	if l.Path() != path {
		t.Errorf("Path() = %q, want %q", l.Path(), path)
	}
}

func TestMigrationsAreIdempotent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "usage.db")
	for i := range 3 {
		l, err := Open(t.Context(), path)
		if err != nil {
			t.Fatalf("open #%d: %v", i+1, err)
		}
		var v int
		if err := l.db.QueryRowContext(t.Context(), "PRAGMA user_version").Scan(&v); err != nil || v != SchemaVersion() {
			t.Fatalf("open #%d: user_version %d (%v), want %d", i+1, v, err, SchemaVersion())
		}
		if err := l.Record(t.Context(), Row{Start: time.Now(), Status: StatusOK}); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, l); n != i+1 {
			t.Fatalf("open #%d: %d rows, want %d (a reopen must keep the rows)", i+1, n, i+1)
		}
		l.Close()
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "usage.db")
	l, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.db.ExecContext(t.Context(), "PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	l.Close()
	_, err = Open(t.Context(), path)
	if err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("Open of a schema from a newer version: %v, want an error saying it is newer", err)
	}
}

func TestDamagedLedger(t *testing.T) {
	path := filepath.Join(t.TempDir(), "usage.db")
	garbage := bytes.Repeat([]byte("this is not a SQLite database\x00\xff"), 200)
	if err := os.WriteFile(path, garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(t.Context(), path); err == nil {
		t.Fatal("Open of a damaged file succeeded")
	} else if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the file", err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, garbage) {
		t.Error("Open changed the damaged file; it must leave it for the user to inspect")
	}

	var warnings []error
	rec := OpenRecorder(t.Context(), path, func(err error) { warnings = append(warnings, err) })
	for range 3 {
		rec.Record(t.Context(), Row{Start: time.Now(), Status: StatusOK})
	}
	rec.Close()
	if len(warnings) != 1 {
		t.Fatalf("warnings = %v, want exactly one", warnings)
	}
}

func TestLockedLedgerWarnsOnceAndStops(t *testing.T) {
	path := filepath.Join(t.TempDir(), "usage.db")
	l, err := open(t.Context(), path, 100*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	// Another process holds the write lock and does not let go.
	holder, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	conn, err := holder.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(t.Context(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}

	var warnings []error
	rec := &Recorder{ledger: l, warn: func(err error) { warnings = append(warnings, err) }}
	rec.Record(t.Context(), Row{Start: time.Now(), Status: StatusOK})
	began := time.Now()
	rec.Record(t.Context(), Row{Start: time.Now(), Status: StatusOK})
	if waited := time.Since(began); waited > 50*time.Millisecond {
		t.Errorf("the second record waited %v on a ledger already known to be stuck", waited)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0].Error(), "locked") {
		t.Fatalf("warnings = %v, want one saying the ledger is locked", warnings)
	}
	if _, err := conn.ExecContext(t.Context(), "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	rec.Close()
}

func TestNilRecorderRecordsNothing(t *testing.T) {
	var rec *Recorder
	rec.Record(t.Context(), Row{Start: time.Now(), Status: StatusOK})
	rec.Close()
}

func TestRecorderRecordsAfterCancellation(t *testing.T) {
	l := openTemp(t)
	rec := &Recorder{ledger: l, warn: func(err error) { t.Errorf("warning: %v", err) }}
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // the user pressed Ctrl-C; the interrupted request must still be recorded
	rec.Record(ctx, Row{Start: time.Now(), Status: StatusInterrupted})
	if n := countRows(t, l); n != 1 {
		t.Fatalf("%d rows after recording with a cancelled context, want 1", n)
	}
}

func TestRecordRejectsIncompleteRows(t *testing.T) {
	l := openTemp(t)
	for name, r := range map[string]Row{
		"no start":       {Status: StatusOK},
		"unknown status": {Start: time.Now(), Status: "fine"},
		"no status":      {Start: time.Now()},
	} {
		if err := l.Record(t.Context(), r); err == nil {
			t.Errorf("%s: Record succeeded", name)
		}
	}
	if n := countRows(t, l); n != 0 {
		t.Errorf("%d rows recorded, want 0", n)
	}
}

// sample is a full row; every field differs from its zero value.
func sample(start time.Time) Row {
	return Row{
		Start: start, End: start.Add(3500 * time.Millisecond), Input: "talks/a b.mp4",
		InputSHA256: strings.Repeat("ab", 32), InputSize: 123456, Kind: KindVideo, Segment: 2,
		Model: "qwen3-livetranslate-flash", Region: "cn", SourceLang: "zh", TargetLang: "en",
		Modalities: "text,audio", Voice: "Cherry", Status: StatusTruncated, HTTPStatus: 200,
		ErrorCode: "none", RequestID: "req-1", PromptAudioTokens: 415, PromptVideoTokens: 1000,
		PromptTextTokens: 3, CompletionTextTokens: 51, CompletionAudioTokens: 191, TotalTokens: 1660,
		Cost: 0.125, Currency: "CNY", Outputs: "out/a b.en.txt,out/a b.en.wav",
	}
}

func TestRecordAndListRoundTrip(t *testing.T) {
	l := openTemp(t)
	base := time.Date(2026, 10, 5, 8, 30, 0, 123_000_000, time.UTC)
	want := sample(base)
	if err := l.Record(t.Context(), want); err != nil {
		t.Fatal(err)
	}
	rows, err := l.List(t.Context(), Query{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 {
		t.Fatalf("%d rows, want 1", len(rows))
	}
	got := rows[0]
	if got.ID == 0 {
		t.Error("List must set the row id")
	}
	if !got.Start.Equal(want.Start) || !got.End.Equal(want.End) {
		t.Errorf("times %v–%v, want %v–%v", got.Start, got.End, want.Start, want.End)
	}
	got.ID, got.Start, got.End = 0, want.Start, want.End
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
	}
}

func TestRedactInput(t *testing.T) {
	tests := map[string]string{
		"talk.mp3":                               "talk.mp3",
		"-":                                      "-",
		"dir/what?.wav":                          "dir/what?.wav",
		"https://example.com/a.wav":              "https://example.com/a.wav",
		"https://user:pw@example.com/a.wav":      "https://example.com/a.wav",
		"https://b.oss.example/a.wav?Sig=xyz":    "https://b.oss.example/a.wav?(query omitted)",
		"http://example.com/a.wav#t=10":          "http://example.com/a.wav",
		"data:audio/wav;base64,UklGRiQAAABXQVZF": "data:audio/wav,(omitted)",
	}
	for in, want := range tests {
		if got := redactInput(in); got != want {
			t.Errorf("redactInput(%q) = %q, want %q", in, got, want)
		}
	}
	l := openTemp(t)
	if err := l.Record(t.Context(), Row{Start: time.Now(), Status: StatusOK, Input: "https://u:secret@x.example/a.wav?token=secret"}); err != nil {
		t.Fatal(err)
	}
	rows, _ := l.List(t.Context(), Query{})
	if len(rows) != 1 || strings.Contains(rows[0].Input, "secret") {
		t.Errorf("stored input %q keeps a secret", rows[0].Input)
	}
}

func TestDefaultPath(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_STATE_HOME": "/s", "HOME": "/h"}, "/s/livetranslate/usage.db"},
		{map[string]string{"HOME": "/h"}, "/h/.local/state/livetranslate/usage.db"},
		{map[string]string{"XDG_STATE_HOME": "relative", "HOME": "/h"}, "/h/.local/state/livetranslate/usage.db"},
		{map[string]string{}, ""},
	}
	for _, tt := range tests {
		if got := DefaultPath(func(k string) string { return tt.env[k] }); got != tt.want {
			t.Errorf("DefaultPath(%v) = %q, want %q", tt.env, got, tt.want)
		}
	}
}

// fixture records requests over three days, two models, three language pairs and three inputs.
func fixture(t *testing.T) (*Ledger, time.Time) {
	t.Helper()
	l := openTemp(t)
	day := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	rows := []Row{
		{Start: day.Add(10 * time.Hour), Input: "a.wav", Model: "flash", SourceLang: "zh", TargetLang: "en", Status: StatusOK,
			PromptAudioTokens: 100, CompletionTextTokens: 10, TotalTokens: 110, Cost: 1, Currency: "CNY"},
		{Start: day.Add(11 * time.Hour), Input: "a.wav", Model: "flash", SourceLang: "zh", TargetLang: "en", Status: StatusAPIError, HTTPStatus: 400},
		{Start: day.Add(34 * time.Hour), Input: "b.mp4", Model: "flash", TargetLang: "en", Status: StatusOK,
			PromptAudioTokens: 200, PromptVideoTokens: 300, CompletionTextTokens: 20, CompletionAudioTokens: 40, TotalTokens: 560, Cost: 2, Currency: "CNY"},
		{Start: day.Add(35 * time.Hour), Input: "b.mp4", Model: "snapshot", SourceLang: "zh", TargetLang: "fr", Status: StatusInterrupted,
			PromptAudioTokens: 50, TotalTokens: 50},
		{Start: day.Add(58 * time.Hour), Input: "c.wav", Model: "snapshot", SourceLang: "zh", TargetLang: "fr", Status: StatusOK,
			PromptAudioTokens: 70, PromptTextTokens: 5, CompletionTextTokens: 7, TotalTokens: 82, Cost: 4, Currency: "CNY"},
	}
	for _, r := range rows {
		if err := l.Record(t.Context(), r); err != nil {
			t.Fatal(err)
		}
	}
	return l, day
}

func TestSummaryGroupings(t *testing.T) {
	l, _ := fixture(t)
	g := func(key string, req, fail, pa, pv, pt, ct, ca, tot int64, cost float64, cur string, unpriced int64) Group {
		return Group{Key: key, Requests: req, Failures: fail, PromptAudioTokens: pa, PromptVideoTokens: pv,
			PromptTextTokens: pt, CompletionTextTokens: ct, CompletionAudioTokens: ca, TotalTokens: tot,
			Cost: cost, Currency: cur, Unpriced: unpriced}
	}
	tests := []struct {
		by   string
		want []Group
	}{
		{ByTotal, []Group{g("", 5, 2, 420, 300, 5, 37, 40, 802, 7, "CNY", 1)}},
		{ByDay, []Group{
			g("2026-10-01", 2, 1, 100, 0, 0, 10, 0, 110, 1, "CNY", 0),
			g("2026-10-02", 2, 1, 250, 300, 0, 20, 40, 610, 2, "CNY", 1),
			g("2026-10-03", 1, 0, 70, 0, 5, 7, 0, 82, 4, "CNY", 0),
		}},
		{ByModel, []Group{
			g("snapshot", 2, 1, 120, 0, 5, 7, 0, 132, 4, "CNY", 1),
			g("flash", 3, 1, 300, 300, 0, 30, 40, 670, 3, "CNY", 0),
		}},
		{ByLanguage, []Group{
			g("zh→fr", 2, 1, 120, 0, 5, 7, 0, 132, 4, "CNY", 1),
			g("auto→en", 1, 0, 200, 300, 0, 20, 40, 560, 2, "CNY", 0),
			g("zh→en", 2, 1, 100, 0, 0, 10, 0, 110, 1, "CNY", 0),
		}},
		{ByInput, []Group{
			g("c.wav", 1, 0, 70, 0, 5, 7, 0, 82, 4, "CNY", 0),
			g("b.mp4", 2, 1, 250, 300, 0, 20, 40, 610, 2, "CNY", 1),
			g("a.wav", 2, 1, 100, 0, 0, 10, 0, 110, 1, "CNY", 0),
		}},
	}
	for _, tt := range tests {
		got, err := l.Summary(t.Context(), Query{By: tt.by, Location: time.UTC})
		if err != nil {
			t.Fatalf("by %q: %v", tt.by, err)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("by %q:\n got %+v\nwant %+v", tt.by, got, tt.want)
		}
	}
	if _, err := l.Summary(t.Context(), Query{By: "weekday"}); err == nil {
		t.Error("Summary by an unknown grouping succeeded")
	}
}

func TestSummaryDaysFollowTheTimeZone(t *testing.T) {
	l, _ := fixture(t)
	// 10:00 and 11:00 UTC on 1 October are already 2 October in UTC+14.
	got, err := l.Summary(t.Context(), Query{By: ByDay, Location: time.FixedZone("LINT", 14*3600)})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, g := range got {
		keys = append(keys, g.Key)
	}
	if want := []string{"2026-10-02", "2026-10-03", "2026-10-04"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("days in UTC+14 = %v, want %v", keys, want)
	}
}

func TestSummaryWithPrices(t *testing.T) {
	l, _ := fixture(t)
	price := func(r Sum) (float64, string, bool) {
		if r.Model != "flash" {
			return 0, "", false
		}
		return float64(r.TotalTokens) / 1000, "USD", true
	}
	got, err := l.Summary(t.Context(), Query{Price: price})
	if err != nil {
		t.Fatal(err)
	}
	// flash: 110+0+560 tokens → 0.67 USD; the two snapshot requests used tokens and have no price.
	if len(got) != 1 || math.Abs(got[0].Cost-0.67) > 1e-9 || got[0].Currency != "USD" || got[0].Unpriced != 2 {
		t.Fatalf("priced summary = %+v, want cost 0.67 USD, 2 unpriced", got)
	}
	mixed := func(r Sum) (float64, string, bool) {
		return 1, map[bool]string{true: "USD", false: "CNY"}[r.Model == "flash"], true
	}
	got, _ = l.Summary(t.Context(), Query{Price: mixed})
	if got[0].Currency != CurrencyMixed {
		t.Errorf("currency of a sum over two currencies = %q, want %q", got[0].Currency, CurrencyMixed)
	}
}

func TestSinceUntilBounds(t *testing.T) {
	l, day := fixture(t)
	tests := []struct {
		since, until time.Time
		want         int64
	}{
		{time.Time{}, time.Time{}, 5},
		{day.Add(10 * time.Hour), time.Time{}, 5},                  // Since is inclusive
		{day.Add(10*time.Hour + time.Millisecond), time.Time{}, 4}, // …to the millisecond
		{time.Time{}, day.Add(58 * time.Hour), 4},                  // Until is exclusive
		{time.Time{}, day.Add(58*time.Hour + time.Millisecond), 5}, // …to the millisecond
		{day.Add(24 * time.Hour), day.Add(48 * time.Hour), 2},      // one day
		{day.Add(100 * time.Hour), time.Time{}, 0},                 // after everything
		{day.Add(48 * time.Hour), day.Add(24 * time.Hour), 0},      // an empty window
	}
	for _, tt := range tests {
		q := Query{Since: tt.since, Until: tt.until}
		groups, err := l.Summary(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		if len(groups) == 1 {
			n = groups[0].Requests
		}
		rows, err := l.List(t.Context(), q)
		if err != nil {
			t.Fatal(err)
		}
		if n != tt.want || int64(len(rows)) != tt.want {
			t.Errorf("since %v until %v: summary %d, list %d requests; want %d", tt.since, tt.until, n, len(rows), tt.want)
		}
	}
}

func TestListNewestFirstWithLimit(t *testing.T) {
	l, _ := fixture(t)
	rows, err := l.List(t.Context(), Query{Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	var inputs []string
	for _, r := range rows {
		inputs = append(inputs, r.Input+"/"+r.Status)
	}
	want := []string{"c.wav/ok", "b.mp4/interrupted", "b.mp4/ok"}
	if !reflect.DeepEqual(inputs, want) {
		t.Errorf("List(limit 3) = %v, want %v", inputs, want)
	}
	all, _ := l.List(t.Context(), Query{})
	if len(all) != 5 {
		t.Errorf("List without a limit gave %d rows, want 5", len(all))
	}
}

// TestSummaryByInputIsByContent: the same bytes under two names (renamed, copied) are one input,
// shown by the name it had last; another file under a name already seen is another input; a
// request that recorded no hash is grouped by its name.
func TestSummaryByInputIsByContent(t *testing.T) {
	l := openTemp(t)
	day := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	hashA, hashB := strings.Repeat("a", 64), strings.Repeat("b", 64)
	for _, r := range []Row{
		{Start: day.Add(3 * time.Hour), Input: "talk-final.wav", InputSHA256: hashA, Status: StatusOK, TotalTokens: 10},
		{Start: day.Add(1 * time.Hour), Input: "talk.wav", InputSHA256: hashA, Status: StatusOK, TotalTokens: 10},
		{Start: day.Add(2 * time.Hour), Input: "talk.wav", InputSHA256: hashB, Status: StatusOK, TotalTokens: 5},
		{Start: day.Add(4 * time.Hour), Input: "talk.wav", Status: StatusAPIError},
	} {
		if err := l.Record(t.Context(), r); err != nil {
			t.Fatal(err)
		}
	}
	got, err := l.Summary(t.Context(), Query{By: ByInput})
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		name, sha string
		requests  int64
	}
	var keys []key
	for _, g := range got {
		keys = append(keys, key{g.Key, g.InputSHA256, g.Requests})
	}
	want := []key{{"talk-final.wav", hashA, 2}, {"talk.wav", "", 1}, {"talk.wav", hashB, 1}}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("groups by input = %v, want %v", keys, want)
	}
}
