package cmd

import (
	"fmt"
	"strconv"
	"strings"
)

// byteSize is a flag value in bytes that accepts units: 10MiB, 7.5MB, 512k, 0.
type byteSize int64

// String is the size in the largest binary unit it is a whole number of (10MiB, 512KiB, 1000).
func (b *byteSize) String() string {
	n := int64(*b)
	for _, u := range []struct {
		suffix string
		size   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n != 0 && n%u.size == 0 {
			return strconv.FormatInt(n/u.size, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}
func (b *byteSize) Type() string { return "bytes" }

func (b *byteSize) Set(s string) error {
	v, err := parseBytes(s)
	if err != nil {
		return err
	}
	*b = byteSize(v)
	return nil
}

var byteUnits = []struct {
	suffix string
	mult   float64
}{
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30},
	{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9},
	{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"b", 1},
}

func parseBytes(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	mult := 1.0
	for _, u := range byteUnits {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f < 0 || f*mult > 1<<62 {
		return 0, fmt.Errorf("invalid size %q: use bytes or a unit, e.g. 10MiB, 7.5MB, 0", s)
	}
	return int64(f * mult), nil
}

// onceString is a string flag that may be given once: pflag keeps the last of repeated values,
// which would silently drop the others (--to fr --to de translating only into German).
type onceString struct {
	value string
	set   bool
}

func (o *onceString) String() string { return o.value }
func (o *onceString) Type() string   { return "string" }

func (o *onceString) Set(s string) error {
	if o.set {
		return fmt.Errorf("given twice (%q, then %q): one value per run for now", o.value, s)
	}
	o.value, o.set = s, true
	return nil
}
