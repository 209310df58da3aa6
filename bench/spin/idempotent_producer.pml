/*
 * bench/spin/idempotent_producer.pml: the core of kafka-model's idempotent
 * producer in Promela, for the side-by-side with SPIN (docs/explorer.md,
 * "Side by side with SPIN"; bench/spin/run runs it and `kafka-model explore`
 * on equivalent bounds).
 *
 * One producer, one partition, one leader, one record per batch (batch i is
 * send i, sequence i in epoch 0). Faults: a lost produce response (the
 * connection is lost with it: nothing more gets through until the client
 * closes it, as kafka-model's black-holed connections), and a connection
 * drop (Disconnect). At most FAULTS of them per behaviour.
 *
 * Kafka 3.9 classes modelled (mirror: apache/kafka, branch 3.9):
 *  - client: RecordAccumulator.drain / shouldStopDrainBatchesForPartition
 *    (a retried batch goes only when it is the first in-flight sequence, so
 *    retries go one at a time), NetworkClient's InFlightRequests
 *    (max.in.flight.requests.per.connection), request timeout / disconnect
 *    (NetworkClient.handleTimedOutRequests, handleDisconnections: every
 *    in-flight request of the connection fails and its batches are
 *    re-enqueued, Sender.reenqueueBatch), TransactionManager.canRetry
 *    (OUT_OF_ORDER_SEQUENCE_NUMBER: a batch that is not the next sequence
 *    after lastAckedSequence is retried as it is; the next one requests an
 *    epoch bump, KIP-360), TransactionManager.bumpIdempotentProducerEpoch and
 *    TxnPartitionEntry.startSequencesAtBeginning (epoch + 1, the in-flight
 *    batches renumbered from 0, lastAckedSequence reset),
 *    TransactionManager.handleCompletedBatch (maybeUpdateLastAckedSequence).
 *  - broker: UnifiedLog.analyzeAndValidateProducerState and
 *    ProducerStateEntry.findDuplicateBatch (same epoch and a sequence among
 *    the last NUM_BATCHES_TO_RETAIN = 5 batches: DUPLICATE_SEQUENCE_NUMBER,
 *    answered as a success with the first write's offset),
 *    ProducerAppendInfo.checkProducerEpoch / checkSequence (a new epoch must
 *    start at sequence 0 unless the producer has no state; the same epoch
 *    needs lastSeq + 1; else OutOfOrderSequenceException),
 *    ProducerStateEntry.addBatch (drops the oldest batch beyond the cache) and
 *    maybeUpdateProducerEpoch (a new epoch clears the cache).
 *
 * Macros (spin -D...): RECORDS, IN_FLIGHT, CACHE, FAULTS, EPOCH_BUMP (1:
 * KIP-360's bump; 0: OUT_OF_ORDER_SEQUENCE_NUMBER fails the batch, as before
 * Kafka 2.5), and which properties to assert: CHECK_DUPLICATE, CHECK_ORDER,
 * CHECK_SPURIOUS.
 *
 * Properties (assertions, checked in every state pan reaches):
 *  - no duplicate: no batch is appended to the log twice;
 *  - no reordering: batches are first appended in send order;
 *  - no spurious OUT_OF_ORDER_SEQUENCE_NUMBER: the leader never refuses as out
 *    of order a batch that is already in the log;
 *  - and no INVALID_PRODUCER_EPOCH (a request of an older epoch reaching the
 *    leader): the model claims it cannot happen here and pan checks it.
 * pan also reports invalid end states (the producer stuck with batches
 * unacknowledged).
 */

#ifndef RECORDS
#define RECORDS 6
#endif
#ifndef IN_FLIGHT
#define IN_FLIGHT 5
#endif
#ifndef CACHE
#define CACHE 5
#endif
#ifndef FAULTS
#define FAULTS 1
#endif
#ifndef EPOCH_BUMP
#define EPOCH_BUMP 1
#endif
#ifndef CHECK_DUPLICATE
#define CHECK_DUPLICATE 1
#endif
#ifndef CHECK_ORDER
#define CHECK_ORDER 1
#endif
#ifndef CHECK_SPURIOUS
#define CHECK_SPURIOUS 1
#endif

