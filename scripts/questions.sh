#!/usr/bin/env bash
# Regenerates docs/questions.md: the questions the Korean blog posts in the
# project's seeds ask about Kafka's producer, each answered by running
# kafka-model and quoting the command and its real output.
#
#   scripts/questions.sh PATH/TO/kafka-model [OUTPUT]   (default OUTPUT: docs/questions.md)
#
# Commands run in a scratch directory holding links to examples/ and
# tests/scenarios/, so the page shows relative paths and replay files land in
# ./counterexamples-out there. tests/cli/questions_test.cpp checks the page is current.
set -euo pipefail

binary=$(realpath "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
output=$(realpath -m "${2:-$root/docs/questions.md}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/tests"
ln -s "$binary" "$work/bin/kafka-model"
ln -s "$root/examples" "$work/examples"
ln -s "$root/tests/scenarios" "$work/tests/scenarios"
export PATH="$work/bin:$PATH"
cd "$work"

page=""
say() { page+="$*"$'\n'; }
# The effective configuration of a producer file that sets nothing: Kafka's
# defaults and the model's default cluster, printed once at the end of the page.
: > defaults.properties
defaults=$(kafka-model check --producer defaults.properties --budget 1 2>&1 |
  awk '/^Effective configuration/ { on = 1 } on && !/^ / && !/^Effective/ && !/^The model.s cluster/ { exit } on { print }')
printf '%s\n' "$defaults" > defaults.txt

# condense: the report's output without what every answer repeats. The
# effective configuration keeps the keys the command's files set (with their
# file:line) and every key whose value differs from the defaults (e.g. one
# Kafka derives, as enable.idempotence=false under acks=1), and says how many
# others are at their defaults; the timeline legend is dropped. Both are
# printed once, in full, at the end of the page.
condense() {
  awk -v defaults="$work/defaults.txt" '
    BEGIN { while ((getline line < defaults) > 0) at_default[line] = 1 }
    function flush() { if (others > 0) printf "  (%d other keys at their defaults, listed at the end of this page)\n", others; others = 0 }
    /^Effective configuration \(what Kafka/ { in_config = 1; others = 0; pending = ""; print; next }
    in_config && (/^ / || /^The model.s cluster/) {
      if (!/^    /) { pending = $0; next }  # a block heading, printed before its first kept key
      if (!/\(set at / && ($0 in at_default)) { others++; next }
      if (pending != "") { print pending; pending = "" }
      print
      next
    }
    in_config { in_config = 0; flush() }
    /^Timeline: one line per step of the history\.$/ { in_legend = 1; print "(the timeline legend is at the end of this page)"; next }
    in_legend && /^ / { next }
    { in_legend = 0; print }
    END { if (in_config) flush() }
  '
}

# run COMMAND...: quotes the command, its output (condensed) and its exit code.
run() {
  local out code=0
  out=$("$@" 2>&1 | condense; exit "${PIPESTATUS[0]}") || code=$?
  say '```console'
  say "\$ $*"
  say "$out"
  say "(exit $code)"
  say '```'
  say ""
}

say "# Questions from the blog posts, answered by running the model"
say ""
say "The Korean blog posts our users learn from ask these questions about the"
say "producer. Each answer below quotes the command and its real output;"
say "\`scripts/questions.sh build/release/cli/kafka-model\` regenerates this page and"
say "\`tests/cli/questions_test.cpp\` fails when it is stale. Verdicts hold under the"
say "model's fault model (docs/model.md). \`check\` searches 1000 failure schedules"
say "per guarantee by default and stops at the first violation. Each answer shows"
say "only the settings its files change; the full effective configuration and the"
say "timeline legend every report prints are at the end of the page. Exit codes (README): 0 every required guarantee"
say "holds (required by default: what Kafka promises for the configuration), 1 a"
say "required guarantee is violated, 2 bad input, 3 Kafka refuses the configuration,"
say "4 a promise broken by none of Kafka's known exceptions, 5 a required guarantee"
say "never exercised."
say ""

say "## 1. Does acks=all mean exactly once? (\"acks가 all이면 exactly once ??\")"
say ""
say "No. acks=all is about durability (how many replicas have the record before"
say "the producer hears back), not about how many times it is written. Without"
say "idempotence, a lost response makes the retry a second copy:"
say ""
run kafka-model check --producer examples/producer-idempotence-off.properties --guarantee no_duplicates_within_session
say "## 2. Can acks=all still be at-least-once, with duplicates? (\"acks가 all이어도 at least once 될 수 있지 않나 ???\")"
say ""
say "Yes, in two ways. Without idempotence (answer 1). And even with idempotence:"
say "it removes duplicates only within one producer session (one producer id). An"
say "application that re-sends after a restart writes a copy Kafka cannot"
say "recognise, so a consumer still needs its own de-duplication:"
say ""
run kafka-model check --producer examples/producer-idempotent.properties --guarantee no_duplicates
say "Within the session the idempotent producer keeps its promise:"
say ""
run kafka-model check --producer examples/producer-idempotent.properties --guarantee no_duplicates_within_session --budget 300
say "## 3. A lost ack: does the retry duplicate the message? (\"ack 가 유실 됐다 ... 중복된다\")"
say ""
say "The blog's scenario, written down as a scenario file: without idempotence the"
say "retry is appended again; with it, the broker recognises the cached batch and"
say "answers with the original offset (DuplicateDetected)."
say ""
run kafka-model scenario tests/scenarios/01-response-lost-idempotence-off.json
run kafka-model scenario tests/scenarios/02-response-lost-idempotence-on.json
say "## 4. acks=0 is at-most-once, acks=1 at-least-once? (\"acks가 0이면 at most once, acks가 1이면 at least once\")"
say ""
say "acks=0 loses records without any error (and reports offset -1):"
say ""
run kafka-model check --producer examples/producer-acks-0.properties --guarantee no_lost_acknowledged_writes
say "acks=1 loses records that were *acknowledged*: the leader answers before a"
say "follower copied the batch, then fails (\"acks=1이라고 해서 메시지 손실률이 전혀 없는 것은 아닙니다\"):"
say ""
run kafka-model check --producer examples/producer-acks-1.properties --broker examples/broker-replication-3.properties --guarantee no_lost_acknowledged_writes
say "## 5. Is acks=all with replication 3 and min.insync.replicas=2 the safe setting?"
say ""
say "With min.insync.replicas=1 and unclean leader election an acknowledged write"
say "can still be lost; with min.insync.replicas=2 and clean elections it cannot:"
say ""
run kafka-model check --producer examples/producer-acks-all.properties --broker examples/broker-min-isr-1-unclean.properties --guarantee no_lost_acknowledged_writes --budget 5000
run kafka-model check --producer examples/producer-acks-all.properties --broker examples/broker-min-isr-2.properties --guarantee no_lost_acknowledged_writes --budget 300
say "## 6. Does max.in.flight.requests.per.connection > 1 reorder messages? (\"메시지 순서가 맞지 않을 수 있다\")"
say ""
say "Without idempotence, yes: a failed batch's retry lands after a later batch."
say "With one request in flight it cannot (duplicates remain possible):"
say ""
run kafka-model check --producer examples/producer-idempotence-off.properties --guarantee order_within_session
run kafka-model check --producer examples/producer-in-flight-1.properties --guarantee order_within_session --budget 300
say "## 7. Why must in-flight be at most 5 with idempotence? (\"최대 5인 이유는?\")"
say ""
say "Kafka refuses more when idempotence is explicit (exit 3, Kafka's message):"
say ""
printf 'enable.idempotence=true\nmax.in.flight.requests.per.connection=6\n' > in-flight-6.properties
say '```console'
say '$ cat in-flight-6.properties'
say "$(cat in-flight-6.properties)"
say '```'
say ""
run kafka-model check --producer in-flight-6.properties
say "The reason is the broker's cache: it keeps the last 5 batches per producer"
say "(ProducerStateEntry.NUM_BATCHES_TO_RETAIN). A retry still in the cache is"
say "answered \"duplicate, here is your offset\"; one that fell out gets"
say "OUT_OF_ORDER_SEQUENCE_NUMBER, the producer bumps its epoch and writes the batch"
say "again. The model's what-if knob model.producer.state.batches.to.retain shows"
say "both sides (a cache of 2 with 3 in flight, then a cache as large as in-flight):"
say ""
run kafka-model scenario tests/scenarios/11a-cache-smaller-than-in-flight.json
run kafka-model scenario tests/scenarios/11b-cache-at-least-in-flight.json
say "## 8. Idempotence is the default since 3.0: what if I also set acks=1? (\"iempotence 로는 동작하지 않음\")"
say ""
say "Left at its default, idempotence is silently turned off (see"
say "enable.idempotence in the effective configuration); set explicitly, Kafka"
say "refuses to start the producer:"
say ""
run kafka-model check --producer examples/producer-acks-1.properties --guarantee order_within_session
printf 'enable.idempotence=true\nacks=1\n' > explicit-idempotence-acks-1.properties
run kafka-model check --producer explicit-idempotence-acks-1.properties
say "## 9. What happens when the producer restarts? (\"다시 시작하면 PID가 변경된다\")"
say ""
say "A new instance without transactional.id gets a new producer id; the"
say "application's re-send of an unacknowledged record is a second copy:"
say ""
run kafka-model scenario tests/scenarios/08-producer-restart-without-transactional-id.json
say "## 10. delivery.timeout.ms must be >= linger.ms + request.timeout.ms?"
say ""
printf 'delivery.timeout.ms=1000\nrequest.timeout.ms=30000\n' > short-delivery-timeout.properties
run kafka-model check --producer short-delivery-timeout.properties
say "## 11. Why \"Invalid transition attempted from state READY to state ABORTING_TRANSACTION\"?"
say ""
say "abortTransaction() was called while no transaction was open (READY: after"
say "initTransactions() or after a commit, before beginTransaction()). The"
say "producer's TransactionManager machine (docs/state-machines.md) gives"
say "Kafka's exact IllegalStateException, and shows the valid path:"
say ""
run kafka-model transition READY ABORTING_TRANSACTION --transactional-id prod-0
run kafka-model transition IN_TRANSACTION ABORTING_TRANSACTION --transactional-id prod-0
say "## 12. What changes without sendOffsetsToTransaction? Does a transactional producer give exactly once?"
say ""
say "The model runs transactions (Kafka 3.9, Transactions V1: docs/model.md"
say "\"Transactions\"): initTransactions, beginTransaction, send,"
say "commitTransaction/abortTransaction, the coordinator, markers, the last stable"
say "offset and both isolation levels. With Kafka's default consumer"
say "(read_uncommitted) an aborted transaction's records are read; with"
say "read_committed they are not, and each committed transaction is read whole:"
say ""
run kafka-model check --producer examples/producer-transactional.properties --guarantee no_aborted_reads --budget 300
run kafka-model check --producer examples/producer-transactional.properties --broker examples/broker-min-isr-2.properties --consumer examples/consumer-read-committed.properties --guarantee no_aborted_reads --guarantee transactions_atomic --guarantee no_duplicates --budget 300
say "no_duplicates is not Kafka's to keep here: the application's records are"
say "numbered, and a new instance sends again every record it did not see a"
say "transaction commit. A commitTransaction still on its way when the old"
say "instance was replaced (or a zombie's, before the new instance's"
say "initTransactions fenced it) commits them too. Fencing stops a fenced epoch"
say "from committing; it cannot stop the application from sending the same"
say "record in a new transaction. A real application learns what to process next"
say "from its input: its consumer group's committed offset, which is exact only"
say "if it is committed in the same transaction. Give the consumer a group.id"
say "(--consumer) and the model runs that application: input offset i becomes"
say "output record i. Without sendOffsetsToTransaction (the consumer's default"
say "enable.auto.commit=true commits the offsets outside the transaction), a"
say "restart between a commit and the next offset commit processes the input"
say "again, and both copies are committed:"
say ""
run kafka-model check --producer examples/producer-transactional.properties --broker examples/broker-min-isr-2.properties --consumer examples/consumer-consume-process-produce.properties --guarantee exactly_once_consume_process_produce --budget 300
say "With enable.auto.commit=false and sendOffsetsToTransaction (KIP-98, KIP-447)"
say "the offsets commit with the transaction's COMMIT marker and are dropped with"
say "its ABORT marker, so each input record has exactly one committed output:"
say ""
run kafka-model check --producer examples/producer-transactional.properties --broker examples/broker-min-isr-2.properties --consumer examples/consumer-exactly-once.properties --guarantee exactly_once_consume_process_produce --budget 300
run kafka-model scenario tests/scenarios/24-consume-process-produce-send-offsets-to-transaction-restart-exactly-once.json

say "## 13. Is the idempotent producer airtight within its session?"
say ""
say "Almost. The search found one race in Kafka 3.9's rules (docs/model.md): if the"
say "leader refuses the very first batch of a new producer id while it accepts the"
say "next one (a leadership move between two requests), the leader has no state for"
say "the producer and accepts sequence 1; the retry of sequence 0 is then refused as"
say "out of order, the producer takes that for a real gap, bumps its epoch and"
say "writes the second batch again. \`check\` leaves transient refusals out unless"
say "\`--with-refusals\` is given; the shrunk schedule replays as a scenario:"
say ""
run kafka-model scenario tests/scenarios/12-known-race-refused-first-batch-of-a-new-producer-id.json
say "## Appendix: what every report prints"
say ""
say "Each answer above shows the settings its files set and every other key whose"
say "value differs from these defaults (a producer file that sets nothing):"
say ""
say '```console'
say "$defaults"
say '```'
say ""
say "and a report with a counterexample ends with the timeline legend:"
say ""
say '```console'
say "$(kafka-model scenario tests/scenarios/01-response-lost-idempotence-off.json 2>&1 |
  awk '/^Timeline: one line per step of the history\.$/ { on = 1; print; next } on && /^ / { print; next } on { exit }')"
say '```'
printf '%s' "$page" > "$output"
echo "wrote $output"
