package cmd

import (
	"fmt"

	"github.com/spf13/cobra"
)

// completeFlag registers fn (one of internal/complete's) as the completion of c's flag name. The
// registration fails only for a flag c does not have or one registered twice, a mistake of this
// package's that every run would make; the tests build every command, so it never reaches a user.
func completeFlag(c *cobra.Command, name string, fn cobra.CompletionFunc) {
	if err := c.RegisterFlagCompletionFunc(name, fn); err != nil {
		panic(fmt.Sprintf("completion of --%s: %v", name, err))
	}
}