/* Requests and responses of every connection share one FIFO each: a
 * connection's requests are read in order (the broker mutes a connection
 * while it handles one request), and an older connection's precede a newer
 * one's. At most IN_FLIGHT per connection, FAULTS + 1 connections. */
#define WIRE (IN_FLIGHT * (FAULTS + 1))
#define NONE_CONN 255

/* a batch on the client (ProducerBatch + its place in RecordAccumulator) */
#define NEW 0     /* in the accumulator, never drained (no sequence yet) */
#define SENT 1    /* in a request in flight on connection conn_of[b] */
#define RETRY 2   /* re-enqueued for retry (still in TransactionManager's in-flight set) */
#define DONE 3    /* completed: acknowledged, or failed (EPOCH_BUMP 0) */

mtype = { ERR_NONE, ERR_OUT_OF_ORDER };

chan req = [WIRE] of { byte, byte, byte, byte };          /* batch, epoch, sequence, connection */
chan resp = [WIRE] of { byte, byte, byte, mtype, byte };  /* batch, epoch, sequence, error, connection */

/* ---- the producer (Sender, RecordAccumulator, TransactionManager) ---- */
byte state[RECORDS];
byte bseq[RECORDS];     /* the batch's base sequence (once drained) */
byte bepoch[RECORDS];   /* the batch's producer epoch (once drained) */
byte conn_of[RECORDS];  /* the connection its request went on */
byte epoch = 0;         /* ProducerIdAndEpoch.epoch */
byte next_seq = 0;      /* TxnPartitionEntry.nextSequence */
short last_acked = -1;  /* TxnPartitionEntry.lastAckedSequence */
byte conn = 0;          /* the current connection to the leader */
byte in_flight = 0;     /* InFlightRequests on the current connection */

/* ---- the network ---- */
byte faults = 0;
byte dead = NONE_CONN;  /* a connection that lost a response: nothing more gets through */

/* ---- the leader (UnifiedLog, ProducerStateEntry) ---- */
byte in_log[RECORDS];   /* copies of each batch in the log */
short highest = -1;     /* the highest batch appended so far */
short p_epoch = -1;     /* ProducerStateEntry.producerEpoch (-1: NO_PRODUCER_EPOCH) */
short last_seq = -1;    /* ProducerStateEntry.lastSeq */
byte cached = 0;        /* batches in batchMetadata: sequences last_seq-cached+1 .. last_seq */

/* Derived from state[] (not new state, recomputed after every change):
 * qhead, the head of the partition's deque: retries (reinserted in sequence
 * order, RecordAccumulator.insertInSequenceOrder) before new batches, batch
 * order being sequence order; first_sent, the lowest batch in a request in
 * flight (RECORDS: none). */
byte qhead = 0;
byte first_sent = RECORDS;

inline recompute() {
  qhead = RECORDS;
  first_sent = RECORDS;
  i = RECORDS;
  do
  :: i > 0 ->
     i--;
     if
     :: state[i] == NEW || state[i] == RETRY -> qhead = i
     :: state[i] == SENT -> first_sent = i
     :: else
     fi
  :: else -> break
  od
}

/* NetworkClient: the request timed out on a dead connection, or the
 * connection dropped; every request in flight on it fails and its batches
 * are re-enqueued (Sender.completeBatch -> canRetry -> reenqueueBatch). */
inline close_connection() {
  i = 0;
  do
  :: i < RECORDS -> if :: state[i] == SENT && conn_of[i] == conn -> state[i] = RETRY :: else fi; i++
  :: else -> break
  od;
  in_flight = 0;
  conn++
}

/* TransactionManager.bumpIdempotentProducerEpoch: epoch + 1, and
 * startSequencesAtBeginning renumbers the in-flight batches from 0. */
inline bump_epoch() {
  epoch++;
  next_seq = 0;
  i = 0;
  do
  :: i < RECORDS ->
     if
     :: state[i] == SENT || state[i] == RETRY -> bseq[i] = next_seq; bepoch[i] = epoch; next_seq++
     :: else
     fi;
     i++
  :: else -> break
  od;
  last_acked = -1
}

