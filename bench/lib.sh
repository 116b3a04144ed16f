# Shared helpers for bench/*.sh (sourced, not executed).
# shellcheck shell=bash

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
OUT_DIR=${OUT_DIR:-$BENCH_DIR/out}
IKESCOPE=${IKESCOPE:-$REPO/target/release/ikescope}
CPU=${CPU:-0}

die() {
    echo "${0##*/}: $*" >&2
    exit 1
}

log() {
    echo "$*" >&2
}

# need CMD HINT: fail with the install hint when CMD is missing.
need() {
    command -v "$1" >/dev/null 2>&1 || [ -x "$1" ] || die "$1 not found: $2"
}

check_tools() {
    need /usr/bin/time "apt-get install time (GNU time; the shell keyword has no -v)"
    need taskset "apt-get install util-linux"
    need python3 "apt-get install python3 (3.11+)"
}

check_ikescope() {
    [ -x "$IKESCOPE" ] || die "no ikescope binary at $IKESCOPE: cargo build --release -p ikescope, or set IKESCOPE=/path/to/ikescope"
}

# measure LABEL LOGDIR CMD...: run CMD pinned to one core under GNU time, stdout to /dev/null.
# Sets M_WALL M_CPU M_RSS_KB M_RC and appends "label wall cpu rss rc" to LOGDIR/results.tsv.
measure() {
    local label=$1 logdir=$2
    shift 2
    local tf="$logdir/$label.time" ef="$logdir/$label.stderr"
    log "  running $label: $*"
    local t0 t1
    t0=$(date +%s%N)
    taskset -c "$CPU" /usr/bin/time -v -o "$tf" "$@" >/dev/null 2>"$ef"
    M_RC=$?
    t1=$(date +%s%N)
    # GNU time prints wall time in centiseconds; the shell's clock gives milliseconds.
    M_WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    M_CPU=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {printf "%.2f", u + s}' "$tf")
    M_RSS_KB=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tf")
    printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$M_WALL" "$M_CPU" "$M_RSS_KB" "$M_RC" >>"$logdir/results.tsv"
    if [ "$M_RC" -ne 0 ]; then
        log "  $label exited with status $M_RC; last lines of $ef:"
        tail -n 5 "$ef" >&2
    fi
    log "    wall ${M_WALL}s cpu ${M_CPU}s peak RSS $((M_RSS_KB / 1024)) MiB (exit $M_RC)"
}

# best_of N LABEL LOGDIR CMD...: run `measure` N times; keep the fastest successful wall time and,
# separately, the lowest CPU time (on a shared machine they may come from different runs); peak
# RSS is the maximum over the successful runs; M_RC is the last failure.
best_of() {
    local n=$1 label=$2 logdir=$3
    shift 3
    local bw="" bc="" br=0 rc=0 i
    for ((i = 1; i <= n; i++)); do
        measure "$label.run$i" "$logdir" "$@"
        if [ "$M_RC" -ne 0 ]; then
            rc=$M_RC # a failed run is never the best one
            continue
        fi
        if [ -z "$bw" ] || awk -v a="$M_WALL" -v b="$bw" 'BEGIN {exit !(a < b)}'; then
            bw=$M_WALL
        fi
        if [ -z "$bc" ] || awk -v a="$M_CPU" -v b="$bc" 'BEGIN {exit !(a < b)}'; then
            bc=$M_CPU
        fi
        [ "$M_RSS_KB" -gt "$br" ] && br=$M_RSS_KB
    done
    if [ -z "$bw" ]; then # every run failed: show the last one
        bw=$M_WALL bc=$M_CPU br=$M_RSS_KB
    fi
    M_WALL=$bw M_CPU=$bc M_RSS_KB=$br M_RC=$rc
}

# frames_of PCAP: frame count from the generator's summary when it is current, else capinfos.
frames_of() {
    local pcap=$1 json="$1.json"
    if [ -f "$json" ] && [ "$json" -nt "$pcap" ]; then
        python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["frames"])' "$json" && return
    fi
    need capinfos "apt-get install tshark (capinfos comes with it)"
    capinfos -c -M "$pcap" 2>/dev/null | awk -F': *' '/Number of packets/ {print $2}'
}

# warm PCAP: read it once so every tool starts from the page cache.
warm() {
    cat "$1" >/dev/null
}

# Arithmetic helpers (awk: bash has no floats).
div() { awk -v a="$1" -v b="$2" -v f="${3:-%.0f}" 'BEGIN { if (b == 0) print "n/a"; else printf f, a / b }'; }
isnum() { [[ $1 =~ ^[0-9]+(\.[0-9]+)?$ ]] && [[ ! $1 =~ ^0+(\.0+)?$ ]]; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.0f", a * 100 / b }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
