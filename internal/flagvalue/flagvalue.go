// Package flagvalue holds the command line's value types that pflag lacks: a size in bytes with
// units (Bytes), a string that may be given once (Once), and a list given repeated or separated
// by commas (List). Each has the methods of a pflag.Value (String, Set, Type) without importing
// pflag; the Type names are what the configuration's checks look at ("bytes" parses as a size,
// "langs" is a list).
package flagvalue

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/livetranslate/livetranslate/internal/config"
)

// Bytes is a size in bytes that accepts units: 10MiB, 7.5MB, 512k, 0.
type Bytes int64

// String is the size in the largest binary unit it is a whole number of (10MiB, 512KiB, 1000).
func (b *Bytes) String() string {
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

// Type is "bytes", which the configuration parses as a size.
func (b *Bytes) Type() string { return "bytes" }

// Set parses s as config.ParseBytes does.
func (b *Bytes) Set(s string) error {
	v, err := config.ParseBytes(s)
	if err != nil {
		return err
	}
	*b = Bytes(v)
	return nil
}

// Once is a string that may be given once (--from): pflag keeps the last of repeated values,
// which would silently drop the others (--from fr --from de reading only German). The same value
// again drops nothing and is taken: shell completion parses the command line twice into the same
// flags, and would otherwise fail on --from fr before offering what follows.
type Once struct {
	value string
	set   bool
}

// String is the value given, "" for none.
func (o *Once) String() string { return o.value }

// Type is "string": for the configuration and the help, it is one.
func (o *Once) Type() string { return "string" }

// Set takes s, unless another value was given before.
func (o *Once) Set(s string) error {
	if o.set && s != o.value {
		return fmt.Errorf("given twice (%q, then %q): one value per run for now", o.value, s)
	}
	o.value, o.set = s, true
	return nil
}

// List is a list of values given as the flag repeated or separated by commas (--to fr,de
// --to ja), in the order given, each trimmed of spaces. An empty item stays, for the caller to
// refuse.
type List struct {
	values []string
}

// Values are the items, in the order given.
func (l *List) Values() []string { return l.values }

// String is the items joined by commas.
func (l *List) String() string { return strings.Join(l.values, ",") }

// Type is "langs": the configuration takes a list for a flag of this type.
func (l *List) Type() string { return "langs" }

// Set appends the comma-separated items of s.
func (l *List) Set(s string) error {
	for _, v := range strings.Split(s, ",") {
		l.values = append(l.values, strings.TrimSpace(v))
	}
	return nil
}
