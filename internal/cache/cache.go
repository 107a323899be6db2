// Package cache keeps the results of completed requests on disk, so that a request whose media
// and settings equal an earlier one is answered from there, at once and at no cost, instead of
// being sent and paid for again.
//
// An entry is two files named by its key (Key: a SHA-256 of the media sent and every setting
// that changes the answer): KEY.json holds the text, the usage and the ids of the response, and
// the size and SHA-256 of the speech, which KEY.pcm holds (16-bit 24 kHz mono samples, as they
// arrived) when speech was asked for. The speech is written first and the JSON last, each to a
// temporary file renamed into place, so a reader sees an entry only once it is whole; an entry
// whose files do not match (damaged, cut short, or two runs storing different answers at once)
// is ignored and removed, never served. The store is bounded: Trim removes the entries used
// least recently until it fits its MaxSize.
package cache

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
	"github.com/livetranslate/livetranslate/internal/xdg"
)

// version is part of every key: a change to what an entry holds, or to how keys are made, starts
// afresh rather than misreading old entries.
const version = 1

// DefaultMaxSize is the store's bound when none is set: 1 GiB, about 6 hours of cached speech.
const DefaultMaxSize = 1 << 30

// Request is everything about a request that changes its answer.
type Request struct {
	Service     string       `json:"service"` // the base URL: another server answers otherwise
	Model       string       `json:"model"`
	SourceLang  string       `json:"source_lang"`
	TargetLang  string       `json:"target_lang"`
	LangNames   bool         `json:"lang_names"`
	Voice       string       `json:"voice"` // "" for text only
	Sampling    api.Sampling `json:"sampling"`
	Kind        string       `json:"kind"`
	Format      string       `json:"format"`
	MediaSHA256 string       `json:"media_sha256"`
}

