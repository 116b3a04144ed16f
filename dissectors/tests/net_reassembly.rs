//! IP fragment reassembly on the generated fragment captures (captures/generated/, see its
//! README: IKE and ESP packets split into 96-byte fragments, in order, reordered, with a
//! fragment missing, with an overlap and a duplicate) and on synthetic floods.

mod net_common;

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use ikescope_dissectors::net::{
    DropReason, FragmentInfo, FragmentOutcome, IncompleteReason, IpPacket, IpProtocol, IpVersion,
    Network, Reassembler, ReassemblyConfig, ReassemblyStats, decode_frame, parse_udp,
};
use net_common::{Ip, ip_packets, read_pcap, repo};

const V4: &str = "mm-psk-aes128-sha1-g14";
const V6: &str = "mm-transport-ipv6";
const FRAG: usize = 96;

/// Whole IP packets in the order they became whole (a reassembled datagram when its last
/// fragment arrives), and the reassembler afterwards.
fn reassemble(path: &str, config: ReassemblyConfig) -> (Vec<Ip>, Reassembler) {
    let pcap = read_pcap(&repo(path));
    let mut r = Reassembler::new(config);
    let mut whole = Vec::new();
    for (i, rec) in pcap.records.iter().enumerate() {
        let now = Duration::from_nanos(rec.ts_nanos);
        r.expire(now);
        let Network::Ip(p) = decode_frame(pcap.link, &rec.data).unwrap() else {
            continue;
        };
        if p.fragment.is_none() {
            whole.push(Ip::from(&p));
            continue;
        }
        if let FragmentOutcome::Complete(d) = r.push(&p, now, i as u64 + 1) {
            assert!(d.tags.windows(2).all(|w| w[0] < w[1]), "arrival order");
            let whole_packet = d.packet().unwrap();
            assert_eq!(whole_packet.fragment, None);
            if whole_packet.protocol == IpProtocol::UDP {
                // The UDP header travelled in the first fragment only.
                let u = parse_udp(whole_packet.payload).unwrap();
                assert_eq!((u.src_port, u.dst_port), (500, 500));
                assert_eq!(u.payload.len() + 8, d.payload.len());
            }
            whole.push(Ip::from(&whole_packet));
        }
    }
    (whole, r)
}

/// The original's IP packets, and the indices (among them) of those the generator fragmented.
fn original(name: &str) -> (Vec<Ip>, Vec<usize>) {
    let (ips, _) = ip_packets(&read_pcap(&repo(&format!(
        "captures/lab/{name}/capture.pcap"
    ))));
    let fragmented = (0..ips.len())
        .filter(|&i| ips[i].payload.len() > FRAG)
        .collect();
    (ips, fragmented)
}

fn pieces(len: usize) -> u64 {
    len.div_ceil(FRAG) as u64
}

fn check_complete(name: &str, suffix: &str) {
    let (ips, fragmented) = original(name);
    let path = format!("captures/generated/{name}.{suffix}.pcap");
    let (whole, mut r) = reassemble(&path, ReassemblyConfig::default());
    assert_eq!(
        whole, ips,
        "{suffix}: byte-identical to the original packets"
    );
    let fragments: u64 = fragmented
        .iter()
        .map(|&i| pieces(ips[i].payload.len()))
        .sum();
    assert!(fragmented.len() >= 40, "IKE and ESP packets were split");
    assert_eq!(
        r.stats(),
        &ReassemblyStats {
            fragments,
            reassembled: fragmented.len() as u64,
            ..Default::default()
        }
    );
    assert_eq!((r.in_flight(), r.buffered_bytes()), (0, 0));
    r.finish();
    assert_eq!(r.drain_incomplete().count(), 0);
}

#[test]
fn in_order_and_reordered_fragments_give_back_the_original_packets() {
    for name in [V4, V6] {
        check_complete(name, "frag-inorder");
        check_complete(name, "frag-reordered");
    }
}

