#!/usr/bin/env bash
# fathom-array.sh -- one fathom scan on Slurm: an array job, one shard per
# task (SLURM_ARRAY_TASK_ID -> --shard), and a merge job that waits for it.
#
# usage: fathom-array.sh -n SHARDS -o OUTDIR [-i SCAN_ID] [-w WRAPPER]
#                        [-F FATHOM] [-S "SBATCH ARGS"] [-p] -- FATHOM-ARGS...
#   -n SHARDS   the number of shards (array tasks 0..SHARDS-1)
#   -o OUTDIR   shared folder: OUTDIR/shard-I.{xml,nmap,gnmap,ndjson},
#               OUTDIR/merged.*, OUTDIR/slurm-*.out
#   -i SCAN_ID  the scan id every shard derives its seed from (default:
#               fathom-<date>-<random>); the same id resumes the same scan
#   -w WRAPPER  run fathom through this (e.g. "ip netns exec fx-scan")
#   -F FATHOM   the fathom binary (default: fathom on PATH)
#   -S ARGS     more sbatch arguments for both jobs (partition, account...)
#   -p          print the commands the tasks would run, submit nothing
# A task that finds its shard's output already there resumes it (fathom
# --resume), so a requeued or re-submitted task continues where it stopped.
set -euo pipefail

usage() { sed -n '4,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

shards='' outdir='' scan_id='' wrapper='' fathom=fathom sbargs='' print=0
while getopts 'n:o:i:w:F:S:ph' opt; do
	case $opt in
	n) shards=$OPTARG ;;
	o) outdir=$OPTARG ;;
	i) scan_id=$OPTARG ;;
	w) wrapper=$OPTARG ;;
	F) fathom=$OPTARG ;;
	S) sbargs=$OPTARG ;;
	p) print=1 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ "${1:-}" = -- ] && shift
[ -n "$shards" ] && [ -n "$outdir" ] && [ $# -gt 0 ] || usage
[[ $shards =~ ^[1-9][0-9]*$ ]] || { echo "fathom-array: -n $shards: a number of shards, at least 1" >&2; exit 2; }
[ -n "$scan_id" ] || scan_id=fathom-$(date -u +%Y%m%d%H%M%S)-$RANDOM
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)

# The fathom arguments, quoted once for the batch scripts.
fargs=$(printf '%q ' "$@")

# The command of array task $1: a number, or ${SLURM_ARRAY_TASK_ID} left
# for the task's shell. A shard with output already resumes: fathom
# --resume says "nothing to resume" (exit 0) when it had finished.
task_cmd() {
	local base
	base=$(printf %q "$outdir/shard-")$1
	printf 'if [ -s %s.gnmap ]; then\n' "$base"
	printf '  exec %s %q --resume %s.gnmap\n' "$wrapper" "$fathom" "$base"
	printf 'fi\n'
	printf 'exec %s %q --scan-id %q --shards %s --shard %s -oA %s %s\n' \
		"$wrapper" "$fathom" "$scan_id" "$shards" "$1" "$base" "$fargs"
}

merge_cmd() {
	local ins=() i
	for ((i = 0; i < shards; i++)); do ins+=("$outdir/shard-$i"); done
	printf '%s %q merge -oA %q' "$wrapper" "$fathom" "$outdir/merged"
	printf ' %q' "${ins[@]}"
	printf '\n'
}

if [ "$print" = 1 ]; then
	for ((i = 0; i < shards; i++)); do
		echo "# task $i"
		task_cmd "$i"
	done
	echo "# merge"
	merge_cmd
	exit 0
fi

command -v sbatch >/dev/null || { echo "fathom-array: sbatch not found (Debian: slurm-client)" >&2; exit 1; }
# shellcheck disable=SC2086
array=$(sbatch --parsable $sbargs --job-name="fathom-$scan_id" \
	--array="0-$((shards - 1))" --output="$outdir/slurm-%A_%a.out" <<EOS
#!/bin/bash
$(task_cmd '${SLURM_ARRAY_TASK_ID}')
EOS
)
array=${array%%;*}
# shellcheck disable=SC2086
merge=$(sbatch --parsable $sbargs --job-name="fathom-$scan_id-merge" \
	--dependency="afterok:$array" --output="$outdir/slurm-merge-%j.out" <<EOS
#!/bin/bash
$(merge_cmd)
EOS
)
merge=${merge%%;*}
echo "scan-id $scan_id: array job $array ($shards shards), merge job $merge -> $outdir/merged.*"
