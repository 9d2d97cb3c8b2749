#!/usr/bin/env bash
# Compares two builds of `treaty-ledger` on one workload, fairly on a noisy shared machine:
#
#   bash benches/ab.sh OLD NEW [WORKLOAD] [ROUNDS]    # interleaved whole-process runs
#   bash benches/ab.sh --instructions OLD NEW [WORKLOAD] # callgrind's instruction counts
#
# OLD and NEW are binaries (build one, copy it aside, build the other). WORKLOAD is one of
# ingest (the 100k-article corpus into a fresh ledger), reingest (the same again, all
# known), instruments (the 1M-row instruments import), records (the 1M-row records
# import); ingest by default. ROUNDS (default 5) alternate OLD and NEW, so that a slow
# minute of the machine slows both; each run prints wall and CPU, and the end gives each
# binary's best and median. --instructions runs each binary once under callgrind on a
# tenth of the workload (10k articles, 100k rows) and prints the instructions it executed:
# slow (a minute or two), but the same from run to run. The inputs are the corpus of
# `bash benches/run.sh` in bench-out/, made there if missing.
set -euo pipefail

cd "$(dirname "$0")/.."
OUT=$(pwd)/bench-out
GEN=$(pwd)/target/release/examples/gen_corpus

help() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; }
usage() {
    help >&2
    exit 2
}
if [[ ${1:-} == -h || ${1:-} == --help ]]; then
    help
    exit 0
fi

COUNT=0
if [[ ${1:-} == --instructions ]]; then
    COUNT=1
    shift
fi
[[ $# -ge 2 && $# -le 4 ]] || usage
OLD=$1 NEW=$2 WORKLOAD=${3:-ingest} ROUNDS=${4:-5}
for bin in "$OLD" "$NEW"; do
    [[ -x $bin ]] || {
        echo "ab.sh: '$bin' is not an executable binary" >&2
        exit 2
    }
done
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || usage

if ((COUNT)); then
    command -v valgrind >/dev/null || {
        echo "ab.sh: --instructions needs valgrind (apt-get install valgrind)" >&2
        exit 2
    }
    ARTICLES=10000 ROWS=100000
else
    ARTICLES=100000 ROWS=1000000
fi

# The input of the workload, made with the corpus generator if it is not there.
mkdir -p "$OUT"
corpus() { # FILE ARGS...
    if [[ ! -s $OUT/$1 ]]; then
        [[ -x $GEN ]] || cargo build --release --quiet --example gen_corpus
        local file=$1
        shift
        "$GEN" --out "$OUT" "$@" >&2
    fi
}
case $WORKLOAD in
    ingest | reingest)
        corpus "articles-$ARTICLES.jsonl" --articles "$ARTICLES" --instruments 0 --records 0
        INPUT=$OUT/articles-$ARTICLES.jsonl
        ;;
    instruments)
        corpus "instruments-$ROWS.csv" --articles 0 --instruments "$ROWS" --records 0
        INPUT=$OUT/instruments-$ROWS.csv
        ;;
    records)
        corpus "records-$ROWS.csv" --articles 0 --instruments 0 --records "$ROWS"
        INPUT=$OUT/records-$ROWS.csv
        ;;
    *) usage ;;
esac

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# prepare BIN DB: the ledger the measured command starts from.
prepare() {
    rm -f "$2" "$2-wal" "$2-shm"
    case $WORKLOAD in
        ingest) ;;
        reingest) "$1" --db "$2" ingest "$INPUT" 2>/dev/null ;;
        *) "$1" --db "$2" -q init >/dev/null ;;
    esac
    sync
}

# set_command BIN DB: the measured command, into the array CMD.
set_command() {
    case $WORKLOAD in
        ingest | reingest) CMD=("$1" --db "$2" ingest "$INPUT") ;;
        instruments) CMD=("$1" --db "$2" instruments import "$INPUT") ;;
        records) CMD=("$1" --db "$2" records import --layout generic "$INPUT") ;;
    esac
}

if ((COUNT)); then
    for side in old new; do
        bin=$OLD
        [[ $side == new ]] && bin=$NEW
        prepare "$bin" "$TMP/$side.db"
        set_command "$bin" "$TMP/$side.db"
        valgrind --tool=callgrind --callgrind-out-file="$TMP/$side.out" \
            "${CMD[@]}" >/dev/null 2>"$TMP/$side.err" || {
            cat "$TMP/$side.err" >&2
            exit 1
        }
        ir=$(sed -n 's/^==[0-9]*== Collected : //p' "$TMP/$side.err")
        printf '%-4s %s instructions (%s)\n' "$side" "$ir" "$bin"
        echo "$ir" >"$TMP/$side.ir"
    done
    awk -v a="$(cat "$TMP/old.ir")" -v b="$(cat "$TMP/new.ir")" \
        'BEGIN { printf "new/old  %.3f\n", b / a }'
    exit 0
fi

TIMEFORMAT='%R %U %S'
echo "$WORKLOAD, $ROUNDS rounds; load average $(cut -d' ' -f1-3 /proc/loadavg)"
: >"$TMP/old.times"
: >"$TMP/new.times"
for round in $(seq "$ROUNDS"); do
    for side in old new; do
        bin=$OLD
        [[ $side == new ]] && bin=$NEW
        prepare "$bin" "$TMP/ab.db"
        set_command "$bin" "$TMP/ab.db"
        # bash's own `time`: wall clock, and the CPU of the command it ran.
        if ! { time "${CMD[@]}" >/dev/null 2>"$TMP/err"; } 2>"$TMP/time"; then
            cat "$TMP/err" >&2
            exit 1
        fi
        read -r wall user sys <"$TMP/time"
        echo "$wall $user $sys" >>"$TMP/$side.times"
        printf 'round %d %-3s wall %6.2f s  user %6.2f s  sys %5.2f s\n' \
            "$round" "$side" "$wall" "$user" "$sys"
    done
done
median() { # COLUMN SIDE: the median of a column of the side's times
    cut -d' ' -f"$1" "$TMP/$2.times" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
summary() { # SIDE: best and median wall, median user CPU
    printf '%-3s best wall %.2f s, median wall %.2f s, median user %.2f s\n' "$1" \
        "$(cut -d' ' -f1 "$TMP/$1.times" | sort -n | head -1)" "$(median 1 "$1")" "$(median 2 "$1")"
}
summary old
summary new
rm -f "$TMP/ab.db" "$TMP/ab.db-wal" "$TMP/ab.db-shm"
