# stamp.sh, sourced by the scripts that make media (make-fixtures.sh, make-long-media.sh,
# make-eval-set.sh): their one argument, OUTDIR, and the stamp OUTDIR/.complete that holds the
# sha256 of the script that made it, written last, so a finished run is skipped and an interrupted
# or outdated one is redone.

sha256() {
	if command -v sha256sum >/dev/null 2>&1; then
		sha256sum "$1" | cut -d' ' -f1
	else
		shasum -a 256 "$1" | cut -d' ' -f1
	fi
}

# stamp_init OUTDIR: sets out and script_sum (of the script being run), or exits 2 with its usage.
stamp_init() {
	if [[ $# -ne 1 || -z $1 ]]; then
		echo "usage: $0 OUTDIR" >&2
		exit 2
	fi
	out=$1
	script_sum=$(sha256 "$0")
}

# up_to_date: OUTDIR holds what this very script made, completely.
up_to_date() { [[ -f $out/.complete && $(cat "$out/.complete") == "$script_sum" ]]; }
