//go:build race

package ledger

// raceDetector is whether the tests run under the race detector (make race).
const raceDetector = true
