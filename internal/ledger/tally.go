package ledger

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"sort"
	"strings"
	"time"
)

// groupID is a group of a Summary while it is added up: ByInput's content and, when that is
// unknown, name; ByLanguage's source and target; ByModel's model; ByDay's date; nothing for ByTotal.
type groupID struct{ a, b string }

// partKey is a part of a group: its requests of one model, region and recorded currency, which
// one price applies to.
type partKey struct {
	group                   groupID
	model, region, currency string
}

// latest is the latest request of a ByInput group (by start, then id), which names it.
type latest struct {
	startMS, id int64
	input       string
}

func (a latest) after(b latest) bool {
	return a.startMS > b.startMS || a.startMS == b.startMS && a.id > b.id
}

// part is the sum of a part and, ByInput, its latest request.
type part struct {
	group groupID
	sum   Sum
	last  latest
}

// tally adds up the requests of a Summary by part: those of the running sums, each part once and in
// the order the query gave them, and those read one by one.
type tally struct {
	q       Query
	loc     *time.Location
	parts   []part
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

// readRequests adds up the requests that started in iv one by one.
func (t *tally) readRequests(ctx context.Context, db *sql.DB, iv interval) error {
	rows, err := db.QueryContext(ctx, `SELECT id, `+columns+` FROM requests WHERE start_ms >= ? AND start_ms < ?`, iv.lo, iv.hi)
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
		k := partKey{g, r.Model, r.Region, r.Currency}
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
	sums := make([]string, len(sumColumns))
	for i, c := range sumColumns {
		sums[i] = "SUM(" + c + ")"
	}
	var keys, groupBy, where string
	table := "sums"
	switch t.q.By {
	case ByInput:
		// name_key is last_input when it is not ''. With one max() in the query, SQLite takes
		// last_id and last_input from the row that has it.
		keys, groupBy, table = "input_sha256, ", "input_sha256, name_key, ", "input_sums"
		sums = append(sums, "MAX(last_start_ms)", "last_id", "last_input")
	case ByDay:
		keys, groupBy, where = p.dayExpr()+" AS day, ", "day, ", p.skipped()
	case ByLanguage:
		keys, groupBy = "source_lang, target_lang, ", "source_lang, target_lang, "
	}
	// ByTotal and ByModel have no key of their own: the model is in every part's.
	groupBy += "model, region, currency"
	rows, err := db.QueryContext(ctx, `SELECT `+keys+`model, region, currency, `+strings.Join(sums, ", ")+
		` FROM `+table+` WHERE bucket >= ? AND bucket < ?`+where+` GROUP BY `+groupBy+` ORDER BY `+groupBy,
		p.bucketLo, p.bucketHi)
	if err != nil {
		return err
	}
	defer rows.Close()
	var pt part
	s := &pt.sum
	var sha256, source, target string
	var day int64
	dest := []any{&s.Model, &s.Region, &s.Currency, &s.Requests, &s.Failures, &s.Used, &s.PromptAudioTokens,
		&s.PromptVideoTokens, &s.PromptTextTokens, &s.CompletionTextTokens, &s.CompletionAudioTokens,
		&s.TotalTokens, &s.Cost}
	switch t.q.By {
	case ByInput:
		dest = append(append([]any{&sha256}, dest...), &pt.last.startMS, &pt.last.id, &pt.last.input)
	case ByDay:
		dest = append([]any{&day}, dest...)
	case ByLanguage:
		dest = append([]any{&source, &target}, dest...)
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		switch t.q.By {
		case ByInput:
			pt.group = inputGroup(sha256, pt.last.input)
		case ByDay:
			pt.group = groupID{a: dayName(day)}
		case ByModel:
			pt.group = groupID{a: s.Model}
		case ByLanguage:
			pt.group = groupID{source, target}
		}
		t.parts = append(t.parts, pt)
	}
	return rows.Err()
}

// groups prices the parts and adds them up by group, in the order Summary gives.
func (t *tally) groups() []Group {
	type acc struct {
		Group
		id   groupID
		last latest
	}
	accs := make([]acc, 0, len(t.parts)+len(t.raw))
	index := make(map[groupID]int, len(t.parts)+len(t.raw))
	add := func(id groupID, s Sum, last latest) {
		i, ok := index[id]
		if !ok {
			i = len(accs)
			index[id] = i
			accs = append(accs, acc{id: id, last: last})
		}
		a := &accs[i]
		a.Add(priced(s, t.q.Price))
		if last.after(a.last) {
			a.last = last
		}
	}
	// In a fixed order (the query's, then sorted), so that a group's cost is added up the same
	// way every time.
	for _, p := range t.parts {
		add(p.group, p.sum, p.last)
	}
	keys := make([]partKey, 0, len(t.raw))
	for k := range t.raw {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b partKey) int {
		return cmp.Or(cmp.Compare(a.group.a, b.group.a), cmp.Compare(a.group.b, b.group.b), cmp.Compare(a.model, b.model),
			cmp.Compare(a.region, b.region), cmp.Compare(a.currency, b.currency))
	})
	for _, k := range keys {
		add(k.group, *t.raw[k], t.rawLast[k.group])
	}
	out := make([]Group, len(accs))
	for i, a := range accs {
		g := a.Group
		switch t.q.By {
		case ByInput:
			g.Key, g.InputSHA256 = a.last.input, a.id.a
		case ByLanguage:
			g.Key = languageKey(a.id.a, a.id.b)
		default:
			g.Key = a.id.a
		}
		out[i] = g
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if t.q.By != ByDay {
			if a.Cost != b.Cost {
				return a.Cost > b.Cost
			}
			if a.Requests != b.Requests {
				return a.Requests > b.Requests
			}
		}
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		return a.InputSHA256 < b.InputSHA256 // one name, several contents
	})
	return out
}

func languageKey(source, target string) string {
	if source == "" {
		source = "auto"
	}
	return source + "→" + target
}
