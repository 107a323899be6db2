package ledger

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// referenceSummary is Summary as it was before the running sums: every request read, priced
// and added up one by one. The sums must give what it gives.
func referenceSummary(rows []Row, q Query) []Group {
	loc := q.location()
	lo, hi := q.bounds()
	// In the order of start, then id, as the requests were read then.
	rows = slices.Clone(rows)
	sort.Slice(rows, func(i, j int) bool {
		if !rows[i].Start.Equal(rows[j].Start) {
			return rows[i].Start.Before(rows[j].Start)
		}
		return rows[i].ID < rows[j].ID
	})
	key := func(r Row) string {
		switch q.By {
		case ByDay:
			return r.Start.In(loc).Format(time.DateOnly)
		case ByModel:
			return r.Model
		case ByLanguage:
			return languageKey(r.SourceLang, r.TargetLang)
		case ByInput:
			if r.InputSHA256 != "" {
				return "sha256:" + r.InputSHA256
			}
			return "name:" + r.Input
		}
		return ""
	}
	groups := map[string]*Group{}
	for _, r := range rows {
		if ms := r.Start.UnixMilli(); ms < lo || ms >= hi {
			continue
		}
		k := key(r)
		g := groups[k]
		if g == nil {
			g = &Group{Key: k}
			groups[k] = g
		}
		g.Add(priced(r.Sum(), q.Price))
		if q.By == ByInput {
			g.Key, g.InputSHA256 = r.Input, r.InputSHA256 // the latest so far
		}
	}
	out := []Group{}
	for _, g := range groups {
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if q.By != ByDay {
			if costOrder(a.Cost) != costOrder(b.Cost) {
				return a.Cost > b.Cost
			}
			if a.Requests != b.Requests {
				return a.Requests > b.Requests
			}
		}
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		return a.InputSHA256 < b.InputSHA256
	})
	return out
}

