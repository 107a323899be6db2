package cmd

import (
	"github.com/spf13/pflag"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/config"
)

// addSamplingFlags defines a flag for each sampling parameter, bound to s: the flag is the body
// parameter's name with dashes (max_tokens: --max-tokens), so the config key, which is the
// flag's with underscores, is the body's name too.
func addSamplingFlags(f *pflag.FlagSet, s *api.Sampling) {
	for _, p := range s.Params() {
		f.Var(p.Value, config.FlagName(p.Name), p.Help)
	}
}
