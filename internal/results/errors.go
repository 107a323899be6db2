package results

import (
	"fmt"
	"path/filepath"
)

// ForeignError reports an existing file at a result's path that this tool did not write there
// (a WAV that is not its speech, JSON that is not its result): redoing the input would replace it.
type ForeignError struct {
	Path  string // the file
	Input string // the input whose result would replace it, as shown
}

func (e *ForeignError) Error() string {
	return fmt.Sprintf("%s exists and is not a result of livetranslate (the %s result of %s would replace it)", e.Path, filepath.Ext(e.Path), e.Input)
}

// InputError reports a result path that is one of the run's inputs (also through a symbolic or a
// hard link): writing the result would destroy the input.
type InputError struct {
	Result string // the result file
	Of     string // the input it is the result of
	Input  string // the input it is
}

func (e *InputError) Error() string {
	return fmt.Sprintf("%s, the result of %s, is the input %s", e.Result, e.Of, e.Input)
}

// StdinExistsError reports an existing result of standard input, which a rerun cannot recognise
// as translated already (standard input has no name to tell it by).
type StdinExistsError struct{ Path string }

func (e *StdinExistsError) Error() string {
	return fmt.Sprintf("%s exists, and standard input cannot be recognised as translated already", e.Path)
}

// NotDirError reports an output directory that exists and is not a directory.
type NotDirError struct{ Path string }

func (e *NotDirError) Error() string { return e.Path + " is not a directory" }

// UnclaimedNote counts the earlier results of more inputs than are named one by one.
type UnclaimedNote struct{ More int }

func (n *UnclaimedNote) String() string {
	return fmt.Sprintf("%d more inputs have results under the names of an earlier run or version; they are translated", n.More)
}
