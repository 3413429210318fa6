#!/usr/bin/env bash
# Regenerates docs/screenshots/, the pictures the README shows: the start screen, each built-in
# scenario's map, a map mode, the cities' native names, a siege under way, the outcome screen, the
# timeline after a "What if…?" and the odds from a month with decisions open. All but the odds are
# the same byte for byte on every run; the odds' line of timings (how long the sweep took) varies.
#
#   bash tools/screenshots.sh
#
# Needs Xvfb and Mesa's software Vulkan (apt-get install xvfb mesa-vulkan-drivers). It draws on
# a private virtual display, taller than the 1440x900 window, so that the pointer (which starts
# at the screen's centre) lies below the window and no tooltip shows; saves go to a temporary
# folder, not yours.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet
bin=$PWD/target/release/jingkang
out=$PWD/docs/screenshots
mkdir -p "$out"
work=$(mktemp -d)

Xvfb -displayfd 3 -screen 0 1440x2000x24 -nolisten tcp 3>"$work/display" 2>/dev/null &
xvfb=$!
trap 'kill $xvfb 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do
    [ -s "$work/display" ] && break
    sleep 0.1
done
export DISPLAY=":$(head -n1 "$work/display")"
export JINGKANG_SAVE_DIR="$work/saves"
export XDG_RUNTIME_DIR="$work/xdg"
mkdir -m 700 "$XDG_RUNTIME_DIR"
# Smooth edges as a graphics card draws them, though Mesa draws these on the processor.
export JINGKANG_SMOOTH_EDGES=1

# shot NAME ARGS...: `jingkang play ARGS` drawn for 40 frames, saved as docs/screenshots/NAME.png.
# It runs in the work folder, so that a save is loaded by its bare name and the window's notice
# ("Loaded siege.json") is the same on every run.
shot() {
    local name=$1
    shift
    (cd "$work" && "$bin" play "$@" --screenshot "$out/$name.png" --frames 40 >/dev/null)
    echo "docs/screenshots/$name.png"
}

shot start
# Each scenario as it starts, but the Alliance on the Sea, which starts as the grand campaign
# does: it is shown in autumn 1122, with the Liao empire falling to pieces.
for scenario in $("$bin" scenarios | cut -d' ' -f1); do
    if [ "$scenario" = alliance_on_the_sea ]; then
        "$bin" run "$scenario" --seed 1 --historical --turns 31 --save "$work/alliance.json" >/dev/null
        shot "map-$scenario" --load alliance.json --watch
    else
        shot "map-$scenario" "$scenario" --watch --seed 1
    fi
done
shot mode-loyalty grand_campaign --watch --seed 1 --mode loyalty
shot native-names jingkang --faction song --seed 1 --native-names --centre 115.6,37.6 --zoom 2.2

# A campaign played headless to a month worth seeing, then opened in the window.
"$bin" run jingkang --seed 1 --historical --turns 4 --save "$work/siege.json" >/dev/null
shot siege --load siege.json --watch --centre 114.8,37.3 --zoom 2.6
"$bin" run grand_campaign --seed 3 --historical --save "$work/end.json" >/dev/null
shot outcome --load end.json

# The timeline: a campaign played headless, taken back to December 1125 in the window and answered
# otherwise there (Huizong abdicates), the two branches compared.
"$bin" run jingkang --seed 1 --turns 8 --save "$work/played.json" >/dev/null
shot timeline --load played.json --panel timeline --fork-at 1125-12 --choose huizong_abdicates=abdicate
# The odds: Song's court must decide in January 1126; the window sweeps each answer.
"$bin" run jingkang --seed 1 --until-decision song --save "$work/decide.json" 2>/dev/null >/dev/null
shot odds --load decide.json --panel odds
