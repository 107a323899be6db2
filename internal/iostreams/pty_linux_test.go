package iostreams

import (
	"fmt"
	"os"
	"syscall"
	"testing"
	"unsafe"
)

// openPTY opens a new pseudo-terminal and returns its terminal end.
func openPTY(t *testing.T) *os.File {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		t.Skipf("unlocking a pseudo-terminal: %v", e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		t.Skipf("numbering a pseudo-terminal: %v", e)
	}
	return openTerminal(t, fmt.Sprintf("/dev/pts/%d", n))
}

func openTerminal(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.OpenFile(name, os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("opening %s: %v", name, err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// A shell's stdout and stderr are one terminal opened twice; a redirected one is another file.
func TestSameTerminal(t *testing.T) {
	tty := openPTY(t)
	again := openTerminal(t, tty.Name())
	other := openPTY(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for _, tt := range []struct {
		name string
		a, b *os.File
		want bool
	}{
		{"one terminal opened twice", tty, again, true},
		{"two terminals", tty, other, false},
		{"stdout to a pipe", w, tty, false},
		{"stderr to a pipe", tty, w, false},
	} {
		if got := sameTerminal(tt.a, tt.b); got != tt.want {
			t.Errorf("%s: sameTerminal = %v, want %v", tt.name, got, tt.want)
		}
	}
}