active proctype Producer() {
  byte h, i, b, e, s, c;
  mtype err;
  do
  :: atomic {
       /* Sender.sendProducerData -> RecordAccumulator.drain; a retry waits
        * to be the first in-flight sequence (shouldStopDrainBatchesForPartition) */
       qhead < RECORDS && in_flight < IN_FLIGHT && (state[qhead] == NEW || first_sent > qhead) ->
       h = qhead;
       if
       :: state[h] == NEW -> bseq[h] = next_seq; bepoch[h] = epoch; next_seq++
       :: else
       fi;
       state[h] = SENT;
       conn_of[h] = conn;
       in_flight++;
       if
       :: dead == conn -> skip  /* lost: the connection lost an earlier message */
       :: else -> req!h, bepoch[h], bseq[h], conn
       fi;
       recompute()
     }
  :: atomic {
       resp?b, e, s, err, c;
       if
       :: c == conn && state[b] == SENT && conn_of[b] == c ->
          in_flight--;
          if
          :: err == ERR_NONE ->  /* handleCompletedBatch */
             state[b] = DONE;
             if :: bseq[b] > last_acked -> last_acked = bseq[b] :: else fi
          :: err == ERR_OUT_OF_ORDER && bseq[b] != last_acked + 1 ->
             state[b] = RETRY   /* canRetry: not the next sequence, retry as it is */
          :: err == ERR_OUT_OF_ORDER && bseq[b] == last_acked + 1 ->
#if EPOCH_BUMP
             state[b] = RETRY;  /* canRetry: requestEpochBumpForPartition, then retry */
             bump_epoch()
#else
             state[b] = DONE    /* OutOfOrderSequenceException fails the batch */
#endif
          fi
       :: else -> skip  /* its connection was closed: the response is gone */
       fi;
       recompute()
     }
  :: atomic { in_flight > 0 && dead == conn -> close_connection(); recompute() }  /* request.timeout.ms */
  :: atomic { in_flight > 0 && faults < FAULTS -> faults++; close_connection(); recompute() }  /* Disconnect */
  :: qhead == RECORDS && in_flight == 0 -> break  /* every batch completed */
  od
}

active proctype Leader() {
  byte b, e, s, c;
  mtype err;
end:
  do
  :: atomic {
       req?b, e, s, c;
       if
       :: e == p_epoch && s <= last_seq && s + cached > last_seq ->
          err = ERR_NONE  /* findDuplicateBatch: DUPLICATE_SEQUENCE_NUMBER, the first write's offset */
       :: else ->
          assert(p_epoch < 0 || e >= p_epoch);  /* checkProducerEpoch: no INVALID_PRODUCER_EPOCH here */
          if
          :: (e != p_epoch && (s == 0 || p_epoch < 0)) || (e == p_epoch && s == last_seq + 1) ->
             /* checkSequence passed: append (ProducerStateEntry.addBatch) */
#if CHECK_DUPLICATE
             assert(in_log[b] == 0);
#endif
#if CHECK_ORDER
             assert(in_log[b] > 0 || b > highest);
#endif
             in_log[b]++;
             if :: b > highest -> highest = b :: else fi;
             if :: e != p_epoch -> p_epoch = e; cached = 0 :: else fi;  /* maybeUpdateProducerEpoch */
             last_seq = s;
             if :: cached < CACHE -> cached++ :: else fi;
             err = ERR_NONE
          :: else ->
#if CHECK_SPURIOUS
             assert(in_log[b] == 0);  /* OUT_OF_ORDER_SEQUENCE_NUMBER for a batch already in the log */
#endif
             err = ERR_OUT_OF_ORDER
          fi
       fi;
       if
       :: c != conn || dead == c -> skip  /* closed or dead: the response is lost */
       :: else ->
          if
          :: faults < FAULTS -> faults++; dead = c  /* DropResponse: lost, and the connection with it */
          :: true -> resp!b, e, s, err, c
          fi
       fi
     }
  od
}
