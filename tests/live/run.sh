#!/usr/bin/env bash
# Live-capture check: ikescope on a real interface sees exactly what a capture file holds.
#
# Two network namespaces joined by a veth pair; a capture is replayed with tcpreplay into one
# end while `ikescope dissect --interface ... --json` captures on the other with its default
# IPsec filter (UDP 500/4500, ESP, AH, IP fragments). The replayed frames carry the lab's MAC
# addresses, not the veth's, so the capture end is promiscuous (libpcap's default here).
#
# A capture passes when the live run's packets, one JSON object each, equal the file run's
# (`ikescope dissect --json FILE`) field for field, except the frame number and the time
# stamps, and libpcap reports no drops. Where keys.toml lies beside the capture, both runs
# decrypt with it, so live decryption is checked too.
#
#   tests/live/run.sh IKESCOPE [capture.pcap ...]   # IKESCOPE: a binary built with --features live
#                                                   # default captures: two lab, two generated
#
# Needs: root (network namespaces), ip (iproute2), tcpreplay, python3. Exit 0 = all matched.
set -euo pipefail

cd "$(dirname "$0")/../.."
if [ $# -lt 1 ] || [ ! -x "$1" ]; then
    echo "usage: tests/live/run.sh IKESCOPE [capture.pcap ...]  (IKESCOPE: cargo build --release --features live)" >&2
    exit 2
fi
bin=$(realpath "$1")
shift
if [ "$(id -u)" -ne 0 ]; then
    echo "tests/live/run.sh: needs root (network namespaces)" >&2
    exit 2
fi
for tool in ip tcpreplay python3; do
    command -v "$tool" >/dev/null || { echo "tests/live/run.sh: $tool is missing" >&2; exit 2; }
done

captures=("$@")
if [ ${#captures[@]} -eq 0 ]; then
    captures=(captures/lab/mm-psk-aes128-sha1-g14/capture.pcap
              captures/lab/natt-mm-psk/capture.pcap
              captures/generated/mm-psk-aes128-sha1-g14.frag-inorder.pcap
              captures/generated/mm-transport-ipv6.qinq.pcap)
fi

# Names unique to this run, so parallel or leftover runs do not collide.
tag="iks$$"
ns_tx="${tag}tx" ns_rx="${tag}rx" if_tx="${tag}a" if_rx="${tag}b"
work=$(mktemp -d)
cleanup() {
    ip netns del "$ns_tx" 2>/dev/null || true
    ip netns del "$ns_rx" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

ip netns add "$ns_tx"
ip netns add "$ns_rx"
ip link add "$if_tx" type veth peer name "$if_rx"
ip link set "$if_tx" netns "$ns_tx"
ip link set "$if_rx" netns "$ns_rx"
# No IPv6 on the links: no router/neighbour solicitations of our own on the wire.
for ns in "$ns_tx" "$ns_rx"; do
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
ip -n "$ns_tx" link set "$if_tx" up mtu 9000
ip -n "$ns_rx" link set "$if_rx" up mtu 9000

# Compares two JSON-lines files packet by packet, ignoring where and when each was captured.
compare() {
    python3 - "$1" "$2" <<'PY'
import json, sys
IGNORED = {"frame", "time", "epoch"}
def load(path):
    with open(path) as f:
        return [{k: v for k, v in json.loads(line).items() if k not in IGNORED}
                for line in f if line.strip()]
live, expected = load(sys.argv[1]), load(sys.argv[2])
if not expected:
    sys.exit(f"  the file run printed no packets")
for i, (a, b) in enumerate(zip(live, expected)):
    if a != b:
        sys.exit(f"  packet {i + 1} differs:\n    live: {json.dumps(a, sort_keys=True)}\n    file: {json.dumps(b, sort_keys=True)}")
if len(live) != len(expected):
    sys.exit(f"  live capture saw {len(live)} IPsec packets, the file holds {len(expected)}")
print(f"  {len(live)} IPsec packets, identical")
PY
}

failed=0
for capture in "${captures[@]}"; do
    echo "== $capture"
    # Lab captures ship their keys: then the live run decrypts as well (same output expected).
    keys=()
    [ -f "$(dirname "$capture")/keys.toml" ] && keys=(--keys "$(dirname "$capture")/keys.toml")
    "$bin" dissect --json "${keys[@]}" "$capture" >"$work/file.json" 2>"$work/file.err" || {
        echo "  ikescope dissect FILE failed:"; cat "$work/file.err"; failed=1; continue; }
    # Capture for a fixed time; the replay (at top speed) starts once the capture is open.
    ip netns exec "$ns_rx" "$bin" dissect --interface "$if_rx" --json "${keys[@]}" --duration 4 \
        >"$work/live.json" 2>"$work/live.err" &
    pid=$!
    sleep 1.5
    ip netns exec "$ns_tx" tcpreplay --quiet --topspeed -i "$if_tx" "$capture" >/dev/null
    ok=1
    wait "$pid" || { echo "  ikescope dissect --interface exited with $?"; ok=0; }
    sed 's/^/  /' "$work/live.err"
    compare "$work/live.json" "$work/file.json" || ok=0
    # The statistics line: "... N packets received, K dropped by the kernel, I dropped by the interface".
    grep -q ' 0 dropped by the kernel, 0 dropped by the interface' "$work/live.err" \
        || { echo "  libpcap reported drops (or no statistics)"; ok=0; }
    if [ "$ok" -eq 1 ]; then echo "PASS $capture"; else echo "FAIL $capture"; failed=1; fi
done

if [ "$failed" -eq 0 ]; then
    echo "${#captures[@]} passed, 0 failed"
else
    exit 1
fi
