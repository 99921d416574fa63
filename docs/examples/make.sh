#!/bin/sh
# Regenerates the example reports in docs/examples from the Ballerup sample
# (release build; Danish, the reports' default). Usage: sh docs/examples/make.sh
set -eu
cargo build --release --quiet
B=target/release/boligmatch
S=data-samples/ballerup-2014
E=docs/examples
"$B" allocate "$S" --report "$E/allocate-ballerup-2014.html" > /dev/null
"$B" whatif "$S" --scenarios "$S/scenarios" --report "$E/whatif-ballerup-2014.html" > /dev/null
"$B" whatif "$S" --sweep 'staff=ICM:f:0..4' --report "$E/sweep-ballerup-2014.html" > /dev/null
"$B" plan "$S" --templates "$S/scenarios/templates.toml" --report "$E/plan-ballerup-2014.html" > /dev/null
"$B" simulate "$S" --timeline "$S/timeline.toml" --until 2015-12-31 --runs 200 --seed 1 \
  --strategy optimal,priority_list,lookahead --scenario "$S/scenarios/more-skaeve-boliger.toml" \
  --report "$E/simulate-ballerup-2014.html" > /dev/null
echo "wrote $E/*.html"