// sameGroups reports how got differs from want: counts exactly, costs and savings to a part in
// 10^12 (the sums add up in another order).
func sameGroups(got, want []Group) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d groups, want %d:\n got %+v\nwant %+v", len(got), len(want), got, want)
	}
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }
	for i := range got {
		g, w := got[i], want[i]
		if !near(g.Cost, w.Cost) {
			return fmt.Sprintf("group %d: cost %v, want %v", i, g.Cost, w.Cost)
		}
		if !near(g.Saved, w.Saved) {
			return fmt.Sprintf("group %d: saved %v, want %v", i, g.Saved, w.Saved)
		}
		g.Cost, g.Saved = w.Cost, w.Saved
		if g != w {
			return fmt.Sprintf("group %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
	return ""
}

// testZones are zones whose days the sums must count right: with daylight saving time (by an
// hour, by half an hour), with offsets of a half and three quarters of an hour, and with offsets
// that are not whole quarters of an hour (as local mean time was), east and west.
func testZones(t *testing.T) []*time.Location {
	zones := []*time.Location{time.UTC, time.FixedZone("LMT+0:19:32", 19*60+32), time.FixedZone("LMT-9:30:07", -(9*3600 + 30*60 + 7))}
	for _, name := range []string{"Europe/Berlin", "America/St_Johns", "Asia/Kathmandu", "Australia/Lord_Howe"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Logf("zone %s skipped: %v", name, err)
			continue
		}
		zones = append(zones, loc)
	}
	return zones
}

// randomRows are n requests around the end of October 2026 (when Europe and North America leave
// daylight saving time, and Lord Howe Island enters it), most in runs of an input's segments a
// minute apart, with some far before, some before 1970, starts shared to the millisecond, inputs
// renamed, hashes missing, models the prices do not know, recorded costs in two currencies, and
// every status. Answers from the cache are recorded as the pipeline records them: their tokens,
// no cost.
func randomRows(rng *rand.Rand, n int) []Row {
	base := time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC)
	models := []string{"flash", "snapshot", "proxy", "retired"}
	regions := []string{"intl", "cn", ""}
	langs := [][2]string{{"zh", "en"}, {"", "en"}, {"en", "fr"}, {"ja", ""}}
	statuses := []string{StatusOK, StatusOK, StatusOK, StatusOK, StatusAPIError, StatusFailed, StatusInterrupted, StatusTruncated, StatusCached}
	var rows []Row
	var prev time.Time
	for i := range n {
		var start time.Time
		switch f := rng.IntN(100); {
		case f < 3 && i > 0:
			start = prev // the same millisecond as another request
		case f < 5:
			start = base.Add(-time.Duration(rng.Int64N(int64(200 * 24 * time.Hour))))
		case f < 6:
			start = time.Date(1969, 12, 31, 23, 59, 59, 500e6, time.UTC).Add(-time.Duration(rng.IntN(3600)) * time.Second)
		case f < 60 && i > 0:
			start = prev.Add(time.Duration(rng.IntN(120_000)) * time.Millisecond) // the next segment of a run
		default:
			start = base.Add(time.Duration(rng.Int64N(int64(17 * 24 * time.Hour))))
		}
		start = start.Truncate(time.Millisecond)
		r := Row{Start: start, Status: statuses[rng.IntN(len(statuses))]}
		if inRun := start.Sub(prev) >= 0 && start.Sub(prev) < 2*time.Minute && i > 0; inRun && rng.IntN(4) > 0 {
			r.Model, r.Region, r.InputSHA256 = rows[i-1].Model, rows[i-1].Region, rows[i-1].InputSHA256 // most runs are one input's segments
		} else {
			r.Model, r.Region, r.InputSHA256 = models[rng.IntN(len(models))], regions[rng.IntN(len(regions))], fmt.Sprintf("%064x", rng.IntN(40))
		}
		content := "none"
		if r.InputSHA256 != "" {
			content = r.InputSHA256[56:]
		}
		r.Input = "in-" + content + ".wav"
		pair := langs[rng.IntN(len(langs))]
		r.SourceLang, r.TargetLang = pair[0], pair[1]
		if rng.IntN(4) == 0 {
			r.Input = fmt.Sprintf("renamed-%s-%d.wav", content, rng.IntN(3))
		}
		if rng.IntN(10) == 0 {
			r.InputSHA256 = ""
		}
		if i%50 == 49 { // the same content under another name, started in the same millisecond
			p := rows[i-1]
			r.Start, r.Input, r.InputSHA256 = p.Start, p.Input+".copy", p.InputSHA256
		}
		if r.Status != StatusAPIError && r.Status != StatusFailed {
			r.PromptAudioTokens, r.PromptVideoTokens, r.PromptTextTokens = rng.IntN(5000), rng.IntN(3)*rng.IntN(3000), rng.IntN(4)
			r.CompletionTextTokens, r.CompletionAudioTokens = rng.IntN(400), rng.IntN(2)*rng.IntN(3000)
			r.TotalTokens = r.PromptAudioTokens + r.PromptVideoTokens + r.PromptTextTokens + r.CompletionTextTokens + r.CompletionAudioTokens
			switch n := rng.IntN(4); {
			case r.Status == StatusCached:
			case n <= 1:
				r.Cost, r.Currency = float64(r.TotalTokens)*7.3e-5, "CNY"
			case n == 2:
				r.Cost, r.Currency = float64(r.TotalTokens)*1e-5, "USD"
			}
		}
		rows = append(rows, r)
		prev = r.Start
	}
	return rows
}

