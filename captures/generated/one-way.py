#!/usr/bin/env python3
"""Makes the one-way tunnel capture the lab lacks: lab/mm-psk-aes128-sha1-g14 with every ESP
packet from 192.0.2.2 to 192.0.2.1 dropped, as if the return path lost them. Deterministic: the
other records are copied byte for byte (header, timestamps and frame).

    python3 captures/generated/one-way.py      # from the repository root
"""

import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SRC = os.path.join(ROOT, "captures", "lab", "mm-psk-aes128-sha1-g14", "capture.pcap")
OUT = os.path.join(HERE, "mm-psk-aes128-sha1-g14.one-way.pcap")
FROM = bytes([192, 0, 2, 2])
TO = bytes([192, 0, 2, 1])


def is_return_esp(frame):
    """An Ethernet/IPv4 frame carrying ESP (IP protocol 50) from FROM to TO."""
    if len(frame) < 34 or frame[12:14] != b"\x08\x00":
        return False
    ip = frame[14:]
    return ip[9] == 50 and ip[12:16] == FROM and ip[16:20] == TO


def main():
    with open(SRC, "rb") as f:
        data = f.read()
    assert struct.unpack("<I", data[:4])[0] == 0xA1B2C3D4, "expects a little-endian pcap"
    assert struct.unpack("<I", data[20:24])[0] == 1, "expects Ethernet"
    out, pos, kept, dropped = [data[:24]], 24, 0, 0
    while pos < len(data):
        incl = struct.unpack("<I", data[pos + 8 : pos + 12])[0]
        record = data[pos : pos + 16 + incl]
        if is_return_esp(record[16:]):
            dropped += 1
        else:
            out.append(record)
            kept += 1
        pos += 16 + incl
    with open(OUT, "wb") as f:
        f.write(b"".join(out))
    print(f"{os.path.relpath(OUT, ROOT)}: {kept} frames kept, {dropped} ESP frames dropped")


if __name__ == "__main__":
    main()
