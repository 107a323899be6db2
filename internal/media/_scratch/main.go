package main

import (
	"fmt"
	"os"

	"github.com/gabriel-vasile/mimetype"
)

func main() {
	for _, p := range os.Args[1:] {
		m, err := mimetype.DetectFile(p)
		if err != nil {
			fmt.Println(p, err)
			continue
		}
		fmt.Printf("%-35s %-30s %s\n", p, m.String(), m.Extension())
	}
}
