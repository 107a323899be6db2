package cache

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/livetranslate/livetranslate/internal/api"
)

func req(sha string) Request {
	return Request{Service: "https://x/v1", Model: "m", TargetLang: "fr", Kind: "audio", Format: "wav", MediaSHA256: sha}
}

func TestKeyNamesEverythingThatChangesTheAnswer(t *testing.T) {
	base := req("aa")
	temp := 0.5
	seen := map[string]string{Key(base): "base"}
	for name, r := range map[string]Request{
		"media":    req("bb"),
		"target":   func() Request { r := base; r.TargetLang = "de"; return r }(),
		"source":   func() Request { r := base; r.SourceLang = "en"; return r }(),
		"voice":    func() Request { r := base; r.Voice = "Cherry"; return r }(),
		"model":    func() Request { r := base; r.Model = "n"; return r }(),
		"service":  func() Request { r := base; r.Service = "https://y/v1"; return r }(),
		"sampling": func() Request { r := base; r.Sampling.Temperature = &temp; return r }(),
		"names":    func() Request { r := base; r.LangNames = true; return r }(),
		"format":   func() Request { r := base; r.Format = "mp3"; return r }(),
	} {
		k := Key(r)
		if other, ok := seen[k]; ok {
			t.Errorf("%s and %s share a key", name, other)
		}
		seen[k] = name
	}
	if Key(req("aa")) != Key(base) {
		t.Error("the same request has two keys")
	}
}

func store(t *testing.T, s *Store, key, text string, audio []byte) {
	t.Helper()
	w, err := s.Create(key, audio != nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	w.Text(text)
	if audio != nil {
		if err := w.Audio(audio); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(&api.Result{ID: "id", RequestID: "rid", FinishReason: "stop", Usage: &api.Usage{TotalTokens: 7}}); err != nil {
		t.Fatal(err)
	}
}

func audioOf(t *testing.T, h *Hit) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := h.Audio(func(p []byte) error { b.Write(p); return nil }); err != nil {
		t.Fatal(err)
	}
	h.Close()
	return b.Bytes()
}

func TestStoreAndServe(t *testing.T) {
	s := &Store{Dir: t.TempDir()}
	key, speech := Key(req("aa")), bytes.Repeat([]byte{1, 2, 3}, 100000)
	if _, ok := s.Get(key, true); ok {
		t.Fatal("a hit in an empty store")
	}
	store(t, s, key, "Bonjour", speech)
	h, ok := s.Get(key, true)
	if !ok || h.Text != "Bonjour" || h.RequestID != "rid" || h.Usage.TotalTokens != 7 || !bytes.Equal(audioOf(t, h), speech) {
		t.Fatalf("got %+v, %v", h, ok)
	}
	if _, ok := s.Get(key, false); ok {
		t.Error("an answer with speech served to a request for text alone")
	}
	text := Key(req("cc"))
	store(t, s, text, "Salut", nil)
	if _, ok := s.Get(text, true); ok {
		t.Error("an answer without speech served to a request for speech")
	}
	if h, ok := s.Get(text, false); !ok || h.Text != "Salut" || len(audioOf(t, h)) != 0 {
		t.Errorf("text alone: %+v %v", h, ok)
	}
}

// TestDamagedEntriesAreNeverServed: an entry whose files do not match is ignored and removed.
func TestDamagedEntriesAreNeverServed(t *testing.T) {
	for name, damage := range map[string]func(s *Store, key string){
		"speech cut short": func(s *Store, key string) { os.Truncate(s.path(key, ".pcm"), 100) },
		"speech changed":   func(s *Store, key string) { os.WriteFile(s.path(key, ".pcm"), bytes.Repeat([]byte{9}, 300000), 0o600) },
		"speech gone":      func(s *Store, key string) { os.Remove(s.path(key, ".pcm")) },
		"JSON cut short":   func(s *Store, key string) { os.Truncate(s.path(key, ".json"), 20) },
		"text changed":     func(s *Store, key string) { rewrite(s.path(key, ".json"), "Bonjour", "Bonsoir") },
		"JSON is not JSON": func(s *Store, key string) { os.WriteFile(s.path(key, ".json"), []byte("\x00\x01"), 0o600) },
		"no finish_reason": func(s *Store, key string) {
			rewrite(s.path(key, ".json"), `"finish_reason":"stop"`, `"finish_reason":""`)
		},
		"speech of another": func(s *Store, key string) {
			rewrite(s.path(key, ".json"), `"audio_size":300000`, `"audio_size":300001`)
		},
	} {
		t.Run(name, func(t *testing.T) {
			s := &Store{Dir: t.TempDir()}
			key := Key(req("aa"))
			store(t, s, key, "Bonjour", bytes.Repeat([]byte{1, 2, 3}, 100000))
			damage(s, key)
			if h, ok := s.Get(key, true); ok {
				t.Fatalf("served %q", h.Text)
			}
			if _, err := os.Stat(s.path(key, ".json")); err == nil {
				t.Error("the damaged entry was left")
			}
		})
	}
}

func rewrite(path, old, new string) {
	b, _ := os.ReadFile(path)
	os.WriteFile(path, bytes.Replace(b, []byte(old), []byte(new), 1), 0o600)
}

// TestUncommittedLeavesNothing: a response that does not end well is not kept, and its
// temporary speech is gone.
func TestUncommittedLeavesNothing(t *testing.T) {
	s := &Store{Dir: t.TempDir()}
	key := Key(req("aa"))
	w, err := s.Create(key, true)
	if err != nil {
		t.Fatal(err)
	}
	w.Text("Bon")
	w.Audio([]byte{1, 2})
	w.Abort()
	if _, ok := s.Get(key, true); ok {
		t.Error("an aborted answer was served")
	}
	files, _ := filepath.Glob(filepath.Join(s.Dir, "*", "*"))
	if len(files) != 0 {
		t.Errorf("left %v", files)
	}
	// A reset (a retried stream) forgets what came before.
	w, _ = s.Create(key, true)
	w.Text("Bon")
	w.Audio([]byte{1, 2})
	w.Reset()
	w.Text("Bonjour")
	w.Audio([]byte{3})
	w.Commit(&api.Result{FinishReason: "stop"})
	if h, ok := s.Get(key, true); !ok || h.Text != "Bonjour" || !bytes.Equal(audioOf(t, h), []byte{3}) {
		t.Errorf("after a reset: %+v %v", h, ok)
	}
}

// TestConcurrentRunsNeverServeAMix: runs storing different answers for one key at once leave
// one whole answer or none, never one's text with another's speech.
func TestConcurrentRunsNeverServeAMix(t *testing.T) {
	s := &Store{Dir: t.TempDir()}
	key := Key(req("aa"))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w, err := s.Create(key, true)
			if err != nil {
				t.Error(err)
				return
			}
			defer w.Abort()
			w.Text(fmt.Sprint("answer ", i))
			w.Audio(bytes.Repeat([]byte{byte(i)}, 50000+i))
			w.Commit(&api.Result{FinishReason: "stop"})
		}()
		wg.Add(1)
		go func() {
			defer wg.Done()
			if h, ok := s.Get(key, true); ok {
				var n int
				fmt.Sscanf(h.Text, "answer %d", &n)
				if a := audioOf(t, h); len(a) != 50000+n || a[0] != byte(n) {
					t.Errorf("text of answer %d served with other speech", n)
				}
			}
		}()
	}
	wg.Wait()
}

