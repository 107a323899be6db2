#!/usr/bin/env bash
# make demo: start the project's emulator on loopback and translate a sample recording through it,
# text streaming to the terminal and speech to a WAV. No API key is needed: the emulator has its own.
set -euo pipefail
cd "$(dirname "$0")/.."

out=demo-out
mkdir -p "$out"
# The demo keeps to a config, usage ledger and cache of its own: the user's stay untouched.
xdg=$(mktemp -d)
export XDG_CONFIG_HOME="$xdg/config" XDG_STATE_HOME="$xdg/state" XDG_CACHE_HOME="$xdg/cache"
fifo=$(mktemp -u)
mkfifo "$fifo"
./bin/fakeapi -addr 127.0.0.1:0 -key demo-key -chunk-delay 60ms >"$fifo" &
emu=$!
trap 'kill $emu 2>/dev/null; rm -f "$fifo"; rm -rf "$xdg"' EXIT
read -r url <"$fifo"
cat "$fifo" >/dev/null &

export DASHSCOPE_API_KEY=demo-key DASHSCOPE_BASE_URL="$url"
sample=testdata/media/speech.mp3
echo "== emulator at $url"
echo "== livetranslate translate $sample --to French --audio-out $out/speech.fr.wav -v"
./bin/livetranslate translate "$sample" --to French --audio-out "$out/speech.fr.wav" --overwrite -v
echo "== the speech file, as ffprobe reads it:"
ffprobe -v error -show_entries stream=codec_name,sample_rate,channels:format=duration -of default=noprint_wrappers=1 "$out/speech.fr.wav"
echo "== livetranslate translate testdata/media/clip.mp4 --from English --to Japanese --format json"
./bin/livetranslate translate testdata/media/clip.mp4 --from English --to Japanese --format json
echo "== livetranslate live $sample --realtime --to German --timestamps (played at its own pace: each line as its sentence ends)"
./bin/livetranslate live "$sample" --realtime --follow 0 --to German --timestamps
echo "== livetranslate usage (the demo's own ledger, removed at the end)"
./bin/livetranslate usage
