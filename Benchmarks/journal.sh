#!/usr/bin/env bash
# Start-up time of the journal's readers on a long journal (issue 14):
# builds a journal of EVENTS events in the old shape (a sample event per poll,
# SOURCES health sources at 1 s: 350k is about a day of 4 sources), with an
# open SEV-1 incident near the end, then times the release binary's
#   warroom status, warroom note, warroom ack, warroom export (markdown and
#   json), warroom screenshot, and the first honest frame of `wallboard` and
#   of `run` (in a private tmux server: from starting it until the screen
#   shows the journal's open SEV-1)
# (median wall time and peak RSS of RUNS runs each), twice:
#   * "format 1, read as it is": as the previous warroom wrote it (samples as
#     events, no checkpoints; a reader never migrates);
#   * "migrated": a copy after its one-time migration by the first writer
#     (`note`, timed too): samples in their store, checkpoints beside.
# Target: 300 ms each.
#
#   bash Benchmarks/journal.sh                 # build, fill, measure, print a table
#   EVENTS=2500000 SKIP_OLD=1 bash Benchmarks/journal.sh  # a week (SKIP_OLD:
#       no reads of the unmigrated file, which take minutes each)
#   SKIP_BUILD=1 RUNS=5 bash Benchmarks/journal.sh
#   BIN=.build/debug/warroom bash Benchmarks/journal.sh   # another binary
#
# Builds with --scratch-path <repo>/.build-release (gitignored), never .build.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
EVENTS=${EVENTS:-350000}
SOURCES=${SOURCES:-4}
RUNS=${RUNS:-3}
SCRATCH="$ROOT/.build-release"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/warroom-journal-bench.XXXXXX")
say() { echo "journal.sh: $*" >&2; }

if [ -n "${BIN:-}" ]; then
    SKIP_BUILD=1   # BIN=path/to/warroom measures that binary (say which build it is)
fi
if [ -z "${SKIP_BUILD:-}" ]; then
    say "building warroom (release, scratch $SCRATCH)..."
    swift build -c release --package-path "$ROOT" --scratch-path "$SCRATCH" --product warroom >"$WORK/build.log" 2>&1 \
        || { tail -30 "$WORK/build.log" >&2; exit 1; }
fi
BIN=${BIN:-"$(swift build -c release --package-path "$ROOT" --scratch-path "$SCRATCH" --show-bin-path)/warroom"}
[ -x "$BIN" ] || { say "no binary at $BIN"; exit 1; }

# median of the numbers on stdin
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) print "?"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# measure LABEL JOURNAL-COPY-OR-EMPTY CMD...: RUNS runs, median ms and max RSS MB.
# A command that appends (note, ack) runs on a fresh copy each time.
ROWS=()
measure() {
    local label=$1 journal=$2; shift 2
    local times=() rss=0 i
    for ((i = 0; i < RUNS; i++)); do
        local target="$journal"
        if [ -n "${COPY:-}" ]; then
            target="$WORK/copy.sqlite"
            rm -f "$target" "$target-wal" "$target-shm"
            cp "$journal" "$target"
        fi
        local args=("${@//@J@/$target}")
        /usr/bin/time -f "%e %M" -o "$WORK/time" "$BIN" "${args[@]}" >/dev/null 2>"$WORK/err" \
            || { say "$label failed: $(cat "$WORK/err")"; }
        read -r secs kb <"$WORK/time"
        times+=("$(awk -v s="$secs" 'BEGIN { printf "%.0f", s * 1000 }')")
        rss=$(( kb > rss ? kb : rss ))
    done
    local med
    med=$(printf '%s\n' "${times[@]}" | median)
    ROWS+=("$label|${med} ms (runs: ${times[*]})|$((rss / 1024)) MB|$( [ "$med" -le 300 ] && echo met || echo "gap (+$((med - 300)) ms)")")
}

