#!/usr/bin/env python3
"""Rewrites two lab captures into what no real capture in captures/ has: other link layers,
other file encodings, and IKE/ESP packets split into IP fragments (in order, out of order, with
a fragment missing, with overlaps). Deterministic: running it again writes the same bytes.

    python3 captures/generated/generate.py      # from the repository root

Only the framing changes: every IP packet keeps its addresses, protocol and payload, so tests
compare what they decode from each file with what they decode from the original. See README.md
for the list of files and what each must yield.
"""

import os
import shutil
import struct
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
V4 = "mm-psk-aes128-sha1-g14"
V6 = "mm-transport-ipv6"

# Fragment data size: a multiple of 8 (RFC 791 offsets are in 8-byte units), small enough that
# MM1 splits in two and MM3 (KE + nonce + NAT-D) in five or more.
FRAG = 96


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    assert magic == 0xA1B2C3D4, "expects a little-endian microsecond pcap"
    linktype = struct.unpack("<I", data[20:24])[0]
    records, pos = [], 24
    while pos < len(data):
        sec, usec, incl, orig = struct.unpack("<IIII", data[pos : pos + 16])
        records.append((sec, usec, data[pos + 16 : pos + 16 + incl], orig))
        pos += 16 + incl
    return linktype, records


def write_pcap(name, linktype, records, big_endian=False, nanos=False):
    """records: (sec, usec, frame). Frames are written whole (orig_len = caplen)."""
    e = ">" if big_endian else "<"
    magic = 0xA1B23C4D if nanos else 0xA1B2C3D4
    out = [struct.pack(e + "IHHiIII", magic, 2, 4, 0, 0, 262144, linktype)]
    for sec, usec, frame in records:
        frac = usec * 1000 if nanos else usec
        out.append(struct.pack(e + "IIII", sec, frac, len(frame), len(frame)) + frame)
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(b"".join(out))


def split_eth(frame):
    return frame[:6], frame[6:12], struct.unpack(">H", frame[12:14])[0], frame[14:]


def ip_only(frame):
    """The IP packet of an Ethernet frame without the Ethernet padding, or None for ARP etc."""
    _, _, etype, payload = split_eth(frame)
    if etype == 0x0800:
        return payload[: struct.unpack(">H", payload[2:4])[0]]
    if etype == 0x86DD:
        return payload[: 40 + struct.unpack(">H", payload[4:6])[0]]
    return None


# --- link layers -------------------------------------------------------------------------

AF_BY_ETYPE = {0x0800: 2}


def link_variants(records, v6):
    first_src = split_eth(records[0][2])[1]
    out = {k: [] for k in ("sll", "sll2", "raw", "rawonly", "null-le", "null-be", "loop",
                           "vlan", "qinq")}
    for i, (sec, usec, frame, _) in enumerate(records):
        dst, src, etype, payload = split_eth(frame)
        # Linux packet types: 0 = to us, 4 = outgoing.
        ptype = 4 if src == first_src else 0
        addr = src + b"\0\0"
        out["sll"].append((sec, usec, struct.pack(">HHH8sH", ptype, 1, 6, addr, etype) + payload))
        out["sll2"].append(
            (sec, usec, struct.pack(">HHIHBB8s", etype, 0, 3, 1, ptype, 6, addr) + payload))
        vlan = struct.pack(">HH", 0x8100, (3 << 13) | 100)
        out["vlan"].append((sec, usec, dst + src + vlan + struct.pack(">H", etype) + payload))
        outer = 0x88A8 if i % 2 == 0 else 0x9100
        qinq = struct.pack(">HHHH", outer, 200, 0x8100, 100)
        out["qinq"].append((sec, usec, dst + src + qinq + struct.pack(">H", etype) + payload))
        ip = ip_only(frame)
        if ip is None:
            continue  # raw IP and BSD loopback carry no ARP
        out["raw"].append((sec, usec, ip))
        out["rawonly"].append((sec, usec, ip))
        # BSD AF_INET6: 30 on macOS (written little-endian), 24 on OpenBSD (network order).
        out["null-le"].append((sec, usec, struct.pack("<I", 30 if v6 else 2) + ip))
        out["null-be"].append((sec, usec, struct.pack(">I", 28 if v6 else 2) + ip))
        out["loop"].append((sec, usec, struct.pack(">I", 24 if v6 else 2) + ip))
    return out


# --- IP fragmentation --------------------------------------------------------------------

