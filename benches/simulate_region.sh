#!/bin/sh
# Measures `simulate` on a region (generator tier M: 2,000 people, 1,500
# units, 150 workers) for 52 weeks, 10 runs, with a timeline at the sample's
# rates scaled to the region (57 times the sample's 35 people): release build,
# wall clock. Usage: sh benches/simulate_region.sh
set -eu
cargo build --release --quiet
B=target/release/boligmatch
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
"$B" generate --tier m --seed 1 --out "$W/m" 2> /dev/null
cat > "$W/timeline.toml" <<'TOML'
# The sample's timeline scaled by 57: 20 arrivals a year -> 22 a week,
# vacancies 0.25 and 0.12 a week -> 14 and 7.
arrival_rate = 22
vacancies = { ordinary = 14, youth_housing = 7 }
decline_probability = 0.15
response_weeks = 1
tenancy_loss_per_week = 0.002
leave_per_week = 0.0025
TOML
start=$(date +%s.%N)
"$B" simulate "$W/m" --timeline "$W/timeline.toml" --weeks 52 --runs 10 --strategy optimal --out "$W/out" > /dev/null
end=$(date +%s.%N)
awk "BEGIN { printf \"region (M), 52 weeks, 10 runs, optimal: %.1f s\\n\", $end - $start }"
