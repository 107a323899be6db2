package pricing

import (
	"math"
	"strings"
	"testing"
)

func approx(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestDefaultTableHasTheRealtimeSiblingsPrices(t *testing.T) {
	tab, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if tab.Source == "" || tab.AsOf == "" {
		t.Errorf("the embedded table must say where and when its prices come from: source %q, as_of %q", tab.Source, tab.AsOf)
	}
	if tab.DefaultRegion != RegionIntl {
		t.Errorf("default region = %q, want intl (the tool's default endpoint)", tab.DefaultRegion)
	}
	// The realtime sibling's published prices (docs/service.md, Tokens), per 1M tokens.
	want := map[string]Prices{
		RegionIntl: {Currency: "CNY", InputAudio: 73.392, InputVideo: 9.541, OutputText: 73.392, OutputAudio: 278.891},
		RegionCN:   {Currency: "CNY", InputAudio: 64, InputVideo: 8, OutputText: 64, OutputAudio: 240},
	}
	for _, model := range []string{"qwen3-livetranslate-flash", "qwen3-livetranslate-flash-2025-12-01"} {
		for region, w := range want {
			got, ok := tab.Prices(region, model)
			if !ok || got != w {
				t.Errorf("%s %s: got %+v (ok %v), want %+v", model, region, got, ok, w)
			}
		}
	}
}

func TestEstimate(t *testing.T) {
	tab, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	// The reference's example: 415 audio tokens in, 51 text + 191 audio tokens out.
	u := Tokens{InputAudio: 415, OutputText: 51, OutputAudio: 191}
	tests := []struct {
		region, model string
		want          float64
		ok            bool
	}{
		{"intl", "qwen3-livetranslate-flash", (415*73.392 + 51*73.392 + 191*278.891) / 1e6, true},
		{"", "qwen3-livetranslate-flash", (415*73.392 + 51*73.392 + 191*278.891) / 1e6, true},
		{"Singapore", "qwen3-livetranslate-flash", (415*73.392 + 51*73.392 + 191*278.891) / 1e6, true},
		{"cn", "qwen3-livetranslate-flash-2025-12-01", (415*64 + 51*64 + 191*240) / 1e6, true},
		{"beijing", "qwen3-livetranslate-flash", (415*64 + 51*64 + 191*240) / 1e6, true},
		{"intl", "some-other-model", 0, false},
	}
	for _, tt := range tests {
		got, cur, ok := tab.Estimate(tt.region, tt.model, u)
		if ok != tt.ok || !approx(got, tt.want) {
			t.Errorf("Estimate(%q, %q) = %v %s %v, want %v %v", tt.region, tt.model, got, cur, ok, tt.want, tt.ok)
		}
		if ok && cur != "CNY" {
			t.Errorf("currency = %q, want CNY", cur)
		}
	}
	// Video: the pictures are priced like images, the soundtrack like audio.
	got, _, _ := tab.Estimate("cn", "qwen3-livetranslate-flash", Tokens{InputAudio: 1_000_000, InputVideo: 1_000_000})
	if !approx(got, 64+8) {
		t.Errorf("1M audio + 1M video tokens in cn = %v, want 72", got)
	}
}

func TestParseRejectsMistakes(t *testing.T) {
	tests := map[string]string{
		"misspelt kind":     "models: {m: {intl: {currency: CNY, input_audo: 1}}}",
		"negative price":    "models: {m: {intl: {currency: CNY, input_audio: -1}}}",
		"unknown region":    "models: {m: {mars: {currency: CNY, input_audio: 1}}}",
		"no currency":       "models: {m: {intl: {input_audio: 1}}}",
		"region twice":      "models: {m: {intl: {currency: CNY}, singapore: {currency: CNY}}}",
		"bad default":       "default_region: moon",
		"not a number":      "models: {m: {intl: {currency: CNY, output_text: cheap}}}",
		"unknown top level": "prices: {}",
	}
	for name, doc := range tests {
		if _, err := Parse([]byte(doc)); err == nil {
			t.Errorf("%s: Parse(%q) succeeded, want an error", name, doc)
		}
	}
}

func TestParseConfigAndMerge(t *testing.T) {
	base, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	cfg := `
to: en
api_key: sk-not-a-real-key
pricing:
  models:
    qwen3-livetranslate-flash:
      intl: {currency: usd, input_audio: 10, output_text: 20}
    my-proxy-model:
      Singapore: {currency: USD, input_audio: 1}
`
	over, err := ParseConfig([]byte(cfg))
	if err != nil {
		t.Fatal(err)
	}
	merged := Merge(base, over)

	cost, cur, ok := merged.Estimate("intl", "qwen3-livetranslate-flash", Tokens{InputAudio: 1_000_000, OutputText: 500_000, OutputAudio: 1_000_000})
	if !ok || cur != "USD" || !approx(cost, 10+10) {
		t.Errorf("overridden intl price: %v %s %v, want 20 USD (output_audio left out costs 0)", cost, cur, ok)
	}
	if cost, _, ok := merged.Estimate("cn", "qwen3-livetranslate-flash", Tokens{InputAudio: 1_000_000}); !ok || !approx(cost, 64) {
		t.Errorf("cn price not overridden must stay 64, got %v %v", cost, ok)
	}
	if _, _, ok := merged.Estimate("", "my-proxy-model", Tokens{InputAudio: 1}); !ok {
		t.Error("a model only the config file names must be priced")
	}
	if !strings.Contains(merged.Source, "overridden") {
		t.Errorf("source %q must say prices were overridden when the override gives no source", merged.Source)
	}
	// The base is untouched.
	if p, _ := base.Prices("intl", "qwen3-livetranslate-flash"); p.InputAudio != 73.392 {
		t.Errorf("Merge changed its base: %+v", p)
	}
	// A source in the override replaces the base's.
	withSource := Merge(base, &Table{Source: "contract", AsOf: "2026-11-01"})
	if withSource.Source != "contract" || withSource.AsOf != "2026-11-01" {
		t.Errorf("source/as_of = %q/%q, want the override's", withSource.Source, withSource.AsOf)
	}
}

func TestParseConfigWithoutPricing(t *testing.T) {
	over, err := ParseConfig([]byte("to: en\n"))
	if err != nil || over != nil {
		t.Fatalf("ParseConfig without pricing = %v, %v; want nil, nil", over, err)
	}
	if _, err := ParseConfig([]byte("pricing:\n  models: {m: {intl: {currency: CNY, inptu_text: 1}}}\n")); err == nil {
		t.Error("a misspelt key under pricing: must be an error")
	}
	if got := Merge(nil, nil); got == nil || len(got.Models) != 0 {
		t.Errorf("Merge(nil, nil) = %+v, want an empty table", got)
	}
}

func TestRegionOfBaseURL(t *testing.T) {
	tests := map[string]string{
		"https://dashscope-intl.aliyuncs.com/compatible-mode/v1":              RegionIntl,
		"https://ws-123.ap-southeast-1.maas.aliyuncs.com/compatible-mode/v1":  RegionIntl,
		"https://dashscope.aliyuncs.com/compatible-mode/v1":                   RegionCN,
		"https://ws-123.cn-beijing.maas.aliyuncs.com/compatible-mode/v1":      RegionCN,
		"http://127.0.0.1:8080/v1":                                            "",
		"https://dashscope-us.aliyuncs.com/compatible-mode/v1":                "",
		"https://evil.example/dashscope-intl.aliyuncs.com/":                   "",
		"https://dashscope-intl.aliyuncs.com.evil.example/compatible-mode/v1": "",
		"::not a url": "",
		"https://ws-123.ap-southeast-1.maas.aliyuncs.com.example/compatible-mode/": "",
	}
	for in, want := range tests {
		if got := RegionOfBaseURL(in); got != want {
			t.Errorf("RegionOfBaseURL(%q) = %q, want %q", in, got, want)
		}
	}
}
