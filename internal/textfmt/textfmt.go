// Package textfmt words numbers the way the tool's messages print them: a position or a span of
// time as a clock (m:ss, h:mm:ss), a count with its noun ("1 piece", "3 pieces"), choices as a
// list ("bash, fish or zsh").
package textfmt

import (
	"fmt"
	"strings"
	"time"
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