# frame LABEL JOURNAL CMD...: RUNS runs of a screen in a private tmux server,
# from starting it until the pane shows "SEV-1" (the journal's open incident:
# never before it has read to the end). Median ms; tmux's own start is in it.
SOCKET="warroom-journal-bench-$$"
tm() { tmux -L "$SOCKET" -f /dev/null "$@"; }
trap 'tm kill-server >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
frame() {
    local label=$1 journal=$2; shift 2
    local times=() i rss=0
    for ((i = 0; i < RUNS; i++)); do
        local target="$WORK/frame.sqlite"
        rm -f "$target" "$target-wal" "$target-shm" "$target".lease*
        cp "$journal" "$target"
        local args=("${@//@J@/$target}") found=""
        local t0 t1
        t0=$(date +%s%N)
        tm new-session -d -s bench -x 160 -y 48 "exec env TERM=tmux-256color LANG=C.UTF-8 $(printf '%q ' "$BIN" "${args[@]}")"
        for _ in $(seq 1 6000); do
            if tm capture-pane -p -t bench 2>/dev/null | grep -q "SEV-1"; then found=1; break; fi
            sleep 0.005
        done
        t1=$(date +%s%N)
        # Its peak RSS so far, and after 5 s more (settled, polling, live).
        local pid hwm
        pid=$(tm display-message -p -t bench '#{pane_pid}' 2>/dev/null || echo 0)
        sleep 5
        hwm=$(awk '/^VmHWM:/ { print int($2 / 1024) }' "/proc/$pid/status" 2>/dev/null || echo 0)
        rss=$(( hwm > rss ? hwm : rss ))
        tm kill-session -t bench >/dev/null 2>&1 || true
        [ -n "$found" ] || say "$label: no SEV-1 on screen within 30 s"
        times+=("$(( (t1 - t0) / 1000000 ))")
    done
    local med
    med=$(printf '%s\n' "${times[@]}" | median)
    ROWS+=("$label|${med} ms (runs: ${times[*]})|${rss} MB|$( [ "$med" -le 300 ] && echo met || echo "gap (+$((med - 300)) ms)")")
}
RUNCONFIG="$WORK/run.yaml"
cat >"$RUNCONFIG" <<'YAML'
service: bench
sources:
  - name: health
    kind: health
    url: http://127.0.0.1:9/health
    interval: 60s
YAML

fill() { # path extra-args
    local start=$SECONDS
    "$BIN" journal-fill --journal "$1" --events "$EVENTS" --sources "$SOURCES" "${@:2}" >&2
    say "filled $1 in $((SECONDS - start)) s, $(du -m "$1" | cut -f1) MB"
    sqlite3 "$1" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
}

run_all() { # tag path
    local tag=$1 j=$2
    measure "$tag: status" "$j" status --journal @J@
    measure "$tag: status --json" "$j" status --journal @J@ --json
    COPY=1 measure "$tag: note" "$j" note --journal @J@ --by bench "a note from the benchmark"
    COPY=1 measure "$tag: ack" "$j" ack --journal @J@ --by bench
    measure "$tag: export markdown" "$j" export --journal @J@ --format markdown
    measure "$tag: export json" "$j" export --journal @J@ --format json
    measure "$tag: screenshot" "$j" screenshot --journal @J@
    if command -v tmux >/dev/null; then
        frame "$tag: wallboard first frame" "$j" wallboard --journal @J@
        frame "$tag: run first frame" "$j" run --config "$RUNCONFIG" --journal @J@
    fi
}

OLD="$WORK/format1.sqlite"
NEW="$WORK/migrated.sqlite"
say "filling $EVENTS events ($SOURCES sources at 1 s) in the old shape (format 1)..."
fill "$OLD"
[ -n "${SKIP_OLD:-}" ] || run_all "format 1, read as it is" "$OLD"
cp "$OLD" "$NEW"
say "migrating a copy once (the first writer: note)..."
mstart=$(date +%s%N)
/usr/bin/time -f "%e %M" -o "$WORK/time" "$BIN" note --journal "$NEW" --by bench "migrated" >/dev/null 2>"$WORK/err" || say "migration failed: $(cat "$WORK/err")"
read -r msecs mkb <"$WORK/time"
ROWS+=("migration 1 -> $(sqlite3 "$NEW" "PRAGMA user_version;")|$(awk -v s="$msecs" 'BEGIN { printf "%.0f", s * 1000 }') ms|$((mkb / 1024)) MB|once")
run_all "migrated" "$NEW"
BEHIND=$(sqlite3 "$NEW" "SELECT COUNT(*) FROM events WHERE seq > IFNULL((SELECT MAX(seq) FROM checkpoints), 0);")
printf '\nJournal readers on %s events (%s sources at 1 s; newest checkpoint %s events behind the end); %s; %s cores, load %s\n' \
    "$EVENTS" "$SOURCES" "$BEHIND" "$BIN" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %-44s %-8s %s\n' "command" "median wall time" "max RSS" "vs 300 ms"
for r in "${ROWS[@]}"; do
    IFS='|' read -r a b c d <<<"$r"
    printf '%-34s %-44s %-8s %s\n' "$a" "$b" "$c" "$d"
done
