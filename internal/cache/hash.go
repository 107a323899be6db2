package cache

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
)

type hashWriter struct{ hash.Hash }

func newHash() hashWriter { return hashWriter{sha256.New()} }

func (h hashWriter) sum() string { return hex.EncodeToString(h.Sum(nil)) }
