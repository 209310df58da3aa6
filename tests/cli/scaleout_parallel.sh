#!/bin/sh
# check --shard I/3 under GNU parallel, then merge: the merged report must be
# one run's byte for byte (text and --json), with the same replay files and
# exit code (docs/scale-out.md). Usage: scaleout_parallel.sh KAFKA_MODEL SOURCE_DIR.
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
exit $fail
