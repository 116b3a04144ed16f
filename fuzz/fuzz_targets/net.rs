//! `decode_frame` (strict and lax) for every supported link type, chosen by the first byte,
//! then `parse_udp` on what it found: no panic, and every slice inside the frame.
#![no_main]

use ikescope_dissectors::net::{
    LinkType, Network, decode_frame, decode_frame_lax, parse_udp, parse_udp_lax,
};
use libfuzzer_sys::fuzz_target;

const LINKS: [LinkType; 11] = [
    LinkType::ETHERNET,
    LinkType::LINUX_SLL,
    LinkType::LINUX_SLL2,
    LinkType::RAW,
    LinkType::DLT_RAW_12,
    LinkType::DLT_RAW_14,
    LinkType::IPV4,
    LinkType::IPV6,
    LinkType::NULL,
    LinkType::LOOP,
    LinkType(127),
];

fuzz_target!(|data: &[u8]| {
    let Some((&first, frame)) = data.split_first() else {
        return;
    };
    let link = LINKS[usize::from(first) % LINKS.len()];
    for lax in [false, true] {
        let decoded = if lax {
            decode_frame_lax(link, frame)
        } else {
            decode_frame(link, frame)
        };
        match decoded {
            Ok(Network::Ip(p)) => {
                assert!(p.payload_offset + p.payload.len() <= frame.len());
                assert!(p.header_offset < p.payload_offset || p.payload.is_empty());
                assert!(p.payload.len() <= p.payload_len);
                if !lax {
                    assert_eq!(p.payload.len(), p.payload_len);
                }
                for udp in [parse_udp(p.payload), parse_udp_lax(p.payload)] {
                    if let Ok(u) = udp {
                        assert!(u.payload.len() + 8 <= p.payload.len());
                    }
                }
            }
            Ok(_) => {}
            Err(e) => assert!(e.offset <= frame.len() + 64, "{e}"),
        }
    }
});
