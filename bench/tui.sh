#!/usr/bin/env bash
# Dashboard frame time with many SAs: snapshot (worker) + draw (UI) per view at 160x48 on
# ratatui's TestBackend, p50/p99 in ms as a Markdown table (docs/PERFORMANCE.md, "TUI frame time").
#
#   bench/tui.sh [--sas N] [--iterations N]
#
# The capture (bench/out/many-sas-<N>.pcap: N IKE SAs, 2N SPIs) is generated when missing with
# `make-big-capture --synthetic-sas N`. Builds and runs `cargo bench --bench tui` (release).
set -u -o pipefail
. "$(dirname "$0")/lib.sh"

SAS=100000
ITERATIONS=100
while [ $# -gt 0 ]; do
    case $1 in
    --sas) SAS=$2; shift 2 ;;
    --iterations) ITERATIONS=$2; shift 2 ;;
    -h | --help) sed -n '2,8s/^# \{0,1\}//p' "$0"; exit 2 ;;
    *) die "unknown argument $1" ;;
    esac
done
[[ $SAS =~ ^[1-9][0-9]*$ ]] || die "--sas takes a positive integer"
need python3 "apt-get install python3 (3.11+)"
CAPTURE="$OUT_DIR/many-sas-$SAS.pcap"
if [ ! -f "$CAPTURE" ]; then
    log "generating $CAPTURE ($SAS IKE SAs)"
    "$BENCH_DIR/make-big-capture" --synthetic-sas "$SAS" --out "$CAPTURE" >&2 || die "make-big-capture failed"
fi
cd "$REPO" && cargo bench -p ikescope --bench tui -- "$CAPTURE" "$ITERATIONS"