fn check_missing(name: &str) {
    let (ips, fragmented) = original(name);
    let (d0, d2) = (fragmented[0], fragmented[2]);
    let (n0, n2) = (pieces(ips[d0].payload.len()), pieces(ips[d2].payload.len()));
    assert_eq!(n0, 3, "MM1 is three fragments");
    let expected: Vec<Ip> = (0..ips.len())
        .filter(|&i| i != d0 && i != d2)
        .map(|i| ips[i].clone())
        .collect();
    let path = format!("captures/generated/{name}.frag-missing.pcap");

    // Default timeout (30 s) outlasts the capture: both are still pending at the end.
    let (whole, mut r) = reassemble(&path, ReassemblyConfig::default());
    assert_eq!(whole, expected);
    assert_eq!(r.in_flight(), 2);
    assert_eq!(r.stats().reassembled, fragmented.len() as u64 - 2);
    r.finish();
    let reports: Vec<_> = r.drain_incomplete().collect();
    assert_eq!(reports.len(), 2);
    let (mm1, mm3) = (&reports[0], &reports[1]);
    assert_eq!(mm1.reason, IncompleteReason::EndOfCapture);
    assert_eq!(
        (mm1.fragments, mm1.holes, mm1.has_first, mm1.has_last),
        (2, 1, true, true)
    );
    assert_eq!(mm1.total_len, Some(ips[d0].payload.len()));
    assert_eq!(mm1.missing_bytes, Some(FRAG));
    assert_eq!(mm1.bytes_received, ips[d0].payload.len() - FRAG);
    assert_eq!(mm1.protocol, Some(IpProtocol::UDP));
    assert_eq!((mm1.src, mm1.dst), (ips[d0].src, ips[d0].dst));
    assert_eq!(
        (mm3.fragments as u64, mm3.holes, mm3.has_first, mm3.has_last),
        (n2 - 1, 1, true, false)
    );
    assert_eq!((mm3.total_len, mm3.missing_bytes), (None, None));
    assert_eq!(mm3.bytes_received, FRAG * (n2 as usize - 1));
    assert_eq!(r.stats().unfinished_at_end, 2);
    assert_eq!((r.in_flight(), r.buffered_bytes()), (0, 0));

    // With a 1-second timeout they time out during the capture instead.
    let config = ReassemblyConfig {
        timeout: Duration::from_secs(1),
        ..Default::default()
    };
    let (whole, mut r) = reassemble(&path, config);
    assert_eq!(whole, expected);
    let s = r.stats().clone();
    assert_eq!(s.timed_out, 2);
    assert_eq!(s.timed_out_fragments, (n0 - 1) + (n2 - 1));
    assert_eq!(s.timed_out_missing_bytes, FRAG as u64);
    assert_eq!(s.timed_out_without_last, 1);
    assert_eq!(r.in_flight(), 0);
    let reasons: Vec<_> = r.drain_incomplete().map(|d| d.reason).collect();
    assert_eq!(
        reasons,
        [IncompleteReason::TimedOut, IncompleteReason::TimedOut]
    );
}

#[test]
fn a_missing_fragment_is_reported_with_what_is_missing() {
    check_missing(V4);
    check_missing(V6);
}

/// RFC 5722: the overlapping fragment drops MM1 and its later fragments are discarded; the
/// exact duplicate in MM2 is ignored and MM2 reassembles.
fn check_overlap(name: &str) {
    let (ips, fragmented) = original(name);
    let d0 = fragmented[0];
    let n0 = pieces(ips[d0].payload.len());
    let expected: Vec<Ip> = (0..ips.len())
        .filter(|&i| i != d0)
        .map(|i| ips[i].clone())
        .collect();
    let path = format!("captures/generated/{name}.frag-overlap.pcap");
    let (whole, mut r) = reassemble(&path, ReassemblyConfig::default());
    assert_eq!(whole, expected);
    let s = r.stats();
    assert_eq!((s.overlaps, s.duplicates, s.discarded), (1, 1, n0 - 1));
    assert_eq!(s.reassembled, fragmented.len() as u64 - 1);
    // The dropped datagram is remembered (without data) until its timeout.
    assert_eq!(r.in_flight(), 1);
    r.finish();
    assert_eq!(
        r.drain_incomplete().count(),
        0,
        "a dropped datagram is not reported again"
    );
}

#[test]
fn overlapping_fragments_drop_the_datagram_and_duplicates_are_ignored() {
    check_overlap(V4);
    check_overlap(V6);
}

// --- synthetic -------------------------------------------------------------------------

fn fragment(src: u32, id: u32, offset: usize, more: bool, data: &[u8]) -> IpPacket<'_> {
    IpPacket {
        version: IpVersion::V4,
        src: IpAddr::V4(Ipv4Addr::from(src)),
        dst: IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2)),
        protocol: IpProtocol::UDP,
        ttl: 64,
        vlan: None,
        fragment: Some(FragmentInfo {
            id,
            offset,
            more_fragments: more,
        }),
        header_offset: 14,
        payload_offset: 34,
        payload_len: data.len(),
        payload: data,
    }
}

