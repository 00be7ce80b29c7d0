#!/usr/bin/env bash
# How the journal grows with many sources (issue 14: 500 sources at 1 s, 1 GB
# a day or less). `warroom journal-growth` writes SOURCES health sources (8
# values each) every second of a simulated clock into the samples store
# through the journal's own writer, compacted every 60 s with the standard
# retention (every point for an hour, 10 s for a day, 1 min for 30 days, and
# a peak per series a minute), and prints the file's size after every hour.
# Two runs by default:
#   * SOURCES (50) for HOURS (26): a day and its first two hours beyond, so
#     the size after 24 h (the first day's journal) and the growth of each
#     hour after it (what every further day adds) are both measured;
#   * 500 sources for CHECK_HOURS (2): the same bytes per series as the first
#     run's, or the scaling below does not hold.
# The table scales the first run to 500 sources by series (bytes per point
# and per peak do not depend on how many series share a second).
#
#   bash Benchmarks/growth.sh
#   SOURCES=500 HOURS=26 CHECK_HOURS=0 bash Benchmarks/growth.sh   # the whole day at 500 (slow: about 10x)
#   SKIP_BUILD=1 bash Benchmarks/growth.sh
#
# Builds with --scratch-path <repo>/.build-release (gitignored), never .build.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SOURCES=${SOURCES:-50}
HOURS=${HOURS:-26}
CHECK_HOURS=${CHECK_HOURS:-2}
SCRATCH="$ROOT/.build-release"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/warroom-growth.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
say() { echo "growth.sh: $*" >&2; }

if [ -z "${SKIP_BUILD:-}" ]; then
    say "building warroom (release, scratch $SCRATCH)..."
    swift build -c release --package-path "$ROOT" --scratch-path "$SCRATCH" --product warroom >"$WORK/build.log" 2>&1 \
        || { tail -30 "$WORK/build.log" >&2; exit 1; }
fi
BIN=${BIN:-"$(swift build -c release --package-path "$ROOT" --scratch-path "$SCRATCH" --show-bin-path)/warroom"}

grow() { # sources hours out
    local start=$SECONDS
    "$BIN" journal-growth --journal "$WORK/j-$1.sqlite" --sources "$1" --hours "$2" >"$3"
    say "$1 sources for $2 h: $((SECONDS - start)) s"
    rm -f "$WORK/j-$1.sqlite"*
}

say "$SOURCES sources for $HOURS h..."
grow "$SOURCES" "$HOURS" "$WORK/main.txt"
cat "$WORK/main.txt" >&2
# bytes at hour H of the first run
at() { awk -v h="$1" '$1 == h { print $2 }' "$WORK/main.txt"; }
scale=$(awk -v s="$SOURCES" 'BEGIN { printf "%.6f", 500 / s }')
mb() { awk -v b="$1" -v k="$2" 'BEGIN { printf "%.0f", b * k / 1048576 }'; }

printf '\nJournal growth, %s sources at 1 s (8 values each), standard retention; %s cores, load %s\n' \
    "$SOURCES" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-52s %12s %16s\n' "what" "measured MB" "at 500 sources"
if [ "$HOURS" -ge 24 ]; then
    day=$(at 24)
    printf '%-52s %12s %16s\n' "the journal after the first day (24 h)" "$(mb "$day" 1)" "$(mb "$day" "$scale")"
    if [ "$HOURS" -ge 26 ]; then
        later=$(( $(at "$HOURS") - $(at 24) ))
        per_day=$(awk -v b="$later" -v h="$((HOURS - 24))" 'BEGIN { print b / h * 24 }')
        printf '%-52s %12s %16s\n' "each further day (hours 25 to $HOURS, times 24)" "$(mb "$per_day" 1)" "$(mb "$per_day" "$scale")"
    fi
fi
if [ "$CHECK_HOURS" -gt 0 ] && [ "$SOURCES" != 500 ]; then
    say "500 sources for $CHECK_HOURS h (the scaling check)..."
    grow 500 "$CHECK_HOURS" "$WORK/check.txt"
    cat "$WORK/check.txt" >&2
    real=$(awk -v h="$CHECK_HOURS" '$1 == h { print $2 }' "$WORK/check.txt")
    printf '%-52s %12s %16s\n' "500 sources after $CHECK_HOURS h: measured / scaled from $SOURCES" "$(mb "$real" 1)" "$(mb "$(at "$CHECK_HOURS")" "$scale")"
fi
echo "target: 1 GB (1024 MB) a day or less at 500 sources"