// testPrices prices flash and snapshot per token (snapshot in USD in cn), keeps the recorded cost
// of the others, and has none for a request without one: linear, as a price table is.
func testPrices(s Sum) (float64, string, bool) {
	switch {
	case s.Model == "flash":
		return (float64(s.PromptAudioTokens)*73.392 + float64(s.PromptVideoTokens)*9.541 + float64(s.CompletionTextTokens)*73.392 +
			float64(s.CompletionAudioTokens)*278.891) / 1e6, "CNY", true
	case s.Model == "snapshot" && s.Region == "cn":
		return float64(s.TotalTokens) * 3e-6, "USD", true
	case s.Currency != "":
		return s.Cost, s.Currency, true
	}
	return 0, "", false
}

// windows are the windows the sums are checked over: open; from and to odd milliseconds; within
// one quarter of an hour; on whole quarters; one day of Berlin across its change of offset; before
// everything.
func windows() [][2]time.Time {
	at := func(s string) time.Time {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			panic(err)
		}
		return t
	}
	return [][2]time.Time{
		{},
		{at("2026-10-24T13:07:11.123Z"), at("2026-11-02T00:00:00.001Z")},
		{at("2026-10-28T10:01:00Z"), at("2026-10-28T10:14:59.999Z")},
		{at("2026-10-22T00:15:00Z"), at("2026-10-30T23:45:00Z")},
		{at("2026-10-24T22:00:00Z"), at("2026-10-25T23:00:00Z")},
		{time.Time{}, at("1970-01-01T00:00:00Z")},
		{at("2020-01-01T00:00:00Z"), at("2020-01-02T00:00:00Z")},
	}
}

// checkAgainstReference checks every grouping, window, zone and pricing of l's Summary against
// referenceSummary of the requests l holds, and returns how many of the groups compared held
// answers from the cache only (no request sent).
func checkAgainstReference(t *testing.T, l *Ledger) (cachedOnly int) {
	t.Helper()
	if raceDetector {
		// Sums and queries on one goroutine, ten times slower under the detector: make test
		// runs them without it; the concurrent tests check their sums with the detector on.
		t.Skip("no concurrency to check; run without -race")
	}
	rows, err := l.List(t.Context(), Query{})
	if err != nil {
		t.Fatal(err)
	}
	for _, loc := range testZones(t) {
		for _, by := range append([]string{ByTotal}, Groupings()...) {
			if by != ByDay && loc != time.UTC {
				continue // only days depend on the zone
			}
			for _, w := range windows() {
				for _, price := range []func(Sum) (float64, string, bool){nil, testPrices} {
					q := Query{Since: w[0], Until: w[1], By: by, Location: loc, Price: price}
					got, err := l.Summary(t.Context(), q)
					if err != nil {
						t.Fatal(err)
					}
					want := referenceSummary(rows, q)
					if diff := sameGroups(got, want); diff != "" {
						t.Fatalf("by %q in %s, %v to %v, priced %v: %s", by, loc, w[0], w[1], price != nil, diff)
					}
					for _, g := range want {
						if g.Requests == 0 && g.Cached > 0 {
							cachedOnly++
						}
					}
				}
			}
		}
	}
	return cachedOnly
}

func TestSummaryMatchesRequestByRequest(t *testing.T) {
	l := openTemp(t)
	rows := randomRows(rand.New(rand.NewPCG(7, 8)), 3000)
	if _, err := l.RecordAll(t.Context(), slices.Values(rows)); err != nil {
		t.Fatal(err)
	}
	// Groups of answers from the cache only are given, with no requests and what they saved.
	if n := checkAgainstReference(t, l); n == 0 && !raceDetector {
		t.Error("no group of answers from the cache only was compared: the random ledger no longer has one")
	}
}

