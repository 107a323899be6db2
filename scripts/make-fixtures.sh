#!/usr/bin/env bash
# make-fixtures.sh OUTDIR: generate the media the end-to-end tests use, with espeak-ng and ffmpeg.
#
# Generated rather than committed so the repository stays small and every format comes from the
# same few seconds of speech. Idempotent: OUTDIR/.complete holds the sha256 of this script and is
# written last, so a finished run is skipped and an interrupted or outdated one is redone.
set -euo pipefail

# shellcheck source=lib/stamp.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/stamp.sh"
stamp_init "$@"
if up_to_date; then
	echo "fixtures in $out are up to date"
	exit 0
fi

for tool in espeak-ng ffmpeg; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "make-fixtures: $tool not found: run scripts/install-deps.sh" >&2
		exit 1
	fi
done

mkdir -p "$out"
rm -f "$out/.complete"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }
made=()
mark() { made+=("$@"); }

# Sentences with pauses between them: the pauses are what the splitter looks for.
cat >"$work/speech.ssml" <<'SSML'
<speak>
Good morning, and welcome.
<break time="600ms"/>
Today we talk about the translation tool.
<break time="600ms"/>
It reads audio and video files.
<break time="600ms"/>
Thank you for listening.
</speak>
SSML
espeak-ng -v en-us -s 190 -m -f "$work/speech.ssml" -w "$out/speech.wav" # 22.05 kHz mono s16
mark speech.wav

ff -i "$out/speech.wav" -c:a libmp3lame -b:a 64k "$out/speech.mp3"
ff -i "$out/speech.wav" -c:a aac -b:a 64k "$out/speech.m4a"
ff -i "$out/speech.wav" -c:a aac -b:a 64k -f adts "$out/speech.aac"
ff -i "$out/speech.wav" -c:a flac "$out/speech.flac"
ff -i "$out/speech.wav" -c:a libvorbis -q:a 2 "$out/speech.ogg"
ff -i "$out/speech.wav" -c:a libopus -b:a 32k "$out/speech.opus"
ff -i "$out/speech.wav" -c:a libopus -b:a 32k -f webm "$out/speech-audio.webm"
mark speech.mp3 speech.m4a speech.aac speech.flac speech.ogg speech.opus speech-audio.webm

# AMR-NB: ffmpeg only encodes it when built with libopencore-amrnb; Debian's sox can.
if ffmpeg -hide_banner -encoders 2>/dev/null | grep -q libopencore_amrnb; then
	ff -i "$out/speech.wav" -ar 8000 -ac 1 -c:a libopencore_amrnb -b:a 12.2k "$out/speech.amr"
	mark speech.amr
elif command -v sox >/dev/null 2>&1 && sox -n -r 8000 -c 1 -t amr-nb "$work/probe.amr" trim 0 0.1 2>/dev/null; then
	sox "$out/speech.wav" -r 8000 -c 1 -t amr-nb "$out/speech.amr"
	mark speech.amr
else
	echo "make-fixtures: no AMR-NB encoder (ffmpeg without libopencore_amrnb, no sox amr-nb): speech.amr skipped" >&2
fi

# Video: a tiny test pattern under the speech, so the clips stay small and quick to encode.
video=(-f lavfi -i testsrc=size=160x120:rate=5 -i "$out/speech.wav" -shortest)
h264=(-c:v libx264 -preset ultrafast -pix_fmt yuv420p)
ff "${video[@]}" "${h264[@]}" -c:a aac -b:a 64k "$out/clip.mp4"
ff "${video[@]}" "${h264[@]}" -c:a aac -b:a 64k "$out/clip.mov"
ff "${video[@]}" "${h264[@]}" -c:a aac -b:a 64k "$out/clip.mkv"
ff "${video[@]}" -c:v libvpx -deadline realtime -b:v 100k -c:a libopus -b:a 32k "$out/clip.webm"
ff "${video[@]}" -c:v mpeg4 -q:v 10 -c:a libmp3lame -b:a 64k "$out/clip.avi"
mark clip.mp4 clip.mov clip.mkv clip.webm clip.avi

# Real recordings are not quiet between phrases: the same speech under pink noise 10 dB below
# it (noise at -30 dBFS RMS: anoisesrc pink at full amplitude is -14.4 dBFS; about where a phone or laptop microphone in a room sits), starting
# 0.4 s in; and 40 s of that noise alone, which has no speech to pay for. Seeded, so every run
# makes the same bytes.
ff -i "$out/speech.wav" -af "adelay=400,apad=pad_dur=0.6,aresample=16000" "$work/speech16.wav"
dur=$(ffprobe -v error -show_entries format=duration -of default=nw=1:nk=1 "$work/speech16.wav")
ff -f lavfi -i "anoisesrc=d=$dur:c=pink:r=16000:a=1:s=7" -af "volume=-15.6dB" -c:a pcm_s16le "$work/pink.wav"
ff -i "$work/speech16.wav" -i "$work/pink.wav" -filter_complex "[0:a][1:a]amix=inputs=2:normalize=0:duration=first" -c:a pcm_s16le "$out/noisy-speech.wav"
cp "$work/speech16.wav" "$out/noisy-speech.clean.wav"
ff -f lavfi -i "anoisesrc=d=40:c=pink:r=16000:a=1:s=11" -af "volume=-15.6dB" -c:a pcm_s16le "$out/noise.wav"
mark noisy-speech.wav noisy-speech.clean.wav noise.wav

# Inputs the tool must refuse or see through.
cp "$out/speech.mp3" "$out/mislabeled.wav"
printf 'These are meeting notes, not a recording.\n' >"$out/notes.txt"
ff -f lavfi -i color=c=blue:size=32x32 -frames:v 1 "$out/image.png"
head -c 20 "$out/speech.wav" >"$out/truncated.wav"
: >"$out/empty.wav"
mark mislabeled.wav notes.txt image.png truncated.wav empty.wav

echo "$script_sum" >"$out/.complete"
echo "made in $out:"
for f in "${made[@]}"; do
	printf '  %-20s %8d bytes\n' "$f" "$(wc -c <"$out/$f")"
done
