package api

import "testing"

// TestRetryBudgetAfter table-tests the decision after a failed attempt: whether it is sent
// again, and how the budget (retries left, the backoff's count, 429 strikes, free retries,
// the Throttle's progress) stands then.
func TestRetryBudgetAfter(t *testing.T) {
	sendable := failedAttempt{kind: retryable, resendable: true}
	with := func(f failedAttempt, change func(*failedAttempt)) failedAttempt {
		change(&f)
		return f
	}
	tests := []struct {
		name string
		b    retryBudget
		f    failedAttempt
		want retryBudget
		v    verdict
	}{
		{"retryable with retries left", retryBudget{left: 2}, sendable,
			retryBudget{left: 1, counted: 1}, retry},
		{"retryable, none left", retryBudget{left: 0, counted: 3}, sendable,
			retryBudget{left: 0, counted: 3}, giveUp},
		{"final", retryBudget{left: 2}, with(sendable, func(f *failedAttempt) { f.kind = final }),
			retryBudget{left: 2}, giveUp},
		{"media not resendable", retryBudget{left: 2}, with(sendable, func(f *failedAttempt) { f.resendable = false }),
			retryBudget{left: 2}, giveUp},
		{"broke after output, restartable", retryBudget{left: 1}, with(sendable, func(f *failedAttempt) { f.kind, f.restartable = brokeOutput, true }),
			retryBudget{left: 0, counted: 1}, retry},
		{"broke after output, not restartable", retryBudget{left: 1}, with(sendable, func(f *failedAttempt) { f.kind = brokeOutput }),
			retryBudget{left: 1}, giveUpBroken},
		{"broke after output, none left", retryBudget{left: 0}, with(sendable, func(f *failedAttempt) { f.kind = brokeOutput }),
			retryBudget{left: 0}, giveUp},
		{"broke after output, not resendable", retryBudget{left: 1}, with(sendable, func(f *failedAttempt) { f.kind, f.resendable = brokeOutput, false }),
			retryBudget{left: 1}, giveUp},
		{"429 without a Throttle counts and strikes", retryBudget{left: 2, strikes: 1, counted: 1}, with(sendable, func(f *failedAttempt) { f.rateLimited = true }),
			retryBudget{left: 1, counted: 2, strikes: 2}, retry},
		{"429 without progress counts and strikes", retryBudget{left: 2, progress: 5}, with(sendable, func(f *failedAttempt) { f.rateLimited, f.tracked, f.progress = true, true, 5 }),
			retryBudget{left: 1, counted: 1, strikes: 1, progress: 5}, retry},
		{"429 without progress, none left", retryBudget{left: 0, strikes: 3, counted: 3, progress: 5}, with(sendable, func(f *failedAttempt) { f.rateLimited, f.tracked, f.progress = true, true, 5 }),
			retryBudget{left: 0, strikes: 3, counted: 3, progress: 5}, giveUp},
		{"429 after progress is free and gives back the strikes", retryBudget{left: 0, counted: 3, strikes: 2, progress: 5}, with(sendable, func(f *failedAttempt) { f.rateLimited, f.tracked, f.progress = true, true, 7 }),
			retryBudget{left: 2, counted: 1, free: true, progress: 7}, retry},
		{"429 after progress, media not resendable", retryBudget{left: 0, strikes: 1, counted: 1, progress: 5}, with(sendable, func(f *failedAttempt) { f.rateLimited, f.tracked, f.progress, f.resendable = true, true, 7, false }),
			retryBudget{left: 1, free: true, progress: 7}, giveUp},
		{"a failure after a free retry counts again", retryBudget{left: 1, free: true, progress: 7}, sendable,
			retryBudget{left: 0, counted: 1, progress: 7}, retry},
		{"untracked progress is ignored", retryBudget{left: 1, progress: 5}, with(sendable, func(f *failedAttempt) { f.rateLimited, f.progress = true, 9 }),
			retryBudget{left: 0, counted: 1, strikes: 1, progress: 5}, retry},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, v := tt.b.after(tt.f)
			if got != tt.want || v != tt.v {
				t.Errorf("%+v.after(%+v) = %+v, %d; want %+v, %d", tt.b, tt.f, got, v, tt.want, tt.v)
			}
		})
	}
}
