#!/usr/bin/env bash
# ikescope vs tshark on the same big capture, one core each; prints a Markdown table.
#
#   bench/dissect.sh [--big PATH] [--size 1G] [--runs N] [--only tshark|ikescope]
#                    [--tshark-pps N] [--no-half] [--no-report]
#
# Environment: IKESCOPE (default target/release/ikescope), CPU (core to pin to, default 0),
# OUT_DIR (default bench/out). See bench/README.md.
set -u -o pipefail
. "$(dirname "$0")/lib.sh"

usage() {
    sed -n '2,9s/^# \{0,1\}//p' "$0"
    exit 2
}

BIG=${BIG:-$OUT_DIR/big.pcap}
SIZE=1G
RUNS=1
ONLY=""
TSHARK_PPS=""
HALF=1
REPORT=1
while [ $# -gt 0 ]; do
    case $1 in
    --big | -b) BIG=$2; shift 2 ;;
    --size) SIZE=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --tshark-pps) TSHARK_PPS=$2; shift 2 ;;
    --no-half) HALF=0; shift ;;
    --no-report) REPORT=0; shift ;;
    -h | --help) usage ;;
    -*) echo "unknown option $1" >&2; usage ;;
    *) BIG=$1; shift ;;
    esac
done
case $ONLY in "" | tshark | ikescope) ;; *) die "--only takes tshark or ikescope" ;; esac
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "--runs takes a positive integer"

check_tools
RUN_TSHARK=1 RUN_IKESCOPE=1
[ "$ONLY" = ikescope ] && RUN_TSHARK=0
[ "$ONLY" = tshark ] && RUN_IKESCOPE=0
if [ $RUN_TSHARK = 1 ]; then
    need tshark "apt-get install tshark"
fi
if [ $RUN_IKESCOPE = 1 ]; then
    check_ikescope
fi

mkdir -p "$OUT_DIR"
if [ ! -f "$BIG" ]; then
    [ "$BIG" = "$OUT_DIR/big.pcap" ] || die "$BIG does not exist"
    log "generating $BIG ($SIZE)"
    "$BENCH_DIR/make-big-capture" --size "$SIZE" --out "$BIG" >&2 || die "generation failed"
fi

LOGDIR="$OUT_DIR/dissect-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$LOGDIR"
log "logs in $LOGDIR"
: >"$LOGDIR/results.tsv"

PACKETS=$(frames_of "$BIG")
[ -n "$PACKETS" ] && [ "$PACKETS" -gt 0 ] || die "cannot count the packets of $BIG"
BYTES=$(stat -c %s "$BIG")

HALF_PCAP="${BIG%.pcap}-half.pcap"
HALF_PACKETS=""
if [ $RUN_IKESCOPE = 1 ] && [ $HALF = 1 ]; then
    if [ ! -f "$HALF_PCAP" ] || [ "$HALF_PCAP" -ot "$BIG" ]; then
        need editcap "apt-get install tshark (editcap comes with it)"
        log "writing the first half of $BIG to $HALF_PCAP"
        editcap -F pcap -r "$BIG" "$HALF_PCAP" "1-$((PACKETS / 2))" || die "editcap failed"
    fi
    HALF_PACKETS=$((PACKETS / 2))
fi

ROWS=()
# row LABEL CAPTURE PACKETS BYTES: one table line from the last measurement.
row() {
    local pps cpps mbps
    pps=$(div "$3" "$M_WALL")
    mbps=$(div "$4" "$(awk -v w="$M_WALL" 'BEGIN {print w * 1048576}')" "%.1f")
    cpps=$(div "$3" "$M_CPU")
    local failed=""
    [ "$M_RC" -ne 0 ] && failed=" **(exit $M_RC)**"
    ROWS+=("| \`$1\`$failed | $2 | $3 | $M_WALL | $M_CPU | $pps | $cpps | $mbps | $(mib "$M_RSS_KB") |")
    LAST_PPS=$pps LAST_CPPS=$cpps
    LAST_RSS=$M_RSS_KB
    if [ "$M_RC" -ne 0 ]; then # no verdict from a failed run
        LAST_PPS="" LAST_CPPS="" LAST_RSS=""
    fi
}

log "warming the page cache with $BIG"
warm "$BIG"
big_name=$(basename "$BIG")

T_PPS="" T_CPPS="" D_CPPS="" D_PPS="" J_PPS="" R_PPS="" D_RSS="" DH_RSS="" R_RSS="" RH_RSS=""
if [ $RUN_TSHARK = 1 ]; then
    best_of "$RUNS" tshark "$LOGDIR" tshark -n -r "$BIG"
    row "tshark -n -r" "$big_name" "$PACKETS" "$BYTES"
    T_PPS=$LAST_PPS T_CPPS=$LAST_CPPS
fi
[ -n "$TSHARK_PPS" ] && [ -z "$T_PPS" ] && T_PPS=$TSHARK_PPS T_CPPS=$TSHARK_PPS