// TestTrimRemovesTheLeastRecentlyUsed: over its size, the store drops the entries used least
// recently first; an entry served is used.
func TestTrimRemovesTheLeastRecentlyUsed(t *testing.T) {
	s := &Store{Dir: t.TempDir(), MaxSize: 700000}
	var keys []string
	for i := range 4 {
		key := Key(req(fmt.Sprint(i)))
		store(t, s, key, "x", bytes.Repeat([]byte{1}, 300000))
		old := time.Now().Add(time.Duration(i-10) * time.Minute)
		os.Chtimes(s.path(key, ".json"), old, old)
		keys = append(keys, key)
	}
	s.Get(keys[0], true) // the oldest, used now
	stale := filepath.Join(s.Dir, keys[1][:2], keys[1]+".pcm.tmp-123")
	os.WriteFile(stale, []byte("left by a killed run"), 0o600)
	long := time.Now().Add(-2 * time.Hour)
	os.Chtimes(stale, long, long)
	if err := s.Trim(); err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{true, false, false, true} {
		if _, ok := s.Get(keys[i], true); ok != want {
			t.Errorf("entry %d kept: %v, want %v", i, ok, want)
		}
	}
	if _, err := os.Stat(stale); err == nil {
		t.Error("a stale temporary file was left")
	}
	if err := (&Store{Dir: filepath.Join(t.TempDir(), "none")}).Trim(); err != nil {
		t.Errorf("trimming a store never written: %v", err)
	}
}

func TestDefaultDir(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	if got := DefaultDir(env(map[string]string{"XDG_CACHE_HOME": "/c", "HOME": "/h"})); got != "/c/livetranslate/results" {
		t.Error(got)
	}
	if got := DefaultDir(env(map[string]string{"XDG_CACHE_HOME": "rel", "HOME": "/h"})); got != "/h/.cache/livetranslate/results" {
		t.Error(got)
	}
	if got := DefaultDir(env(nil)); got != "" {
		t.Error(got)
	}
}

