#!/usr/bin/env bash
# Live-capture check (run as root; CI runs it when it can create network namespaces).
#
# Two network namespaces joined by a veth pair; a lab capture is replayed with tcpreplay into
# one end while the live_count example captures on the other with the default IPsec filter.
# The frames carry the lab's MAC addresses, not the veth's, so the capture end must be
# promiscuous (libpcap's default in LiveOptions). Passes when exactly the file's IPsec packets
# (UDP 500/4500, ESP, AH, IP fragments) were seen, for each capture replayed.
#
#   tests/live/run.sh [capture.pcap ...]     # default: two lab captures and two generated
#   LIVE_COUNT_ARGS=--no-promisc tests/live/run.sh ...   # extra live_count arguments
#
# Needs: ip (iproute2), tcpreplay, cargo. Exit status 0 = every capture matched.
set -euo pipefail

cd "$(dirname "$0")/../.."
if [ "$(id -u)" -ne 0 ]; then
    echo "tests/live/run.sh: needs root (network namespaces)" >&2
    exit 2
fi
for tool in ip tcpreplay; do
    command -v "$tool" >/dev/null || { echo "tests/live/run.sh: $tool is missing" >&2; exit 2; }
done

captures=("$@")
if [ ${#captures[@]} -eq 0 ]; then
    captures=(captures/lab/mm-psk-aes128-sha1-g14/capture.pcap
              captures/lab/natt-mm-psk/capture.pcap
              captures/generated/mm-psk-aes128-sha1-g14.frag-inorder.pcap
              captures/generated/mm-transport-ipv6.qinq.pcap)
fi

cargo build --quiet --features live --example live_count
bin=target/debug/examples/live_count

# Names unique to this run, so parallel or leftover runs do not collide.
tag="iks$$"
ns_tx="${tag}tx" ns_rx="${tag}rx" if_tx="${tag}a" if_rx="${tag}b"
cleanup() {
    ip netns del "$ns_tx" 2>/dev/null || true
    ip netns del "$ns_rx" 2>/dev/null || true
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

failed=0
for capture in "${captures[@]}"; do
    out=$(mktemp)
    # Capture for a fixed time; the replay (at top speed) starts once the capture is open.
    ip netns exec "$ns_rx" "$bin" --interface "$if_rx" --duration 4 --expect "$capture" ${LIVE_COUNT_ARGS:-} >"$out" &
    pid=$!
    sleep 1.5
    ip netns exec "$ns_tx" tcpreplay --quiet --topspeed -i "$if_tx" "$capture" >/dev/null
    if wait "$pid"; then result=PASS; else result=FAIL; failed=1; fi
    echo "$result $capture"
    cat "$out"
    rm -f "$out"
done

if [ "$failed" -eq 0 ]; then
    echo "${#captures[@]} passed, 0 failed"
else
    exit 1
fi
