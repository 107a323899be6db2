package tables

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rivo/uniseg"

	"github.com/livetranslate/livetranslate/internal/lang"
)

// columnStarts is the display column at which each cell of line after the first begins, found
// by where a run of two spaces ends.
func columnStarts(line string) []int {
	var starts []int
	col, spaces := 0, 0
	g := uniseg.NewGraphemes(line)
	for g.Next() {
		if g.Str() == " " {
			spaces++
		} else {
			if spaces >= 2 {
				starts = append(starts, col)
			}
			spaces = 0
		}
		col += g.Width()
	}
	return starts
}

// TestWriterAlignsByDisplayWidth: names in Chinese, Japanese, Korean, Arabic, with emoji and
// combining accents, put every later cell at the same terminal column on every line, which
// text/tabwriter (counting runes) does not.
func TestWriterAlignsByDisplayWidth(t *testing.T) {
	names := []string{"talk.wav", "中文讲座.mp3", "日本語のトーク.wav", "한국어.m4a", "العربية.ogg", "🎙️ podcast 🇫🇷.mp3", "café.wav", "cafe\u0301.wav", "👩‍👩‍👧 family.wav"}
	var b strings.Builder
	tw := NewWriter(&b)
	fmt.Fprintln(tw, "INPUT\tKIND\tSIZE\tCOST")
	for i, n := range names {
		fmt.Fprintf(tw, "%s\taudio\t%d KiB\t0.%d CNY\n", n, 10*i+1, i)
	}
	if err := tw.Flush(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != len(names)+1 {
		t.Fatalf("%d lines:\n%s", len(lines), b.String())
	}
	want := columnStarts(lines[0])
	// The widest name is the Japanese one: 7 wide characters and ".wav", 18 columns, then the gap.
	if len(want) != 3 || want[0] != 20 {
		t.Fatalf("header's columns start at %v, want [20 …]:\n%s", want, b.String())
	}
	for _, l := range lines[1:] {
		if got := columnStarts(l); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("columns of %q start at %v, want %v:\n%s", l, got, want, b.String())
		}
		if strings.HasSuffix(l, " ") {
			t.Errorf("trailing space in %q", l)
		}
	}
}

// TestWriterLastCell: the last cell of a line neither is padded nor widens its column, a line
// may come in several writes, and one not ended by a newline is the last row.
func TestWriterLastCell(t *testing.T) {
	var b strings.Builder
	tw := NewWriter(&b)
	fmt.Fprint(tw, "a\tb\tc\nlonger than all\n")
	fmt.Fprint(tw, "x\t")
	fmt.Fprint(tw, "y\t\nz\tw")
	if err := tw.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "a  b  c\nlonger than all\nx  y\nz  w\n"
	if b.String() != want {
		t.Errorf("got\n%q\nwant\n%q", b.String(), want)
	}
}

// TestLanguagesAlignNativeNames: the languages table, whose native names are in a dozen
// scripts, keeps its columns whatever the script.
func TestLanguagesAlignNativeNames(t *testing.T) {
	var b strings.Builder
	if err := Languages(&b, lang.All()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	want := columnStarts(lines[0])
	wide := 0
	for _, l := range lines[1:] {
		if got := columnStarts(l); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("columns of %q start at %v, want %v", l, got, want)
		}
		if uniseg.StringWidth(l) > len([]rune(l)) {
			wide++
		}
	}
	if wide == 0 {
		t.Fatal("no language with wide characters in its native name: the test tests nothing")
	}
}

func TestWidth(t *testing.T) {
	for s, want := range map[string]int{"": 0, "talk.wav": 8, "中文": 4, "café": 4, "cafe\u0301": 4, "🇫🇷": 2, "العربية": 7} {
		if got := Width(s); got != want {
			t.Errorf("Width(%q) = %d, want %d", s, got, want)
		}
	}
}

// TestRowIsAWrittenLine: a row added as cells comes out as the same cells written as a line does,
// after a line written and not ended yet.
func TestRowIsAWrittenLine(t *testing.T) {
	rows := [][]string{{"INPUT", "N", "COST"}, {"中文讲座.mp3", "12", "0.5 CNY"}, {"a.wav", "", ""}, {"", "3", "x "}}
	var written, added strings.Builder
	tw := NewWriter(&written)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	fmt.Fprint(tw, "partial\tline")
	fmt.Fprintln(tw, "\nlast\trow\t")
	ta := NewWriter(&added)
	for _, r := range rows {
		ta.Row(r...)
	}
	fmt.Fprint(ta, "partial\tline")
	ta.Row("last", "row", "")
	if err := tw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := ta.Flush(); err != nil {
		t.Fatal(err)
	}
	if added.String() != written.String() {
		t.Errorf("rows added:\n%q\nlines written:\n%q", added.String(), written.String())
	}
}
