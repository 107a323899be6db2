// Package pricing turns the token counts the service reports into an estimated cost. Its table,
// configs/pricing.yaml, is embedded in the binary and gives prices per million tokens by model,
// region (intl = Singapore, cn = Beijing) and kind of token; the user's config file can override
// any part of it under the key `pricing:`. Every figure it returns is an estimate: the file model's
// own prices are not published, so the default table holds its realtime sibling's, and the table
// carries its source and date so that whoever prints a cost can say where it came from.
package pricing

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"net/url"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/livetranslate/livetranslate/configs"
)

// Regions of the table.
const (
	RegionIntl = "intl"
	RegionCN   = "cn"
)

// perTokens is how many tokens a price in the table is for.
const perTokens = 1_000_000

// Tokens is the usage of one or more requests, by kind of token.
type Tokens struct {
	InputAudio  int64 // speech in, including the soundtrack of a video
	InputVideo  int64 // the pictures of a video
	InputText   int64
	OutputText  int64
	OutputAudio int64 // speech out
}

// Prices are the prices of one model in one region, per million tokens of each kind.
type Prices struct {
	Currency    string  `yaml:"currency" json:"currency"`
	InputAudio  float64 `yaml:"input_audio" json:"input_audio"`
	InputVideo  float64 `yaml:"input_video" json:"input_video"`
	InputText   float64 `yaml:"input_text" json:"input_text"`
	OutputText  float64 `yaml:"output_text" json:"output_text"`
	OutputAudio float64 `yaml:"output_audio" json:"output_audio"`
}

// Cost is what u costs at these prices.
func (p Prices) Cost(u Tokens) float64 {
	return (float64(u.InputAudio)*p.InputAudio +
		float64(u.InputVideo)*p.InputVideo +
		float64(u.InputText)*p.InputText +
		float64(u.OutputText)*p.OutputText +
		float64(u.OutputAudio)*p.OutputAudio) / perTokens
}

// Table is a price table: where its prices come from, and the prices by model and region.
type Table struct {
	// Source says where the prices were published; AsOf when (free text: a date, or why there is none).
	Source string `yaml:"source" json:"source"`
	AsOf   string `yaml:"as_of" json:"as_of"`
	// DefaultRegion prices a request whose region is unknown (a custom --base-url).
	DefaultRegion string `yaml:"default_region" json:"default_region"`
	// Models maps a model name to its prices by region.
	Models map[string]map[string]Prices `yaml:"models" json:"models"`
}

// Default returns the table embedded in the binary (configs/pricing.yaml), a fresh copy each call.
func Default() (*Table, error) {
	t, err := Parse(configs.PricingYAML())
	if err != nil {
		return nil, fmt.Errorf("embedded configs/pricing.yaml: %w", err)
	}
	return t, nil
}

// Parse reads a price table in the shape of configs/pricing.yaml. Unknown keys are errors, so a
// misspelt kind of token (input_audo) is reported instead of silently costing nothing.
func Parse(data []byte) (*Table, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var t Table
	if err := dec.Decode(&t); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("price table: %w", err)
	}
	if err := t.validate(); err != nil {
		return nil, fmt.Errorf("price table: %w", err)
	}
	return &t, nil
}

// ParseConfig reads the `pricing:` section of a livetranslate config file (the whole file's bytes).
// It returns nil and no error when the file has no such section.
func ParseConfig(configFile []byte) (*Table, error) {
	var doc struct {
		Pricing yaml.Node `yaml:"pricing"`
	}
	if err := yaml.Unmarshal(configFile, &doc); err != nil {
		return nil, fmt.Errorf("config file: %w", err)
	}
	if doc.Pricing.Kind == 0 {
		return nil, nil
	}
	// Re-encode the section so that Parse can decode it strictly; yaml.Node.Decode cannot.
	section, err := yaml.Marshal(&doc.Pricing)
	if err != nil {
		return nil, fmt.Errorf("config file: pricing: %w", err)
	}
	t, err := Parse(section)
	if err != nil {
		return nil, fmt.Errorf("config file: pricing: %w", err)
	}
	return t, nil
}

