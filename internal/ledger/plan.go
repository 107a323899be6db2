package ledger

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

const dayMS = 24 * 60 * 60 * 1000

// interval is [lo, hi) in Unix milliseconds.
type interval struct{ lo, hi int64 }

// plan is where Summary reads the requests of a window from: the running sums of the whole
// buckets [bucketLo, bucketHi) but skip, and the requests themselves in raw, which covers the rest
// (the parts of the buckets the window starts and ends in, and the skipped buckets).
type plan struct {
	bucketLo, bucketHi int64
	raw                []interval
	// For days: the zone's offsets over the buckets, and the buckets a local midnight falls inside
	// of (never, in a zone whose offsets are whole quarters of an hour and change on a quarter).
	zones []zone
	skip  []int64
}

// zone is a time from which a location keeps one offset from UTC (until the next zone's start).
type zone struct{ start, offset int64 } // Unix milliseconds; milliseconds east of UTC

// newPlan plans the window [lo, hi), with days in loc when byDay.
func newPlan(lo, hi int64, byDay bool, loc *time.Location) *plan {
	p := &plan{}
	first, end := bucketOf(lo), bucketOf(hi) // end: the bucket hi is in, not whole
	if first*bucketMS < lo {
		first++
	}
	if first >= end {
		p.raw = []interval{{lo, hi}}
		return p
	}
	p.bucketLo, p.bucketHi = first, end
	if lo < first*bucketMS {
		p.raw = append(p.raw, interval{lo, first * bucketMS})
	}
	if byDay {
		p.zones = zones(loc, first*bucketMS, end*bucketMS)
		p.skip = p.straddling()
		for _, b := range p.skip {
			p.raw = append(p.raw, interval{b * bucketMS, (b + 1) * bucketMS})
		}
	}
	if end*bucketMS < hi {
		p.raw = append(p.raw, interval{end * bucketMS, hi})
	}
	return p
}

// buckets reports whether the plan reads any running sums.
func (p *plan) buckets() bool { return p.bucketLo < p.bucketHi }

// zones are loc's offsets from UTC over [from, to): the first starts at from.
func zones(loc *time.Location, from, to int64) []zone {
	var out []zone
	for t := from; t < to; {
		at := time.UnixMilli(t).In(loc)
		_, offset := at.Zone()
		out = append(out, zone{t, int64(offset) * 1000})
		_, next := at.ZoneBounds()
		if next.IsZero() || next.UnixMilli() <= t { // the zone goes on for ever
			break
		}
		t = next.UnixMilli()
	}
	return out
}

// straddling are the buckets of the plan whose requests are on two local days: those a change of
// offset falls inside of, and those a local midnight falls inside of when the offset is not whole
// quarters of an hour (a zone's local mean time before standard time, say).
func (p *plan) straddling() []int64 {
	var skip []int64
	for i, z := range p.zones {
		end := p.bucketHi * bucketMS
		if i+1 < len(p.zones) {
			end = p.zones[i+1].start
		}
		if z.start%bucketMS != 0 {
			skip = append(skip, bucketOf(z.start))
		}
		if z.offset%bucketMS == 0 {
			continue
		}
		// Local midnights fall at start+offset ≡ 0 (mod a day).
		midnight := floorDiv(z.start+z.offset+dayMS-1, dayMS)*dayMS - z.offset
		for ; midnight < end; midnight += dayMS {
			if midnight%bucketMS != 0 {
				skip = append(skip, bucketOf(midnight))
			}
		}
	}
	slices.Sort(skip)
	return slices.Compact(skip)
}

// dayExpr is the SQL of a bucket's local day, in days since 1970-01-01: the day its start falls on
// at the offset of its zone. The numbers are shifted by whole days to stay at or above 0, as
// SQLite's integer division rounds towards 0.
func (p *plan) dayExpr() string {
	low := p.bucketLo * bucketMS
	for _, z := range p.zones {
		low = min(low, p.bucketLo*bucketMS+z.offset)
	}
	var shift int64
	if low < 0 {
		shift = -low/dayMS + 1
	}
	return fmt.Sprintf("((bucket * %d + %s + %d) / %d - %d)", bucketMS, offsetExpr(p.zones), shift*dayMS, dayMS, shift)
}

// offsetExpr is the SQL of the offset of a bucket's start among zs: a binary search.
func offsetExpr(zs []zone) string {
	if len(zs) == 1 {
		return strconv.FormatInt(zs[0].offset, 10)
	}
	mid := len(zs) / 2
	return fmt.Sprintf("(CASE WHEN bucket * %d < %d THEN %s ELSE %s END)", bucketMS, zs[mid].start, offsetExpr(zs[:mid]), offsetExpr(zs[mid:]))
}

// dayName is the date of a day since 1970-01-01.
func dayName(day int64) string { return time.Unix(day*(dayMS/1000), 0).UTC().Format(time.DateOnly) }

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