// TestSumsFollowDeletesAndUpdates: the ledger never deletes or changes a request, but whoever
// prunes it with sqlite3 must not leave the sums telling another story.
func TestSumsFollowDeletesAndUpdates(t *testing.T) {
	l := openTemp(t)
	rows := randomRows(rand.New(rand.NewPCG(9, 10)), 2000)
	if _, err := l.RecordAll(t.Context(), slices.Values(rows)); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`DELETE FROM requests WHERE id % 7 = 0`,
		`DELETE FROM requests WHERE start_ms < 0`,
		`UPDATE requests SET model = 'flash', status = 'ok' WHERE id % 11 = 0`,
		`UPDATE requests SET start_ms = start_ms + 600000, input = 'moved-' || input WHERE id % 13 = 0`,
		`UPDATE requests SET input_sha256 = '' WHERE id % 17 = 0`,
		`UPDATE requests SET currency = 'EUR', cost = cost * 2 WHERE id % 19 = 0`,
		`UPDATE requests SET status = 'cached', cost = 0, currency = '' WHERE id % 23 = 0`,
	} {
		if _, err := l.db.ExecContext(t.Context(), stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	checkAgainstReference(t, l)
	// Every request gone: no sum left.
	if _, err := l.db.ExecContext(t.Context(), `DELETE FROM requests`); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"sums", "input_sums"} {
		var n int
		if err := l.db.QueryRowContext(t.Context(), "SELECT count(*) FROM "+table).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s: %d rows (%v) after every request was deleted, want 0", table, n, err)
		}
	}
}

// createVersion1 makes a ledger as the first release wrote it (schema version 1, no sums) holding
// rows.
func createVersion1(t *testing.T, path string, rows []Row) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(t.Context(), migrations[0]+"; PRAGMA user_version = 1"); err != nil {
		t.Fatal(err)
	}
	tx, err := db.BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		args, err := insertArgs(r)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(t.Context(), insertRow, args...); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

func TestMigrationFromVersion1KeepsTheReports(t *testing.T) {
	path := filepath.Join(t.TempDir(), "usage.db")
	createVersion1(t, path, randomRows(rand.New(rand.NewPCG(11, 12)), 1500))
	l, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var v int
	if err := l.db.QueryRowContext(t.Context(), "PRAGMA user_version").Scan(&v); err != nil || v != SchemaVersion() {
		t.Fatalf("user_version %d (%v) after opening, want %d", v, err, SchemaVersion())
	}
	checkAgainstReference(t, l)
	// And the triggers are there: a new request counts.
	before, _ := l.Summary(t.Context(), Query{})
	if err := l.Record(t.Context(), Row{Start: time.Now(), Status: StatusOK, TotalTokens: 3}); err != nil {
		t.Fatal(err)
	}
	after, _ := l.Summary(t.Context(), Query{})
	if after[0].Requests != before[0].Requests+1 || after[0].TotalTokens != before[0].TotalTokens+3 {
		t.Errorf("after one more request: %+v, before %+v", after[0], before[0])
	}
}

// TestSumsSchemaIsFrozen: migration 2 is generated from Go, and released; what it generates must
// not change, or ledgers migrated by two versions would differ.
func TestSumsSchemaIsFrozen(t *testing.T) {
	path := filepath.Join("testdata", "migration-2.sql")
	got := sumsSchema()
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./internal/ledger -run Frozen -update writes it, once)", err)
	}
	if got != string(want) {
		t.Errorf("migration 2 is no longer what %s holds: a released migration must not change; add a new one", path)
	}
	if migrations[1] != got {
		t.Error("migrations[1] is not sumsSchema()")
	}
}

// TestSumsUnderConcurrentRecorders: the sums are kept in the statement that records a request, so
// parallel jobs lose no request from them either.
func TestSumsUnderConcurrentRecorders(t *testing.T) {
	l := openTemp(t)
	rec := &Recorder{ledger: l, warn: func(err error) { t.Errorf("warned: %v", err) }}
	const jobs, each = 8, 25
	done := make(chan struct{})
	for j := range jobs {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range each {
				rec.Record(context.Background(), Row{Start: time.Date(2026, 10, 1, 12, 0, i, j*1e6, time.UTC), Input: "in.wav",
					InputSHA256: strings.Repeat("c", 64), Model: "m", Status: StatusOK, TotalTokens: 2})
			}
		}()
	}
	for range jobs {
		<-done
	}
	for _, by := range []string{ByTotal, ByInput} {
		got, err := l.Summary(t.Context(), Query{By: by})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Requests != jobs*each || got[0].TotalTokens != 2*jobs*each {
			t.Errorf("by %q: %+v, want one group of %d requests, %d tokens", by, got, jobs*each, 2*jobs*each)
		}
	}
}

