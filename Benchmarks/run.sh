#!/usr/bin/env bash
# Builds the benchmarks in release (ordo-one/benchmark), runs them, prints a
# compact table (name, measured, target, met/gap), then runs process.sh for the
# whole-process measurements of the release binary.
#
#   bash Benchmarks/run.sh              # everything (~10 min after the first build)
#   bash Benchmarks/run.sh --micro      # only the in-process benchmarks
#   bash Benchmarks/run.sh --process    # only process.sh
#   FILTER='Frame|Scrape' bash Benchmarks/run.sh --micro   # some suites only
#
# The benchmark package builds in Benchmarks/.build (gitignored); raw results
# go to a temporary folder, removed on exit (KEEP_RESULTS=dir keeps a copy).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MICRO=1
PROCESS=1
case "${1:-}" in
    --micro) PROCESS= ;;
    --process) MICRO= ;;
    "") ;;
    *) echo "usage: $0 [--micro|--process]" >&2; exit 2 ;;
esac

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

OUT=$(mktemp -d "${TMPDIR:-/tmp}/warroom-bench.XXXXXX")
cleanup() {
    local status=$?
    trap - EXIT INT TERM HUP
    stop_child
    if [ -n "${KEEP_RESULTS:-}" ]; then mkdir -p "$KEEP_RESULTS" && cp -r "$OUT"/. "$KEEP_RESULTS"/ || true; fi
    rm -rf "$OUT"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

loadavg() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?"; }

if [ -n "$MICRO" ]; then
    cd "$HERE"
    load_before=$(loadavg)
    targets=()
    [ -n "${FILTER:-}" ] && targets=(--target "$FILTER")
    echo "building (release) and running the benchmarks; log: $OUT/benchmark.log" >&2
    if ! run_child swift package --allow-writing-to-package-directory --allow-writing-to-directory "$OUT" \
        benchmark run "${targets[@]}" --format histogramPercentiles --path "$OUT" --no-progress \
        >"$OUT/benchmark.log" 2>&1; then
        grep -v '^Writing to' "$OUT/benchmark.log" | tail -40 >&2
        echo "run.sh: the benchmark run failed" >&2
        exit 1
    fi

    # value TARGET NAME METRIC PERCENTILE: the exported percentile in base
    # units (ns for times, plain counts otherwise), or empty if not measured.
    value() {
        local file
        file=$(ls "$OUT"/*."$1.$2.$3".histogram.percentiles.tsv 2>/dev/null | head -1)
        [ -n "$file" ] || return 0
        awk -v p="$4" -F'\t' '
            NR == 1 {
                unit = $2; sub(/ \*$/, "", unit); f = 1
                if (unit ~ /\(ns\)$/) f = 1; else if (unit ~ /\(μs\)$/) f = 1e3
                else if (unit ~ /\(ms\)$/) f = 1e6; else if (unit ~ /\(s\)$/) f = 1e9
                else if (unit ~ /\(K\)$/) f = 1e3; else if (unit ~ /\(M\)$/) f = 1e6
                else if (unit ~ /\(G\)$/) f = 1e9
                next
            }
            $1 == p { printf "%.0f\n", $2 * f; exit }' "$file"
    }
    calc() { awk "BEGIN { $1 }"; }

    ROWS=()
    row() { ROWS+=("$1|$2|$3|$4"); }
    missing() { row "$1" "not measured" "$2" "-"; }

    # 1. Frame: render + diff of a full 240x70 frame.
    p50=$(value Frame render_diff_240x70 wallClock 50); p99=$(value Frame render_diff_240x70 wallClock 99)
    if [ -n "$p50" ]; then
        c50=$(value Frame render_diff_240x70 threadCPU 50); c99=$(value Frame render_diff_240x70 threadCPU 99)
        row "frame render+diff 240x70" "$(calc "printf \"wall p50 %.0f us, p99 %.0f us\", $p50/1e3, $p99/1e3")" "p99 <= 500 us" \
            "$(calc "print ($p99 <= 500000) ? \"met\" : sprintf(\"gap (+%.0f us)\", ($p99 - 500000)/1e3)")"
        row "  same, thread CPU time" "$(calc "printf \"p50 %.0f us, p99 %.0f us\", $c50/1e3, $c99/1e3")" "p99 <= 500 us" \
            "$(calc "print ($c99 <= 500000) ? \"met\" : sprintf(\"gap (+%.0f us)\", ($c99 - 500000)/1e3)")"
        r50=$(value Frame render_240x70 wallClock 50); r99=$(value Frame render_240x70 wallClock 99)
        d50=$(value Frame diff_240x70 wallClock 50); d99=$(value Frame diff_240x70 wallClock 99)
        row "  render only" "$(calc "printf \"wall p50 %.0f us, p99 %.0f us\", $r50/1e3, $r99/1e3")" "-" "-"
        row "  diff only" "$(calc "printf \"wall p50 %.1f us, p99 %.1f us\", $d50/1e3, $d99/1e3")" "-" "-"
        m=$(value Frame render_diff_240x70 mallocCountTotal 50); b=$(value Frame render_diff_240x70 mallocBytesCount 50)
        c=$(value Frame render_diff_240x70 changedCells 50); n=$(value Frame render_diff_240x70 cellRuns 50)
        row "  per frame (p50)" "$m mallocs, $(calc "printf \"%.0f\", $b/1024") KiB; $c cells in $n runs changed" "-" "-"
    else missing "frame render+diff 240x70" "p99 <= 500 us"; fi

    # 2. Events per second: reducer and actor + journal.
    events_row() { # label benchmark batch
        local p50 p99 bytes
        p50=$(value Events "$2" wallClock 50); p99=$(value Events "$2" wallClock 99)
        bytes=$(value Events "$2" mallocBytesCount 50)
        if [ -n "$p50" ]; then
            row "$1" "$(calc "printf \"%.0f events/s (p50 %.2f us/event, p99 %.2f; %.1f KiB malloc/event)\", $3*1e9/$p50, $p50/$3/1e3, $p99/$3/1e3, ${bytes:-0}/$3/1024")" "-" "-"
        else missing "$1" "-"; fi
    }
    events_row "reducer: samples event (8 values)" reducer_samples_x1000 1000
    events_row "reducer: note event" reducer_notes_x1000 1000
    events_row "actor send(.samples) + journal" actor_send_samples_x100 100
    events_row "  same, a subscriber holds snapshots" actor_send_samples_subscribed_x100 100

    # 3. Durable journal appends.
    for spec in "append_1_per_txn:1:samples store, 1 batch/txn (FULL)" "append_100_per_txn:100:samples store, 100 batches/txn (group commit)"; do
        name=${spec%%:*}; rest=${spec#*:}; batch=${rest%%:*}; label=${rest#*:}
        p50=$(value JournalAppend "$name" wallClock 50); p99=$(value JournalAppend "$name" wallClock 99)
        bytes=$(value JournalAppend "$name" mallocBytesCount 50)
        if [ -n "$p50" ]; then
            row "$label" "$(calc "printf \"%.0f events/s (txn p50 %.0f us, p99 %.0f us; %.1f KiB malloc/event)\", $batch*1e9/$p50, $p50/1e3, $p99/1e3, ${bytes:-0}/$batch/1024")" "-" "-"
        else missing "$label" "-"; fi
    done

    # 4. Scrape parser.
    p50=$(value Scrape parse_fleet_body wallClock 50); p99=$(value Scrape parse_fleet_body wallClock 99)
    bytes=$(value Scrape parse_fleet_body bodyBytes 50)
    if [ -n "$p50" ]; then
        mbps=$(calc "printf \"%.0f\", $bytes/1e6/($p50/1e9)")
        row "scrape parser, $(calc "printf \"%.1f\", $bytes/1e6") MB body" \
            "$(calc "printf \"%.0f MB/s (p50 %.0f ms; p99 %.0f MB/s)\", $mbps, $p50/1e6, $bytes/1e6/($p99/1e9)")" ">= 100 MB/s" \
            "$(calc "print ($mbps >= 100) ? \"met\" : \"gap\"")"
        s50=$(value Scrape parse_simulator_body wallClock 50); sbytes=$(value Scrape parse_simulator_body bodyBytes 50)
        row "  simulator's own /metrics ($sbytes B)" "$(calc "printf \"p50 %.1f us (%.0f MB/s)\", $s50/1e3, $sbytes/1e6/($s50/1e9)")" "-" "-"
    else missing "scrape parser" ">= 100 MB/s"; fi

    # 5. Memory: 24 h of 1 s history for 200 series.
    computed=$(value History history_24h_200_series computedBytes 50)
    if [ -n "$computed" ]; then
        mallocd=$(value History history_24h_200_series mallocBytesCount 50)
        rss=$(value History history_24h_200_series residentAfterFill 50)
        before=$(value History history_24h_200_series residentBefore 50)
        stride=$(value History history_24h_200_series pointStride 50)
        fill=$(value History history_24h_200_series wallClock 50)
        row "history 24h x 200 series: data" "$(calc "printf \"%.1f MB computed (%d B/point), %.1f MB malloc'd\", $computed/1e6, $stride, $mallocd/1e6")" "-" "-"
        row "  process RSS after fill" "$(calc "printf \"%.1f MB (%.1f MB before; fill %.0f ms)\", $rss/1e6, $before/1e6, $fill/1e6")" "<= 150 MB" \
            "$(calc "print ($rss <= 150e6) ? \"met\" : sprintf(\"gap (+%.0f MB)\", ($rss - 150e6)/1e6)")"
    else missing "history 24h x 200 series" "<= 150 MB"; fi

    printf '\nIn-process benchmarks (release, ordo-one/benchmark; us = microseconds; %s cores, load %s before, %s after)\n' \
        "$(nproc)" "$load_before" "$(loadavg)"
    printf '%-40s %-62s %-15s %s\n' "benchmark" "measured" "target" "status"
    for r in "${ROWS[@]}"; do
        IFS='|' read -r a b c d <<<"$r"
        printf '%-40s %-62s %-15s %s\n' "$a" "$b" "$c" "$d"
    done
fi

if [ -n "$PROCESS" ]; then
    run_child bash "$HERE/process.sh"
fi