// Key is the name of r's entry.
func Key(r Request) string {
	b, _ := json.Marshal(struct {
		Version int `json:"v"`
		Request
	}{version, r})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Entry is a stored response.
type Entry struct {
	Text         string     `json:"text"`
	Usage        *api.Usage `json:"usage"`
	ID           string     `json:"id"`
	RequestID    string     `json:"request_id"`
	FinishReason string     `json:"finish_reason"`
	Stored       time.Time  `json:"stored"`
	TextSHA256   string     `json:"text_sha256"`
	AudioSize    int64      `json:"audio_size"`
	AudioSHA256  string     `json:"audio_sha256,omitempty"`
}

// DefaultDir is where the store lives: $XDG_CACHE_HOME/livetranslate/results, or
// ~/.cache/livetranslate/results; "" when neither is set.
func DefaultDir(getenv func(string) string) string {
	return xdg.Path(getenv, xdg.Cache, "livetranslate", "results")
}

// Store is a cache directory.
type Store struct {
	Dir     string
	MaxSize int64 // 0: DefaultMaxSize
	// OnStoreError, if set, is told the first time an answer cannot be stored (the directory
	// cannot be made or written to: read-only, not a directory, full), once per Store. From then
	// on the Store stores nothing more, without trying; it still answers from what it holds.
	OnStoreError func(error)

	stored     atomic.Bool // an entry was stored through this Store
	unwritable atomic.Bool // storing failed once: the Store stores nothing more
	failOnce   sync.Once
}

// ErrUnwritable is what Create returns once storing has failed: the Store no longer tries.
var ErrUnwritable = errors.New("cache: not storing answers: the cache could not be written to")

// storeFailed notes that storing failed with err: the Store stops storing, and OnStoreError is
// told, the first time.
func (s *Store) storeFailed(err error) error {
	s.unwritable.Store(true)
	s.failOnce.Do(func() {
		if s.OnStoreError != nil {
			s.OnStoreError(err)
		}
	})
	return err
}

func (s *Store) path(key, ext string) string { return filepath.Join(s.Dir, key[:2], key+ext) }

// Hit is an entry found whole: its speech, if any, is read with Audio; Close ends it.
type Hit struct {
	Entry
	// audio is the speech file, opened and checked: what is served is what was checked, even
	// if another run replaces the entry meanwhile. nil for none.
	audio *os.File
}

// Close releases the entry's speech.
func (h *Hit) Close() {
	if h.audio != nil {
		h.audio.Close()
	}
}

// Audio hands the stored speech to w in chunks, as a response would.
func (h *Hit) Audio(w func([]byte) error) error {
	f := h.audio
	if f == nil {
		return nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("cached speech: %w", err)
	}
	buf := make([]byte, 64<<10)
	for {
		n, err := f.Read(buf)
		if n > 0 {
			if werr := w(append([]byte(nil), buf[:n]...)); werr != nil {
				return werr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("cached speech: %w", err)
		}
	}
}

// Get is the entry of key when it is whole; a damaged one is removed and not returned. speech
// says whether the request asks for speech: an entry is served only to the same.
func (s *Store) Get(key string, speech bool) (*Hit, bool) {
	return s.get(key, speech, true)
}

// Holds reports whether Get would serve the entry of key, checking it as Get does but leaving
// the store as it is: a damaged entry stays, and the entry is not marked as used.
func (s *Store) Holds(key string, speech bool) bool {
	h, ok := s.get(key, speech, false)
	if ok {
		h.Close()
	}
	return ok
}

// get is Get; use says whether to remove a damaged entry and mark a whole one as used.
func (s *Store) get(key string, speech, use bool) (*Hit, bool) {
	drop := func() {
		if use {
			s.remove(key)
		}
	}
	b, err := os.ReadFile(s.path(key, ".json"))
	if err != nil {
		return nil, false
	}
	var h Hit
	if err := json.Unmarshal(b, &h.Entry); err != nil || h.TextSHA256 != digest([]byte(h.Text)) || h.FinishReason == "" {
		drop()
		return nil, false
	}
	if speech != (h.AudioSHA256 != "") {
		return nil, false
	}
	if speech {
		f, err := os.Open(s.path(key, ".pcm"))
		if err != nil {
			drop()
			return nil, false
		}
		hash := newHash()
		size, err := io.Copy(hash, f)
		if err != nil || size != h.AudioSize || hash.sum() != h.AudioSHA256 {
			f.Close()
			drop()
			return nil, false
		}
		h.audio = f
	}
	if use {
		now := time.Now() // used: the last to go when the store is trimmed
		_ = os.Chtimes(s.path(key, ".json"), now, now)
	}
	return &h, true
}

func (s *Store) remove(key string) {
	os.Remove(s.path(key, ".json"))
	os.Remove(s.path(key, ".pcm"))
}

// Writer stores one response as it arrives; nothing is stored unless Commit is called.
type Writer struct {
	s     *Store
	key   string
	text  strings.Builder
	audio *os.File // the speech so far, a temporary file; nil without speech
	size  int64
	hash  hashWriter
}

// Create starts storing the response to key's request; speech says whether it asks for speech.
// Once storing has failed, it returns ErrUnwritable.
func (s *Store) Create(key string, speech bool) (*Writer, error) {
	if s.unwritable.Load() {
		return nil, ErrUnwritable
	}
	if err := os.MkdirAll(filepath.Dir(s.path(key, "")), 0o700); err != nil {
		return nil, s.storeFailed(fmt.Errorf("cache: %w", err))
	}
	w := &Writer{s: s, key: key, hash: newHash()}
	if speech {
		f, err := os.CreateTemp(filepath.Dir(s.path(key, "")), key+".pcm.tmp-*")
		if err != nil {
			return nil, s.storeFailed(fmt.Errorf("cache: %w", err))
		}
		w.audio = f
	}
	return w, nil
}

// Text and Audio take the response's events.
func (w *Writer) Text(t string) { w.text.WriteString(t) }

func (w *Writer) Audio(b []byte) error {
	if w.audio == nil {
		return nil
	}
	if _, err := w.audio.Write(b); err != nil {
		return w.s.storeFailed(fmt.Errorf("cache: %w", err))
	}
	w.hash.Write(b)
	w.size += int64(len(b))
	return nil
}

// Reset forgets what arrived: the request is being retried from the start.
func (w *Writer) Reset() error {
	w.text.Reset()
	w.size, w.hash = 0, newHash()
	if w.audio == nil {
		return nil
	}
	if _, err := w.audio.Seek(0, io.SeekStart); err != nil {
		return w.s.storeFailed(fmt.Errorf("cache: %w", err))
	}
	if err := w.audio.Truncate(0); err != nil {
		return w.s.storeFailed(fmt.Errorf("cache: %w", err))
	}
	return nil
}

// Commit stores the response, its speech first and its JSON last, each renamed into place.
func (w *Writer) Commit(res *api.Result) error {
	if err := w.commit(res); err != nil {
		return w.s.storeFailed(err)
	}
	return nil
}

func (w *Writer) commit(res *api.Result) error {
	e := Entry{Text: w.text.String(), Usage: res.Usage, ID: res.ID, RequestID: res.RequestID,
		FinishReason: res.FinishReason, Stored: time.Now().UTC(), TextSHA256: digest([]byte(w.text.String()))}
	if w.audio != nil {
		e.AudioSize, e.AudioSHA256 = w.size, w.hash.sum()
		tmp := w.audio.Name()
		if err := w.audio.Close(); err != nil {
			return fmt.Errorf("cache: %w", err)
		}
		w.audio = nil
		if err := os.Rename(tmp, w.s.path(w.key, ".pcm")); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("cache: %w", err)
		}
	}
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(w.s.path(w.key, "")), w.key+".json.tmp-*")
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	_, werr := f.Write(b)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(f.Name(), w.s.path(w.key, ".json"))
	}
	if werr != nil {
		os.Remove(f.Name())
		return fmt.Errorf("cache: %w", werr)
	}
	w.s.stored.Store(true)
	return nil
}

