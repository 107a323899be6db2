package sink

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ShownName is an input's name as a line of output shows it: as it is, unless it holds a
// newline, another control character or bytes that are not UTF-8, which would break the line
// (or drive the terminal); then Go-quoted ("a\nb.wav"), in headers, progress and summaries alike.
func ShownName(name string) string {
	if !utf8.ValidString(name) || strings.ContainsFunc(name, unicode.IsControl) {
		return strconv.Quote(name)
	}
	return name
}
