package ledger

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// groupID is a group of a Summary while it is added up: ByInput's content and, when that is
// unknown, name; ByLanguage's source and target; ByModel's model; ByDay's date; nothing for ByTotal.
type groupID struct{ a, b string }

// partKey is a part of a group: its requests of one model, region and recorded currency, which
// one price applies to, either sent or answered from the cache.
type partKey struct {
	group                   groupID
	model, region, currency string
	cached                  bool
}

// latest is the latest request of a ByInput group (by start, then id), which names it.
type latest struct {
	startMS, id int64
	input       string
}

func (a latest) after(b latest) bool {
	return a.startMS > b.startMS || a.startMS == b.startMS && a.id > b.id
}

// acc is a group being added up.
type acc struct {
	Group
	id        groupID
	last      latest
	costOrder float64 // costOrder(Cost), once added up
}

// tally adds up the requests of a Summary: the running sums into groups as the query gives them,
// in the order of their groupIDs (so no map is needed to find a group), then the requests read one
// by one, kept by part until the end.
type tally struct {
	q       Query
	loc     *time.Location
	accs    []*acc // pointers: tens of thousands of groups are not copied as the slice grows
	raw     map[partKey]*Sum
	rawLast map[groupID]latest
}

func newTally(q Query) *tally {
	return &tally{q: q, loc: q.location(), raw: map[partKey]*Sum{}, rawLast: map[groupID]latest{}}
}

// groupOf is the group of a request.
func (t *tally) groupOf(r Row) groupID {
	switch t.q.By {
	case ByDay:
		return groupID{a: r.Start.In(t.loc).Format(time.DateOnly)}
	case ByModel:
		return groupID{a: r.Model}
	case ByLanguage:
		return groupID{r.SourceLang, r.TargetLang}
	case ByInput:
		return inputGroup(r.InputSHA256, r.Input)
	}
	return groupID{}
}

// inputGroup is a ByInput group: its content, or its name when its content is unknown.
func inputGroup(sha256, name string) groupID {
	if sha256 != "" {
		return groupID{a: sha256}
	}
	return groupID{b: name}
}

// readRequests adds up the requests that started in ivs one by one, in one query: an index
// search per interval.
func (t *tally) readRequests(ctx context.Context, db *sql.DB, ivs []interval) error {
	if len(ivs) == 0 {
		return nil
	}
	rows, err := db.QueryContext(ctx, `SELECT r.id, `+prefixed("r.", columns)+` FROM json_each(?) AS iv
		JOIN requests AS r ON r.start_ms >= iv.value->>0 AND r.start_ms < iv.value->>1`, intervalsJSON(ivs))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanRow(rows, true)
		if err != nil {
			return err
		}
		g := t.groupOf(r)
		k := partKey{g, r.Model, r.Region, r.Currency, r.Status == StatusCached}
		if s := t.raw[k]; s != nil {
			s.add(r.Sum())
		} else {
			s := r.Sum()
			t.raw[k] = &s
		}
		if t.q.By == ByInput {
			l := latest{startMS: r.Start.UnixMilli(), id: r.ID, input: r.Input}
			if old, ok := t.rawLast[g]; !ok || l.after(old) {
				t.rawLast[g] = l
			}
		}
	}
	return rows.Err()
}

// readSums adds up the running sums of p's whole buckets, by part.
func (t *tally) readSums(ctx context.Context, db *sql.DB, p *plan) error {
	priceKeys, err := readPriceKeys(ctx, db)
	if err != nil {
		return err
	}
	if t.q.By == ByInput {
		err = t.readInputSums(ctx, db, p, priceKeys)
	} else {
		err = t.readGroupedSums(ctx, db, p, priceKeys)
	}
	if err != nil {
		return err
	}
	t.order()
	return nil
}

