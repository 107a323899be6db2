# livetranslate: `make demo` shows the whole job against the local emulator (no key needed);
# `make test` installs what the tests need and runs them. Both work on a fresh machine.

GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/livetranslate/livetranslate/cmd.version=$(VERSION)
MEDIA   := testdata/media
FUZZTIME ?= 5s

.PHONY: all build emulator deps fixtures test vet fuzz demo bench clean

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/livetranslate .

emulator:
	$(GO) build -trimpath -o bin/fakeapi ./internal/fakeapi/cmd/fakeapi

# ffmpeg/ffprobe, espeak-ng and sox from Debian's packages, installed only where missing.
deps:
	@bash scripts/install-deps.sh

# Test media made with espeak-ng and ffmpeg (not committed; rebuilt when the script changes).
fixtures: deps
	@bash scripts/make-fixtures.sh $(MEDIA)

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

# Brief runs of the fuzz targets over their committed seed corpora and fresh inputs.
fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzSSE$$' -fuzztime=$(FUZZTIME) ./internal/api/
	$(GO) test -run='^$$' -fuzz='^FuzzStream$$' -fuzztime=$(FUZZTIME) ./internal/api/
	$(GO) test -run='^$$' -fuzz='^FuzzParse$$' -fuzztime=$(FUZZTIME) ./internal/lang/

test: fixtures vet
	$(GO) test -count=1 ./...
	$(MAKE) --no-print-directory fuzz

demo: build emulator fixtures
	@bash scripts/demo.sh

bench: build emulator fixtures
	$(GO) test -run='^$$' -bench=. -benchmem ./...

clean:
	rm -rf bin $(MEDIA) demo-out