// TestSummaryCostTiesGoByRequestsThenName: costs equal but for the noise of adding up in another
// order (0.1 + 0.2 against 0.3) are equal: the groups go by requests, then name.
func TestSummaryCostTiesGoByRequestsThenName(t *testing.T) {
	l := openTemp(t)
	day := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	for _, r := range []Row{
		{Start: day, Input: "z.wav", Status: StatusOK, TotalTokens: 1, Cost: 0.1, Currency: "CNY"},
		{Start: day.Add(time.Hour), Input: "z.wav", Status: StatusOK, TotalTokens: 1, Cost: 0.2, Currency: "CNY"},
		{Start: day, Input: "a.wav", Status: StatusOK, TotalTokens: 1, Cost: 0.3, Currency: "CNY"},
		{Start: day.Add(time.Hour), Input: "a.wav", Status: StatusOK, TotalTokens: 1, Currency: "CNY"},
		{Start: day, Input: "m.wav", Status: StatusOK, TotalTokens: 1, Cost: 0.3, Currency: "CNY"},
	} {
		if err := l.Record(t.Context(), r); err != nil {
			t.Fatal(err)
		}
	}
	got, err := l.Summary(t.Context(), Query{By: ByInput})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, g := range got {
		keys = append(keys, g.Key)
	}
	if want := []string{"a.wav", "z.wav", "m.wav"}; !slices.Equal(keys, want) {
		t.Errorf("groups %v, want %v (0.1 + 0.2 is 0.3)", keys, want)
	}
}

// TestCachedAnswersAreCountedApart: an answer from the cache is no request sent, no failure, no
// tokens used and no cost; it is counted as such, priced as what it saved, and an input answered
// only from the cache is a group of its own with no requests.
func TestCachedAnswersAreCountedApart(t *testing.T) {
	l := openTemp(t)
	day := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	sha := func(c byte) string { return strings.Repeat(string(c), 64) }
	sent := Row{Start: day, Input: "a.wav", InputSHA256: sha('a'), Model: "m", Status: StatusOK,
		PromptAudioTokens: 100, CompletionTextTokens: 10, TotalTokens: 110, Cost: 1.1, Currency: "CNY"}
	cached := sent
	cached.Status, cached.Cost, cached.Currency = StatusCached, 0, ""
	rows := []Row{sent, cached, cached, cached, cached}
	rows[1].Start = day.Add(time.Hour)
	rows[2].Start = day.Add(2 * time.Hour)
	rows[3].Start, rows[3].Input, rows[3].InputSHA256 = day.Add(3*time.Hour), "b.wav", sha('b') // b.wav: from the cache only
	rows[4].Start, rows[4].Input, rows[4].InputSHA256, rows[4].Model = day.Add(4*time.Hour), "c.wav", sha('c'), "unknown"
	if _, err := l.RecordAll(t.Context(), slices.Values(rows)); err != nil {
		t.Fatal(err)
	}
	price := func(s Sum) (float64, string, bool) {
		if s.Model == "m" {
			return float64(s.TotalTokens) * 0.01, "CNY", true
		}
		return s.Cost, s.Currency, s.Currency != ""
	}
	total, err := l.Summary(t.Context(), Query{Price: price})
	if err != nil {
		t.Fatal(err)
	}
	want := Group{Requests: 1, PromptAudioTokens: 100, CompletionTextTokens: 10, TotalTokens: 110, Cost: 1.1, Currency: "CNY",
		Cached: 4, Saved: 3 * 1.1, CachedUnpriced: 1}
	if diff := sameGroups(total, []Group{want}); diff != "" {
		t.Errorf("summary: %s", diff)
	}
	byInput, err := l.Summary(t.Context(), Query{By: ByInput, Price: price})
	if err != nil {
		t.Fatal(err)
	}
	a := want
	a.Key, a.InputSHA256, a.Cached, a.Saved, a.CachedUnpriced = "a.wav", sha('a'), 2, 2*1.1, 0
	wantByInput := []Group{a,
		{Key: "b.wav", InputSHA256: sha('b'), Cached: 1, Saved: 1.1, Currency: "CNY"},
		{Key: "c.wav", InputSHA256: sha('c'), Cached: 1, CachedUnpriced: 1}}
	if diff := sameGroups(byInput, wantByInput); diff != "" {
		t.Errorf("by input: %s", diff)
	}
	// The answers deleted, their sums go with them.
	if _, err := l.db.ExecContext(t.Context(), `DELETE FROM requests WHERE status = 'cached'`); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := l.db.QueryRowContext(t.Context(), `SELECT (SELECT count(*) FROM sums WHERE cached) + (SELECT count(*) FROM input_sums WHERE cached)`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d sums of answers from the cache (%v) after they were all deleted, want 0", n, err)
	}
}

