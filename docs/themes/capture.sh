#!/usr/bin/env bash
# Regenerate the captures in this folder: a quick demo runs to its automatic
# rollback in a private tmux server, then `warroom screenshot` renders the
# journal's last state for every shipped theme at every colour depth.
# View one with `cat docs/themes/dark-256.ansi` in a terminal.
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build >/dev/null
bin=.build/debug/warroom
journal=$(mktemp -d)/docs.sqlite
sock=warroom-docs-$$
tmux -L "$sock" -f /dev/null new-session -d -x 160 -y 48 -e LANG=C.UTF-8 "$bin demo --scenario quick --journal $journal; sleep 600"
for _ in $(seq 1 120); do
    sleep 1
    tmux -L "$sock" capture-pane -p | grep -q "time to rollback" && break
done
sleep 2
tmux -L "$sock" kill-server
out=docs/themes
$bin screenshot --journal "$journal" --width 120 --height 40 > "$out/screen.txt"
$bin screenshot --journal "$journal" --width 120 --height 40 --wallboard > "$out/wallboard.txt"
for theme in dark light high-contrast solarized colorblind mono; do
    for depth in truecolor 256 16 8 mono; do
        $bin screenshot --journal "$journal" --width 120 --height 40 --ansi --theme "$theme" --colors "$depth" > "$out/$theme-$depth.ansi"
    done
done
$bin screenshot --journal "$journal" --width 120 --height 40 --wallboard --ansi --theme high-contrast --colors 256 > "$out/wallboard-high-contrast-256.ansi"
echo "captures written to $out"
