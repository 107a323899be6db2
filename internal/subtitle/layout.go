package subtitle

import (
	"strings"
	"time"
	"unicode"
)

// The line limits of common subtitle guidelines (the BBC's and Netflix's for Latin scripts): two
// lines of at most 42 characters. A wide character (Chinese, Japanese, Korean) takes two columns,
// which gives 21 of them a line, near the 16-20 those guidelines set for such scripts.
const (
	MaxLineWidth = 42
	MaxLines     = 2
)

// Cue is text on screen from Start to End.
type Cue struct {
	Start, End time.Duration
	Lines      []string
}

// Layout lays text out as cues over span. The text is wrapped at word boundaries (between any two
// characters of a script written without spaces) into lines of at most MaxLineWidth columns, two
// to a cue, the break chosen to make the lines even. Text that needs more than two lines is divided
// into as few consecutive cues as it takes, balanced in length, and span is shared out between
// them by their length, so each cue is on screen for its share of the speech. Shrinking the text
// to fit one cue would drop words of the translation, and a cue of three lines covers too much of
// the picture. A word longer than a line is broken where the line ends. Blank text has no cues.
func Layout(text string, span Span) []Cue {
	toks := tokenize(text)
	if len(toks) == 0 {
		return nil
	}
	cum := make([]int, len(toks)+1) // cum[i]: width of toks[:i] set on one line
	for i, t := range toks {
		cum[i+1] = cum[i] + t.width
		if i > 0 && t.space {
			cum[i+1]++
		}
	}
	total := cum[len(toks)]
	var chunks [][][]token
	for k := max(1, (total+2*MaxLineWidth-1)/(2*MaxLineWidth)); k <= len(toks); k++ {
		if chunks = fitChunks(toks, cum, k); chunks != nil {
			break
		}
	}
	cues := make([]Cue, 0, len(chunks))
	at, done := span.Start, 0
	for i, chunk := range chunks {
		for _, line := range chunk {
			done += len(line)
		}
		end := span.End
		if i < len(chunks)-1 {
			end = span.Start + time.Duration(float64(span.Duration())*float64(cum[done])/float64(total))
		}
		c := Cue{Start: at, End: end}
		for _, line := range chunk {
			c.Lines = append(c.Lines, join(line))
		}
		cues = append(cues, c)
		at = end
	}
	return cues
}

// token is a word, or one character of a script written without spaces, with the punctuation
// that must not start a line attached.
type token struct {
	text  string
	width int  // columns
	space bool // a space separates it from the token before
}

// tokenize cuts text into tokens no wider than a line.
func tokenize(text string) []token {
	var toks []token
	space, open := false, false // open: the last token is a word still being read
	for _, r := range text {
		w := runeWidth(r)
		switch {
		case unicode.IsSpace(r):
			space, open = true, false
			continue
		case !space && len(toks) > 0 && (open && w == 1 || isClosing(r) || unicode.IsPunct(r) && w == 1):
			// Continue the word, or keep closing punctuation with what it closes.
			last := &toks[len(toks)-1]
			last.text += string(r)
			last.width += w
		default:
			toks = append(toks, token{text: string(r), width: w, space: space && len(toks) > 0})
		}
		space, open = false, w == 1
	}
	var out []token
	for _, t := range toks {
		for t.width > MaxLineWidth {
			head, rest := cutWidth(t.text, MaxLineWidth)
			out = append(out, token{text: head, width: textWidth(head), space: t.space})
			t = token{text: rest, width: textWidth(rest)}
		}
		out = append(out, t)
	}
	return out
}

// fitChunks divides toks into k chunks of about equal width and sets each on at most MaxLines
// lines; nil when some chunk does not fit.
func fitChunks(toks []token, cum []int, k int) [][][]token {
	n, total := len(toks), cum[len(toks)]
	bounds := []int{0}
	for j := 1; j < k; j++ {
		target := total * j / k
		lo, hi := bounds[j-1]+1, n-(k-j)
		best := lo
		for b := lo; b <= hi; b++ {
			if abs(cum[b]-target) < abs(cum[best]-target) {
				best = b
			}
		}
		bounds = append(bounds, best)
	}
	bounds = append(bounds, n)
	chunks := make([][][]token, 0, k)
	for j := range k {
		lines := twoLines(toks[bounds[j]:bounds[j+1]])
		if lines == nil {
			return nil
		}
		chunks = append(chunks, lines)
	}
	return chunks
}

// twoLines sets toks on one line if it fits, else on two lines as even as possible (the first
// the shorter on a tie, as a pyramid reads best); nil when two lines cannot hold them.
func twoLines(toks []token) [][]token {
	if lineWidth(toks) <= MaxLineWidth {
		return [][]token{toks}
	}
	best, bestWidth := -1, 0
	for m := 1; m < len(toks); m++ {
		a, b := lineWidth(toks[:m]), lineWidth(toks[m:])
		if a > MaxLineWidth || b > MaxLineWidth {
			continue
		}
		if w := max(a, b); best < 0 || w < bestWidth || w == bestWidth && a < lineWidth(toks[:best]) {
			best, bestWidth = m, w
		}
	}
	if best < 0 {
		return nil
	}
	return [][]token{toks[:best], toks[best:]}
}

// lineWidth is the width of toks set on one line.
func lineWidth(toks []token) int {
	w := 0
	for i, t := range toks {
		w += t.width
		if i > 0 && t.space {
			w++
		}
	}
	return w
}

func join(toks []token) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 && t.space {
			b.WriteByte(' ')
		}
		b.WriteString(t.text)
	}
	return b.String()
}

// runeWidth is the columns r takes: two for the wide characters of East Asian scripts.
func runeWidth(r rune) int {
	switch {
	case r < 0x1100:
		return 1
	case unicode.Is(unicode.Han, r), unicode.Is(unicode.Hiragana, r), unicode.Is(unicode.Katakana, r),
		unicode.Is(unicode.Hangul, r),
		r >= 0x3000 && r <= 0x303F, // CJK symbols and punctuation
		r >= 0xFF00 && r <= 0xFF60, // fullwidth forms
		r >= 0xFFE0 && r <= 0xFFE6:
		return 2
	}
	return 1
}

func textWidth(s string) int {
	w := 0
	for _, r := range s {
		w += runeWidth(r)
	}
	return w
}

// isClosing reports punctuation that must not begin a line (kinsoku): closing brackets, commas
// and stops, wide or narrow.
func isClosing(r rune) bool {
	return strings.ContainsRune("、。，．！？：；」』）】〕〉》〗〙〛ー…,.!?:;)]}%", r)
}

// cutWidth splits s after at most width columns (at least one rune).
func cutWidth(s string, width int) (string, string) {
	w := 0
	for i, r := range s {
		if w+runeWidth(r) > width && i > 0 {
			return s[:i], s[i:]
		}
		w += runeWidth(r)
	}
	return s, ""
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
