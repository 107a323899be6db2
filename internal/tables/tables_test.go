package tables

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/livetranslate/livetranslate/internal/lang"
)

func TestLanguages(t *testing.T) {
	var b bytes.Buffer
	if err := Languages(&b, []lang.Language{{Code: "th", English: "Thai", Native: "ไทย", Source: true, Target: true}}); err != nil {
		t.Fatal(err)
	}
	if want := "CODE  LANGUAGE  NATIVE  SOURCE  TARGET  SPEECH\nth    Thai      ไทย     yes     yes     no\n"; b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	if err := LanguagesJSON(&b, nil); err != nil || b.String() != "[]\n" {
		t.Errorf("no languages as JSON: %q, %v; want []", b.String(), err)
	}
}

func TestVoices(t *testing.T) {
	v := lang.Voice{Name: "Kiki", Display: "Kiki", Gender: "female", Description: "sweet", Languages: []string{"yue", "zh"}, Note: "beta"}
	var b bytes.Buffer
	if err := Voices(&b, []lang.Voice{v}); err != nil {
		t.Fatal(err)
	}
	if want := "VOICE  GENDER  LANGUAGES  DESCRIPTION\nKiki   female  yue zh     sweet (beta)\n"; b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	if err := VoicesJSON(&b, []lang.Voice{v}); err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(b.Bytes(), &rows); err != nil || len(rows) != 1 || rows[0]["note"] != "beta" || !strings.Contains(b.String(), `"languages": [`) {
		t.Errorf("JSON %s: %v", b.String(), err)
	}
}
