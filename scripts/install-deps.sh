#!/usr/bin/env bash
# install-deps.sh: install the media tools livetranslate and its tests use, if any is missing:
# ffmpeg (which brings ffprobe; needed to convert and split media), espeak-ng and sox (used to
# make test media), and a C compiler with the C library's headers (gcc, libc6-dev: cgo, which
# go test -race needs). Idempotent: with everything present it only says so.
set -euo pipefail

missing_tools=()
packages=()
need() { # need TOOL PACKAGE
	if ! command -v "$1" >/dev/null 2>&1; then
		missing_tools+=("$1")
		if [[ " ${packages[*]-} " != *" $2 "* ]]; then
			packages+=("$2")
		fi
	fi
}
need ffmpeg ffmpeg
need ffprobe ffmpeg
need espeak-ng espeak-ng
need sox sox
need gcc gcc
# The C library's headers (libc6-dev on Debian): a compiler without them cannot build cgo code.
has_libc_headers() {
	command -v gcc >/dev/null 2>&1 && printf '#include <stdlib.h>\nint main(void) { return 0; }\n' | gcc -fsyntax-only -x c - >/dev/null 2>&1
}
if [[ $(uname -s) == Linux ]]; then
	if ! command -v gcc >/dev/null 2>&1; then
		packages+=(libc6-dev)
	elif ! has_libc_headers; then
		missing_tools+=("C headers")
		packages+=(libc6-dev)
	fi
fi

if [[ ${#missing_tools[@]} -eq 0 ]]; then
	echo "install-deps: ffmpeg, ffprobe, espeak-ng, sox and gcc (with the C headers) are already installed"
	exit 0
fi
echo "install-deps: missing ${missing_tools[*]}"

case "$(uname -s)" in
Darwin)
	echo "install-deps: on macOS, install them with Homebrew: brew install ${packages[*]} (for gcc, the Xcode command line tools: xcode-select --install)" >&2
	exit 1
	;;
Linux)
	if ! command -v apt-get >/dev/null 2>&1; then
		echo "install-deps: no apt-get here; install these packages with your system's package manager: ${packages[*]}" >&2
		exit 1
	fi
	sudo=()
	if [[ $(id -u) -ne 0 ]]; then
		if ! command -v sudo >/dev/null 2>&1; then
			echo "install-deps: not root and no sudo; as root run: apt-get install ${packages[*]}" >&2
			exit 1
		fi
		sudo=(sudo)
	fi
	echo "install-deps: apt-get install ${packages[*]}"
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${packages[@]}"
	;;
*)
	echo "install-deps: unsupported system $(uname -s); install these yourself: ${packages[*]}" >&2
	exit 1
	;;
esac

# Check what was promised actually arrived, rather than trusting the package names.
still=()
for tool in "${missing_tools[@]}"; do
	if [[ $tool == "C headers" ]]; then
		has_libc_headers || still+=("$tool")
	else
		command -v "$tool" >/dev/null 2>&1 || still+=("$tool")
	fi
done
if [[ ${#still[@]} -ne 0 ]]; then
	echo "install-deps: installed ${packages[*]}, but still missing: ${still[*]}" >&2
	exit 1
fi
echo "install-deps: installed ${packages[*]}"
