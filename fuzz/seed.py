#!/usr/bin/env python3
"""Builds the fuzz targets' seed corpora from the shipped captures and key files.

    fuzz/seed.py            # writes fuzz/corpus/<target>/<sha1> (gitignored)

Each target gets inputs in its own layout (see the comment at the top of each target):
  isakmp, ikev2   IKE messages (UDP 500, and UDP 4500 after the non-ESP marker), by version
  esp_ah_natt     4 bytes of UDP ports + the UDP payload, and bare ESP/AH packets
  net             1 byte choosing the link type + the frame as captured
  reassembly      the 5-byte fragment records built from the IP fragments in the captures
  esp_decrypt     the lab's ESP packets behind a header naming their algorithms and keys
                (truth.json), so the fuzzer starts from packets that decrypt
  keyfile         every key file the tests read
Standard library only; reads pcap (not pcapng: the pcapng samples repeat pcap content).
"""
import gzip
import hashlib
import json
import pathlib
import struct
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
PER_TARGET_MAX = 400  # distinct inputs per target; enough to reach every payload type

# Link types in the net target's table (fuzz_targets/net.rs, LINKS), by pcap linktype number.
NET_LINK_INDEX = {1: 0, 113: 1, 276: 2, 101: 3, 12: 4, 14: 5, 228: 6, 229: 7, 0: 8, 108: 9}


def frames(path):
    """(linktype, frame bytes) of a classic pcap file, any byte order and time resolution."""
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    if len(data) < 24:
        return
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        return  # pcapng or not a capture
    linktype = struct.unpack(endian + "I", data[20:24])[0] & 0x0FFFFFFF
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack(endian + "I", data[off + 8:off + 12])[0]
        off += 16
        if incl > len(data) - off:
            return
        yield linktype, data[off:off + incl]
        off += incl


def ip_of(linktype, frame):
    """The IP packet inside a frame, or None."""
    if linktype == 1:  # Ethernet, 802.1Q/QinQ
        off, ethertype = 14, int.from_bytes(frame[12:14], "big") if len(frame) >= 14 else 0
        while ethertype in (0x8100, 0x88A8, 0x9100) and len(frame) >= off + 4:
            ethertype = int.from_bytes(frame[off + 2:off + 4], "big")
            off += 4
        return frame[off:] if ethertype in (0x0800, 0x86DD) else None
    if linktype == 113:
        return frame[16:]
    if linktype == 276:
        return frame[20:]
    if linktype in (101, 12, 14, 228, 229):
        return frame
    if linktype in (0, 108):
        return frame[4:]
    return None


def transport_of(ip):
    """(protocol, payload, fragment record or None) of an IPv4/IPv6 packet."""
    if not ip:
        return None
    if ip[0] >> 4 == 4 and len(ip) >= 20:
        ihl = (ip[0] & 15) * 4
        flags_off = int.from_bytes(ip[6:8], "big")
        frag = None
        if flags_off & 0x3FFF:
            frag = (ip[15], ip[5], flags_off & 0x1FFF, bool(flags_off & 0x2000), False, len(ip) - ihl)
        return ip[9], ip[ihl:], frag
    if ip[0] >> 4 == 6 and len(ip) >= 40:
        nh, off = ip[6], 40
        frag = None
        while nh in (0, 43, 60, 44) and len(ip) >= off + 8:
            if nh == 44:
                fo = int.from_bytes(ip[off + 2:off + 4], "big")
                frag = (ip[39], ip[off + 7], fo >> 3, bool(fo & 1), True, len(ip) - off - 8)
                nh, off = ip[off], off + 8
            else:
                nh, off = ip[off], off + (ip[off + 1] + 1) * 8
        return nh, ip[off:], frag
    return None


