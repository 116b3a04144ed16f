#!/usr/bin/env bash
# Memory per SA: peak RSS of `ikescope report` on 100,000 IKE SAs (+ 200,000 ESP SPIs) vs. half
# as many and vs. a one-SA capture; prints a Markdown table.
#
#   bench/many-sas.sh [--sas N] [--esp-per-spi K] [--runs N]
#
# The captures (bench/out/many-sas-<N>.pcap and -<N/2>.pcap) are generated when missing with
# `make-big-capture --synthetic-sas`. Environment: IKESCOPE, CPU, OUT_DIR as for dissect.sh.
set -u -o pipefail
. "$(dirname "$0")/lib.sh"

usage() {
    sed -n '2,8s/^# \{0,1\}//p' "$0"
    exit 2
}

SAS=100000
ESP_PER_SPI=3
RUNS=1
while [ $# -gt 0 ]; do
    case $1 in
    --sas) SAS=$2; shift 2 ;;
    --esp-per-spi) ESP_PER_SPI=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    -h | --help) usage ;;
    *) echo "unknown argument $1" >&2; usage ;;
    esac
done
[[ $SAS =~ ^[1-9][0-9]*$ ]] && [ "$SAS" -ge 2 ] || die "--sas takes an integer >= 2"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "--runs takes a positive integer"
check_tools
check_ikescope

mkdir -p "$OUT_DIR"
LOGDIR="$OUT_DIR/many-sas-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$LOGDIR"
: >"$LOGDIR/results.tsv"
log "logs in $LOGDIR"

TINY="$REPO/captures/lab/mm-psk-aes128-sha1-g14/capture.pcap"
[ -f "$TINY" ] || die "$TINY is missing"

# capture_for N: path of the synthetic capture with N IKE SAs, generated when missing.
capture_for() {
    local n=$1 f="$OUT_DIR/many-sas-$1.pcap"
    if [ ! -f "$f" ] || [ ! -f "$f.json" ] ||
        ! python3 -c 'import json, sys; d = json.load(open(sys.argv[1]));
sys.exit(d["ike_sas"] != int(sys.argv[2]) or d["esp_per_spi"] != int(sys.argv[3]))' \
            "$f.json" "$n" "$ESP_PER_SPI"; then
        log "generating $f ($n IKE SAs)"
        "$BENCH_DIR/make-big-capture" --synthetic-sas "$n" --esp-per-spi "$ESP_PER_SPI" \
            --out "$f" -q >&2 || die "generation failed"
    fi
    echo "$f"
}

BIG=$(capture_for "$SAS")
HALF=$(capture_for $((SAS / 2)))
HALF_SAS=$((SAS / 2))
json_field() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

ROWS=()
FAILED=0
declare -A RSS
run() { # run LABEL CAPTURE SAS SPIS PACKETS
    warm "$2"
    best_of "$RUNS" "$1" "$LOGDIR" "$IKESCOPE" report "$2"
    RSS[$1]=$M_RSS_KB
    [ "$M_RC" -ne 0 ] && FAILED=1
    local failed=""
    [ "$M_RC" -ne 0 ] && failed=" **(exit $M_RC)**"
    ROWS+=("| $(basename "$2")$failed | $3 | $4 | $5 | $M_WALL | $(div "$5" "$M_WALL") | $(mib "$M_RSS_KB") |")
}

run tiny "$TINY" 1 2 "$(frames_of "$TINY")"
run half "$HALF" "$HALF_SAS" "$(json_field "$HALF.json" esp_spis)" "$(json_field "$HALF.json" frames)"
run full "$BIG" "$SAS" "$(json_field "$BIG.json" esp_spis)" "$(json_field "$BIG.json" frames)"

per_sa() {
    if [ "$FAILED" = 1 ]; then
        echo "n/a (ikescope report failed)"
        return
    else
        awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN { printf "%.0f bytes", (a - b) * 1024 / n }'
    fi
}
{
    echo "\`ikescope report\` peak RSS by number of live SAs (each IKE SA: main mode + one quick" \
        "mode, two ESP SPIs with $ESP_PER_SPI packets each, never deleted; one core, best of $RUNS run(s))."
    echo "ikescope: $("$IKESCOPE" --version 2>/dev/null | head -n 1) ($IKESCOPE)."
    echo
    echo "| capture | IKE SAs | ESP SPIs | packets | wall s | packets/s | peak RSS MiB |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${ROWS[@]}"
    echo
    echo "- per IKE SA (with its 2 IPsec SAs), against the one-SA baseline:" \
        "**$(per_sa "${RSS[full]}" "${RSS[tiny]}" "$((SAS - 1))")**."
    echo "- per IKE SA, slope between $HALF_SAS and $SAS SAs (fixed costs cancel):" \
        "**$(per_sa "${RSS[full]}" "${RSS[half]}" "$((SAS - HALF_SAS))")**."
} | tee "$LOGDIR/table.md"
