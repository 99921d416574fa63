#!/bin/sh
# Measures that `--time-limit T` bounds every subcommand's wall clock by T + 1 s
# on the largest generated rounds (tier M and L), on the release build.
# Usage: sh benches/time_limit.sh [T]   (default T = 5 seconds)
# Prints one line per command: the wall-clock seconds, the exit code, and
# whether it stayed within T + 1 s. Not part of the test suite (speed is
# measured, never asserted in tests); the figures go to docs/performance.md.
set -eu
T=${1:-5}
cargo build --release --quiet
B=target/release/boligmatch
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
TEMPLATES="$W/templates.toml"
cat > "$TEMPLATES" <<'TOML'
months = 12
[[unit]]
name = "skaev bolig"
kind = "skaev_bolig"
rent_dkk = 2950
monthly_cost_dkk = 1800
one_off_cost_dkk = 350000
max_count = 40
[[staff]]
name = "ICM worker"
method = "ICM"
gender = "f"
capacity = 8
monthly_cost_dkk = 45000
max_count = 20
TOML
now() { date +%s.%N; }
measure() {
    start=$(now)
    set +e
    "$@" > /dev/null 2> "$W/err"
    code=$?
    set -e
    end=$(now)
    secs=$(awk "BEGIN { print $end - $start }")
    ok=$(awk "BEGIN { print ($secs <= $T + 1) ? 1 : 0 }")
    verdict=$([ "$ok" = 1 ] && echo "within T+1" || echo "OVER T+1")
    printf '%8.2f s  exit %s  %s  %s\n' "$secs" "$code" "$verdict" "$(echo "$*" | sed "s|$W/||g; s|$B|boligmatch|")"
    if [ "$code" -ne 0 ]; then sed 's/^/           /' "$W/err" | head -2; fi
}
for tier in m l; do
    "$B" generate --tier "$tier" --seed 1 --out "$W/$tier" 2> /dev/null
    R="$W/$tier"
    measure "$B" allocate "$R" --time-limit "$T"
    measure "$B" allocate "$R" --proposals 3 --alternatives 2 --time-limit "$T" --out "$W/out-$tier"
    measure "$B" allocate "$R" --proposals 3 --min-diff 2 --time-limit "$T"
    measure "$B" allocate "$R" --solver milp --time-limit "$T"
    measure "$B" whatif "$R" --sweep add=ordinary:0..3 --time-limit "$T"
    measure "$B" plan "$R" --templates "$TEMPLATES" --time-limit "$T"
done
