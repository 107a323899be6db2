// Command man is `make man`: it writes a man page for every command of livetranslate
// (livetranslate.1, livetranslate-translate.1, livetranslate-config-show.1, …) into a directory,
// from the command tree itself with cobra's doc package. It lives here rather than in the tool,
// so the tool does not carry the generator and its Markdown renderer. The pages' date is
// SOURCE_DATE_EPOCH's (make man sets it to the last commit's time), in UTC, so one commit gives
// the same pages byte for byte.
//
//	SOURCE_DATE_EPOCH=1764950000 go run ./scripts/man -out bin/man -version v1.2.0
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/livetranslate/livetranslate/cmd"
)

func main() {
	out := flag.String("out", "bin/man", "directory to write the pages into")
	version := flag.String("version", "dev", "the version named in the pages' header")
	flag.Parse()
	n, err := write(*out, *version, os.Getenv("SOURCE_DATE_EPOCH"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "man:", err)
		os.Exit(1)
	}
	fmt.Printf("%d man pages in %s (man -l %s)\n", n, *out, filepath.Join(*out, "livetranslate.1"))
}

// write writes the pages into dir and returns how many it wrote. epoch is SOURCE_DATE_EPOCH, the
// pages' date in seconds since 1970.
func write(dir, version, epoch string) (int, error) {
	if epoch == "" {
		return 0, errors.New("SOURCE_DATE_EPOCH is not set: the pages' date must not be today's, or two runs on one commit differ (make man sets it to the last commit's time)")
	}
	secs, err := strconv.ParseInt(epoch, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("SOURCE_DATE_EPOCH %q is not a number of seconds: %w", epoch, err)
	}
	date := time.Unix(secs, 0).UTC()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, fmt.Errorf("man pages: %w", err)
	}
	n := 0
	err = cmd.Tree(func(c *cobra.Command) error {
		header := &doc.GenManHeader{Section: "1", Date: &date, Source: "livetranslate " + version, Manual: "livetranslate manual"}
		path := filepath.Join(dir, PageName(c))
		f, err := os.Create(path)
		if err != nil {
			return fmt.Errorf("man pages: %w", err)
		}
		if err := doc.GenMan(c, header, f); err != nil {
			f.Close()
			return fmt.Errorf("%s: %w", path, err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		n++
		return nil
	})
	return n, err
}

// PageName is the file of c's page: its command path joined by dashes, in section 1.
func PageName(c *cobra.Command) string {
	return strings.ReplaceAll(c.CommandPath(), " ", "-") + ".1"
}
