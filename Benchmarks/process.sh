#!/usr/bin/env bash
# Whole-process measurements of the release `warroom` binary, in a private tmux
# server (never your own):
#   * time to first frame: start -> first capture-pane showing "Live metrics";
#   * idle CPU (% of one core) and RSS of `warroom demo --scenario calm` over
#     DURATION seconds, side by side with `btop` (update_ms=1000) and
#     `watch -n1 curl .../health` against `warroom simulate`, all sampled from
#     /proc/PID/{stat,status}; RUNS runs (a new demo each), the median shown.
# Targets: demo CPU <= 0.25% of a core and under half of btop's, first frame
# <= 200 ms, RSS <= 150 MB.
#
#   bash Benchmarks/process.sh                 # build, measure, print a table
#   DURATION=20 RUNS=3 TTFF_TRIALS=3 bash Benchmarks/process.sh
#   SKIP_BUILD=1 bash Benchmarks/process.sh    # reuse .build-release
#   BIN=path/to/warroom bash Benchmarks/process.sh   # any binary (say which in the table)
#
# Builds with --scratch-path <repo>/.build-release (gitignored), never .build.
# Cleans up its tmux server, processes and temporary files on any exit.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
DURATION=${DURATION:-60}
RUNS=${RUNS:-5}
TTFF_TRIALS=${TTFF_TRIALS:-5}
SOCKET=${TMUX_SOCKET:-bench}
COLS=200
ROWS=50
SCRATCH="$ROOT/.build-release"

export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset TMUX

# Run a long command in its own process group and wait for it, so that the
# traps fire at once and can stop it with everything it started.
CHILD=
run_child() {
    local status=0
    if command -v setsid >/dev/null; then setsid "$@" & else "$@" & fi
    CHILD=$!
    wait "$CHILD" || status=$?
    CHILD=
    return "$status"
}
stop_child() {
    [ -n "$CHILD" ] || return 0
    kill -TERM -- "-$CHILD" 2>/dev/null || kill -TERM "$CHILD" 2>/dev/null || true
    wait "$CHILD" 2>/dev/null || true
}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/warroom-process.XXXXXX")
BACKGROUND=()

tm() { tmux -L "$SOCKET" -f /dev/null "$@"; }