def reassembly_record(frag):
    src, ident, offset, more, v6, length = frag
    units = min(length // 8, 31)
    flags = int(more) | (int(v6) << 1) | (units << 3)
    return bytes([src, ident]) + offset.to_bytes(2, "big") + bytes([flags])


def main():
    seeds = {t: set() for t in ("isakmp", "ikev2", "esp_ah_natt", "net", "reassembly", "esp_decrypt", "keyfile")}
    captures = sorted(p for p in (ROOT / "captures").rglob("*") if p.suffix in (".pcap", ".cap", ".gz"))
    for path in captures:
        fragments = []
        for linktype, frame in frames(path):
            if linktype in NET_LINK_INDEX:
                seeds["net"].add(bytes([NET_LINK_INDEX[linktype]]) + frame)
            t = transport_of(ip_of(linktype, frame))
            if t is None:
                continue
            proto, payload, frag = t
            if frag is not None:
                fragments.append(reassembly_record(frag))
                if frag[2] != 0:
                    continue  # a later fragment: no transport header
            if proto in (50, 51):
                seeds["esp_ah_natt"].add(payload)
            elif proto == 17 and len(payload) >= 8:
                sport, dport = payload[0:2], payload[2:4]
                udp = payload[8:]
                seeds["esp_ah_natt"].add(sport + dport + udp)
                ike = None
                if 500 in (int.from_bytes(sport, "big"), int.from_bytes(dport, "big")):
                    ike = udp
                elif udp[:4] == b"\0\0\0\0":
                    ike = udp[4:]
                if ike is not None and len(ike) >= 28:
                    major = ike[17] >> 4
                    seeds["ikev2" if major == 2 else "isakmp"].add(ike)
        if fragments:
            seeds["reassembly"].add(b"".join(fragments[:64]))
    # ESP packets with the lab's keys (truth.json child_sas): the esp_decrypt target's 5-byte
    # header (cipher, integrity, flags, key lengths), the keys, then packets of that SPI.
    enc_index = {"cbc(aes)": 3, "rfc4106(gcm(aes))": 7, "cbc(des3_ede)": 2, "cbc(des)": 1,
                 "ecb(cipher_null)": 0}
    integ_index = {"hmac(md5)": 1, "hmac(sha1)": 2, "hmac(sha256)": 4}
    for truth_path in sorted((ROOT / "captures" / "lab").glob("*/truth.json")):
        try:
            truth = json.loads(truth_path.read_text())
            capture = truth_path.parent / "capture.pcap"
            by_spi = {}
            for linktype, frame in frames(capture):
                t = transport_of(ip_of(linktype, frame))
                if t and t[0] == 50 and len(t[1]) >= 8:
                    by_spi.setdefault(t[1][:4].hex(), []).append(t[1])
            for sa in truth.get("child_sas", []):
                enc = sa.get("encryption") or {}
                integ = sa.get("integrity") or {}
                ek = bytes.fromhex(enc.get("key", ""))
                ik = bytes.fromhex(integ.get("key", "") or "")
                # Flags bit 3: key lengths from the header (kl % 64, il % 80), as the lab's are.
                head = bytes([enc_index.get(enc.get("alg"), 3), integ_index.get(integ.get("alg"), 0),
                              8, len(ek) % 64, len(ik) % 80])
                for esp in by_spi.get(sa.get("spi", ""), [])[:2]:
                    # 4 bytes of high sequence number (unused: flags bit 1 clear), then ESP.
                    seeds["esp_decrypt"].add(head + ek + ik + bytes(4) + esp)
        except (OSError, ValueError, AttributeError, TypeError):
            continue
    key_files = [p for p in (ROOT / "captures").rglob("*")
                 if p.is_file() and (p.name in ("keys.toml", "esp_sa", "ikev1_decryption_table",
                                                 "ikev2_decryption_table")
                                     or p.name.startswith(("xfrm-", "charon-"))
                                     or p.name == "swanctl.conf")]
    key_files += [p for p in (ROOT / "tests" / "fixtures").rglob("*") if p.is_file()]
    for p in key_files:
        data = p.read_bytes()
        if len(data) <= 256 * 1024:
            seeds["keyfile"].add(data)
    for target, inputs in seeds.items():
        d = CORPUS / target
        d.mkdir(parents=True, exist_ok=True)
        # Smallest first: the fuzzer mutates small inputs fastest.
        for data in sorted(inputs, key=len)[:PER_TARGET_MAX]:
            (d / hashlib.sha1(data).hexdigest()).write_bytes(data)
        print(f"{target}: {min(len(inputs), PER_TARGET_MAX)} seeds", file=sys.stderr)


if __name__ == "__main__":
    main()