// readGroupedSums adds up the running sums of p's whole buckets for every grouping but ByInput, in
// one GROUP BY query: a sum's parts are many buckets (and language pairs) each.
func (t *tally) readGroupedSums(ctx context.Context, db *sql.DB, p *plan, priceKeys map[int64]priceKey) error {
	sums := make([]string, len(sumColumns))
	for i, c := range sumColumns {
		sums[i] = "SUM(" + c + ")"
	}
	var keys, groupBy, where string
	args := []any{p.bucketLo, p.bucketHi}
	switch t.q.By {
	case ByDay:
		keys, groupBy = p.dayExpr()+" AS day, ", "day, "
		if len(p.skip) > 0 {
			where, args = " AND bucket NOT IN (SELECT value FROM json_each(?))", append(args, int64sJSON(p.skip))
		}
	case ByLanguage:
		keys, groupBy = "source_lang, target_lang, ", "source_lang, target_lang, "
	}
	// ByTotal and ByModel have no key of their own: the model is in the price key.
	groupBy += "price_key, cached"
	rows, err := db.QueryContext(ctx, `SELECT `+keys+`price_key, cached, `+strings.Join(sums, ", ")+
		` FROM sums WHERE bucket >= ? AND bucket < ?`+where+` GROUP BY `+groupBy+` ORDER BY `+groupBy, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var s Sum
	var priceKey, day int64
	var source, target string
	dest := []any{&priceKey, &s.Cached, &s.Requests, &s.Failures, &s.Used, &s.PromptAudioTokens, &s.PromptVideoTokens,
		&s.PromptTextTokens, &s.CompletionTextTokens, &s.CompletionAudioTokens, &s.TotalTokens, &s.Cost}
	switch t.q.By {
	case ByDay:
		dest = append([]any{&day}, dest...)
	case ByLanguage:
		dest = append([]any{&source, &target}, dest...)
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if err := s.setPriceKey(priceKeys, priceKey); err != nil {
			return err
		}
		var id groupID
		switch t.q.By {
		case ByDay:
			id = groupID{a: dayName(day)}
		case ByModel:
			id = groupID{a: s.Model}
		case ByLanguage:
			id = groupID{source, target}
		}
		t.addPart(id, s, latest{})
	}
	return rows.Err()
}

// readInputSums adds up the running sums of p's whole buckets by input. Nearly every part of an
// input (its requests of one price key, sent or cached) lies in one or two buckets, so a GROUP BY
// in SQL would add up ~80,000 groups of one row, 13 sums each, which costs more than reading the
// rows: they come in the order of the key of input_sums, a part's rows one after the other, and
// are added up here as SQLite's SUM would.
func (t *tally) readInputSums(ctx context.Context, db *sql.DB, p *plan, priceKeys map[int64]priceKey) error {
	// The driver's cost is per column of each row (two calls into SQLite, each taking the
	// connection's mutex), so the 13 integers come as one text, which costs less to print in SQL
	// and parse here than to read one by one.
	ints := append([]string{"price_key", "cached"}, append(sumColumns[:len(sumColumns)-1:len(sumColumns)-1], "last_start_ms", "last_id")...)
	rows, err := db.QueryContext(ctx, `SELECT input_sha256, name_key, last_input, cost, printf('`+
		strings.TrimSuffix(strings.Repeat("%d ", len(ints)), " ")+`', `+strings.Join(ints, ", ")+`)
		FROM input_sums WHERE bucket >= ? AND bucket < ? ORDER BY input_sha256, name_key, price_key, cached`, p.bucketLo, p.bucketHi)
	if err != nil {
		return err
	}
	defer rows.Close()
	// The part being added up (its key, sums and latest request) and the row read.
	var part, row struct {
		sha256, nameKey string
		priceKey        int64
		sum             Sum
		last            latest
	}
	var cost costSum
	started := false
	flush := func() error {
		if !started {
			return nil
		}
		part.sum.Cost = cost.total()
		if err := part.sum.setPriceKey(priceKeys, part.priceKey); err != nil {
			return err
		}
		t.addPart(inputGroup(part.sha256, part.last.input), part.sum, part.last)
		return nil
	}
	r := &row.sum
	var cached int64
	var packed string
	var costValue any // an *any takes the driver's float64 as it is; a *float64 goes through reflection
	dest := []*int64{&row.priceKey, &cached, &r.Requests, &r.Failures, &r.Used, &r.PromptAudioTokens, &r.PromptVideoTokens,
		&r.PromptTextTokens, &r.CompletionTextTokens, &r.CompletionAudioTokens, &r.TotalTokens, &row.last.startMS, &row.last.id}
	for rows.Next() {
		if err := rows.Scan(&row.sha256, &row.nameKey, &row.last.input, &costValue, &packed); err != nil {
			return err
		}
		var ok bool
		if r.Cost, ok = costValue.(float64); !ok {
			return fmt.Errorf("input_sums: cost %v (%T) is not a REAL", costValue, costValue)
		}
		if err := parseInts(packed, dest); err != nil {
			return fmt.Errorf("input_sums: %w", err)
		}
		r.Cached = cached != 0
		if started && row.sha256 == part.sha256 && row.nameKey == part.nameKey && row.priceKey == part.priceKey &&
			r.Cached == part.sum.Cached {
			part.sum.add(*r)
			cost.add(r.Cost)
			if row.last.after(part.last) {
				part.last = row.last
			}
			continue
		}
		if err := flush(); err != nil {
			return err
		}
		part, started = row, true
		cost = costSum{}
		cost.add(r.Cost)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return flush()
}

// parseInts parses s, len(dest) integers separated by single spaces, into dest.
func parseInts(s string, dest []*int64) error {
	for i, d := range dest {
		field := s
		if i < len(dest)-1 {
			n := strings.IndexByte(s, ' ')
			if n < 0 {
				return fmt.Errorf("%q: %d integers, want %d", s, i+1, len(dest))
			}
			field, s = s[:n], s[n+1:]
		}
		v, err := strconv.ParseInt(field, 10, 64)
		if err != nil {
			return err
		}
		*d = v
	}
	return nil
}

// costSum adds up costs as SQLite's SUM of a REAL column does (Kahan-Babuska-Neumaier
// summation), so that a part added up row by row costs to the bit what it did summed in SQL.
type costSum struct{ sum, err float64 }

func (c *costSum) add(r float64) {
	t := c.sum + r
	if math.Abs(c.sum) > math.Abs(r) {
		c.err += (c.sum - t) + r
	} else {
		c.err += (r - t) + c.sum
	}
	c.sum = t
}

func (c costSum) total() float64 {
	if math.IsInf(c.err, 0) || math.IsNaN(c.err) {
		return c.sum
	}
	return c.sum + c.err
}

// setPriceKey sets s's model, region and currency to those of price key number n.
func (s *Sum) setPriceKey(keys map[int64]priceKey, n int64) error {
	k, ok := keys[n]
	if !ok {
		return fmt.Errorf("sums of price key %d, which is not in price_keys", n)
	}
	s.Model, s.Region, s.Currency = k.model, k.region, k.currency
	return nil
}

// addPart adds a part of group id, as the sums give them: ordered by group (but by model's, which
// come by price key), a group's parts one after the other.
func (t *tally) addPart(id groupID, s Sum, last latest) {
	if n := len(t.accs); n == 0 || t.accs[n-1].id != id {
		t.accs = append(t.accs, &acc{id: id, last: last})
	}
	t.accs[len(t.accs)-1].add(s, last, t.q.Price)
}

type priceKey struct{ model, region, currency string }

// readPriceKeys reads the price keys by number.
func readPriceKeys(ctx context.Context, db *sql.DB) (map[int64]priceKey, error) {
	rows, err := db.QueryContext(ctx, `SELECT id, model, region, currency FROM price_keys`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	keys := map[int64]priceKey{}
	for rows.Next() {
		var id int64
		var k priceKey
		if err := rows.Scan(&id, &k.model, &k.region, &k.currency); err != nil {
			return nil, err
		}
		keys[id] = k
	}
	return keys, rows.Err()
}

// order puts the groups of the sums in the order of their ids, each once: they come so from the
// query, but for by model's (ordered by price key) and, should a day's number ever not order as
// its date, by day's.
func (t *tally) order() {
	for i := 1; i < len(t.accs); i++ {
		if compareIDs(t.accs[i-1].id, t.accs[i].id) >= 0 {
			slices.SortStableFunc(t.accs, func(a, b *acc) int { return compareIDs(a.id, b.id) })
			merged := t.accs[:0]
			for _, a := range t.accs {
				if n := len(merged); n > 0 && merged[n-1].id == a.id {
					merged[n-1].Add(a.Group)
					if a.last.after(merged[n-1].last) {
						merged[n-1].last = a.last
					}
					continue
				}
				merged = append(merged, a)
			}
			t.accs = merged
			return
		}
	}
}

func (a *acc) add(s Sum, last latest, price func(Sum) (float64, string, bool)) {
	a.Add(priced(s, price))
	if last.after(a.last) {
		a.last = last
	}
}

// find is the index of the group id among the first n accs, which are in the order of their ids.
func (t *tally) find(id groupID, n int) (int, bool) {
	return sort.Find(n, func(i int) int { return compareIDs(id, t.accs[i].id) })
}

func compareBools(a, b bool) int {
	switch {
	case a == b:
		return 0
	case b:
		return -1
	}
	return 1
}

func compareIDs(a, b groupID) int { return cmp.Or(cmp.Compare(a.a, b.a), cmp.Compare(a.b, b.b)) }

// groups adds the requests read one by one to the groups of the running sums, prices them, and
// gives the groups in the order Summary gives.
func (t *tally) groups() []Group {
	// In a fixed order, so that a group's cost is added up the same way every time.
	keys := make([]partKey, 0, len(t.raw))
	for k := range t.raw {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b partKey) int {
		return cmp.Or(cmp.Compare(a.group.a, b.group.a), cmp.Compare(a.group.b, b.group.b), cmp.Compare(a.model, b.model),
			cmp.Compare(a.region, b.region), cmp.Compare(a.currency, b.currency), compareBools(a.cached, b.cached))
	})
	ordered := len(t.accs)
	for _, k := range keys {
		i, found := t.find(k.group, ordered)
		if !found {
			if j := len(t.accs) - 1; j >= ordered && t.accs[j].id == k.group {
				i = j // the raw parts are sorted too: a group's parts one after the other
			} else {
				i = len(t.accs)
				t.accs = append(t.accs, &acc{id: k.group, last: t.rawLast[k.group]})
			}
		}
		t.accs[i].add(*t.raw[k], t.rawLast[k.group], t.q.Price)
	}
	for _, a := range t.accs {
		switch t.q.By {
		case ByInput:
			a.Key, a.InputSHA256 = a.last.input, a.id.a
		case ByLanguage:
			a.Key = languageKey(a.id.a, a.id.b)
		default:
			a.Key = a.id.a
		}
	}
	// Pointers are sorted, not the groups themselves, which are large; each key is worked out
	// once, not at every comparison.
	for _, a := range t.accs {
		a.costOrder = costOrder(a.Cost)
	}
	slices.SortFunc(t.accs, func(a, b *acc) int {
		if t.q.By != ByDay {
			if a.costOrder != b.costOrder {
				return cmp.Compare(b.costOrder, a.costOrder) // most first
			}
			if a.Requests != b.Requests {
				return cmp.Compare(b.Requests, a.Requests)
			}
		}
		if c := strings.Compare(a.Key, b.Key); c != 0 {
			return c
		}
		return strings.Compare(a.InputSHA256, b.InputSHA256) // one name, several contents
	})
	out := make([]Group, len(t.accs))
	for i, a := range t.accs {
		out[i] = a.Group
	}
	return out
}

// costOrder is a cost as groups are ordered by it: to a billionth, so that two costs that are
// equal but for the noise of adding up floating-point numbers in another order (a request at a
// time, or a sum at a time) are equal, and the groups go by requests, then name.
func costOrder(c float64) float64 { return math.Round(c * 1e9) }

func languageKey(source, target string) string {
	if source == "" {
		source = "auto"
	}
	return source + "→" + target
}

// prefixed is a list of columns, each with the prefix (a table's alias).
func prefixed(prefix, list string) string {
	cols := strings.Split(list, ",")
	for i, c := range cols {
		cols[i] = prefix + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

// intervalsJSON is ivs as a JSON array of [lo, hi] pairs, for json_each.
func intervalsJSON(ivs []interval) string {
	b := []byte{'['}
	for i, iv := range ivs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = strconv.AppendInt(b, iv.lo, 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, iv.hi, 10)
		b = append(b, ']')
	}
	return string(append(b, ']'))
}

// int64sJSON is ns as a JSON array, for json_each.
func int64sJSON(ns []int64) string {
	b := []byte{'['}
	for i, n := range ns {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, n, 10)
	}
	return string(append(b, ']'))
}
