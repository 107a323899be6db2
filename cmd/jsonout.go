package cmd

import (
	"context"
	"errors"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/sink"
)

// failedJSON is the result of an input that failed (or, when ctx was cancelled, was not run).
func (a *app) failedJSON(input string, s *settings, err error) sink.Result {
	r := sink.Result{Input: input, Status: sink.StatusFailed, Model: s.model, TargetLanguage: s.to.Code, Error: errorJSON(err)}
	r.Error.Message = a.redact(r.Error.Message)
	if s.from != nil {
		r.SourceLanguage = s.from.Code
	}
	return r
}

func errorJSON(err error) *sink.ErrorInfo {
	code := exitCode(err)
	e := &sink.ErrorInfo{Message: message(err), ExitCode: code}
	var ae *api.Error
	switch {
	case errors.As(err, &ae):
		e.Code, e.HTTPStatus, e.RequestID = ae.Code, ae.StatusCode, ae.RequestID
		if e.Code == "" {
			e.Code = "http_error"
		}
	case errors.Is(err, context.Canceled):
		e.Code, e.Message = "interrupted", "interrupted" // as the error line says it
	default:
		e.Code = map[int]string{exitUsage: "usage", exitConfig: "configuration", exitTruncated: "truncated"}[code]
		if e.Code == "" {
			e.Code = "failure"
		}
	}
	return e
}