func (t *Table) validate() error {
	if t.DefaultRegion != "" {
		r := NormalizeRegion(t.DefaultRegion)
		if r == "" {
			return fmt.Errorf("default_region %q: want %s or %s", t.DefaultRegion, RegionIntl, RegionCN)
		}
		t.DefaultRegion = r
	}
	for _, model := range sortedKeys(t.Models) {
		regions := t.Models[model]
		normalized := make(map[string]Prices, len(regions))
		for _, region := range sortedKeys(regions) {
			p := regions[region]
			r := NormalizeRegion(region)
			if r == "" {
				return fmt.Errorf("model %s: region %q: want %s or %s", model, region, RegionIntl, RegionCN)
			}
			if _, dup := normalized[r]; dup {
				return fmt.Errorf("model %s: region %s is given twice (as %q and another name)", model, r, region)
			}
			for kind, v := range map[string]float64{"input_audio": p.InputAudio, "input_video": p.InputVideo,
				"input_text": p.InputText, "output_text": p.OutputText, "output_audio": p.OutputAudio} {
				if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
					return fmt.Errorf("model %s, region %s: %s is %v; a price is a number of at least 0", model, region, kind, v)
				}
			}
			if strings.TrimSpace(p.Currency) == "" {
				return fmt.Errorf("model %s, region %s: currency is missing", model, region)
			}
			p.Currency = strings.ToUpper(strings.TrimSpace(p.Currency))
			normalized[r] = p
		}
		t.Models[model] = normalized
	}
	return nil
}

// Merge returns base with override laid over it: override's source, date and default region when it
// sets them, and for each model and region it names, its prices in place of base's (a region is
// replaced as a whole, so a price left out of it costs 0). Neither argument is changed; a nil
// override returns a copy of base.
func Merge(base, override *Table) *Table {
	out := &Table{Models: map[string]map[string]Prices{}}
	if base != nil {
		out.Source, out.AsOf, out.DefaultRegion = base.Source, base.AsOf, base.DefaultRegion
		for m, regions := range base.Models {
			out.Models[m] = maps.Clone(regions)
		}
	}
	if override == nil {
		return out
	}
	if override.Source != "" {
		out.Source, out.AsOf = override.Source, override.AsOf
	} else if len(override.Models) > 0 {
		// Prices changed without a new source: say so rather than credit the old source with them.
		out.Source += " (some prices overridden in the config file)"
	}
	if override.DefaultRegion != "" {
		out.DefaultRegion = override.DefaultRegion
	}
	for m, regions := range override.Models {
		if out.Models[m] == nil {
			out.Models[m] = map[string]Prices{}
		}
		maps.Copy(out.Models[m], regions)
	}
	return out
}

// Estimate returns what u costs for model in region ("" for the table's default region), the
// currency, and whether the table has a price for that model and region at all.
func (t *Table) Estimate(region, model string, u Tokens) (cost float64, currency string, ok bool) {
	if t == nil {
		return 0, "", false
	}
	r := NormalizeRegion(region)
	if r == "" {
		r = t.DefaultRegion
	}
	p, ok := t.Models[model][r]
	if !ok {
		return 0, "", false
	}
	return p.Cost(u), p.Currency, true
}

// Round drops the float noise of sums (0.30000000000000004) from a cost, as costs are printed: it
// keeps millionths of the currency.
func Round(cost float64) float64 { return math.Round(cost*1e6) / 1e6 }

// Prices returns the prices of model in region ("" for the default region).
func (t *Table) Prices(region, model string) (Prices, bool) {
	if t == nil {
		return Prices{}, false
	}
	r := NormalizeRegion(region)
	if r == "" {
		r = t.DefaultRegion
	}
	p, ok := t.Models[model][r]
	return p, ok
}

// NormalizeRegion maps the names --region accepts to intl or cn, and anything else to "".
func NormalizeRegion(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "intl", "international", "singapore", "ap-southeast-1":
		return RegionIntl
	case "cn", "china", "beijing", "cn-beijing":
		return RegionCN
	}
	return ""
}

// RegionOfBaseURL tells the region of one of the vendor's base URLs, legacy or workspace domain
// (docs/service.md, Regions and base URLs), and "" for any other server, whose prices the table cannot know.
func RegionOfBaseURL(baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	switch {
	case host == "dashscope-intl.aliyuncs.com", strings.HasSuffix(host, ".ap-southeast-1.maas.aliyuncs.com"):
		return RegionIntl
	case host == "dashscope.aliyuncs.com", strings.HasSuffix(host, ".cn-beijing.maas.aliyuncs.com"):
		return RegionCN
	}
	return ""
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
