#!/usr/bin/env bash
# Wake-ups a second of an idle warroom, counted by the kernel: the sum of
# voluntary context switches over every thread of the process
# (/proc/PID/task/*/status), over DURATION seconds, in a private
# tmux server (never your own). Two cases:
#   * `warroom demo --scenario calm`: a commander with its simulator in the
#     same process, one health source polled every second, no fault;
#   * `warroom run`, a commander with one source polled every 60 s (idle
#     between polls: only the one-second clock should wake it);
#   * `warroom wallboard` on an idle journal (nobody writes it).
# Target (issue 14): at most 5 wake-ups a second when idle, beyond what the
# sources' own intervals cause; the per-thread split says where they go.
#
#   bash Benchmarks/wakeups.sh                       # release build, 20 s each
#   DURATION=30 SKIP_BUILD=1 bash Benchmarks/wakeups.sh
#   BIN=.build/debug/warroom bash Benchmarks/wakeups.sh   # any binary
#
# Cleans up its tmux server and temporary files on any exit.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-5}
SOCKET="warroom-wakeups-$$"
SCRATCH="$ROOT/.build-release"
export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset TMUX

WORK=$(mktemp -d "${TMPDIR:-/tmp}/warroom-wakeups.XXXXXX")
tm() { tmux -L "$SOCKET" -f /dev/null "$@"; }
cleanup() {
    local status=$?
    trap - EXIT INT TERM HUP
    tm kill-server >/dev/null 2>&1 || true
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
say() { printf '%s\n' "$*" >&2; }
die() { say "wakeups.sh: $*"; exit 1; }
for tool in tmux awk; do command -v "$tool" >/dev/null || die "needs $tool"; done

if [ -z "${BIN:-}" ]; then
    if [ -z "${SKIP_BUILD:-}" ]; then
        say "building warroom (release, scratch $SCRATCH)..."
        swift build -c release --package-path "$ROOT" --scratch-path "$SCRATCH" --product warroom >"$WORK/build.log" 2>&1 \
            || { tail -40 "$WORK/build.log" >&2; die "release build failed"; }
    fi
    BIN="$(swift build -c release --package-path "$ROOT" --scratch-path "$SCRATCH" --show-bin-path)/warroom"
fi
[ -x "$BIN" ] || die "no binary at $BIN"

tm new-session -d -s hold -x 160 -y 48 "sleep 86400"
start_session() {
    local name=$1
    shift
    tm new-session -d -s "$name" -x 160 -y 48 "exec env TERM=tmux-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 $*"
}
pane_pid() { tm display-message -p -t "$1" '#{pane_pid}'; }
wait_for_text() {
    local i
    for i in $(seq 1 600); do
        tm capture-pane -p -t "$1" 2>/dev/null | grep -qF -- "$2" && return 0
        sleep 0.1
    done
    tm capture-pane -p -t "$1" >&2 || true
    die "no '$2' on $1 within 60 s"
}

# Voluntary context switches of every thread, "TID COMM COUNT" lines: each is
# a thread going to sleep and so, later, one wake-up. (Nonvoluntary switches
# are preemptions by other processes: they count load, not wake-ups, and are
# left out.) A thread that starts and ends between the two counts is not
# seen: a lower bound.
switches() {
    local pid=$1 t
    for t in /proc/"$pid"/task/*; do
        [ -r "$t/status" ] || continue
        awk -v tid="${t##*/}" -v comm="$(cat "$t/comm" 2>/dev/null)" \
            '/^voluntary_ctxt_switches:/ { s += $2 } END { print tid "\t" comm "\t" s }' "$t/status"
    done
}

# Count over DURATION s: prints the total per second, then the split by thread name.
measure() {
    local name=$1 pid=$2 t0 t1
    switches "$pid" >"$WORK/$name.before"
    t0=$(date +%s%N)
    sleep "$DURATION"
    switches "$pid" >"$WORK/$name.after"
    t1=$(date +%s%N)
    awk -F'\t' -v secs="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a) / 1e9 }')" -v name="$name" '
        NR == FNR { before[$1] = $3; next }
        { d = $3 - (($1 in before) ? before[$1] : 0); total += d; by[$2] += d }
        END {
            printf "%s\t%.2f\t", name, total / secs
            n = 0
            for (c in by) if (by[c] > 0) { printf "%s%s %.2f", (n++ ? ", " : ""), c, by[c] / secs }
            printf "\n"
        }' "$WORK/$name.before" "$WORK/$name.after"
}

# session NAME READY-TEXT COMMAND: start it, wait for READY-TEXT and WARMUP,
# print its measure line, then quit it (q) and wait for it to end.
session() {
    local name=$1 ready=$2 line
    start_session "$name" "$3"
    wait_for_text "$name" "$ready"
    sleep "$WARMUP"
    line=$(measure "$name" "$(pane_pid "$name")")
    tm send-keys -t "$name" q
    for _ in $(seq 1 100); do tm has-session -t "$name" 2>/dev/null || break; sleep 0.1; done
    printf '%s\n' "$line"
}

say "warroom demo --scenario calm: ${WARMUP}s to settle, then ${DURATION}s counted..."
DEMO=$(session demo "Live metrics" "'$BIN' demo --scenario calm --journal '$WORK/idle.sqlite' --log '$WORK/demo.log'")

say "warroom run (a commander, one source polled every 60 s): ${WARMUP}s to settle, then ${DURATION}s counted..."
cat >"$WORK/run.yaml" <<'YAML'
service: idle
sources:
  - name: health
    kind: health
    url: http://127.0.0.1:9/health
    interval: 60s
YAML
RUN=$(session run "Live metrics" "'$BIN' run --config '$WORK/run.yaml' --journal '$WORK/run.sqlite' --log '$WORK/run.log'")

say "warroom wallboard on the now idle journal: ${WARMUP}s to settle, then ${DURATION}s counted..."
WALL=$(session wallboard "READ-ONLY" "'$BIN' wallboard --journal '$WORK/idle.sqlite' --log '$WORK/wall.log'")

printf '\nWake-ups a second (voluntary context switches, all threads; %s, %s s each, %s cores, load %s)\n' \
    "$BIN" "$DURATION" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-44s %-10s %-8s %s\n' "process" "per s" "target" "by thread"
for line in "$DEMO" "$RUN" "$WALL"; do
    IFS=$'\t' read -r name rate split <<<"$line"
    case $name in
        demo) label="warroom demo --scenario calm (1 s source)" ;;
        run) label="warroom run, one source at 60 s" ;;
        *) label="warroom wallboard, idle journal" ;;
    esac
    status=$(awk -v r="$rate" 'BEGIN { print (r <= 5) ? "met" : sprintf("gap (+%.1f)", r - 5) }')
    printf '%-44s %-10s %-8s %s  [%s]\n' "$label" "$rate" "<= 5" "$status" "$split"
done
