package tables

import (
	"bufio"
	"bytes"
	"io"
	"strings"

	"github.com/rivo/uniseg"
)

// gap is the space between two columns.
const gap = 2

// Writer lays out what is written to it as a table: a row a line, its cells separated by tabs.
// Each column is as wide as its widest cell as a terminal shows it (uniseg's display width: 中文
// takes four columns, an emoji two, a combining accent none), where text/tabwriter counts runes
// and so misaligns every row after a name in Chinese, Japanese or Korean. As with tabwriter, the
// last cell of a line is not padded and does not widen its column, and nothing is written until
// Flush. Lines carry no trailing spaces.
type Writer struct {
	w       io.Writer
	rows    [][]string
	partial []byte // the start of a line not ended yet
}

// NewWriter returns a Writer that writes the table to w on Flush.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write takes rows of tab-separated cells, each ended by a newline; it never fails.
func (t *Writer) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			t.partial = append(t.partial, p...)
			break
		}
		line := string(p[:i])
		if len(t.partial) > 0 {
			line = string(t.partial) + line
			t.partial = t.partial[:0]
		}
		t.rows = append(t.rows, strings.Split(line, "\t"))
		p = p[i+1:]
	}
	return n, nil
}

// Row adds a row of cells, as a line of them separated by tabs written to the Writer would, without
// formatting and cutting up that line (a summary of fifty thousand inputs spent a tenth of its time
// doing so). A cell must hold no tab or newline; a line written and not ended yet comes first.
func (t *Writer) Row(cells ...string) {
	if len(t.partial) > 0 {
		t.rows = append(t.rows, strings.Split(string(t.partial), "\t"))
		t.partial = t.partial[:0]
	}
	t.rows = append(t.rows, cells)
}

// Flush writes the table (a line not ended by a newline as a last row) and empties the Writer.
func (t *Writer) Flush() error {
	if len(t.partial) > 0 {
		t.rows = append(t.rows, strings.Split(string(t.partial), "\t"))
		t.partial = t.partial[:0]
	}
	var widths []int
	for _, row := range t.rows {
		for i, c := range row[:len(row)-1] {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], Width(c))
		}
	}
	bw := bufio.NewWriter(t.w) // one write a few KiB, not one a cell
	var line []byte
	for _, row := range t.rows {
		line = line[:0]
		for i, c := range row {
			line = append(line, c...)
			if i < len(row)-1 {
				for range widths[i] - Width(c) + gap {
					line = append(line, ' ')
				}
			}
		}
		bw.Write(append(bytes.TrimRight(line, " "), '\n'))
	}
	t.rows = t.rows[:0]
	return bw.Flush()
}

// Width is how many columns of a terminal s takes.
func Width(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return uniseg.StringWidth(s)
		}
	}
	return len(s) // printable ASCII, most cells: a column a byte, without segmenting
}
