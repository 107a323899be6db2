// Package textfmt words numbers the way the tool's messages print them: a position or a span of
// time as a clock (m:ss, h:mm:ss), a count with its noun ("1 piece", "3 pieces"), choices as a
// list ("bash, fish or zsh"); and keeps a message to one line a terminal cannot be made to act on.
package textfmt

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Clock is d to the second as m:ss, or h:mm:ss from an hour.
func Clock(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, sec := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, sec)
	}
	return fmt.Sprintf("%d:%02d", m, sec)
}

// Plural is n with its noun: "1 piece", "2 pieces".
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Or lists choices as a message offers them: "a", "a or b", "a, b or c".
func Or(choices []string) string {
	if len(choices) < 2 {
		return strings.Join(choices, "")
	}
	return strings.Join(choices[:len(choices)-1], ", ") + " or " + choices[len(choices)-1]
}

// OneLine joins the lines of a message: after a line ending in a colon with a space, else with
// "; ".
func OneLine(msg string) string {
	var b strings.Builder
	for _, line := range strings.Split(msg, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if b.Len() > 0 {
			if strings.HasSuffix(b.String(), ":") {
				b.WriteString(" ")
			} else {
				b.WriteString("; ")
			}
		}
		b.WriteString(line)
	}
	return b.String()
}

// EscapeControls writes control characters other than the line's own final newline as Go
// escapes (\x1b, \a, \r): a file name holding a terminal escape cannot recolour or rewrite the
// screen through an error line, and a newline in a name cannot pass for the end of the line.
func EscapeControls(s string) string {
	body, nl := strings.CutSuffix(s, "\n")
	if !strings.ContainsFunc(body, unicode.IsControl) {
		return s
	}
	var b strings.Builder
	for _, r := range body {
		if unicode.IsControl(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	if nl {
		b.WriteString("\n")
	}
	return b.String()
}
