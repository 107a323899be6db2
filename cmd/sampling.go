package cmd

import (
	"fmt"
	"math"
	"strconv"

	"github.com/spf13/pflag"

	"github.com/livetranslate/livetranslate/internal/api"
)

// samplingFlag is one generation setting on the command line: it sets one field of api.Sampling
// (the body parameter of the same name) when given, and the service's ranges refuse it before
// anything is sent (docs/service.md, Request parameters). A setting is added with its field in
// api.Sampling and a row here.
type samplingFlag struct {
	name, usage string
	value       pflag.Value
	// check reports whether the given value is in range, and the range as the message words it.
	check func() (ok bool, rng string)
}

// samplingFlags are the sampling settings, bound to s. Unset, nothing is sent and the service
// applies its defaults, which the help names.
func samplingFlags(s *api.Sampling) []samplingFlag {
	finite := func(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
	return []samplingFlag{
		{"max-tokens", "maximum output tokens, text and speech together [1, 4096] (service default 4096)",
			optionalInt(&s.MaxTokens), func() (bool, string) { return *s.MaxTokens >= 1 && *s.MaxTokens <= 4096, "in [1, 4096]" }},
		{"seed", "random seed for reproducible output [0, 2147483647] (service default: none)",
			optionalInt64(&s.Seed), func() (bool, string) { return *s.Seed >= 0 && *s.Seed <= math.MaxInt32, "in [0, 2147483647]" }},
		{"temperature", "sampling temperature [0, 2) (service default 0.000001, best for accuracy)",
			optionalFloat(&s.Temperature), func() (bool, string) {
				return finite(*s.Temperature) && *s.Temperature >= 0 && *s.Temperature < 2, "in [0, 2)"
			}},
		{"top-p", "nucleus sampling threshold (0, 1] (service default 0.8)",
			optionalFloat(&s.TopP), func() (bool, string) { return finite(*s.TopP) && *s.TopP > 0 && *s.TopP <= 1, "in (0, 1]" }},
		{"top-k", "candidate set size, >= 0, over 100 disables it (service default 1)",
			optionalInt(&s.TopK), func() (bool, string) { return *s.TopK >= 0, ">= 0" }},
		{"presence-penalty", "presence penalty [-2, 2] (service default 0)",
			optionalFloat(&s.PresencePenalty), func() (bool, string) {
				return finite(*s.PresencePenalty) && *s.PresencePenalty >= -2 && *s.PresencePenalty <= 2, "in [-2, 2]"
			}},
		{"repetition-penalty", "repetition penalty, > 0, 1 = none (service default 1.05)",
			optionalFloat(&s.RepetitionPenalty), func() (bool, string) {
				return finite(*s.RepetitionPenalty) && *s.RepetitionPenalty > 0, "> 0"
			}},
		{"speech-rate", "speech rate of the output voice [0.5, 2], documented for the Beijing region (service default 1)",
			optionalFloat(&s.SpeechRate), func() (bool, string) {
				return finite(*s.SpeechRate) && *s.SpeechRate >= 0.5 && *s.SpeechRate <= 2, "in [0.5, 2]"
			}},
	}
}

// addSamplingFlags defines the sampling flags on f, bound to s.
func addSamplingFlags(f *pflag.FlagSet, s *api.Sampling) {
	for _, sf := range samplingFlags(s) {
		f.Var(sf.value, sf.name, sf.usage)
	}
}

// checkSampling refuses the sampling settings the service would refuse, before anything is sent.
func checkSampling(s api.Sampling) error {
	for _, sf := range samplingFlags(&s) {
		if sf.value.String() == "" {
			continue // not given
		}
		if ok, rng := sf.check(); !ok {
			return usagef("see livetranslate translate --help", "--%s %v is out of range: must be %s", sf.name, sf.value, rng)
		}
	}
	return nil
}

// optional is a flag value that is nil until given: unset, the setting is not sent at all.
type optional[T any] struct {
	p     **T
	parse func(string) (T, error)
	typ   string // as pflag names it: int, int64, float64
}

func (o *optional[T]) Set(s string) error {
	v, err := o.parse(s)
	if err != nil {
		return err
	}
	*o.p = &v
	return nil
}

func (o *optional[T]) String() string {
	if o.p == nil || *o.p == nil {
		return ""
	}
	return fmt.Sprint(**o.p)
}

func (o *optional[T]) Type() string { return o.typ }

func optionalInt(p **int) *optional[int] {
	return &optional[int]{p: p, typ: "int", parse: func(s string) (int, error) {
		v, err := strconv.ParseInt(s, 0, 0)
		return int(v), err
	}}
}

func optionalInt64(p **int64) *optional[int64] {
	return &optional[int64]{p: p, typ: "int64", parse: func(s string) (int64, error) {
		v, err := strconv.ParseInt(s, 0, 64)
		return v, err
	}}
}

func optionalFloat(p **float64) *optional[float64] {
	return &optional[float64]{p: p, typ: "float64", parse: func(s string) (float64, error) {
		v, err := strconv.ParseFloat(s, 64)
		return v, err
	}}
}
