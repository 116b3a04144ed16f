//! A sequence of IP fragments derived from the input through a small `Reassembler`: no panic,
//! the byte and datagram limits hold after every fragment, and everything is released at the
//! end.
//!
//! Each fragment takes 5 input bytes: source (1), identification (1), offset in 8-byte units
//! (2, big-endian), flags (1: bit 0 more-fragments, bit 1 IPv6, bit 2 another protocol, bits
//! 3-7 a length in 8-byte units plus bit 7 of the flags making it odd-sized); time advances by
//! the source byte's low 3 bits in seconds.
#![no_main]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use ikescope_dissectors::net::{
    FragmentInfo, FragmentOutcome, IpPacket, IpProtocol, IpVersion, ReassemblyConfig, Reassembler,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let config = ReassemblyConfig {
        max_datagrams: 16,
        max_datagram_size: 65_535,
        max_buffered_bytes: 48 << 10,
        timeout: Duration::from_secs(5),
        max_reports: 8,
    };
    let mut r = Reassembler::new(config.clone());
    let payload = [0x5au8; 2048];
    let mut now = Duration::ZERO;
    for (i, chunk) in data.chunks_exact(5).enumerate() {
        let [src, id, off_hi, off_lo, flags] = [chunk[0], chunk[1], chunk[2], chunk[3], chunk[4]];
        now += Duration::from_secs(u64::from(src & 7));
        let v6 = flags & 2 != 0;
        let mut len = usize::from(flags >> 3) * 64;
        if flags & 0x80 != 0 {
            len += 3;
        }
        let offset = usize::from(u16::from_be_bytes([off_hi, off_lo]) & 0x1fff) * 8;
        let (src_addr, dst_addr) = if v6 {
            (
                IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, u16::from(src >> 3))),
                IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0xffff)),
            )
        } else {
            (
                IpAddr::V4(Ipv4Addr::new(192, 0, 2, src >> 3)),
                IpAddr::V4(Ipv4Addr::new(198, 51, 100, 1)),
            )
        };
        let packet = IpPacket {
            version: if v6 { IpVersion::V6 } else { IpVersion::V4 },
            src: src_addr,
            dst: dst_addr,
            protocol: if flags & 4 != 0 { IpProtocol::ESP } else { IpProtocol::UDP },
            ttl: 64,
            vlan: None,
            fragment: Some(FragmentInfo {
                id: u32::from(id & 0x0f),
                offset,
                more_fragments: flags & 1 != 0,
            }),
            header_offset: 0,
            payload_offset: 20,
            payload_len: len,
            payload: &payload[..len],
        };
        if let FragmentOutcome::Complete(d) = r.push(&packet, now, i as u64) {
            assert!(d.payload.len() <= config.max_datagram_size);
            assert!(d.fragments >= 1 && d.tags.len() == d.fragments);
            let _ = d.packet();
        }
        assert!(r.buffered_bytes() <= config.max_buffered_bytes);
        assert!(r.in_flight() <= config.max_datagrams);
        assert!(r.drain_incomplete().count() <= config.max_reports);
    }
    r.finish();
    assert_eq!((r.in_flight(), r.buffered_bytes()), (0, 0));
});
