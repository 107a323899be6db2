//go:build !windows

package atomicfile

import (
	"os"
	"syscall"
)

// openDescriptor opens a copy of the process's descriptor fd, named path, so that closing the
// result leaves the descriptor the shell opened as it was.
func openDescriptor(fd int, path string) (*os.File, error) {
	dup, err := syscall.Dup(fd)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(dup), path), nil
}
