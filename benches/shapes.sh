#!/bin/sh
# Both shapes of round (generate --reach regional|all), tiers M and L, seeds
# FROM..TO: wall clock, peak memory, and whether each proposal is proven.
# Release build. Usage: sh benches/shapes.sh [FROM TO [TIERS [LIMIT]]]
#   TIERS: "m" (default), "m l"; LIMIT: --time-limit seconds (default none).
set -eu
FROM=${1:-1}
TO=${2:-10}
TIERS=${3:-m}
LIMIT=${4:-}
cargo build --release --quiet
B=target/release/boligmatch
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
echo "tier reach seed seconds peak_mb proposals(level1/level2 status)"
for tier in $TIERS; do
  for reach in regional all; do
    seed=$FROM
    while [ "$seed" -le "$TO" ]; do
      "$B" generate --tier "$tier" --reach "$reach" --seed "$seed" --out "$W/r" --force 2> /dev/null
      set -- allocate "$W/r" --format json --out "$W/o" --no-timings
      if [ -n "$LIMIT" ]; then set -- "$@" --time-limit "$LIMIT"; fi
      /usr/bin/time -f "%e %M" -o "$W/time" "$B" "$@" > /dev/null
      statuses=$(python3 -c "
import json
d = json.load(open('$W/o/summary.json'))
print(' '.join(p['level1_priority']['status'][0] + '/' + p['level2_fit']['status'][0] for p in d['proposals']))")
      read -r secs kb < "$W/time"
      echo "$tier $reach $seed $secs $((kb / 1024)) $statuses"
      seed=$((seed + 1))
    done
  done
done
