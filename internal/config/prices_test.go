package config

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// TestPrices: the config file's pricing: section is laid over the embedded table from the file as
// Load read it (it is not read again), model names keep their case, and a misspelt key is an
// *Error naming the file and the key.
func TestPrices(t *testing.T) {
	file := writeFile(t, "config.yaml", "pricing:\n  source: contract\n  models:\n    My-Proxy:\n      intl: {currency: usd, input_audio: 2}\n", 0o600)
	c := load(t, file)
	if err := os.Remove(file); err != nil { // Prices must not need the file any more
		t.Fatal(err)
	}
	p, err := c.Prices()
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := p.Prices("intl", "My-Proxy"); !ok || got.InputAudio != 2 || got.Currency != "USD" || p.Source != "contract" {
		t.Errorf("My-Proxy: %+v %v, source %q", got, ok, p.Source)
	}
	if _, ok := p.Prices("intl", "qwen3-livetranslate-flash"); !ok {
		t.Error("the embedded prices are lost")
	}

	none, err := Load(t.Context(), Options{Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []*Config{nil, none} {
		p, err := c.Prices()
		if err != nil || p == nil || len(p.Models) == 0 {
			t.Errorf("without a file: %v, %v; want the embedded table", p, err)
		}
	}

	file = writeFile(t, "bad.yaml", "pricing:\n  models: {m: {intl: {currency: CNY, input_audo: 1}}}\n", 0o600)
	_, err = load(t, file).Prices()
	var ce *Error
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "input_audo") || !strings.Contains(err.Error(), file) {
		t.Errorf("a misspelt price: %v; want a config error naming the file and the key", err)
	}
}
