package api

import (
	"fmt"
	"math"
	"strconv"

	"github.com/livetranslate/livetranslate/internal/usage"
)

// Sampling are the request's generation settings, sent as they are: each field is one body
// parameter (its JSON name), omitted when nil so that the service's default applies. A setting
// is added with its field here and its row in Params; the command line gives every row a flag
// and a config key of the row's name.
type Sampling struct {
	MaxTokens         *int     `json:"max_tokens,omitempty"` // text and speech together
	Seed              *int64   `json:"seed,omitempty"`
	Temperature       *float64 `json:"temperature,omitempty"`
	TopP              *float64 `json:"top_p,omitempty"`
	PresencePenalty   *float64 `json:"presence_penalty,omitempty"`
	TopK              *int     `json:"top_k,omitempty"`
	RepetitionPenalty *float64 `json:"repetition_penalty,omitempty"`
	SpeechRate        *float64 `json:"speech_rate,omitempty"` // documented only by the Chinese API reference
}

// Param is one sampling parameter, bound to its field of a Sampling: its body name, what it
// does, its value and its range as the service documents it (docs/service.md, Request
// parameters), which Check holds a set value to before anything is sent.
type Param struct {
	Name  string     // the body parameter: max_tokens
	Help  string     // what it does, its range and the service's default, which applies when unset
	Value ParamValue // the field, nil until set
	Range string     // as a message words it: "in [1, 4096]"
	in    func() bool
}

// ParamValue is a parameter's value as text: Set parses and sets the field, String is "" while
// it is nil, Type names the kind of value (int, int64, float64). Its methods are those a
// command-line flag value has.
type ParamValue interface {
	String() string
	Set(string) error
	Type() string
}

// Params are s's parameters, bound to its fields. Unset, nothing is sent and the service applies
// its defaults, which the help names.
func (s *Sampling) Params() []Param {
	return []Param{
		param("max_tokens", "maximum output tokens, text and speech together [1, 4096] (service default 4096)",
			&s.MaxTokens, parseInt, "in [1, 4096]", func(v int) bool { return v >= 1 && v <= 4096 }),
		param("seed", "random seed for reproducible output [0, 2147483647] (service default: none)",
			&s.Seed, parseInt64, "in [0, 2147483647]", func(v int64) bool { return v >= 0 && v <= math.MaxInt32 }),
		param("temperature", "sampling temperature [0, 2) (service default 0.000001, best for accuracy)",
			&s.Temperature, parseFloat, "in [0, 2)", func(v float64) bool { return finite(v) && v >= 0 && v < 2 }),
		param("top_p", "nucleus sampling threshold (0, 1] (service default 0.8)",
			&s.TopP, parseFloat, "in (0, 1]", func(v float64) bool { return finite(v) && v > 0 && v <= 1 }),
		param("top_k", "candidate set size, >= 0, over 100 disables it (service default 1)",
			&s.TopK, parseInt, ">= 0", func(v int) bool { return v >= 0 }),
		param("presence_penalty", "presence penalty [-2, 2] (service default 0)",
			&s.PresencePenalty, parseFloat, "in [-2, 2]", func(v float64) bool { return finite(v) && v >= -2 && v <= 2 }),
		param("repetition_penalty", "repetition penalty, > 0, 1 = none (service default 1.05)",
			&s.RepetitionPenalty, parseFloat, "> 0", func(v float64) bool { return finite(v) && v > 0 }),
		param("speech_rate", "speech rate of the output voice [0.5, 2], documented for the Beijing region (service default 1)",
			&s.SpeechRate, parseFloat, "in [0.5, 2]", func(v float64) bool { return finite(v) && v >= 0.5 && v <= 2 }),
	}
}

// Check refuses the settings the service would refuse, before anything is sent: the first
// parameter set out of its range is a usage error holding a *RangeError.
func (s Sampling) Check() error {
	for _, p := range s.Params() {
		if p.Value.String() != "" && !p.in() {
			return usage.Wrap(&RangeError{Param: p.Name, Value: p.Value.String(), Range: p.Range}, "")
		}
	}
	return nil
}

// RangeError is a sampling parameter set out of its range.
type RangeError struct {
	Param string // the body parameter: top_p
	Value string // as set: 0
	Range string // "in (0, 1]"
}

func (e *RangeError) Error() string {
	return fmt.Sprintf("%s %s is out of range: must be %s", e.Param, e.Value, e.Range)
}

// param is the row of a parameter of type T, bound to field p.
func param[T any](name, help string, p **T, parse func(string) (T, error), rng string, in func(T) bool) Param {
	v := &optional[T]{p: p, parse: parse}
	return Param{Name: name, Help: help, Value: v, Range: rng, in: func() bool { return *p == nil || in(**p) }}
}

// optional is a Value that is nil until set: unset, the parameter is not sent at all.
type optional[T any] struct {
	p     **T
	parse func(string) (T, error)
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

// Type is the Go name of T (int, int64, float64), as command-line flag values name their types.
func (o *optional[T]) Type() string {
	var zero T
	return fmt.Sprintf("%T", zero)
}

func parseInt(s string) (int, error) {
	v, err := strconv.ParseInt(s, 0, 0)
	return int(v), err
}

func parseInt64(s string) (int64, error) { return strconv.ParseInt(s, 0, 64) }

func parseFloat(s string) (float64, error) { return strconv.ParseFloat(s, 64) }

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