// TestTrimIfStored: a run that stored nothing leaves the store as it is, unwalked; one that
// stored an entry trims it.
func TestTrimIfStored(t *testing.T) {
	dir := t.TempDir()
	writer := &Store{Dir: dir, MaxSize: 1 << 20}
	for i := range 4 {
		store(t, writer, Key(req(fmt.Sprint(i))), "x", bytes.Repeat([]byte{1}, 400000))
	}
	reader := &Store{Dir: dir, MaxSize: 1 << 20}
	reader.Get(Key(req("0")), true)
	if err := reader.TrimIfStored(); err != nil {
		t.Fatal(err)
	}
	if n, _ := filepath.Glob(filepath.Join(dir, "*", "*.json")); len(n) != 4 {
		t.Errorf("a store only read from was trimmed: %d entries left", len(n))
	}
	if err := writer.TrimIfStored(); err != nil {
		t.Fatal(err)
	}
	if n, _ := filepath.Glob(filepath.Join(dir, "*", "*.json")); len(n) != 2 {
		t.Errorf("%d entries left, want the 2 that fit 1 MiB", len(n))
	}
}

// TestUnwritableStoreReportsOnce: a cache that cannot be written to (its directory is a file, or
// read-only) is reported once, the first time an answer cannot be stored; from then on the Store
// stores nothing, without trying, and still serves what it holds.
func TestUnwritableStoreReportsOnce(t *testing.T) {
	t.Run("not a directory", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "results")
		if err := os.WriteFile(dir, []byte("in the way"), 0o600); err != nil {
			t.Fatal(err)
		}
		var reported []error
		s := &Store{Dir: dir, OnStoreError: func(err error) { reported = append(reported, err) }}
		for _, speech := range []bool{false, true, false} {
			if _, err := s.Create(Key(req("aa")), speech); err == nil {
				t.Fatal("Create in a directory that is a file succeeded")
			}
		}
		if len(reported) != 1 || !strings.Contains(reported[0].Error(), "not a directory") {
			t.Errorf("reported %v; want one error, not a directory", reported)
		}
		if s.TrimIfStored() != nil || s.stored.Load() {
			t.Error("a Store that stored nothing trims")
		}
	})
	t.Run("read-only", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root writes into a read-only directory")
		}
		dir := t.TempDir()
		s := &Store{Dir: dir}
		key := Key(req("aa"))
		store(t, s, key, "kept before", nil)
		if err := os.Chmod(filepath.Join(dir, key[:2]), 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(filepath.Join(dir, key[:2]), 0o700) })
		var reported int
		s.OnStoreError = func(error) { reported++ }
		other := Key(Request{Service: "z", MediaSHA256: "aa"})
		for other[:2] != key[:2] { // an entry in the same, read-only, directory
			other = Key(Request{Service: other, MediaSHA256: "aa"})
		}
		w, err := s.Create(other, false)
		if err != nil {
			t.Fatal(err)
		}
		w.Text("new")
		if err := w.Commit(&api.Result{FinishReason: "stop", Usage: &api.Usage{}}); err == nil {
			t.Fatal("Commit into a read-only directory succeeded")
		}
		if _, err := s.Create(other, false); err != ErrUnwritable || reported != 1 {
			t.Errorf("after the failure: Create %v, reported %d times; want ErrUnwritable, once", err, reported)
		}
		if h, ok := s.Get(key, false); !ok || h.Text != "kept before" {
			t.Error("what the read-only cache holds is not served")
		}
	})
}

// TestHoldsLooksWithoutUsing: Holds answers as Get would, for a dry run, but marks nothing as used
// and removes nothing.
func TestHoldsLooksWithoutUsing(t *testing.T) {
	s := &Store{Dir: t.TempDir()}
	text, speech := Key(req("aa")), Key(req("bb"))
	store(t, s, text, "bonjour", nil)
	store(t, s, speech, "salut", []byte("pcm!"))
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	for _, k := range []string{text, speech} {
		if err := os.Chtimes(s.path(k, ".json"), old, old); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		key    string
		speech bool
		want   bool
	}{{text, false, true}, {text, true, false}, {speech, true, true}, {speech, false, false}, {Key(req("cc")), false, false}} {
		if got := s.Holds(tt.key, tt.speech); got != tt.want {
			t.Errorf("Holds(%s…, speech %v) = %v, want %v", tt.key[:6], tt.speech, got, tt.want)
		}
	}
	if info, err := os.Stat(s.path(text, ".json")); err != nil || !info.ModTime().Equal(old) {
		t.Errorf("Holds marked the entry as used (%v, %v)", info.ModTime(), err)
	}
	// A damaged entry: not held, and left for a run to remove.
	if err := os.WriteFile(s.path(speech, ".pcm"), []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if s.Holds(speech, true) {
		t.Error("a damaged entry is held")
	}
	if _, err := os.Stat(s.path(speech, ".json")); err != nil {
		t.Errorf("Holds removed the damaged entry: %v", err)
	}
}
