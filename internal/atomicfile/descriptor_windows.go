package atomicfile

import (
	"errors"
	"os"
)

// openDescriptor refuses: /dev/stdout, /dev/fd/N and their like name descriptors on Unix only,
// and Windows has no file by those names either.
func openDescriptor(int, string) (*os.File, error) {
	return nil, errors.New("there is no /dev/stdout or /dev/fd/N on Windows: write to standard output with -")
}
