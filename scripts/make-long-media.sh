#!/usr/bin/env bash
# make-long-media.sh OUTDIR: generate the long recordings the splitting tests use, with espeak-ng
# and ffmpeg:
#   long-speech.wav  20 minutes of English speech with pauses, 16 kHz mono s16 (about 38 MB)
#   long-speech.mp3  the same at 64 kbit/s (about 9.6 MB)
#   long-video.mp4   6 minutes of a 640x360 test pattern over the same speech (about 12 MB):
#                    too big for one request, and longer than one re-encoded request holds
#
# A minute of sentences separated by pauses of 0.6-2 s (SSML breaks, so the pauses are digital
# silence that silencedetect finds at any threshold) is looped to length. Generated rather than
# committed to keep the repository small. Idempotent: OUTDIR/.complete holds the sha256 of this
# script and is written last, so a finished run is skipped and an interrupted or outdated one is
# redone; concurrent runs on one OUTDIR wait for each other where flock(1) exists.
set -euo pipefail

# shellcheck source=lib/stamp.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/stamp.sh"
stamp_init "$@"
if up_to_date; then
	echo "long media in $out are up to date"
	exit 0
fi

for tool in espeak-ng ffmpeg; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "make-long-media: $tool not found: run scripts/install-deps.sh" >&2
		exit 1
	fi
done

mkdir -p "$out"
if command -v flock >/dev/null 2>&1; then
	exec 9>"$out/.lock"
	flock 9
	if up_to_date; then # another run finished while this one waited
		echo "long media in $out are up to date"
		exit 0
	fi
fi
rm -f "$out/.complete"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }

cat >"$work/speech.ssml" <<'SSML'
<speak>
Good morning, everyone, and thank you for coming to this session on long recordings.
<break time="900ms"/>
Today we will look at how a translation tool handles lectures, meetings and podcasts that run for an hour or more.
<break time="700ms"/>
The service takes only a few minutes of speech in one request.
<break time="1200ms"/>
So the recording is cut into pieces, and each piece is sent on its own.
<break time="800ms"/>
The cuts fall in the pauses between sentences, never in the middle of a word.
<break time="1500ms"/>
Let me start with a short example from last week's meeting.
<break time="600ms"/>
The team discussed the budget for the next quarter, the hiring plan, and the new office in the north of the city.
<break time="1000ms"/>
Everyone agreed that the office should open in the spring.
<break time="700ms"/>
There were, however, some questions about the cost of the furniture and the rent.
<break time="1300ms"/>
After a long discussion the manager asked for three offers from different suppliers.
<break time="800ms"/>
That is where we will pick up next time.
<break time="2000ms"/>
</speak>
SSML
espeak-ng -v en-us -s 160 -m -f "$work/speech.ssml" -w "$work/minute.wav" # about 60 s, 22.05 kHz

# Files are made in the work dir and moved into place, so OUTDIR never holds a half-written one.
ff -stream_loop -1 -i "$work/minute.wav" -t 1200 -ar 16000 -ac 1 -c:a pcm_s16le "$work/long-speech.wav"
ff -i "$work/long-speech.wav" -c:a libmp3lame -b:a 64k "$work/long-speech.mp3"
# testsrc2 changes every frame, so the encoder spends the bit rate it is given: 205k video and
# 64k audio for 360 s is about 12 MB.
ff -f lavfi -i testsrc2=size=640x360:rate=5 -i "$work/long-speech.wav" -t 360 -map 0:v -map 1:a \
	-c:v libx264 -preset ultrafast -b:v 205k -maxrate 205k -bufsize 410k -pix_fmt yuv420p \
	-c:a aac -b:a 64k -ac 1 "$work/long-video.mp4"

made=(long-speech.wav long-speech.mp3 long-video.mp4)
for f in "${made[@]}"; do
	mv -f "$work/$f" "$out/$f"
done
echo "$script_sum" >"$out/.complete"
echo "made in $out:"
for f in "${made[@]}"; do
	printf '  %-16s %9d bytes\n' "$f" "$(wc -c <"$out/$f")"
done