def checksum(header):
    s = sum(struct.unpack(">%dH" % (len(header) // 2), header))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def fragments_v4(ip, ident):
    ihl = (ip[0] & 0x0F) * 4
    hdr, data = bytearray(ip[:ihl]), ip[ihl:]
    out = []
    for off in range(0, len(data), FRAG):
        chunk = data[off : off + FRAG]
        mf = off + FRAG < len(data)
        h = bytearray(hdr)
        struct.pack_into(">HHH", h, 2, ihl + len(chunk), ident, (0x2000 if mf else 0) | off // 8)
        struct.pack_into(">H", h, 10, 0)
        struct.pack_into(">H", h, 10, checksum(bytes(h)))
        out.append(bytes(h) + chunk)
    return out


def fragments_v6(ip, ident):
    hdr, data = bytearray(ip[:40]), ip[40:]
    nh = hdr[6]
    assert nh in (17, 50, 58), "lab packets carry no extension headers"
    out = []
    for off in range(0, len(data), FRAG):
        chunk = data[off : off + FRAG]
        mf = off + FRAG < len(data)
        h = bytearray(hdr)
        h[6] = 44
        struct.pack_into(">H", h, 4, 8 + len(chunk))
        frag = struct.pack(">BBHI", nh, 0, (off // 8) << 3 | (1 if mf else 0), ident)
        out.append(bytes(h) + frag + chunk)
    return out


def fragment_variants(records, v6):
    """In order, reversed, with a fragment missing, and with an overlap and a duplicate."""
    variants = {"frag-inorder": [], "frag-reordered": [], "frag-missing": [], "frag-overlap": []}
    split = 0  # index of the fragmented datagram, for the damaged variants
    for i, (sec, usec, frame, _) in enumerate(records):
        dst, src, etype, _ = split_eth(frame)
        eth = dst + src + struct.pack(">H", etype)
        ip = ip_only(frame)
        hdr_len = 40 if v6 else (ip[0] & 0x0F) * 4 if ip else 0
        if ip is None or len(ip) - hdr_len <= FRAG:
            for v in variants.values():
                v.append((sec, usec, frame))
            continue
        ident = 0x4000 + i
        frags = fragments_v6(ip, ident) if v6 else fragments_v4(ip, ident)
        n = len(frags)

        def emit(name, pieces):
            for k, p in enumerate(pieces):
                frame_out = eth + p
                if len(frame_out) < 60:
                    frame_out += b"\0" * (60 - len(frame_out))  # Ethernet padding
                u = usec + k if usec + k < 1_000_000 else usec
                variants[name].append((sec, u, frame_out))

        emit("frag-inorder", frags)
        emit("frag-reordered", frags[::-1] if split % 2 == 0 else frags[1:] + frags[:1])
        # Datagram 0 (MM1) loses a middle fragment, datagram 2 (MM3) its last one.
        if split == 0:
            emit("frag-missing", frags[:1] + frags[2:] if n > 2 else frags[1:])
        elif split == 2:
            emit("frag-missing", frags[:-1])
        else:
            emit("frag-missing", frags)
        # Datagram 0 gets a fragment that overlaps its first two with different bytes (drop the
        # whole datagram, RFC 5722); datagram 1 gets an exact duplicate (ignored).
        if split == 0:
            bad = bytearray(frags[0])
            hl = 48 if v6 else hdr_len
            if v6:
                struct.pack_into(">H", bad, 42, (48 // 8) << 3 | 1)
                start = 48
            else:
                struct.pack_into(">H", bad, 6, 0x2000 | 48 // 8)
                struct.pack_into(">H", bad, 10, 0)
                struct.pack_into(">H", bad, 10, checksum(bytes(bad[:hl])))
                start = 48
            for j in range(hl, len(bad)):
                bad[j] ^= 0xA5
            emit("frag-overlap", frags[:1] + [bytes(bad)] + frags[1:])
        elif split == 1:
            emit("frag-overlap", frags[:1] + frags[:1] + frags[1:])
        else:
            emit("frag-overlap", frags)
        split += 1
    return variants


# --- pcapng ------------------------------------------------------------------------------

def block(e, btype, body):
    body += b"\0" * (-len(body) % 4)
    total = 12 + len(body)
    return struct.pack(e + "II", btype, total) + body + struct.pack(e + "I", total)


def option(e, code, value):
    return struct.pack(e + "HH", code, len(value)) + value + b"\0" * (-len(value) % 4)


def shb(e):
    return block(e, 0x0A0D0D0A, struct.pack(e + "IHHq", 0x1A2B3C4D, 1, 0, -1) +
                 option(e, 4, b"ikescope generate.py") + option(e, 0, b""))


def idb(e, linktype, tsresol=None):
    opts = option(e, 2, b"if%d" % linktype)
    if tsresol is not None:
        opts += option(e, 9, bytes([tsresol]))
    return block(e, 1, struct.pack(e + "HHI", linktype, 0, 262144) + opts + option(e, 0, b""))


def epb(e, if_id, units, frame):
    body = struct.pack(e + "IIIII", if_id, units >> 32, units & 0xFFFFFFFF, len(frame), len(frame))
    return block(e, 6, body + frame + b"\0" * (-len(frame) % 4))


def multi_pcapng(records):
    """Two sections (little-, then big-endian), four interfaces with three link types and
    three timestamp resolutions, EPB/SPB/obsolete PB, and blocks to skip."""
    sll = link_variants(records, False)["sll"]
    out = []
    half = len(records) // 2
    e = "<"
    out += [shb(e), idb(e, 1, 9), idb(e, 113), block(e, 4, option(e, 0, b""))]
    for i in range(half):
        sec, usec, frame, _ = records[i]
        if i == 4:
            # Simple Packet Block: interface 0, no timestamp.
            out.append(block(e, 3, struct.pack(e + "I", len(frame)) + frame))
        elif i == 5:
            # Obsolete Packet Block (type 2) on interface 1 (SLL), microseconds.
            units = sec * 1_000_000 + usec
            f = sll[i][2]
            body = struct.pack(e + "HHIIII", 1, 0, units >> 32, units & 0xFFFFFFFF, len(f), len(f))
            out.append(block(e, 2, body + f))
        elif i % 2 == 0:
            out.append(epb(e, 0, (sec * 1_000_000 + usec) * 1000, frame))
        else:
            out.append(epb(e, 1, sec * 1_000_000 + usec, sll[i][2]))
        if i == 6:
            out.append(block(e, 0x00000BAD, struct.pack(e + "I", 32473) + b"skip me!"))
    out.append(block(e, 5, struct.pack(e + "III", 0, 0, 0) + option(e, 0, b"")))  # ISB
    e = ">"
    # Interface 0 of section 2: raw IP, binary resolution 2^-20 s; interface 1: Ethernet, ms.
    out += [shb(e), idb(e, 101, 0x80 | 20), idb(e, 1, 3)]
    for i in range(half, len(records)):
        sec, usec, frame, _ = records[i]
        ip = ip_only(frame)
        if ip is None:
            out.append(epb(e, 1, sec * 1000 + usec // 1000, frame))
        else:
            units = ((sec * 1_000_000 + usec) << 20) // 1_000_000
            out.append(epb(e, 0, units, ip))
    with open(os.path.join(HERE, V4 + ".multi.pcapng"), "wb") as f:
        f.write(b"".join(out))


def main():
    for name, v6 in ((V4, False), (V6, True)):
        linktype, records = read_pcap(os.path.join(ROOT, "captures", "lab", name, "capture.pcap"))
        assert linktype == 1
        links = link_variants(records, v6)
        write_pcap(name + ".sll.pcap", 113, links["sll"])
        write_pcap(name + ".sll2.pcap", 276, links["sll2"])
        write_pcap(name + ".raw.pcap", 101, links["raw"])
        write_pcap(name + (".ipv6.pcap" if v6 else ".ipv4.pcap"), 229 if v6 else 228,
                   links["rawonly"])
        write_pcap(name + ".null-le.pcap", 0, links["null-le"])
        write_pcap(name + ".null-be.pcap", 0, links["null-be"], big_endian=True)
        write_pcap(name + ".loop.pcap", 108, links["loop"])
        write_pcap(name + ".vlan.pcap", 1, links["vlan"])
        write_pcap(name + ".qinq.pcap", 1, links["qinq"])
        for variant, recs in fragment_variants(records, v6).items():
            write_pcap(name + "." + variant + ".pcap", 1, recs)
        if not v6:
            plain = [(s, u, f) for s, u, f, _ in records]
            write_pcap(name + ".be.pcap", 1, plain, big_endian=True)
            write_pcap(name + ".be-nsec.pcap", 1, plain, big_endian=True, nanos=True)
            multi_pcapng(records)
            # Wireshark's own writers, for a second opinion on the encodings.
            if shutil.which("editcap"):
                src = os.path.join(ROOT, "captures", "lab", name, "capture.pcap")
                nsec = os.path.join(HERE, name + ".nsec.pcap")
                subprocess.run(["editcap", "-F", "nsecpcap", src, nsec], check=True)
                subprocess.run(["editcap", "-F", "pcapng", nsec,
                                os.path.join(HERE, name + ".nsec.pcapng")], check=True)


if __name__ == "__main__":
    main()