// Abort drops what was stored so far.
func (w *Writer) Abort() {
	if w.audio != nil {
		w.audio.Close()
		os.Remove(w.audio.Name())
		w.audio = nil
	}
}

// TrimIfStored trims the store when an entry was stored through it: a run that only read from
// the cache, or did not use it, leaves it as it was without walking it.
func (s *Store) TrimIfStored() error {
	if !s.stored.Load() {
		return nil
	}
	return s.Trim()
}

// staleTemp is how old a temporary file must be before Trim takes it for one a killed run left.
const staleTemp = time.Hour

// Trim removes the entries used least recently until the store fits MaxSize, and the temporary
// files of runs that were killed. Runs that trim at once remove no more than one would.
func (s *Store) Trim() error {
	max := s.MaxSize
	if max <= 0 {
		max = DefaultMaxSize
	}
	type entry struct {
		key  string
		used time.Time
		size int64
	}
	var entries []entry
	var total int64
	err := filepath.WalkDir(s.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil // removed meanwhile
		}
		name := d.Name()
		switch {
		case strings.Contains(name, ".tmp-"):
			if time.Since(info.ModTime()) > staleTemp {
				os.Remove(p)
			}
		case strings.HasSuffix(name, ".json"):
			e := entry{key: strings.TrimSuffix(name, ".json"), used: info.ModTime(), size: info.Size()}
			if pcm, err := os.Stat(strings.TrimSuffix(p, ".json") + ".pcm"); err == nil {
				e.size += pcm.Size()
			}
			entries = append(entries, e)
			total += e.size
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].used.Before(entries[j].used) })
	for _, e := range entries {
		if total <= max {
			break
		}
		s.remove(e.key)
		total -= e.size
	}
	return nil
}

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// FileSHA256 is the hex SHA-256 of the file at path: the media part of a Request.
func FileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := newHash()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return h.sum(), nil
}
