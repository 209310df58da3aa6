#!/bin/sh
# check --shard I/3 under GNU parallel, then merge: the merged report must be
# one run's byte for byte (text and --json), with the same replay files and
# exit code (docs/scale-out.md); then explore --shard the same way. Usage: scaleout_parallel.sh KAFKA_MODEL SOURCE_DIR.
# Exit 77 (CTest's SKIP_RETURN_CODE) when GNU parallel is not installed.
set -u
km=$1
src=$2
command -v parallel >/dev/null 2>&1 || { echo "GNU parallel is not installed (scripts/install-deps.sh): skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
# A configuration with violations (exit 1 under --require all) and one whose
# promised guarantees hold (exit 0).
for config in \
  "--producer $src/examples/producer-acks-all.properties --broker $src/examples/broker-min-isr-1-unclean.properties --require all" \
  "--producer $src/examples/producer-idempotent.properties --broker $src/examples/broker-min-isr-2.properties"; do
  args="$config --budget 300 --seed 11"
  rm -rf "$work"/*
  # shellcheck disable=SC2086
  "$km" check $args --out "$work/single" >"$work/single.txt"; single_code=$?
  # shellcheck disable=SC2086
  "$km" check $args --json --out "$work/single-json" >"$work/single.json"
  # The documented one-liner: three shards at once, one part each.
  # shellcheck disable=SC2086
  parallel --halt now,fail=1 "'$km' check $args --jobs 1 --json --shard {}/3 > '$work/part-{}.json'" ::: 0 1 2 ||
    { echo "FAIL: a shard failed under parallel"; fail=1; continue; }
  # The merge writes its replay files where the single run wrote its own (the
  # report names the directory): keep the single run's to compare.
  mv "$work/single" "$work/single-replays" 2>/dev/null || mkdir -p "$work/single-replays"
  "$km" merge "$work"/part-*.json --out "$work/single" >"$work/merged.txt"; merged_code=$?
  mkdir -p "$work/single"
  diff -r "$work/single-replays" "$work/single" || { echo "FAIL: merged replay files differ ($config)"; fail=1; }
  "$km" merge --json "$work"/part-*.json --out "$work/single-json" >"$work/merged.json"
  cmp "$work/single.txt" "$work/merged.txt" || { echo "FAIL: merged text differs ($config)"; diff "$work/single.txt" "$work/merged.txt" | head -20; fail=1; }
  cmp "$work/single.json" "$work/merged.json" || { echo "FAIL: merged JSON differs ($config)"; fail=1; }
  [ "$single_code" = "$merged_code" ] || { echo "FAIL: exit code $merged_code, one run's is $single_code ($config)"; fail=1; }
  echo "ok: exit $merged_code, $(wc -c <"$work/merged.txt") bytes of text, $(grep -c '"replay_file"' "$work/merged.json") counterexample(s) ($config)"
done
# explore --shard I/3 under GNU parallel, then merge: the same verdicts, the
# same shortest lengths and exit code as one exploration (the counts may be
# larger: a state below two shards' split nodes is counted in each;
# properties/explorer.hpp, merge_explore_shards).
verdicts() { grep -E '"(guarantee|verdict|holds_within_bounds|shortest_counterexample_events)"' "$1"; }
# Small timeouts and two brokers keep the explorations under a second.
cfg=$(mktemp -d)
trap 'rm -rf "$work" "$cfg"' EXIT
printf 'request.timeout.ms=1000\ndelivery.timeout.ms=5000\nretry.backoff.ms=10\nlinger.ms=0\nbatch.size=100\n' >"$cfg/small.properties"
{ cat "$cfg/small.properties"; printf 'acks=1\nenable.idempotence=false\n'; } >"$cfg/acks-1.properties"
{ cat "$cfg/small.properties"; printf 'enable.idempotence=true\n'; } >"$cfg/idempotent.properties"
printf 'model.brokers=2\ndefault.replication.factor=2\nreplica.lag.time.max.ms=200\nreplica.fetch.wait.max.ms=100\n' >"$cfg/broker.properties"
for config in \
  "--producer $cfg/acks-1.properties --broker $cfg/broker.properties --records 2 --faults 2" \
  "--producer $cfg/idempotent.properties --broker $cfg/broker.properties --records 2 --faults 1"; do
  rm -rf "$work"/*
  # shellcheck disable=SC2086
  "$km" explore $config --json --out "$work/single" >"$work/single.json"; single_code=$?
  # shellcheck disable=SC2086
  parallel --halt now,fail=1 "'$km' explore $config --json --shard {}/3 > '$work/part-{}.json'" ::: 0 1 2 ||
    { echo "FAIL: an explore shard failed under parallel"; fail=1; continue; }
  "$km" merge --json "$work"/part-*.json --out "$work/merged" >"$work/merged.json"; merged_code=$?
  verdicts "$work/single.json" >"$work/single.verdicts"
  verdicts "$work/merged.json" >"$work/merged.verdicts"
  cmp "$work/single.verdicts" "$work/merged.verdicts" ||
    { echo "FAIL: merged exploration's verdicts differ ($config)"; diff "$work/single.verdicts" "$work/merged.verdicts" | head -20; fail=1; }
  [ "$single_code" = "$merged_code" ] || { echo "FAIL: explore merge exit code $merged_code, one run's is $single_code ($config)"; fail=1; }
  echo "ok: explore exit $merged_code, $(grep -c '"holds_within_bounds": true' "$work/merged.json") guarantee(s) hold within bounds ($config)"
done
exit $fail
