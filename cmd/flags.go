package cmd

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/livetranslate/livetranslate/internal/config"
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
	v, err := config.ParseBytes(s)
	if err != nil {
		return err
	}
	*b = byteSize(v)
	return nil
}

// onceString is a string flag that may be given once (--from): pflag keeps the last of repeated
// values, which would silently drop the others (--from fr --from de reading only German). The
// same value again drops nothing and is taken: shell completion parses the command line twice
// into the same flags, and would otherwise fail on --from fr before offering what follows.
type onceString struct {
	value string
	set   bool
}

func (o *onceString) String() string { return o.value }
func (o *onceString) Type() string   { return "string" }

func (o *onceString) Set(s string) error {
	if o.set && s != o.value {
		return fmt.Errorf("given twice (%q, then %q): one value per run for now", o.value, s)
	}
	o.value, o.set = s, true
	return nil
}

// langList is --to: languages given as the flag repeated or separated by commas (--to fr,de
// --to ja), in the order given. Each value is checked by validate.
type langList struct {
	values []string
}

func (l *langList) String() string { return strings.Join(l.values, ",") }
func (l *langList) Type() string   { return "langs" }

func (l *langList) Set(s string) error {
	for _, v := range strings.Split(s, ",") {
		l.values = append(l.values, strings.TrimSpace(v))
	}
	return nil
}
