//! UDP 500/4500 demultiplexing (ports from the first 4 input bytes), then the ESP header; the
//! whole input as an ESP and as an AH packet.
#![no_main]

use ikescope_dissectors::ah::AhPacket;
use ikescope_dissectors::esp::EspPacket;
use ikescope_dissectors::natt::{UdpIpsec, classify_udp, ike_version};
use libfuzzer_sys::fuzz_target;

fn esp(bytes: &[u8]) {
    match EspPacket::parse(bytes) {
        Ok(e) => {
            let _ = (e.spi(), e.sequence(), e.payload(), e.spi_is_iana_reserved());
            let _ = e.to_string();
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if let Some((ports, payload)) = data.split_first_chunk::<4>() {
        let sport = u16::from_be_bytes([ports[0], ports[1]]);
        let dport = u16::from_be_bytes([ports[2], ports[3]]);
        match classify_udp(sport, dport, payload) {
            Ok(UdpIpsec::Ike { message, .. }) => {
                let _ = ike_version(message);
            }
            Ok(UdpIpsec::Esp(bytes)) => esp(bytes),
            Ok(UdpIpsec::NatKeepalive | UdpIpsec::Other) => {}
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
    esp(data);
    match AhPacket::parse(data) {
        Ok(ah) => {
            let _ = (ah.next_header(), ah.header_len(), ah.reserved(), ah.icv());
            let _ = (ah.payload(), ah.is_ipv6_aligned(), ah.to_string());
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
