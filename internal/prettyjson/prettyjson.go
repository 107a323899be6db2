// Package prettyjson writes the JSON documents livetranslate prints: indented by two spaces, a
// newline at the end, and <, > and & as they are (a file name or URL reads as it was given).
package prettyjson

import (
	"encoding/json"
	"fmt"
	"io"
)

// Write writes v as indented JSON and a newline, with <, > and & as they are.
func Write(w io.Writer, v any) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil {
		return fmt.Errorf("writing JSON: %w", err)
	}
	return nil
}
