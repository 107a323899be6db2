package main

import (
	"fmt"
	"io"
	"strings"
)

// results is the JSON written under bench/results/.
type results struct {
	Date    string      `json:"date"`
	Rev     string      `json:"rev"`
	Machine machineInfo `json:"machine"`
	Rows    []row       `json:"rows"`
}

// row is one figure of the table. Ours is nil when not measured; a peer value is nil when the
// peer was not run, and PeerNote then says why (e.g. it failed).
type row struct {
	Group string   `json:"group"`
	Name  string   `json:"name"`
	Unit  string   `json:"unit"` // MiB, s, ms, MB/s, x (a ratio)
	Ours  *float64 `json:"ours"`
	Node  *float64 `json:"node_sdk,omitempty"`
	Curl  *float64 `json:"curl,omitempty"`
	// NodeRatio and CurlRatio are ours / peer, for memory and wall-time rows.
	NodeRatio *float64 `json:"ours_per_node_sdk,omitempty"`
	CurlRatio *float64 `json:"ours_per_curl,omitempty"`
	NodeNote  string   `json:"node_sdk_note,omitempty"`
	CurlNote  string   `json:"curl_note,omitempty"`
	Target    string   `json:"target,omitempty"` // e.g. "< 40", "<= 1.1", ">= 1000"
	Met       *bool    `json:"target_met,omitempty"`
	Note      string   `json:"note,omitempty"`
}

func ptr(v float64) *float64 { return &v }

// add appends a row, working out the ratios and whether the target is met.
func (s *suite) add(r row) {
	if r.Ours != nil {
		if r.Node != nil && *r.Node > 0 {
			r.NodeRatio = ptr(*r.Ours / *r.Node)
		}
		if r.Curl != nil && *r.Curl > 0 {
			r.CurlRatio = ptr(*r.Ours / *r.Curl)
		}
		if r.Target != "" {
			if ok, known := meets(*r.Ours, r.Target); known {
				r.Met = &ok
			}
		}
	}
	s.rows = append(s.rows, r)
	s.logf("%s: %s %s", r.Name, format(r.Ours, r.Unit), r.Note)
}

// meets checks v against a target such as "< 40" or ">= 1000".
func meets(v float64, target string) (ok, known bool) {
	var op string
	var limit float64
	if _, err := fmt.Sscanf(target, "%s %g", &op, &limit); err != nil {
		return false, false
	}
	switch op {
	case "<":
		return v < limit, true
	case "<=":
		return v <= limit, true
	case ">":
		return v > limit, true
	case ">=":
		return v >= limit, true
	}
	return false, false
}

func format(v *float64, unit string) string {
	if v == nil {
		return "-"
	}
	switch unit {
	case "MiB", "MB/s":
		if *v >= 100 {
			return fmt.Sprintf("%.0f %s", *v, unit)
		}
		return fmt.Sprintf("%.1f %s", *v, unit)
	case "s":
		return fmt.Sprintf("%.2f s", *v)
	case "ms":
		if *v < 10 {
			return fmt.Sprintf("%.2f ms", *v)
		}
		return fmt.Sprintf("%.0f ms", *v)
	case "x":
		return fmt.Sprintf("%.2f", *v)
	}
	return fmt.Sprintf("%g %s", *v, unit)
}

func ratio(v *float64) string {
	if v == nil {
		return ""
	}
	return fmt.Sprintf("%.2f", *v)
}

// printTable writes the rows as one aligned table, then the notes.
func printTable(w io.Writer, res results) {
	header := []string{"benchmark", "ours", "target", "", "node SDK", "ours/node", "curl", "ours/curl"}
	lines := [][]string{header}
	var notes []string
	for _, r := range res.Rows {
		met := ""
		if r.Met != nil {
			met = "ok"
			if !*r.Met {
				met = "MISS"
			}
		}
		target := r.Target
		if target != "" && r.Unit != "x" {
			target += " " + r.Unit
		}
		node, curl := format(r.Node, r.Unit), format(r.Curl, r.Unit)
		if r.NodeNote != "" {
			node = "fails"
		}
		if r.CurlNote != "" {
			curl = "fails"
		}
		if r.Node == nil && r.NodeNote == "" {
			node = ""
		}
		if r.Curl == nil && r.CurlNote == "" {
			curl = ""
		}
		lines = append(lines, []string{r.Name, format(r.Ours, r.Unit), target, met, node, ratio(r.NodeRatio), curl, ratio(r.CurlRatio)})
		if r.Note != "" {
			notes = append(notes, fmt.Sprintf("%s: %s", r.Name, r.Note))
		}
		if r.NodeNote != "" {
			notes = append(notes, fmt.Sprintf("%s, node SDK: %s", r.Name, r.NodeNote))
		}
		if r.CurlNote != "" {
			notes = append(notes, fmt.Sprintf("%s, curl: %s", r.Name, r.CurlNote))
		}
	}
	widths := make([]int, len(header))
	for _, l := range lines {
		for i, c := range l {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	fmt.Fprintf(w, "livetranslate %s, %s\n", res.Rev, res.Date)
	fmt.Fprintf(w, "machine: %s\n\n", res.Machine.Summary)
	for n, l := range lines {
		var b strings.Builder
		for i, c := range l {
			pad := widths[i] - len([]rune(c))
			if i == 0 || i == 3 {
				b.WriteString(c + strings.Repeat(" ", pad))
			} else {
				b.WriteString(strings.Repeat(" ", pad) + c)
			}
			b.WriteString("  ")
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
		if n == 0 {
			total := 0
			for _, wd := range widths {
				total += wd + 2
			}
			fmt.Fprintln(w, strings.Repeat("-", total-2))
		}
	}
	if len(notes) > 0 {
		fmt.Fprintln(w, "\nnotes:")
		for _, n := range notes {
			fmt.Fprintf(w, "  %s\n", n)
		}
	}
}
