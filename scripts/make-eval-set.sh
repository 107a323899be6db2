#!/usr/bin/env bash
# make-eval-set.sh OUTDIR: generate the evaluation set for the speech/pause finder (docs/eval.md).
#
# A few clean recordings (espeak-ng speech and real voice prompts that Debian ships), each with
# its true speech spans measured on the clean signal, and each mixed with noise, babble, hum,
# reverberation, music and room tone at known levels, so the finder can be scored against a truth
# that the noise did not touch. Everything is deterministic: fixed texts, fixed noise seeds.
#
# Idempotent like make-fixtures.sh: OUTDIR/.complete holds the sha256 of this script and is
# written last, so a finished run is skipped and an interrupted or outdated one is redone. The
# human recordings are kept in OUTDIR/sources/ once fetched, so a redo does not fetch them again.
set -euo pipefail

# shellcheck source=lib/stamp.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/stamp.sh"
stamp_init "$@"
if up_to_date; then
	echo "evaluation set in $out is up to date"
	exit 0
fi

for tool in espeak-ng ffmpeg sox awk; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "make-eval-set: $tool not found: run scripts/install-deps.sh" >&2
		exit 1
	fi
done

mkdir -p "$out/sources"
rm -f "$out/.complete" "$out"/*.wav "$out"/*.json
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
started=$SECONDS

rate=16000
level=-20 # active speech level of every clean file, dBFS RMS over its speech spans

ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }
# Every WAV in the set is 16 kHz mono 16-bit. sox runs without dither (-D: it is random, would
# change the set from run to run and would fill digital silence with noise) and repeatable (-R:
# seeded, for synth's pluck); -V1 keeps its clipping warnings out of the way (clipping is counted
# and reported instead, see mix).
sox() { command sox -D -R "$@"; }
sx() { sox -V1 "$@"; }
fmt=(-r "$rate" -c 1 -b 16)

samples() { soxi -s "$1"; }
seconds() { awk -v n="$(samples "$1")" -v r="$rate" 'BEGIN { printf "%.6f", n / r }'; }
rms_db() { sox "$1" -n stats 2>&1 | awk '/^RMS lev dB/ { print $4 }'; }
calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }
# clipped: the number of clipped samples in sox's warnings (-V2) on stdin.
clipped() { awk '/clipped/ { for (i = 1; i <= NF; i++) if ($i == "clipped") n += $(i + 1) } END { print n + 0 }'; }

# speech_spans WAV: the true speech spans of a clean WAV, one "start end" line each, in seconds.
# Pauses are what ffmpeg's silencedetect finds at -50 dBFS lasting 0.1 s or more (the clean
# signals have digital silence or gated studio silence between phrases, so this is exact to a few
# ms); speech is the rest, less slivers under 0.05 s.
speech_spans() {
	ffmpeg -nostdin -hide_banner -nostats -i "$1" -af silencedetect=noise=-50dB:d=0.1 -f null - 2>&1 |
		awk -v dur="$(seconds "$1")" '
			function speech(a, b) { if (b - a >= 0.05) printf "%.3f %.3f\n", a, b }
			/silence_start:/ { for (i = 1; i < NF; i++) if ($i == "silence_start:") s = $(i + 1) + 0
				if (s < 0) s = 0; open = 1 }
			/silence_end:/ { for (i = 1; i < NF; i++) if ($i == "silence_end:") e = $(i + 1) + 0
				speech(pos, s); pos = e; open = 0 }
			END { if (open) { speech(pos, s); pos = dur } speech(pos, dur) }'
}

# A clean file is assembled from parts: espeak-ng speech (SSML, so <break/> places pauses inside
# it) and stretches of digital silence of a known length.
parts=()
say() { # say VOICE WPM SSML-BODY
	local n=${#parts[@]}
	printf '<speak>%s</speak>\n' "$3" >"$work/part$n.ssml"
	espeak-ng -v "$1" -s "$2" -m -f "$work/part$n.ssml" -w "$work/part$n.raw.wav"
	sx "$work/part$n.raw.wav" "${fmt[@]}" "$work/part$n.wav"
	parts+=("$work/part$n.wav")
}
gap() { # gap SECONDS
	local n=${#parts[@]}
	sx -n "${fmt[@]}" "$work/part$n.wav" trim 0 "$1"
	parts+=("$work/part$n.wav")
}
recording() { # recording FILE: a real recording, resampled
	local n=${#parts[@]}
	sx "$1" "${fmt[@]}" "$work/part$n.wav" remix -
	parts+=("$work/part$n.wav")
}

cleans=()
declare -A describe=()
# assemble NAME DESCRIPTION: join the parts, bring the speech to $level dBFS and write the truth.
assemble() {
	local name=$1 raw="$work/$1.raw.wav"
	sx "${parts[@]}" "$raw"
	parts=()
	# The pauses are (near) digital silence, so the energy of the whole file is the energy of its
	# speech: the level over the speech spans is the file's RMS raised by 10*log10(total/speech).
	local spans total speech active
	spans=$(speech_spans "$raw")
	total=$(seconds "$raw")
	speech=$(awk '{ s += $2 - $1 } END { printf "%.6f", s }' <<<"$spans")
	active=$(calc "$(rms_db "$raw") + 10 * log($total / $speech) / log(10)")
	# A plain gain, no limiter (sox's gain -l compresses well below full scale and misses the
	# level by a few tenths of a dB): the few peaks of espeak-ng's voices that go over full scale
	# are clipped, and counted.
	sox -V2 "$raw" "${fmt[@]}" "$work/$name.wav" gain "$(calc "$level - ($active)")" 2>&1 | clipped >"$work/$name.clipped"
	speech_spans "$work/$name.wav" >"$work/$name.spans"
	cleans+=("$name")
	describe[$name]=$2
}

# --- Clean speech: espeak-ng ----------------------------------------------------------------------
# Pauses of 0.2-2 s between phrases (several of 0.2-0.35 s, the hardest to find), phrases of 3-6 s
# without a pause, and one long stretch of nothing per file (where nothing should be sent).

gap 0.8
say en-us 175 'Good morning and welcome to the weekly review of the translation project.<break time="300ms"/>
Today we look at three questions.<break time="800ms"/>
First we check how the new release behaved in the field over the last seven days.<break time="250ms"/>
Then we talk about costs.<break time="1200ms"/>
Finally we plan the work for the coming month and decide who takes which part.<break time="2s"/>'
say en+f3 150 'Thank you.<break time="350ms"/>
The release went out on Monday morning as planned.<break time="200ms"/>
Most users updated within two days and reported no trouble at all with the new version.<break time="500ms"/>
A few people on older laptops saw slow start up times.<break time="300ms"/>
We traced that to a missing cache directory and fixed it on Wednesday.'
gap 6.5
say en-gb 200 'On costs the picture is good.<break time="250ms"/>
We spent eleven percent less than in the previous month while the number of translated minutes grew by almost a third.<break time="700ms"/>
The largest saving came from sending shorter pieces of audio.<break time="220ms"/>
Silence is no longer sent to the service at all.<break time="1s"/>
That alone saved about four hundred dollars.<break time="2s"/>'
say en-us 140 'For next month we plan two things.<break time="300ms"/>
We want better subtitles for fast speakers and a cleaner split of long recordings into parts that end between sentences.<break time="600ms"/>
Questions are welcome at any time.<break time="250ms"/>
Thank you all for listening.'
gap 1.0
assemble tts-en-meeting "espeak-ng en-us 175 and 140 wpm, en+f3 150 wpm, en-gb 200 wpm; a 6.5 s gap"

gap 0.5
say en-us+m3 190 'The lighthouse keeper woke before dawn as he had done for thirty years.<break time="250ms"/>
He climbed the narrow stairs with a lamp in one hand and a cup of tea in the other.<break time="900ms"/>
Outside the wind had turned.<break time="200ms"/>
Rain was coming from the west.<break time="1500ms"/>'
say en-us+f2 130 'At the top he checked the glass.<break time="330ms"/>
It was clean.<break time="280ms"/>
He wrote the time in the book and looked out over the grey water.<break time="2s"/>'
gap 12
say en-gb 165 'A small boat was moving slowly toward the harbour with its engine running rough.<break time="350ms"/>
He watched it for a long while.<break time="700ms"/>
When it reached the breakwater he went back down the stairs to put the kettle on again.<break time="240ms"/>
The morning had begun.<break time="1200ms"/>
Later that day the storm arrived and the boats stayed in the harbour until the evening.'
say en+f3 185 'That night he read by the fire.<break time="400ms"/>
The wind rattled the windows but the light turned above him without a pause.<break time="900ms"/>
Near midnight the radio crackled with a message from the coast guard about a missing fishing boat.<break time="230ms"/>
He put on his coat.<break time="1800ms"/>'
say en-us 155 'By morning the boat was found safe in a small bay to the north.<break time="320ms"/>
Its crew had waited out the storm at anchor and came home tired and hungry but unharmed.<break time="600ms"/>
The keeper wrote it all down in the book.'
gap 1.2
assemble tts-en-story "espeak-ng en-us+m3 190 wpm, en-us+f2 130 wpm, en-gb 165 wpm, en+f3 185 wpm, en-us 155 wpm; a 12 s gap"

gap 0.6
say de 160 'Guten Tag und herzlich willkommen zu unserer kleinen Reise durch Europa.<break time="300ms"/>
Wir beginnen in Berlin an einem kalten Morgen im Februar.<break time="250ms"/>
Die Straßen sind noch leer.<break time="1s"/>
Ein Bus fährt langsam über die Brücke und verschwindet hinter den alten Häusern am Fluss.<break time="2s"/>'
say fr-fr 175 'Nous arrivons ensuite à Paris.<break time="220ms"/>
Les cafés ouvrent leurs portes et les premiers clients lisent le journal en silence.<break time="600ms"/>
Il fait déjà plus doux.<break time="350ms"/>
Une femme traverse la place avec un grand bouquet de fleurs jaunes dans les bras.'
gap 8
say es 190 'Por la tarde llegamos a Madrid.<break time="300ms"/>
El sol calienta las plazas y los niños juegan al fútbol entre los árboles del parque.<break time="800ms"/>
Nadie tiene prisa.<break time="200ms"/>
Cenamos tarde como todo el mundo aquí.<break time="1500ms"/>'
say it 150 'La sera arriviamo a Roma.<break time="280ms"/>
Le strade sono piene di gente e di motorini che passano veloci davanti alle fontane illuminate.<break time="1200ms"/>
Mangiamo una pizza in una piccola trattoria.<break time="210ms"/>
Il cameriere racconta storie della sua città.<break time="700ms"/>'
say en-us 170 'And that is where our journey ends.<break time="260ms"/>
Three cities in one day and a long train ride home through the dark countryside.'
gap 1.0
assemble tts-de-fr-es "espeak-ng de 160 wpm, fr-fr 175 wpm, es 190 wpm, it 150 wpm, en-us 170 wpm; an 8 s gap"

# --- Clean speech: real voices ----------------------------------------------------------------------
# Debian ships studio recordings of real voices: the Asterisk prompts read by Allison Smith
# (asterisk-core-sounds-en-wav, CC-BY-SA-3.0, 8 kHz, with gated near-digital silence between
# sentences) and ALSA's speaker-test voice ("Front Left", ..., alsa-utils, GPL-2, 48 kHz). Their
# packages are fetched with apt-get download and unpacked with dpkg-deb (nothing is installed);
# the files used are kept in OUTDIR/sources/ with the packages' copyright files.
asterisk_dir=usr/share/asterisk/sounds/en_US_f_Allison
asterisk_files=(demo-congrats priv-callee-options demo-echotest)
alsa_dir=usr/share/sounds/alsa
alsa_files=(Front_Center Front_Left Rear_Right Side_Left)

have_sources() {
	local f
	for f in "${asterisk_files[@]}"; do [[ -s $out/sources/asterisk/$f.wav ]] || return 1; done
	for f in "${alsa_files[@]}"; do [[ -s $out/sources/alsa/$f.wav ]] || return 1; done
}
fetch_sources() {
	command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1 || return 1
	local pkgs=(asterisk-core-sounds-en-wav alsa-utils)
	# apt-get download writes into the current directory.
	if ! (cd "$work" && apt-get download "${pkgs[@]}" >/dev/null 2>&1); then
		# A machine whose package lists were never fetched knows no packages; as root, fetch them.
		[[ $(id -u) -eq 0 ]] || return 1
		apt-get update -q >/dev/null 2>&1 || return 1
		(cd "$work" && apt-get download "${pkgs[@]}" >/dev/null 2>&1) || return 1
	fi
	mkdir -p "$work/deb" "$out/sources/asterisk" "$out/sources/alsa"
	local deb f
	: >"$out/sources/PACKAGES"
	for deb in "$work"/*.deb; do
		dpkg-deb -x "$deb" "$work/deb"
		printf '%s %s\n' "$(dpkg-deb -f "$deb" Package)" "$(dpkg-deb -f "$deb" Version)" >>"$out/sources/PACKAGES"
	done
	for f in "${asterisk_files[@]}"; do cp "$work/deb/$asterisk_dir/$f.wav" "$out/sources/asterisk/"; done
	for f in "${alsa_files[@]}"; do cp "$work/deb/$alsa_dir/$f.wav" "$out/sources/alsa/"; done
	cp "$work/deb/usr/share/doc/asterisk-core-sounds-en-wav/copyright" "$out/sources/asterisk/copyright"
	cp "$work/deb/usr/share/doc/alsa-utils/copyright" "$out/sources/alsa/copyright"
}

if have_sources || { fetch_sources && have_sources; }; then
	src=$out/sources
	gap 0.8
	recording "$src/asterisk/demo-congrats.wav"
	gap 1.2
	recording "$src/alsa/Front_Center.wav"
	gap 0.25
	recording "$src/asterisk/priv-callee-options.wav"
	gap 0.3
	recording "$src/alsa/Front_Left.wav"
	gap 9
	recording "$src/asterisk/demo-echotest.wav"
	gap 0.6
	recording "$src/alsa/Rear_Right.wav"
	gap 0.22
	recording "$src/alsa/Side_Left.wav"
	gap 1.5
	assemble human-allison "Asterisk prompts read by Allison Smith (asterisk-core-sounds-en-wav, CC-BY-SA-3.0: demo-congrats, priv-callee-options, demo-echotest) and ALSA's speaker-test voice (alsa-utils, GPL-2: Front_Center, Front_Left, Rear_Right, Side_Left), joined by digital silence of 0.22-1.5 s and one 9 s gap"
else
	echo "make-eval-set: could not fetch asterisk-core-sounds-en-wav and alsa-utils with apt-get download: the set has no human recording" >&2
fi

# --- Interference beds ----------------------------------------------------------------------------
# One bed per kind, longer than any clean file; each clean file takes its own stretch of it.
longest=0
for name in "${cleans[@]}"; do
	longest=$(awk -v a="$longest" -v b="$(seconds "$work/$name.wav")" 'BEGIN { print (b > a ? b : a) }')
done
bedlen=$(calc "$longest + 8 * ${#cleans[@]} + 2")
bed() { echo "$work/bed-$1.wav"; }

noise() { # noise COLOR SEED OUT
	ff -f lavfi -i "anoisesrc=color=$1:seed=$2:sample_rate=$rate:amplitude=0.5:duration=$bedlen" \
		-c:a pcm_s16le "$3.tmp.wav"
	# ffmpeg's brown noise wanders; a high-pass at 20 Hz keeps it from drifting off zero, as any
	# real recording chain would.
	sx "$3.tmp.wav" "${fmt[@]}" "$3" highpass 20
}
noise pink 11 "$(bed pink)"
noise brown 12 "$(bed brown)"
noise pink 13 "$(bed pink-light)"
noise pink 14 "$work/room-pink.wav"

# Mains hum: 50 Hz and its odd harmonics, as a ground loop or a transformer puts them in.
ff -f lavfi -i "aevalsrc=0.5*sin(2*PI*50*t)+0.3*sin(2*PI*150*t)+0.2*sin(2*PI*250*t):s=$rate:d=$bedlen" \
	-c:a pcm_s16le "$(bed hum)"

# Room tone: rumbly pink noise (low-passed) and a faint hum 15 dB under it.
sx "$work/room-pink.wav" "$work/room-lp.wav" lowpass 400
sx "$work/room-lp.wav" "$work/room-lp2.wav" gain "$(calc "-50 - ($(rms_db "$work/room-lp.wav"))")"
sx "$(bed hum)" "$work/room-hum.wav" gain "$(calc "-65 - ($(rms_db "$(bed hum)"))")"
sx -m -v 1 "$work/room-lp2.wav" -v 1 "$work/room-hum.wav" "${fmt[@]}" "$(bed roomtone)"

# Babble: three other voices reading other texts, their own pauses cut out so the babble goes on
# through the speech's pauses, each looped to the bed's length and mixed.
babble_voice() { # babble_voice N VOICE WPM TEXT
	espeak-ng -v "$2" -s "$3" -w "$work/babble$1.raw.wav" "$4"
	sx "$work/babble$1.raw.wav" "${fmt[@]}" "$work/babble$1.cut.wav" silence -l 1 0.02 -45d -1 0.08 -45d
	local reps
	reps=$(awk -v b="$bedlen" -v l="$(seconds "$work/babble$1.cut.wav")" 'BEGIN { print int(b / l) + 1 }')
	sx "$work/babble$1.cut.wav" "$work/babble$1.wav" repeat "$reps" trim 0 "$bedlen"
	sx "$work/babble$1.wav" "$work/babble$1.n.wav" gain "$(calc "-30 - ($(rms_db "$work/babble$1.wav"))")"
}
babble_voice 1 en-gb+m1 165 "The committee met again on Thursday to discuss the budget for the new library building, which has been delayed twice already because of rising costs and a shortage of builders in the region. Several members argued that the project should be reduced in size, while others insisted that the town had waited long enough and deserved the full plan."
babble_voice 2 en-us+f4 180 "Remember to water the tomatoes every evening when the weather is this hot, and move the basil into the shade before noon. If the leaves turn yellow, give them less water rather than more, and check the soil with your finger before you reach for the can."
babble_voice 3 nl 170 "In de winter is het op het platteland vaak stil en donker, maar in de kleine dorpen branden de lampen tot laat in de avond. Mensen drinken koffie bij elkaar en praten over het weer, over de oogst en over de kinderen die in de stad zijn gaan wonen."
sx -m -v 1 "$work/babble1.n.wav" -v 1 "$work/babble2.n.wav" -v 1 "$work/babble3.n.wav" "${fmt[@]}" "$(bed babble)"

# Music: a four-chord loop (Am F C G), a sustained pad under a plucked arpeggio of eighth notes at
# 120 bpm, so it has both a steady bed and rhythmic onsets, as background music does.
chord() { # chord N NOTE1 NOTE2 NOTE3 NOTE4(arpeggio top)
	sox -V1 -n -r "$rate" -c 3 -b 16 -t wav - synth 2 sine "$2" sine "$3" sine "$4" |
		sx - "$work/pad$1.wav" remix - gain -12 fade t 0.05 2 0.05
	local notes=() k
	for k in 2 3 4 5 4 3 2 3; do
		sx -n "${fmt[@]}" "$work/note$1-$k.wav" synth 0.25 pluck "${!k}" gain -8
		notes+=("$work/note$1-$k.wav")
	done
	sx "${notes[@]}" "$work/arp$1.wav"
	sx -m -v 1 "$work/pad$1.wav" -v 1 "$work/arp$1.wav" "${fmt[@]}" "$work/chord$1.wav"
}
chord 1 A3 C4 E4 A4
chord 2 F3 A3 C4 F4
chord 3 C4 E4 G4 C5
chord 4 G3 B3 D4 G4
sx "$work/chord1.wav" "$work/chord2.wav" "$work/chord3.wav" "$work/chord4.wav" "$work/loop.wav"
sx "$work/loop.wav" "$(bed music)" repeat "$(awk -v b="$bedlen" 'BEGIN { print int(b / 8) + 1 }')" trim 0 "$bedlen"

# --- Conditions ---------------------------------------------------------------------------------
# Each condition is the clean speech plus an interference track of exactly its length; the SNR is
# the speech's level over its true spans against the interference track's RMS.

# take BED OFFSET N DBFS OUT: N samples of BED from OFFSET seconds, at DBFS RMS.
take() {
	sx "$1" "$5.tmp.wav" trim "$2" "${3}s"
	sx "$5.tmp.wav" "$5" gain "$(calc "$4 - ($(rms_db "$5.tmp.wav"))")"
	rm -f "$5.tmp.wav"
}

conditions=(clean pink-60 pink-45 pink-35 pink-30 pink-25 brown-45 brown-35 brown-30 brown-25
	babble hum reverb music roomtone)

# interference CONDITION CLEAN OFFSET N OUT
interference() {
	local cond=$1 clean=$2 off=$3 n=$4 o=$5
	case $cond in
	pink-* | brown-*) take "$(bed "${cond%-*}")" "$off" "$n" "-${cond#*-}" "$o" ;;
	babble) take "$(bed babble)" "$off" "$n" "$(calc "$level - 15")" "$o" ;;
	music) take "$(bed music)" "$off" "$n" "$(calc "$level - 18")" "$o" ;;
	hum)
		take "$(bed hum)" "$off" "$n" -30 "$o.hum.wav"
		take "$(bed pink-light)" "$off" "$n" -55 "$o.pink.wav"
		sx -m -v 1 "$o.hum.wav" -v 1 "$o.pink.wav" "${fmt[@]}" "$o"
		;;
	roomtone) take "$(bed roomtone)" "$off" "$n" -50 "$o" ;;
	reverb)
		# The reflections alone (sox's wet-only output) of a mid-sized, fairly live room; the
		# mix is the dry speech plus them, as in a room, and the truth stays the dry signal's.
		sx "$clean" "$o.tmp.wav" reverb -w 65 40 70 100 15 -2
		sx "$o.tmp.wav" "${fmt[@]}" "$o" trim 0 "${n}s"
		;;
	*)
		echo "make-eval-set: unknown condition $cond" >&2
		return 1
		;;
	esac
}

# mix CLEAN INTERFERENCE OUT: the sum, and how many samples clipped.
mix() { sox -V2 -m -v 1 "$1" -v 1 "$2" "${fmt[@]}" "$3" 2>&1 | clipped; }

json_spans() { awk 'BEGIN { printf "[" } { printf "%s[%s,%s]", (NR > 1 ? "," : ""), $1, $2 } END { printf "]" }' "$1"; }
json_str() { awk -v s="$1" 'BEGIN { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); printf "\"%s\"", s }'; }

files_json=()
cleans_json=()
ci=0
for name in "${cleans[@]}"; do
	clean=$work/$name.wav
	n=$(samples "$clean")
	dur=$(seconds "$clean")
	speech=$(awk '{ s += $2 - $1 } END { printf "%.3f", s }' "$work/$name.spans")
	# The level over the speech spans, measured again after the gain (see assemble).
	active=$(calc "$(rms_db "$clean") + 10 * log($dur / $speech) / log(10)")
	printf '{"duration":%s,"speech":%s}\n' "$dur" "$(json_spans "$work/$name.spans")" >"$out/$name.truth.json"
	cleans_json+=("$(printf '{"name":"%s","truth":"%s.truth.json","duration":%s,"speech_seconds":%s,"speech_level_dbfs":%s,"spans":%d,"source":%s}' \
		"$name" "$name" "$dur" "$speech" "$active" "$(wc -l <"$work/$name.spans")" "$(json_str "${describe[$name]}")")")
	off=$((ci * 8)) # each clean file its own stretch of every bed
	for cond in "${conditions[@]}"; do
		file=${name}__$cond.wav
		if [[ $cond == clean ]]; then
			cp "$clean" "$out/$file"
			snr=null inter=null clipped=$(cat "$work/$name.clipped")
		else
			interference "$cond" "$clean" "$off" "$n" "$work/i-$file"
			inter=$(rms_db "$work/i-$file")
			snr=$(calc "$active - ($inter)")
			clipped=$(mix "$clean" "$work/i-$file" "$out/$file")
		fi
		files_json+=("$(printf '{"file":"%s","clean":"%s","condition":"%s","truth":"%s.truth.json","snr_db":%s,"interference_dbfs":%s,"clipped_samples":%s}' \
			"$file" "$name" "$cond" "$name" "$snr" "$inter" "$clipped")")
	done
	ci=$((ci + 1))
	echo "make-eval-set: $name (${dur}s, ${speech}s of speech in $(wc -l <"$work/$name.spans") spans) and its ${#conditions[@]} conditions"
done

{
	printf '{"script_sha256":"%s","sample_rate":%d,"speech_level_dbfs":%s,\n' "$script_sum" "$rate" "$level"
	printf '"conditions":["%s"],\n' "$(IFS=,; echo "${conditions[*]}" | sed 's/,/","/g')"
	printf '"cleans":[\n%s\n],\n' "$(IFS=$'\n'; echo "${cleans_json[*]}" | sed '$!s/$/,/')"
	printf '"files":[\n%s\n]}\n' "$(IFS=$'\n'; echo "${files_json[*]}" | sed '$!s/$/,/')"
} >"$out/conditions.json"

echo "$script_sum" >"$out/.complete"
echo "made ${#files_json[@]} files from ${#cleans[@]} clean recordings in $out ($(du -sh "$out" | cut -f1), $((SECONDS - started)) s)"