if [ $RUN_IKESCOPE = 1 ]; then
    best_of "$RUNS" dissect "$LOGDIR" "$IKESCOPE" dissect "$BIG"
    row "ikescope dissect" "$big_name" "$PACKETS" "$BYTES"
    D_PPS=$LAST_PPS D_CPPS=$LAST_CPPS D_RSS=$LAST_RSS
    if "$IKESCOPE" dissect --help 2>/dev/null | grep -q -- '--json'; then
        best_of "$RUNS" dissect-json "$LOGDIR" "$IKESCOPE" dissect "$BIG" --json
        row "ikescope dissect --json" "$big_name" "$PACKETS" "$BYTES"
        J_PPS=$LAST_PPS
    else
        log "  ikescope dissect has no --json yet: skipped"
    fi
    if [ $REPORT = 1 ]; then
        best_of "$RUNS" report "$LOGDIR" "$IKESCOPE" report "$BIG"
        row "ikescope report" "$big_name" "$PACKETS" "$BYTES"
        R_PPS=$LAST_PPS R_RSS=$LAST_RSS
    fi
    if [ $HALF = 1 ]; then
        warm "$HALF_PCAP"
        half_bytes=$(stat -c %s "$HALF_PCAP")
        best_of "$RUNS" dissect-half "$LOGDIR" "$IKESCOPE" dissect "$HALF_PCAP"
        row "ikescope dissect" "$(basename "$HALF_PCAP")" "$HALF_PACKETS" "$half_bytes"
        DH_RSS=$LAST_RSS
        if [ $REPORT = 1 ]; then
            best_of "$RUNS" report-half "$LOGDIR" "$IKESCOPE" report "$HALF_PCAP"
            row "ikescope report" "$(basename "$HALF_PCAP")" "$HALF_PACKETS" "$half_bytes"
            RH_RSS=$LAST_RSS
        fi
    fi
fi

verdict() { # verdict VALUE OP TARGET
    awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN {
        ok = (op == ">=") ? v >= t : v <= t; print (ok ? "meets" : "MISSES") " the target" }'
}

{
    echo "Capture: \`$big_name\`, $PACKETS packets, $BYTES bytes ($(mib $((BYTES / 1024))) MiB)$(
        [ -n "$HALF_PACKETS" ] && echo "; half: its first $HALF_PACKETS packets")."
    echo "Machine: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), one core" \
        "(\`taskset -c $CPU\`), page cache warm, best wall and best CPU time of $RUNS run(s); load average" \
        "before: $(cut -d' ' -f1-3 /proc/loadavg) on $(getconf _NPROCESSORS_ONLN) cores (wall > CPU time means the core was shared)."
    command -v tshark >/dev/null && echo "tshark: $(tshark -v 2>/dev/null | head -n 1 | sed 's/\.$//')."
    [ $RUN_IKESCOPE = 1 ] && echo "ikescope: $("$IKESCOPE" --version 2>/dev/null | head -n 1) ($IKESCOPE)."
    echo
    echo "| command | capture | packets | wall s | CPU s | packets/s | packets/CPU-s | MiB/s | peak RSS MiB |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${ROWS[@]}"
    echo
    if isnum "$T_PPS" && isnum "$D_PPS"; then
        ratio=$(div "$D_PPS" "$T_PPS" "%.1f")
        cpu_ratio="n/a (CPU time too small to measure)"
        isnum "$D_CPPS" && isnum "$T_CPPS" && cpu_ratio="$(div "$D_CPPS" "$T_CPPS" "%.1f")×"
        echo "- dissect vs tshark: **${ratio}×** tshark's packets/s by wall time (target ≥ 20×: $(verdict "$ratio" ">=" 20));" \
            "$cpu_ratio by CPU time."
    elif isnum "$T_PPS"; then
        echo "- tshark: $T_PPS packets/s ($T_CPPS per CPU-second); the dissect target (20×) is" \
            "$(awk -v t="$T_PPS" 'BEGIN {printf "%.0f", t * 20}') packets/s ($(awk -v t="$T_CPPS" 'BEGIN {printf "%.0f", t * 20}') per CPU-second)."
    fi
    if isnum "$J_PPS" && isnum "$D_PPS"; then
        echo "- dissect --json: $(pct "$J_PPS" "$D_PPS") % of dissect's packets/s."
    fi
    if isnum "$R_PPS" && isnum "$D_PPS"; then
        p=$(pct "$R_PPS" "$D_PPS")
        echo "- report: ${p} % of dissect's packets/s (target ≥ 80 %: $(verdict "$p" ">=" 80))."
    fi
    if [ -n "$DH_RSS" ] && [ -n "$D_RSS" ]; then
        echo "- dissect peak RSS: $(mib "$D_RSS") MiB on the full capture vs $(mib "$DH_RSS") MiB on" \
            "half of it (ratio $(div "$D_RSS" "$DH_RSS" "%.2f"); ~1.00 means memory does not grow with file size)."
    fi
    if [ -n "$RH_RSS" ] && [ -n "$R_RSS" ]; then
        echo "- report peak RSS: $(mib "$R_RSS") MiB full vs $(mib "$RH_RSS") MiB half" \
            "(the tracker holds live SAs, so this may grow with concurrent tunnels, not with file size)."
    fi
} | tee "$LOGDIR/table.md"
