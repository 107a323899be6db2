# livetranslate: `make demo` shows the whole job against the local emulator (no key needed);
# `make test` installs what the tests need and runs them. Both work on a fresh machine.

GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/livetranslate/livetranslate/cmd.version=$(VERSION)
MEDIA   := testdata/media
FUZZTIME ?= 20000x

# staticcheck, installed into bin/ from the Go module proxy at this version (honnef.co/go/tools
# v0.8.2 is staticcheck 2026.2.2, the newest served that builds and runs with Go 1.26).
STATICCHECK_VERSION := v0.8.2

# The packages run again under the race detector: those whose code or tests run goroutines over
# shared state (worker pools, throttles, streams read and written at once, the emulator's
# handlers, the ledger's concurrent recorder, the progress line); about 2 minutes, 4-5 when the
# race build of the packages is not cached yet. The root package is left out: its end-to-end tests
# (3.5 minutes as they are) run the command as child processes and some measure its peak memory,
# both of which -race multiplies. A listed directory that no longer exists is skipped, so a
# package's removal or rename does not break the target.
RACE_DIRS := cmd internal/api internal/batch internal/ctxio internal/fakeapi internal/fakeapi/cmd/fakeapi internal/progress internal/run \
	internal/pipeline internal/ledger internal/split internal/translate internal/atomicfile internal/live
RACE_PKGS := $(addprefix ./,$(wildcard $(RACE_DIRS)))

.PHONY: all build emulator deps fixtures test vet tidy staticcheck lint race fuzz demo bench eval man release clean

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/livetranslate .

emulator:
	$(GO) build -trimpath -o bin/fakeapi ./internal/fakeapi/cmd/fakeapi

# ffmpeg/ffprobe, espeak-ng and sox from Debian's packages, and gcc with the C library's headers
# (cgo, which the race detector needs), installed only where missing.
deps:
	@bash scripts/install-deps.sh

# Test media made with espeak-ng and ffmpeg (not committed; rebuilt when the script changes).
fixtures: deps
	@bash scripts/make-fixtures.sh $(MEDIA)

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

# go.mod and go.sum as go mod tidy would write them; -diff changes nothing and fails on a difference.
tidy:
	@$(GO) mod tidy -diff || { echo "go.mod/go.sum are not tidy: run go mod tidy and commit the result"; exit 1; }

staticcheck:
	@if ! bin/staticcheck -version 2>/dev/null | grep -qF '($(STATICCHECK_VERSION:v%=%))'; then \
	  echo "installing staticcheck $(STATICCHECK_VERSION) into bin/"; rm -f bin/staticcheck; \
	  GOBIN=$(CURDIR)/bin $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION); \
	fi
	bin/staticcheck ./...

lint: vet tidy staticcheck

race:
	CGO_ENABLED=1 $(GO) test -race -count=1 $(RACE_PKGS)

# Brief runs of the fuzz targets over their committed seed corpora and fresh inputs: a count of
# inputs rather than a duration, since a duration can end mid-input on a busy machine and the fuzz
# engine then reports "context deadline exceeded" as a failure.
fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzSSE$$' -fuzztime=$(FUZZTIME) ./internal/api/
	$(GO) test -run='^$$' -fuzz='^FuzzStream$$' -fuzztime=$(FUZZTIME) ./internal/api/
	$(GO) test -run='^$$' -fuzz='^FuzzDecodeChunk$$' -fuzztime=$(FUZZTIME) ./internal/api/
	$(GO) test -run='^$$' -fuzz='^FuzzEncodeBase64$$' -fuzztime=$(FUZZTIME) ./internal/api/
	$(GO) test -run='^$$' -fuzz='^FuzzParse$$' -fuzztime=$(FUZZTIME) ./internal/lang/
	$(GO) test -run='^$$' -fuzz='^FuzzHeaderReaders$$' -fuzztime=$(FUZZTIME) ./internal/media/

test: fixtures lint
	$(GO) test -count=1 -timeout 30m ./...
	$(MAKE) --no-print-directory race
	$(MAKE) --no-print-directory fuzz

demo: build emulator fixtures
	@bash scripts/demo.sh

# The performance suite (scripts/bench, README "Performance"): the built command against the
# emulator on loopback, beside the vendor's Node SDK and curl examples; prints one table and
# writes it to bench/results/<date>-<rev>.json. About 8 minutes (3 of them the live group, whose
# source plays in real time); its generated inputs (about 1.5 GB) stay in
# $TMPDIR/livetranslate-bench. BENCHFLAGS='-only memory,batch -peers=false' runs a part.
BENCHFLAGS ?=
bench: build fixtures
	$(GO) run ./scripts/bench -bin bin/livetranslate $(BENCHFLAGS)

# The speech/pause finder's evaluation (scripts/eval, docs/eval.md): a generated set of speech
# with known pauses under 15 conditions (about 155 MB, 20-30 s to make, kept in $(EVALSET)), the
# old and new finder scored side by side; prints one table and writes it to
# bench/results/eval-<date>.json. Not part of make test: it measures, it does not pass or fail.
EVALSET ?= $${TMPDIR:-/tmp}/livetranslate-eval
eval: deps
	@bash scripts/make-eval-set.sh $(EVALSET)
	@mkdir -p bench/results
	$(GO) run ./scripts/eval -set $(EVALSET) -out bench/results/eval-$$(date +%Y-%m-%d-%H%M%S).json

# Man pages, one per command (livetranslate.1, livetranslate-translate.1, …), generated from the
# command tree by scripts/man with cobra's doc package into bin/man: `man -l bin/man/livetranslate.1`.
# They are dated by the last commit, so one commit gives the same pages byte for byte.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || date +%s)
man:
	@rm -rf bin/man
	SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) $(GO) run ./scripts/man -out bin/man -version $(VERSION)

# Static binaries for every platform below, into dist/ (emptied first) as
# livetranslate_<version>_<os>_<arch>[.exe], with the version stamped (what `livetranslate
# version` prints: git describe, so a tag v1.2.0 gives v1.2.0), and dist/SHA256SUMS
# (cd dist && sha256sum -c SHA256SUMS). cgo is off: the SQLite ledger is pure Go, so nothing links
# against the C library and each binary runs on any machine of its platform.
PLATFORMS := linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64
release:
	@rm -rf dist && mkdir -p dist
	@for p in $(PLATFORMS); do \
	  os=$${p%/*}; arch=$${p#*/}; ext=; [ $$os = windows ] && ext=.exe; \
	  out=dist/livetranslate_$(VERSION)_$${os}_$${arch}$$ext; echo "$$out"; \
	  CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $$out . || exit 1; \
	done
	cd dist && sha256sum livetranslate_* > SHA256SUMS

clean:
	rm -rf bin dist $(MEDIA) demo-out