/// xorshift: deterministic "random" IDs and sources.
fn rng(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn a_flood_of_first_fragments_stays_within_the_limits() {
    let data = [0x5a; 1480];
    let mut seed = 0x2545_f491_4f6c_dd1d;
    let mut r = Reassembler::default();
    let cap = r.config().max_buffered_bytes;
    for i in 0..50_000u64 {
        let x = rng(&mut seed);
        let p = fragment(x as u32, (x >> 32) as u32, 0, true, &data);
        assert_eq!(
            r.push(&p, Duration::from_millis(i), i),
            FragmentOutcome::Buffered
        );
        assert!(r.in_flight() <= 1024 && r.buffered_bytes() <= cap);
    }
    assert_eq!(r.in_flight(), 1024);
    assert_eq!(r.stats().evicted, 50_000 - 1024);
    assert_eq!(
        r.drain_incomplete().count(),
        1024,
        "reports are bounded too"
    );
    assert_eq!(r.stats().reports_dropped, 50_000 - 1024 - 1024);

    // A byte limit smaller than 1024 datagrams: evictions keep it.
    let mut r = Reassembler::new(ReassemblyConfig {
        max_buffered_bytes: 256 << 10,
        ..Default::default()
    });
    for i in 0..5_000u64 {
        let x = rng(&mut seed);
        r.push(
            &fragment(x as u32, i as u32, 0, true, &data),
            Duration::ZERO,
            i,
        );
        assert!(r.buffered_bytes() <= 256 << 10);
    }
    assert!(r.peak_buffered_bytes() <= 256 << 10);
    assert!(
        r.in_flight() < 200 && r.in_flight() > 100,
        "{}",
        r.in_flight()
    );
    assert_eq!(r.stats().evicted + r.in_flight() as u64, 5_000);
}

#[test]
fn time_outs_use_capture_time_from_the_first_fragment() {
    let mut r = Reassembler::default();
    let data = [1u8; 64];
    r.push(&fragment(1, 7, 0, true, &data), Duration::from_secs(100), 1);
    r.push(
        &fragment(1, 7, 128, false, &data),
        Duration::from_secs(120),
        2,
    );
    r.expire(Duration::from_secs(129));
    assert_eq!(r.in_flight(), 1);
    r.expire(Duration::from_secs(130));
    assert_eq!(r.in_flight(), 0);
    let d = r.drain_incomplete().next().unwrap();
    assert_eq!(
        (d.missing_bytes, d.holes, d.tags),
        (Some(64), 1, vec![1, 2])
    );
    assert_eq!(r.stats().timed_out_missing_bytes, 64);
}

#[test]
fn malformed_fragments_are_refused_and_counted() {
    let mut r = Reassembler::default();
    let t = Duration::ZERO;
    // Ping of death: reaches past 65,535 bytes.
    let big = [0u8; 16];
    assert_eq!(
        r.push(&fragment(1, 1, 65_528, false, &big), t, 1),
        FragmentOutcome::Dropped(DropReason::Oversize)
    );
    // A non-last fragment must be a multiple of 8 bytes.
    assert_eq!(
        r.push(&fragment(1, 2, 0, true, &[0; 10]), t, 2),
        FragmentOutcome::Dropped(DropReason::Inconsistent)
    );
    // Two different ends.
    let d = [0u8; 8];
    assert_eq!(
        r.push(&fragment(1, 3, 16, false, &d), t, 3),
        FragmentOutcome::Buffered
    );
    assert_eq!(
        r.push(&fragment(1, 3, 32, false, &d), t, 4),
        FragmentOutcome::Dropped(DropReason::Inconsistent)
    );
    assert_eq!(
        r.push(&fragment(1, 3, 0, true, &d), t, 5),
        FragmentOutcome::Dropped(DropReason::Discarded)
    );
    // Not a fragment at all.
    let mut whole = fragment(1, 4, 0, false, &d);
    whole.fragment = None;
    assert_eq!(r.push(&whole, t, 6), FragmentOutcome::NotAFragment);
    let s = r.stats();
    assert_eq!(
        (s.oversize, s.inconsistent, s.discarded, s.fragments),
        (1, 2, 1, 5)
    );
}

#[test]
fn ipv6_key_ignores_the_next_header_of_later_fragments() {
    let a = [0xaa; 16];
    let b = [0xbb; 8];
    let mut first = fragment(1, 9, 0, true, &a);
    first.version = IpVersion::V6;
    first.src = "2001:db8::1".parse().unwrap();
    first.dst = "2001:db8::2".parse().unwrap();
    let mut last = first.clone();
    last.payload = &b;
    last.protocol = IpProtocol(99);
    last.fragment = Some(FragmentInfo {
        id: 9,
        offset: 16,
        more_fragments: false,
    });
    let mut r = Reassembler::default();
    // The later fragment first: the offset-zero one decides the protocol (RFC 8200 §4.5).
    assert_eq!(r.push(&last, Duration::ZERO, 1), FragmentOutcome::Buffered);
    let FragmentOutcome::Complete(d) = r.push(&first, Duration::ZERO, 2) else {
        panic!("not complete");
    };
    assert_eq!(d.protocol, IpProtocol::UDP);
    assert_eq!(d.payload, [&a[..], &b[..]].concat());
    assert_eq!((d.fragments, d.tags.clone()), (2, vec![1, 2]));
}
