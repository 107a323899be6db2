package bytesize

import (
	"math"
	"testing"
)

func TestText(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 B", 900: "900 B", 1023: "1023 B", 1024: "1 KiB", 1536: "1.5 KiB", 68798: "67 KiB", 1 << 20: "1 MiB",
		7864320: "7.5 MiB", 9601101: "9.2 MiB", 10485760: "10 MiB", 64 << 30: "64 GiB", -2048: "-2 KiB",
		math.MaxInt64: "8 EiB", math.MinInt64: "-8 EiB",
	} {
		if got := Text(n); got != want {
			t.Errorf("Text(%d) = %q, want %q", n, got, want)
		}
	}
}