// TestInputCostsAddUpAsSQLiteDoes: by input, a part's buckets are added up in Go, not by SQLite's
// SUM; the recorded costs of an input spread over many buckets must come out to the bit as that SUM
// gives them (it adds up with a compensated sum, which a plain sum does not match).
func TestInputCostsAddUpAsSQLiteDoes(t *testing.T) {
	l := openTemp(t)
	rng := rand.New(rand.NewPCG(7, 8))
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	for i := range 600 {
		in := i % 3
		cost := []float64{0.1, 1e16, -1e16, 0.3, 1e-9}[rng.IntN(5)] * (1 + rng.Float64())
		r := Row{Start: start.Add(time.Duration(i) * 7 * time.Minute), Input: fmt.Sprintf("in%d.wav", in),
			Status: StatusOK, TotalTokens: 1, Cost: cost, Currency: "CNY"}
		if in > 0 { // one input without a hash, grouped by its name
			r.InputSHA256 = strings.Repeat(fmt.Sprint(in), 64)
		}
		if err := l.Record(t.Context(), r); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]float64{}
	rows, err := l.db.QueryContext(t.Context(), `SELECT input_sha256, name_key, SUM(cost), count(*) FROM input_sums
		GROUP BY input_sha256, name_key`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var sha, name string
		var sum float64
		var buckets int
		if err := rows.Scan(&sha, &name, &sum, &buckets); err != nil {
			t.Fatal(err)
		}
		if buckets < 20 {
			t.Fatalf("%q %q: %d buckets; the test wants many", sha, name, buckets)
		}
		want[sha+name] = sum
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := l.Summary(t.Context(), Query{By: ByInput, Since: start, Until: start.Add(30 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d groups, want 3: %+v", len(got), got)
	}
	for _, g := range got {
		key := g.InputSHA256
		if key == "" {
			key = g.Key
		}
		if w, ok := want[key]; !ok || g.Cost != w {
			t.Errorf("%s: cost %v, want %v, SQLite's SUM (a plain sum: %v)", g.Key, g.Cost, w, plainSum(t, l, g))
		}
	}
}

// plainSum is the recorded costs of g's input added up one bucket after the other, uncompensated.
func plainSum(t *testing.T, l *Ledger, g Group) float64 {
	rows, err := l.db.QueryContext(t.Context(), `SELECT cost FROM input_sums WHERE input_sha256 = ? AND (? != '' OR name_key = ?)
		ORDER BY bucket`, g.InputSHA256, g.InputSHA256, g.Key)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var sum float64
	for rows.Next() {
		var c float64
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		sum += c
	}
	return sum
}