cleanup() {
    local status=$?
    trap - EXIT INT TERM HUP
    stop_child
    tm kill-server >/dev/null 2>&1 || true
    for pid in "${BACKGROUND[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${BACKGROUND[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

say() { printf '%s\n' "$*" >&2; }
die() { say "process.sh: $*"; exit 1; }
now_ns() { date +%s%N; }

for tool in tmux curl watch swift; do
    command -v "$tool" >/dev/null || die "needs $tool"
done
if ! command -v btop >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "installing btop (apt-get) for the side-by-side comparison..."
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq btop >/dev/null 2>&1 \
            || { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq btop >/dev/null 2>&1; } \
            || say "could not install btop; its row will be missing"
    else
        say "btop is not installed; its row will be missing"
    fi
fi

# ---------------------------------------------------------------- build
if [ -z "${SKIP_BUILD:-}" ] && [ -z "${BIN:-}" ]; then
    say "building warroom (release, scratch $SCRATCH)..."
    run_child swift build -c release --package-path "$ROOT" --scratch-path "$SCRATCH" --product warroom >"$WORK/build.log" 2>&1 \
        || { tail -40 "$WORK/build.log" >&2; die "release build failed"; }
fi
BIN=${BIN:-"$(swift build -c release --package-path "$ROOT" --scratch-path "$SCRATCH" --show-bin-path)/warroom"}
[ -x "$BIN" ] || die "no binary at $BIN"

# A stale server from an interrupted run of this script goes first.
tm kill-server >/dev/null 2>&1 || true
# A holder session starts the server, so later sessions start without that cost.
tm new-session -d -s hold -x "$COLS" -y "$ROWS" "sleep 86400"
tm set-option -g default-terminal tmux-256color >/dev/null
tm set-option -g remain-on-exit off >/dev/null

# Run a command in a new session; the pane's process is the command itself (exec).
start_session() {
    local name=$1
    shift
    tm new-session -d -s "$name" -x "$COLS" -y "$ROWS" \
        "exec env TERM=tmux-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 $*"
}
pane_pid() { tm display-message -p -t "$1" '#{pane_pid}'; }
screen() { tm capture-pane -p -t "$1" 2>/dev/null || true; }

# Wait until the session's screen contains the text; prints ms waited.
wait_for_text() {
    local session=$1 text=$2 timeout_ms=$3 start=$4 t
    while :; do
        if screen "$session" | grep -qF -- "$text"; then
            t=$(now_ns)
            echo $(((t - start) / 1000000))
            return 0
        fi
        t=$(now_ns)
        [ $(((t - start) / 1000000)) -lt "$timeout_ms" ] || return 1
        sleep 0.01
    done
}

stop_dashboard() {
    local session=$1 i
    tm send-keys -t "$session" q 2>/dev/null || true
    for i in $(seq 1 100); do
        tm has-session -t "$session" 2>/dev/null || return 0
        sleep 0.05
    done
    tm kill-session -t "$session" 2>/dev/null || true
}

q() { printf "'%s'" "$1"; }

# ---------------------------------------------------------------- first frame
say "time to first frame: $TTFF_TRIALS trials..."
TTFF=()
for i in $(seq 1 "$TTFF_TRIALS"); do
    journal="$WORK/ttff-$i.sqlite"
    t0=$(now_ns)
    start_session "ttff$i" "$(q "$BIN") demo --journal $(q "$journal") --log $(q "$WORK/ttff-$i.log")"
    ms=$(wait_for_text "ttff$i" "Live metrics" 10000 "$t0") || {
        screen "ttff$i" >&2
        die "no first frame within 10 s (trial $i)"
    }
    TTFF+=("$ms")
    stop_dashboard "ttff$i"
done

# ---------------------------------------------------------------- steady state
say "steady state: $RUNS runs of ${DURATION}s of warroom demo --scenario calm, btop, watch+curl, warroom simulate..."
NAMES=(demo)
PIDS=(0)
WITH_CHILDREN=(0)

if command -v btop >/dev/null; then
    mkdir -p "$WORK/btop-home/.config/btop"
    cat >"$WORK/btop-home/.config/btop/btop.conf" <<'EOF'
#? Config file for btop: written by Benchmarks/process.sh
update_ms = 1000
EOF
    start_session btop "HOME=$(q "$WORK/btop-home") XDG_CONFIG_HOME=$(q "$WORK/btop-home/.config") $(command -v btop) --utf-force"
    NAMES+=(btop)
    PIDS+=("$(pane_pid btop)")
    WITH_CHILDREN+=(0)
fi

"$BIN" simulate --port 0 --scenario calm >"$WORK/simulate.out" 2>&1 &
BACKGROUND+=("$!")
SIM_PID=$!
PORT=
for i in $(seq 1 200); do
    PORT=$(sed -n 's#.*listening on http://127\.0\.0\.1:\([0-9][0-9]*\).*#\1#p' "$WORK/simulate.out" | head -1)
    [ -n "$PORT" ] && break
    kill -0 "$SIM_PID" 2>/dev/null || { cat "$WORK/simulate.out" >&2; die "warroom simulate exited"; }
    sleep 0.05
done
[ -n "$PORT" ] || die "warroom simulate did not report its port"
start_session watch "watch -n1 curl -s http://127.0.0.1:$PORT/health"
NAMES+=(watch simulate)
PIDS+=("$(pane_pid watch)" "$SIM_PID")
WITH_CHILDREN+=(1 0)

sleep 2 # let btop and watch draw their first screens

TCK=$(getconf CLK_TCK)
# CPU ticks of a process (with its waited-for children if asked), or empty if gone.
ticks() {
    local pid=$1 children=$2 stat rest
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 0
    rest=${stat##*) }
    read -r -a f <<<"$rest"
    if [ "$children" = 1 ]; then
        echo $((f[11] + f[12] + f[13] + f[14]))
    else
        echo $((f[11] + f[12]))
    fi
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || true; }

declare -a T0 TPREV RSS_SUM RSS_MAX CPU_MAX SAMPLES RUN_CPU RUN_RSS
for k in "${!PIDS[@]}"; do RUN_CPU[k]="" RUN_RSS[k]=""; done
for run in $(seq 1 "$RUNS"); do
start_session "demo$run" "$(q "$BIN") demo --scenario calm --journal $(q "$WORK/demo-$run.sqlite") --log $(q "$WORK/demo-$run.log")"
wait_for_text "demo$run" "Live metrics" 10000 "$(now_ns)" >/dev/null || die "the demo did not draw (run $run)"
sleep 3 # past its first frame and first polls
PIDS[0]=$(pane_pid "demo$run")
for k in "${!PIDS[@]}"; do
    T0[k]=$(ticks "${PIDS[k]}" "${WITH_CHILDREN[k]}")
    [ -n "${T0[k]}" ] || die "${NAMES[k]} (pid ${PIDS[k]}) is not running"
    TPREV[k]=${T0[k]}
    RSS_SUM[k]=0 RSS_MAX[k]=0 CPU_MAX[k]=0 SAMPLES[k]=0
done
start=$(now_ns)
prev=$start
for s in $(seq 1 "$DURATION"); do
    target=$((start + s * 1000000000))
    t=$(now_ns)
    [ "$t" -lt "$target" ] && sleep "$(awk -v d=$((target - t)) 'BEGIN { printf "%.3f", d / 1e9 }')"
    t=$(now_ns)
    for k in "${!PIDS[@]}"; do
        cur=$(ticks "${PIDS[k]}" "${WITH_CHILDREN[k]}")
        [ -n "$cur" ] || die "${NAMES[k]} (pid ${PIDS[k]}) exited during the measurement"
        # per-second CPU in hundredths of a percent of a core
        pct=$(((cur - TPREV[k]) * 100 * 100 * 1000000000 / TCK / (t - prev)))
        [ "$pct" -gt "${CPU_MAX[k]}" ] && CPU_MAX[k]=$pct
        TPREV[k]=$cur
        r=$(rss_kb "${PIDS[k]}")
        RSS_SUM[k]=$((RSS_SUM[k] + ${r:-0}))
        [ "${r:-0}" -gt "${RSS_MAX[k]}" ] && RSS_MAX[k]=${r:-0}
        SAMPLES[k]=$((SAMPLES[k] + 1))
    done
    prev=$t
done
elapsed=$(($(now_ns) - start))
[ "$(screen "demo$run" | grep -cF 'Live metrics')" -ge 1 ] || say "warning: the demo's screen no longer shows its panes"
for k in "${!PIDS[@]}"; do
    cur=${TPREV[k]}
    RUN_CPU[k]="${RUN_CPU[k]} $(awk -v d=$((cur - T0[k])) -v tck="$TCK" -v e="$elapsed" 'BEGIN { printf "%.3f", d / tck / (e / 1e9) * 100 }')"
    RUN_RSS[k]="${RUN_RSS[k]} $(awk -v m="${RSS_MAX[k]}" 'BEGIN { printf "%.1f", m / 1024 }')"
done
say "  run $run: $(for k in "${!PIDS[@]}"; do printf '%s %s%%  ' "${NAMES[k]}" "${RUN_CPU[k]##* }"; done)"
stop_dashboard "demo$run"
done

# ---------------------------------------------------------------- table
sorted=$(printf '%s\n' "${TTFF[@]}" | sort -n)
median=$(echo "$sorted" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
tmin=$(echo "$sorted" | head -1)
tmax=$(echo "$sorted" | tail -1)

describe() {
    case $1 in
        demo) echo "warroom demo calm ${COLS}x${ROWS}" ;;
        btop) echo "btop (update_ms=1000)" ;;
        watch) echo "watch -n1 curl /health (+curl)" ;;
        simulate) echo "warroom simulate (serving it)" ;;
    esac
}

