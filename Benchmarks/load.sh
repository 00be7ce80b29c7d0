#!/usr/bin/env bash
# Load measurements of the release `warroom` binary in a private tmux server:
#   1. bytes written to the terminal per second by the steady demo (tmux pipe-pane);
#   2. `warroom run` with SOURCES health sources (default 500) polling one
#      `warroom simulate` every second: CPU per poll, RSS, sample-to-screen
#      latency (measured inside warroom: event arrival to the frame that shows
#      it, WARROOM_LATENCY_FILE) and key-to-screen latency (measured outside:
#      tmux send-keys until capture-pane shows the change, so it includes tmux).
# Targets (issue #8): sample-to-screen and key-to-screen p99 <= 50 ms with 500 sources.
#
#   bash Benchmarks/load.sh
#   SOURCES=100 DURATION=20 SKIP_BUILD=1 bash Benchmarks/load.sh
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SOURCES=${SOURCES:-500}
DURATION=${DURATION:-60}
KEY_TRIALS=${KEY_TRIALS:-40}
SCRATCH="$ROOT/.build-release"
SOCKET=warroom-load-$$
export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset TMUX NO_COLOR

WORK=$(mktemp -d "${TMPDIR:-/tmp}/warroom-load.XXXXXX")
SIM_PID=
tm() { tmux -L "$SOCKET" -f /dev/null "$@"; }
cleanup() {
    tm kill-server >/dev/null 2>&1 || true
    [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

if [ -n "${WARROOM_BIN:-}" ]; then
    BIN=$WARROOM_BIN
elif [ -z "${SKIP_BUILD:-}" ]; then
    echo "building warroom (release, scratch $SCRATCH)..." >&2
    swift build -c release --package-path "$ROOT" --scratch-path "$SCRATCH" --product warroom >"$WORK/build.log" 2>&1 \
        || { tail -20 "$WORK/build.log"; exit 1; }
fi
BIN=${BIN:-"$(swift build -c release --package-path "$ROOT" --scratch-path "$SCRATCH" --show-bin-path)/warroom"}

ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_mb() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
warroom_pid() { pgrep -P "$(tm display-message -p '#{pane_pid}')" -f "$BIN" | head -1; }

# 1. Bytes per second written by the steady demo at 200x50.
tm new-session -d -x 200 -y 50 "$BIN demo --scenario calm --journal $WORK/demo.sqlite --log $WORK/demo.log; sleep 600"
for _ in $(seq 1 100); do tm capture-pane -p | grep -q "Live metrics" && break; sleep 0.1; done
sleep 5
tm pipe-pane -o "cat >> $WORK/bytes"
sleep "$DURATION"
tm pipe-pane
demo_bytes=$(stat -c %s "$WORK/bytes")
tm kill-server

# 2. Many sources.
"$BIN" simulate --port 0 --scenario calm > "$WORK/sim.out" 2>&1 &
SIM_PID=$!
for _ in $(seq 1 100); do grep -q "listening" "$WORK/sim.out" 2>/dev/null && break; sleep 0.1; done
port=$(grep -o '127.0.0.1:[0-9]*' "$WORK/sim.out" | head -1 | cut -d: -f2)
{
    echo "service: load"
    echo "max_concurrent_polls: 64"
    echo "sources:"
    for i in $(seq -w 1 "$SOURCES"); do
        echo "  - {name: s$i, kind: health, url: \"http://127.0.0.1:$port/health\", interval: 1s, timeout: 2s}"
    done
    echo "canary: {steps: [{weight: 1%, hold: 1h}, {weight: 100%}], analysis: off}"
} > "$WORK/load.yaml"
tm new-session -d -x 200 -y 50 -e "WARROOM_LATENCY_FILE=$WORK/latency" \
    "$BIN run --config $WORK/load.yaml --journal $WORK/load.sqlite --log $WORK/load.log; sleep 600"
for _ in $(seq 1 200); do tm capture-pane -p | grep -q "Live metrics" && break; sleep 0.1; done
sleep 5
pid=$(warroom_pid)
c0=$(cpu_ticks "$pid"); t0=$(date +%s%N)
events0=$(sqlite3 "$WORK/load.sqlite" "select count(*) from events where kind = 'samples'" 2>/dev/null || echo 0)
sleep "$DURATION"
c1=$(cpu_ticks "$pid"); t1=$(date +%s%N)
events1=$(sqlite3 "$WORK/load.sqlite" "select count(*) from events where kind = 'samples'" 2>/dev/null || echo 0)
rss=$(rss_mb "$pid")
elapsed=$(echo "($t1 - $t0) / 1000000000" | bc -l)
cpu=$(echo "($c1 - $c0) / $ticks / $elapsed * 100" | bc -l)
polls=$((events1 - events0))

# Key-to-screen: toggle the timeline filter and wait for its title to change.
keys=()
for _ in $(seq 1 "$KEY_TRIALS"); do
    before=$(tm capture-pane -p | grep -c "only note" || true)
    start=$(date +%s%N)
    tm send-keys f
    while :; do
        now=$(tm capture-pane -p | grep -c "only note" || true)
        [ "$now" != "$before" ] && break
        [ $(( $(date +%s%N) - start )) -gt 2000000000 ] && break
    done
    keys+=($(( ($(date +%s%N) - start) / 1000 )))
    # back to "all" with the remaining filters
    for _ in 1 2 3 4 5 6 7; do tm send-keys f; done
    sleep 0.2
done
tm send-keys q
sleep 2
tm send-keys q 2>/dev/null || true
for _ in $(seq 1 50); do [ -s "$WORK/latency" ] && break; sleep 0.1; done
sorted=$(printf '%s\n' "${keys[@]}" | sort -n)
k50=$(echo "$sorted" | awk -v n="${#keys[@]}" 'NR == int(n * 0.5) + 1')
k99=$(echo "$sorted" | awk -v n="${#keys[@]}" 'NR == int(n * 0.99) + 1')

printf '\n| what | measured |\n| --- | --- |\n'
printf '| demo at 200x50, bytes to the terminal | %.0f B/s |\n' "$(echo "$demo_bytes / $DURATION" | bc -l)"
printf '| %s sources at 1 s: CPU | %.1f%% of a core, %.0f polls/s, %.0f µs of CPU per poll |\n' "$SOURCES" "$cpu" \
    "$(echo "$polls / $elapsed" | bc -l)" "$(echo "if ($polls > 0) ($c1 - $c0) / $ticks * 1000000 / $polls else 0" | bc -l)"
printf '| %s sources: RSS | %s MB |\n' "$SOURCES" "$rss"
printf '| %s sources: sample-to-screen | %s |\n' "$SOURCES" "$(cat "$WORK/latency" 2>/dev/null || echo 'not written')"
printf '| %s sources: key-to-screen (through tmux) | p50 %.1f ms, p99 %.1f ms |\n' "$SOURCES" "$(echo "$k50 / 1000" | bc -l)" "$(echo "$k99 / 1000" | bc -l)"
