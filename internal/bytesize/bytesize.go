// Package bytesize prints a size for people, the one way every message, note and table of
// livetranslate does: binary units as go-humanize writes them (900 B, 67 KiB, 9.2 MiB), a whole
// number without its ".0" (1 MiB, not 1.0 MiB). Exact byte counts, where a limit is missed by a
// few bytes, and the JSON and CSV outputs, keep their numbers.
package bytesize

import (
	"strings"

	"github.com/dustin/go-humanize"
)

// Text is n bytes as people read it: 900 B, 67 KiB, 9.2 MiB, 1 GiB.
func Text(n int64) string {
	sign, u := "", uint64(n)
	if n < 0 {
		sign, u = "-", uint64(-(n+1))+1 // math.MinInt64 too
	}
	return sign + strings.Replace(humanize.IBytes(u), ".0 ", " ", 1)
}