median_of() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { printf "%.2f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
range_of() { tr ' ' '\n' | grep -v '^$' | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.2f to %.2f", lo, hi }'; }
printf '\nWhole process (%s, %s runs of %s s side by side, %s cores, load %s)\n' \
    "$BIN" "$RUNS" "$DURATION" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %-30s %-14s %-30s %s\n' "process" "CPU %core median (range)" "RSS MB (max)" "target" "status"
BTOP_CPU=
for k in "${!PIDS[@]}"; do
    if [ "${NAMES[k]}" = btop ]; then BTOP_CPU=$(echo "${RUN_CPU[k]}" | median_of); fi
done
for k in "${!PIDS[@]}"; do
    cpu_med=$(echo "${RUN_CPU[k]}" | median_of)
    cpu_range=$(echo "${RUN_CPU[k]}" | range_of)
    rss_max=$(echo "${RUN_RSS[k]}" | tr ' ' '\n' | grep -v '^$' | sort -g | tail -1)
    target="-" status="-"
    if [ "${NAMES[k]}" = demo ]; then
        target="CPU<=0.25%, <btop/2, RSS<=150MB"
        cpu_ok=$(awk -v c="$cpu_med" 'BEGIN { print (c <= 0.25) ? 1 : 0 }')
        half_ok=$(awk -v c="$cpu_med" -v b="${BTOP_CPU:-0}" 'BEGIN { print (b == 0 || c < b / 2) ? 1 : 0 }')
        rss_ok=$(awk -v r="$rss_max" 'BEGIN { print (r <= 150) ? 1 : 0 }')
        status=""
        if [ "$cpu_ok" != 1 ]; then status="$status CPU +$(awk -v c="$cpu_med" 'BEGIN { printf "%.0f%%", (c / 0.25 - 1) * 100 }')"; fi
        if [ "$half_ok" != 1 ]; then status="$status not under half of btop's"; fi
        if [ "$rss_ok" != 1 ]; then status="$status RSS"; fi
        status=${status:+gap:$status}
        status=${status:-met}
        if [ -z "$BTOP_CPU" ]; then status="$status (no btop to compare)"; fi
    fi
    printf '%-34s %-30s %-14s %-30s %s\n' "$(describe "${NAMES[k]}")" "$cpu_med ($cpu_range)" "$rss_max" "$target" "$status"
done
ttff_status=$(awk -v m="$median" 'BEGIN { print (m <= 200) ? "met" : "gap" }')
printf '%-34s %-43s %-22s %s\n' "warroom demo: first frame" "median ${median} ms (min $tmin, max $tmax; n=$TTFF_TRIALS)" "<=200 ms" "$ttff_status"
printf '(first frame: from tmux new-session to the first capture-pane with "Live metrics", polled every ~10 ms: %s ms)\n' "$(printf '%s ' "${TTFF[@]}")"
