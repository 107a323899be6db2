// Package configs holds the files livetranslate ships beside its code; the price table among them is
// embedded in the binary, so an estimate of cost needs no file on disk.
package configs

import (
	"bytes"
	_ "embed"
)

//go:embed pricing.yaml
var pricingYAML []byte

// PricingYAML returns the embedded price table, configs/pricing.yaml. It returns a copy, so no caller
// can change what the next one reads.
func PricingYAML() []byte { return bytes.Clone(pricingYAML) }
