//! `FileSource` on every encoding (pcap both byte orders, µs/ns, pcapng with several
//! interfaces and sections, gzip) and on broken input: truncated, garbage, empty, unsupported
//! link type, absurd record lengths.

use std::io::Write;
use std::path::{Path, PathBuf};

use ikescope::capture::{
    CaptureError, FileSource, INITIAL_BUFFER, LinkType, MAX_BUFFER, MAX_RECORD_LEN, Timestamp,
};
use ikescope_dissectors::net::{Network, decode_frame};

const LAB: &str = "captures/lab/mm-psk-aes128-sha1-g14/capture.pcap";

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// A fresh scratch file for one test.
fn scratch(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ikescope-capture-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Owned {
    number: u64,
    ts: Timestamp,
    link: LinkType,
    data: Vec<u8>,
    orig_len: u32,
    interface: u32,
}

fn read_all(path: &Path) -> Vec<Owned> {
    let mut s = FileSource::open(path).unwrap_or_else(|e| panic!("{e}"));
    let mut out = Vec::new();
    while let Some(f) = s.next_frame().unwrap_or_else(|e| panic!("{e}")) {
        out.push(Owned {
            number: f.number,
            ts: f.ts,
            link: f.link,
            data: f.data.to_vec(),
            orig_len: f.orig_len,
            interface: f.interface,
        });
        assert!(s.buffer_capacity() <= MAX_BUFFER);
    }
    assert_eq!(s.bytes_read(), s.total_bytes());
    out
}

/// Reads until an error; returns the frames delivered before it and the error.
fn read_until_error(path: &Path) -> (u64, CaptureError) {
    let mut s = match FileSource::open(path) {
        Ok(s) => s,
        Err(e) => return (0, e),
    };
    let mut n = 0;
    loop {
        match s.next_frame() {
            Ok(Some(_)) => n += 1,
            Ok(None) => panic!("{}: no error after {n} frames", path.display()),
            Err(e) => {
                assert!(s.next_frame().unwrap().is_none(), "stays ended");
                return (n, e);
            }
        }
    }
}

fn pcap(link: u32, records: &[(u32, u32, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for v in [
        0xa1b2c3d4u32.to_le_bytes().as_slice(),
        &[2, 0, 4, 0],
        &[0; 8],
    ] {
        out.extend_from_slice(v);
    }
    out.extend_from_slice(&262144u32.to_le_bytes());
    out.extend_from_slice(&link.to_le_bytes());
    for (sec, usec, data) in records {
        for v in [*sec, *usec, data.len() as u32, data.len() as u32] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(data);
    }
    out
}

#[test]
fn pcap_and_pcapng_encodings_give_identical_frames() {
    let original = read_all(&repo(LAB));
    assert_eq!(original.len(), 55);
    assert_eq!(original[0].ts, Timestamp::new(1795326152, 55_428_000));
    assert_eq!(original[0].ts.to_string(), "1795326152.055428000");
    for suffix in ["be.pcap", "be-nsec.pcap", "nsec.pcap", "nsec.pcapng"] {
        let path = repo(&format!(
            "captures/generated/mm-psk-aes128-sha1-g14.{suffix}"
        ));
        assert_eq!(read_all(&path), original, "{suffix}");
        assert_eq!(
            FileSource::open(&path).unwrap().is_pcapng(),
            suffix.ends_with("ng")
        );
    }
}

/// Two sections of opposite byte order, four interfaces with three link types and three
/// timestamp resolutions, a Simple and an obsolete Packet Block, and blocks to skip.
#[test]
fn pcapng_with_several_interfaces_and_sections() {
    let original = read_all(&repo(LAB));
    let frames = read_all(&repo(
        "captures/generated/mm-psk-aes128-sha1-g14.multi.pcapng",
    ));
    assert_eq!(frames.len(), 55);
    let ip = |link: LinkType, data: &[u8]| match decode_frame(link, data).unwrap() {
        Network::Ip(p) => Some((p.src, p.dst, p.protocol, p.payload.to_vec())),
        _ => None,
    };
    for (i, (f, o)) in frames.iter().zip(&original).enumerate() {
        // Wireshark numbers the custom block after frame 7 as frame 8.
        assert_eq!(f.number, if i < 7 { i as u64 + 1 } else { i as u64 + 2 });
        assert_eq!(
            ip(f.link, &f.data),
            ip(o.link, &o.data),
            "frame {}",
            f.number
        );
        let expected_link = match (i < 27, i % 2, i) {
            (true, _, 4) => LinkType::ETHERNET, // SPB: interface 0
            (true, _, 5) => LinkType::LINUX_SLL,
            (true, 0, _) => LinkType::ETHERNET,
            (true, _, _) => LinkType::LINUX_SLL,
            (false, _, _) if ip(o.link, &o.data).is_some() => LinkType::RAW,
            (false, _, _) => LinkType::ETHERNET,
        };
        assert_eq!(f.link, expected_link, "frame {}", f.number);
        let diff =
            (f.ts.secs - o.ts.secs) * 1_000_000_000 + i64::from(f.ts.nanos) - i64::from(o.ts.nanos);
        match i {
            // The Simple Packet Block has no timestamp: the previous frame's is kept.
            4 => assert_eq!(f.ts, frames[3].ts),
            // Section 1: nanoseconds and microseconds, exact.
            _ if i < 27 => assert_eq!(diff, 0, "frame {}", f.number),
            // Section 2: 2^-20 s units (raw IP) and milliseconds (ARP on Ethernet).
            _ if f.link == LinkType::RAW => assert!((-1000..=0).contains(&diff), "{diff}"),
            _ => assert!((-1_000_000..=0).contains(&diff), "{diff}"),
        }
    }
}

#[test]
fn gzip_is_read_transparently() {
    let path = repo("captures/external/wireshark/esp-bug-12671.pcapng.gz");
    let s = FileSource::open(&path).unwrap();
    assert!(s.is_gzip() && s.is_pcapng());
    let frames = read_all(&path);
    assert_eq!(frames.len(), 6);

    // A lab pcap compressed here (two gzip members: MultiGzDecoder reads both).
    let raw = std::fs::read(repo(LAB)).unwrap();
    let (a, b) = raw.split_at(5000);
    let mut gz = Vec::new();
    for part in [a, b] {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(part).unwrap();
        gz.extend_from_slice(&e.finish().unwrap());
    }
    let path = scratch("lab.pcap.gz", &gz);
    assert_eq!(read_all(&path), read_all(&repo(LAB)));

    // Cut inside the compressed data: the frames before are delivered, then an error.
    let path = scratch("cut.pcap.gz", &gz[..gz.len() / 3]);
    let (n, e) = read_until_error(&path);
    assert!(n > 5, "{n}");
    assert!(e.is_partial(), "{e}");
    assert!(
        matches!(
            e,
            CaptureError::Gzip { .. } | CaptureError::Truncated { gzip: true, .. }
        ),
        "{e}"
    );
}

#[test]
fn truncated_file_delivers_the_frames_before_the_cut() {
    let raw = std::fs::read(repo(LAB)).unwrap();
    // Where frame 10's record starts: 24-byte header, then 16 + caplen per record.
    let mut offset = 24;
    for _ in 0..9 {
        let caplen = u32::from_le_bytes(raw[offset + 8..offset + 12].try_into().unwrap());
        offset += 16 + caplen as usize;
    }
    for cut in [offset + 5, offset + 16 + 20] {
        let path = scratch("cut.pcap", &raw[..cut]);
        let (n, e) = read_until_error(&path);
        assert_eq!(n, 9);
        let CaptureError::Truncated {
            frame,
            offset: at,
            gzip,
            ..
        } = &e
        else {
            panic!("{e}");
        };
        assert_eq!((*frame, *at, *gzip), (10, offset as u64, false));
        let msg = e.to_string();
        assert!(
            msg.contains(&format!("ends in the middle of frame 10 (byte {offset})")),
            "{msg}"
        );
        assert!(msg.contains("the 9 frames before it were read"), "{msg}");
        assert!(msg.contains("editcap -r"), "{msg}");
        assert!(!msg.contains('\n'));
    }
    // Cut at a record boundary: a clean end.
    let path = scratch("boundary.pcap", &raw[..offset]);
    assert_eq!(read_all(&path).len(), 9);
    // Cut inside the file header.
    let (n, e) = read_until_error(&scratch("header.pcap", &raw[..10]));
    assert!(
        matches!(
            e,
            CaptureError::Truncated {
                frame: 1,
                offset: 0,
                ..
            }
        ) && n == 0,
        "{e}"
    );
}

#[test]
fn not_a_capture() {
    let cases: [(&str, &[u8], &str); 4] = [
        (
            "garbage.bin",
            &[0xde, 0xad, 0xbe, 0xef, 1, 2, 3],
            "starts with de ad be ef)",
        ),
        (
            "notes.txt",
            b"hello, this is text\n",
            "text (a tcpdump or tshark printout",
        ),
        (
            "prog",
            &[0x7f, b'E', b'L', b'F', 2, 1, 1],
            "an ELF executable",
        ),
        ("three", &[0xd4, 0xc3, 0xb2], "starts with d4 c3 b2"),
    ];
    for (name, bytes, needle) in cases {
        let e = FileSource::open(scratch(name, bytes)).unwrap_err();
        assert!(matches!(e, CaptureError::NotACapture { .. }), "{e}");
        let msg = e.to_string();
        assert!(
            msg.contains("not a pcap or pcapng file") && msg.contains(needle),
            "{msg}"
        );
        assert!(msg.contains("editcap -F pcap"), "{msg}");
    }
    let e = FileSource::open(scratch("empty.pcap", b"")).unwrap_err();
    assert!(matches!(e, CaptureError::Empty { .. }), "{e}");
    assert!(e.to_string().contains("is empty (0 bytes)"));
    let e = FileSource::open(repo("captures/no-such-file.pcap")).unwrap_err();
    assert!(matches!(e, CaptureError::NotFound { .. }), "{e}");
    assert!(e.to_string().contains("no such file"));
    let e = FileSource::open(repo("captures")).unwrap_err();
    assert!(matches!(e, CaptureError::Io { .. }), "{e}");
}

#[test]
fn unsupported_link_type_is_named() {
    let path = scratch("radiotap.pcap", &pcap(127, &[(1, 0, &[0; 40])]));
    let e = FileSource::open(&path).unwrap_err();
    assert!(matches!(
        e,
        CaptureError::UnsupportedLinkType {
            link: LinkType(127),
            ..
        }
    ));
    let msg = e.to_string();
    assert!(
        msg.ends_with(
            "radiotap.pcap: link type 127 (IEEE 802.11 radiotap) is not supported; capture on the wired side or convert with editcap -T ether (ikescope reads Ethernet, Linux cooked, raw IP and BSD loopback)"
        ),
        "{msg}"
    );
    // The FCS bits above the low 16 do not hide a supported link type.
    let mut with_fcs = pcap(1, &[(1, 0, &[0; 60])]);
    with_fcs[20..24].copy_from_slice(&(1u32 | 0x1400_0000).to_le_bytes());
    assert_eq!(
        read_all(&scratch("fcs.pcap", &with_fcs))[0].link,
        LinkType::ETHERNET
    );
}

/// pcapng: blocks for tests.
fn ng_block(btype: u32, body: &[u8]) -> Vec<u8> {
    let mut body = body.to_vec();
    while !body.len().is_multiple_of(4) {
        body.push(0);
    }
    let total = (12 + body.len()) as u32;
    [
        &btype.to_le_bytes()[..],
        &total.to_le_bytes(),
        &body,
        &total.to_le_bytes(),
    ]
    .concat()
}

fn ng_shb() -> Vec<u8> {
    let body = [
        &0x1a2b3c4du32.to_le_bytes()[..],
        &[1, 0, 0, 0],
        &(-1i64).to_le_bytes(),
    ]
    .concat();
    ng_block(0x0a0d0d0a, &body)
}

fn ng_idb(link: u16) -> Vec<u8> {
    ng_block(
        1,
        &[&link.to_le_bytes()[..], &[0, 0], &65535u32.to_le_bytes()].concat(),
    )
}

fn ng_epb(if_id: u32, data: &[u8]) -> Vec<u8> {
    let head: Vec<u8> = [if_id, 0, 1_000_000, data.len() as u32, data.len() as u32]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    ng_block(6, &[&head[..], data].concat())
}

#[test]
fn pcapng_interfaces_of_unsupported_link_types_are_skipped() {
    let eth = std::fs::read(repo(LAB)).unwrap()[24 + 16..24 + 16 + 42].to_vec();
    let mixed = [
        ng_shb(),
        ng_idb(127),
        ng_idb(1),
        ng_epb(0, &[0; 30]),
        ng_epb(1, &eth),
    ]
    .concat();
    let path = scratch("mixed.pcapng", &mixed);
    let mut s = FileSource::open(&path).unwrap();
    let f = s.next_frame().unwrap().unwrap();
    assert_eq!(
        (f.number, f.link, f.interface, f.ts.secs),
        (2, LinkType::ETHERNET, 1, 1)
    );
    assert!(s.next_frame().unwrap().is_none());
    assert_eq!(s.unsupported_frames(), (1, Some(LinkType(127))));

    let only = [ng_shb(), ng_idb(127), ng_epb(0, &[0; 30])].concat();
    let (n, e) = read_until_error(&scratch("wifi.pcapng", &only));
    assert_eq!(n, 0);
    assert!(
        matches!(
            e,
            CaptureError::UnsupportedLinkType {
                link: LinkType(127),
                ..
            }
        ),
        "{e}"
    );

    let bad_if = [ng_shb(), ng_idb(1), ng_epb(3, &eth)].concat();
    let (n, e) = read_until_error(&scratch("badif.pcapng", &bad_if));
    assert_eq!(n, 0);
    assert!(
        e.to_string()
            .contains("packet on interface 3, but the section describes 1"),
        "{e}"
    );
}

/// A record length field of 4 GB or 2 GB is refused with its frame and offset, and the buffer
/// never grows past its bound; a legitimate 262,144-byte record (tcpdump's snap length) is read.
#[test]
fn absurd_record_lengths_are_errors_not_allocations() {
    let frame = vec![0x11u8; 100];
    let mut bytes = pcap(1, &[(1, 0, &frame), (2, 0, &frame)]);
    let at = bytes.len();
    bytes.extend_from_slice(&[3, 0, 0, 0, 0, 0, 0, 0]);
    bytes.extend_from_slice(&0xffff_fff0u32.to_le_bytes());
    bytes.extend_from_slice(&0xffff_fff0u32.to_le_bytes());
    bytes.extend_from_slice(&[0; 64]);
    let path = scratch("huge.pcap", &bytes);
    let mut s = FileSource::open(&path).unwrap();
    assert!(s.next_frame().unwrap().is_some());
    assert!(s.next_frame().unwrap().is_some());
    let e = s.next_frame().unwrap_err();
    assert!(s.buffer_capacity() <= MAX_BUFFER);
    let CaptureError::RecordTooLarge {
        frame: number,
        offset,
        len,
        max,
        ..
    } = &e
    else {
        panic!("{e}")
    };
    assert_eq!(
        (*number, *offset, *len, *max),
        (3, at as u64, 0xffff_fff0 + 16, MAX_RECORD_LEN)
    );
    assert!(
        e.to_string()
            .contains("frame 3 (byte 256) claims a 4294967296-byte record"),
        "{e}"
    );

    let huge_block = [
        ng_shb(),
        ng_idb(1),
        6u32.to_le_bytes().to_vec(),
        0x7fff_fff0u32.to_le_bytes().to_vec(),
        vec![0; 100],
    ]
    .concat();
    let (n, e) = read_until_error(&scratch("huge.pcapng", &huge_block));
    assert_eq!(n, 0);
    assert!(
        matches!(
            e,
            CaptureError::RecordTooLarge {
                frame: 1,
                len: 0x7fff_fff0,
                ..
            }
        ),
        "{e}"
    );

    // Just over the limit: refused; exactly a 262,144-byte snap length: read.
    let big = vec![0x22u8; 262_144];
    let over = vec![0x22u8; MAX_RECORD_LEN];
    let (n, e) = read_until_error(&scratch(
        "over.pcap",
        &pcap(1, &[(1, 0, &frame[..]), (1, 0, &over[..])]),
    ));
    assert_eq!(n, 1);
    assert!(matches!(e, CaptureError::RecordTooLarge { .. }), "{e}");
    let frames = read_all(&scratch(
        "big.pcap",
        &pcap(
            1,
            &[(1, 0, &frame[..]), (1, 0, &big[..]), (1, 0, &frame[..])],
        ),
    ));
    assert_eq!(
        frames.iter().map(|f| f.data.len()).collect::<Vec<_>>(),
        [100, 262_144, 100]
    );
}

/// Memory stays flat: many records of all sizes, a few near the largest allowed, and the read
/// buffer's capacity never exceeds its bound (it starts at 64 KiB and grows only for a record
/// that needs it). The multi-gigabyte measurement is the benchmark's.
#[test]
fn the_read_buffer_stays_bounded() {
    let mut records = Vec::new();
    let mut seed = 12345u64;
    let sizes: Vec<usize> = (0..20_000)
        .map(|i| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            if i % 5000 == 4999 {
                262_144
            } else {
                60 + (seed >> 33) as usize % 1454
            }
        })
        .collect();
    let payloads: Vec<Vec<u8>> = sizes.iter().map(|&n| vec![(n % 251) as u8; n]).collect();
    for (i, p) in payloads.iter().enumerate() {
        records.push((i as u32, 0, p.as_slice()));
    }
    let path = scratch("many.pcap", &pcap(1, &records));
    let mut s = FileSource::open(&path).unwrap();
    assert_eq!(s.buffer_capacity(), INITIAL_BUFFER);
    let mut n = 0;
    let mut max_cap = 0;
    while let Some(f) = s.next_frame().unwrap() {
        assert_eq!(f.data.len(), sizes[n]);
        assert_eq!(f.data[0], (sizes[n] % 251) as u8);
        n += 1;
        max_cap = max_cap.max(s.buffer_capacity());
    }
    assert_eq!(n, 20_000);
    assert!(
        max_cap > INITIAL_BUFFER && max_cap <= MAX_BUFFER,
        "{max_cap}"
    );
    // Without large records the buffer never grows.
    let small: Vec<(u32, u32, &[u8])> = records
        .iter()
        .filter(|r| r.2.len() < 2000)
        .copied()
        .collect();
    let path = scratch("small.pcap", &pcap(1, &small));
    let mut s = FileSource::open(&path).unwrap();
    while s.next_frame().unwrap().is_some() {
        assert_eq!(s.buffer_capacity(), INITIAL_BUFFER);
    }
}

#[test]
fn corrupt_pcapng_block_is_reported_with_frame_and_offset() {
    let eth = std::fs::read(repo(LAB)).unwrap()[24 + 16..24 + 16 + 42].to_vec();
    let good = [ng_shb(), ng_idb(1), ng_epb(0, &eth)].concat();
    let mut bad = ng_epb(0, &eth);
    let n = bad.len();
    bad[n - 4..].copy_from_slice(&7u32.to_le_bytes()); // trailing length disagrees
    let bytes = [good.clone(), bad].concat();
    let (n, e) = read_until_error(&scratch("corrupt.pcapng", &bytes));
    assert_eq!(n, 1);
    let CaptureError::Corrupt { frame, offset, .. } = &e else {
        panic!("{e}")
    };
    assert_eq!((*frame, *offset), (2, good.len() as u64));
    assert!(e.to_string().contains("corrupt record at frame 2"), "{e}");
}
