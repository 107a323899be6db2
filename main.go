// Command livetranslate translates audio and video files through Alibaba Cloud Model Studio's
// qwen3-livetranslate-flash model. See README.md.
package main

import (
	"os"

	"github.com/livetranslate/livetranslate/cmd"
)

func main() { os.Exit(cmd.Main()) }
