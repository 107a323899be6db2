#!/usr/bin/env bash
# peer-curl.sh FILE [FORMAT] [TARGET]: the vendor's curl example for qwen3-livetranslate-flash
# (POST {base}/chat/completions with a JSON body, streamed answer printed as it comes), with a
# local file sent as a Base64 data URI as the guide says. It is the peer `make bench` measures
# livetranslate against, so it stays as a user would adapt it, with one change forced on it: the
# body goes through a file (-d @FILE), because a data URI over 128 KiB cannot be one command-line
# argument (Linux's MAX_ARG_STRLEN: "Argument list too long").
# Environment: DASHSCOPE_API_KEY, DASHSCOPE_BASE_URL (default: the Singapore endpoint).
set -euo pipefail

if [[ $# -lt 1 ]]; then
	echo "usage: $0 FILE [FORMAT] [TARGET]" >&2
	exit 2
fi
file=$1
format=${2:-wav}
target=${3:-en}
base=${DASHSCOPE_BASE_URL:-https://dashscope-intl.aliyuncs.com/compatible-mode/v1}

body=$(mktemp "${TMPDIR:-/tmp}/peer-curl-body.XXXXXX")
trap 'rm -f "$body"' EXIT
{
	printf '{"model": "qwen3-livetranslate-flash", "messages": [{"role": "user", "content": [{"type": "input_audio", "input_audio": {"data": "data:audio/%s;base64,' "$format"
	base64 -w0 "$file"
	printf '", "format": "%s"}}]}], "modalities": ["text"], "stream": true, "stream_options": {"include_usage": true}, "translation_options": {"target_lang": "%s"}}' "$format" "$target"
} >"$body"

curl -sS -X POST "$base/chat/completions" \
	-H "Authorization: Bearer $DASHSCOPE_API_KEY" \
	-H "Content-Type: application/json" \
	-d @"$body"
