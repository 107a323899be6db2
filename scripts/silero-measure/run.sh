#!/usr/bin/env bash
# Measures Silero VAD on the eval set with the eval harness's own scoring (see README.md).
#
#   scripts/silero-measure/run.sh [SET [WORK]]
#
# SET is the evaluation set (default $TMPDIR/livetranslate-eval, made by make-eval-set.sh; it is
# only read). WORK is a scratch directory outside the repository (default
# $TMPDIR/silero-measure): node_modules, the models, probabilities, segments and results.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
set_dir=${1:-${TMPDIR:-/tmp}/livetranslate-eval}
work=${2:-${TMPDIR:-/tmp}/silero-measure}
vad_web=@ricky0123/vad-web@0.0.31

[ -f "$set_dir/conditions.json" ] || { echo "run.sh: no eval set in $set_dir (make it with scripts/make-eval-set.sh $set_dir)" >&2; exit 1; }
mkdir -p "$work/models"
cp "$here/package.json" "$here/package-lock.json" "$work/"
# --ignore-scripts: onnxruntime-node's install script only fetches GPU builds (from NuGet); the
# CPU build is in the npm package itself.
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
if ! (cd "$work/models" && sha256sum --quiet -c "$here/models.sha256" >/dev/null 2>&1); then
	(cd "$work" && rm -rf vad-web && mkdir vad-web && tgz=$(npm pack --silent "$vad_web") &&
		tar xzf "$tgz" -C vad-web && rm "$tgz" && cp vad-web/package/dist/silero_vad_*.onnx models/)
	(cd "$work/models" && sha256sum --quiet -c "$here/models.sha256")
fi
export NODE_PATH="$work/node_modules"

node "$here/probs.js" -set "$set_dir" -models "$work/models" -out "$work/probs"

# name, model, segments.js options
variants=(
	"v5-default v5"
	"v5-cue v5 -min-speech-ms 80 -pad-ms 0"
	"v5-short v5 -min-silence-ms 50 -min-speech-ms 80 -pad-ms 0"
	"v5-slow v5 -min-silence-ms 200"
	"v6-default v6"
	"v6-short v6 -min-silence-ms 50 -min-speech-ms 80 -pad-ms 0"
	"v4-default v4"
	"v4-short v4 -min-silence-ms 50 -min-speech-ms 80 -pad-ms 0"
)
summary=()
for v in "${variants[@]}"; do
	read -r name model opts <<<"$v"
	# shellcheck disable=SC2086 # opts is a list of options
	node "$here/segments.js" -probs "$work/probs/$model" -out "$work/segments/$name" $opts
	# The hybrid: our pieces, their ends trimmed by this variant where it hears no speech (≤1 s).
	(cd "$repo" && go run ./scripts/eval -set "$set_dir" -external "$work/segments/$name" -hybrid trim-end -reach 1s \
		-out "$work/eval-$name.json" >"$work/eval-$name.txt")
	summary+=("$name=$work/eval-$name.json")
done

node "$here/summarize.js" "${summary[@]}" | tee "$work/summary.md"
echo "run.sh: cost in $work/probs/cost.json, tables in $work/summary.md and $work/eval-*.txt"
