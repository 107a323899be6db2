package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/config"
	"github.com/livetranslate/livetranslate/internal/media"
)

// errSilent marks an error already reported on stderr; only its exit code matters.
var errSilent = errors.New("already reported")

// usageError is a bad flag, argument or input: exit code 2.
type usageError struct {
	msg  string
	hint string
}

func (e *usageError) Error() string { return e.msg }
func (e *usageError) Hint() string  { return e.hint }

func usagef(hint, format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...), hint: hint}
}

// isUsage reports whether an internal package marked err as the user's mistake. Packages mark
// such errors with a method UsageError() bool rather than knowing about exit codes.
func isUsage(err error) bool {
	var ue *usageError
	if errors.As(err, &ue) {
		return true
	}
	var marked interface{ UsageError() bool }
	return errors.As(err, &marked) && marked.UsageError()
}

// billingCodes are vendor codes that mean the account, not the request, is refused (docs/service.md, Errors).
var billingCodes = map[string]bool{
	"Arrearage": true, "insufficient_quota": true, "CommodityNotPurchased": true,
	"PrepaidBillOverdue": true, "PostpaidBillOverdue": true, "AllocationQuota.FreeTierOnly": true,
	"Throttling.AllocationQuota": true,
}

// exitCode maps an error to the exit codes of the README's table; it is the only place that does.
func exitCode(err error) int {
	if errors.Is(err, context.Canceled) {
		return exitInterrupted
	}
	var silent *silentExit
	if errors.As(err, &silent) {
		return silent.code
	}
	var ce *config.Error
	if errors.As(err, &ce) {
		if ce.Usage {
			return exitUsage
		}
		return exitConfig
	}
	var ae *api.Error
	if errors.As(err, &ae) {
		switch {
		case ae.StatusCode == 401 || ae.StatusCode == 403 || billingCodes[ae.Code]:
			return exitConfig
		case ae.StatusCode == 400 && !ae.InStream, ae.StatusCode == 404:
			return exitUsage
		}
		return exitFailure
	}
	var missing *media.MissingToolError
	if errors.As(err, &missing) {
		// The machine lacks ffmpeg/ffprobe: the user's set-up, like a missing key.
		return exitConfig
	}
	if isUsage(err) {
		return exitUsage
	}
	return exitFailure
}

// silentExit carries an exit code for a failure already reported.
type silentExit struct{ code int }

func (e *silentExit) Error() string { return errSilent.Error() }
func (e *silentExit) Is(t error) bool {
	return t == errSilent
}

// hintOf returns the second line to print under an error, if any part of the chain has one.
// keySource is where the API key came from ("$DASHSCOPE_API_KEY", "api_key in FILE", "--api-key"),
// for the hint under a refused key.
func hintOf(err error, keySource string) string {
	var h interface{ Hint() string }
	if errors.As(err, &h) {
		return h.Hint()
	}
	var ce *config.Error
	if errors.As(err, &ce) {
		return ce.Hint
	}
	var ae *api.Error
	if errors.As(err, &ae) {
		switch {
		case ae.StatusCode == 401:
			if keySource == "" {
				keySource = "$DASHSCOPE_API_KEY"
			}
			return "check the key from " + keySource + ", and that it belongs to the region of --region/--base-url (Singapore and Beijing keys differ)"
		case ae.StatusCode == 429:
			return "the account's rate limit (100 requests, 100,000 tokens a minute) was hit; wait a minute and retry"
		case strings.Contains(ae.Message, "data-uri"):
			return "the file is too large to send inline; pass a public http(s) URL instead"
		}
	}
	return ""
}

// noArgs is cobra.NoArgs with a usage error, so a stray argument exits with 2.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("see "+cmd.CommandPath()+" --help", "%s takes no arguments, got %q", cmd.CommandPath(), args[0])
	}
	return nil
}
