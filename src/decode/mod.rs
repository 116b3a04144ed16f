//! Frame → IPsec packet: link layer, IP (with fragment reassembly), UDP, NAT-T demultiplexing,
//! and the ISAKMP/IKEv2/ESP/AH views of `ikescope-dissectors`.
//!
//! A [`Decoder`] is fed captured frames in order. It returns, for each, either an IPsec packet
//! with its addresses ([`Decoded::Ipsec`]) or nothing the rest of ikescope cares about. Other
//! traffic is counted, not returned; every malformed or truncated packet is counted as an
//! [`Anomalies`] entry named after the protocol element and what was wrong with it, and still
//! returned as far as it could be read.

mod anomaly;
pub mod ike;

use std::net::IpAddr;
use std::time::Duration;

use ikescope_dissectors::ah::AhPacket;
use ikescope_dissectors::esp::EspPacket;
use ikescope_dissectors::net::{
    self, FragmentOutcome, IpPacket, IpProtocol, Network, Reassembled, Reassembler,
};
use ikescope_dissectors::{ParseError, ikev2, isakmp, natt};
use serde::Serialize;

pub use anomaly::{Anomalies, AnomalyEntry};

use crate::capture::{Frame, Timestamp};

/// How an IPsec packet travelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    /// UDP 500 (IKE).
    Udp,
    /// UDP 4500 (NAT-T): IKE after a non-ESP marker, or UDP-encapsulated ESP (RFC 3948).
    UdpNatT,
    /// IP protocol 50.
    Esp,
    /// IP protocol 51.
    Ah,
}

/// Where a packet came from and went to, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PacketMeta {
    /// Frame number (1-based, as Wireshark). For a reassembled datagram: the frame that
    /// completed it.
    pub frame: u64,
    pub ts: Timestamp,
    pub src: IpAddr,
    pub dst: IpAddr,
    /// UDP ports; 0 for ESP/AH over IP.
    pub src_port: u16,
    pub dst_port: u16,
    pub transport: Transport,
    /// Length of the frame on the wire.
    pub frame_len: u32,
    /// Bytes of the IPsec message itself (ISAKMP message, ESP packet from the SPI, …).
    pub len: usize,
    /// Frames of an IP datagram that arrived in fragments (0 when not fragmented).
    pub fragments: usize,
}

/// An IPsec packet, borrowing the frame (or the reassembled datagram).
#[derive(Debug, Clone)]
pub enum Packet<'a> {
    IkeV1(isakmp::Message<'a>),
    IkeV2(ikev2::Message<'a>),
    Esp(EspPacket<'a>),
    Ah(AhPacket<'a>),
    /// A NAT-T keepalive: one 0xFF byte on UDP 4500 (RFC 3948 §2.3).
    NatKeepalive,
    /// An IPsec packet (by port or protocol) whose header could not be read; `bytes` are what
    /// was captured of it (a truncated ESP still shows its SPI, an ISAKMP header its cookies).
    Malformed {
        protocol: &'static str,
        error: ParseError,
        bytes: &'a [u8],
    },
}

impl Packet<'_> {
    /// The `protocol` of the JSON output: `isakmp`, `esp`, `ah`, `nat_keepalive` (IKEv2 is ISAKMP version 2).
    pub fn protocol(&self) -> &'static str {
        match self {
            Packet::IkeV1(_) | Packet::IkeV2(_) => "isakmp",
            Packet::Esp(_) => "esp",
            Packet::Ah(_) => "ah",
            Packet::NatKeepalive => "nat_keepalive",
            Packet::Malformed { protocol, .. } => protocol,
        }
    }
}

/// The result of decoding one frame.
#[derive(Debug)]
pub enum Decoded<'a> {
    Ipsec(PacketMeta, Packet<'a>),
    /// Not IPsec (counted), a fragment waiting for the rest, or an unreadable frame (counted
    /// as an anomaly).
    Other,
}

/// Totals for the closing summary.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DecodeStats {
    pub frames: u64,
    pub bytes: u64,
    pub isakmp_v1: u64,
    pub ikev2: u64,
    pub esp: u64,
    pub ah: u64,
    pub nat_keepalives: u64,
    /// Frames that are not IP (ARP, LLDP, …).
    pub not_ip: u64,
    /// IP packets of other protocols, and UDP on other ports.
    pub other_ip: u64,
    /// IP fragments seen; datagrams reassembled from them.
    pub ip_fragments: u64,
    pub reassembled: u64,
    /// Datagrams given up incomplete (timed out, evicted, or unfinished at the end).
    pub incomplete_datagrams: u64,
}

impl DecodeStats {
    pub fn ipsec_packets(&self) -> u64 {
        self.isakmp_v1 + self.ikev2 + self.esp + self.ah + self.nat_keepalives
    }
}

/// The decoding state carried across frames: fragment reassembly and the counters.
pub struct Decoder {
    reassembler: Reassembler,
    /// The last datagram reassembled, kept so the packet returned for it can borrow it.
    reassembled: Option<Reassembled>,
    last_expiry: Duration,
    stats: DecodeStats,
    anomalies: Anomalies,
    /// Datagrams given up incomplete since the last `take_incomplete`: (src, dst, first frame).
    incomplete: Vec<(IpAddr, IpAddr, u64)>,
}

/// Incomplete datagrams kept between two `take_incomplete` calls.
const MAX_INCOMPLETE: usize = 4096;

impl Default for Decoder {
    fn default() -> Self {
        Decoder::new()
    }
}

/// How often (capture time) half-reassembled datagrams are checked for timeouts.
const EXPIRY_INTERVAL: Duration = Duration::from_secs(1);

impl Decoder {
    pub fn new() -> Decoder {
        Decoder {
            reassembler: Reassembler::default(),
            reassembled: None,
            last_expiry: Duration::ZERO,
            stats: DecodeStats::default(),
            anomalies: Anomalies::default(),
            incomplete: Vec::new(),
        }
    }

    /// Whether datagrams were given up since the last [`Decoder::take_incomplete`].
    pub fn has_incomplete(&self) -> bool {
        !self.incomplete.is_empty()
    }

    /// The datagrams given up incomplete (timed out, evicted, or at the end): source,
    /// destination and the frame of their first fragment.
    pub fn take_incomplete(&mut self) -> Vec<(IpAddr, IpAddr, u64)> {
        std::mem::take(&mut self.incomplete)
    }

    pub fn stats(&self) -> &DecodeStats {
        &self.stats
    }

    pub fn anomalies(&self) -> &Anomalies {
        &self.anomalies
    }

    /// Decodes one frame. The result borrows the frame, or this decoder for a reassembled
    /// datagram, until the next call.
    pub fn decode<'a>(&'a mut self, frame: &Frame<'a>) -> Decoded<'a> {
        self.stats.frames += 1;
        self.stats.bytes += u64::from(frame.orig_len);
        let now = frame.ts.as_duration();
        if now.saturating_sub(self.last_expiry) >= EXPIRY_INTERVAL {
            self.last_expiry = now;
            self.reassembler.expire(now);
            self.collect_incomplete();
        }

        let ip = match net::decode_frame_lax(frame.link, frame.data) {
            Ok(Network::Ip(ip)) => ip,
            Ok(Network::NotIp { .. } | Network::NotIpFamily { .. }) => {
                self.stats.not_ip += 1;
                return Decoded::Other;
            }
            Err(e) => {
                self.anomalies.record(&e, frame.number);
                return Decoded::Other;
            }
        };
        if ip.is_truncated() {
            self.anomalies.record_named(
                "IP packet",
                "truncated",
                "cut by the capture's snap length",
                frame.number,
            );
        }
        if !is_ipsec_candidate(&ip) {
            self.stats.other_ip += 1;
            return Decoded::Other;
        }

        let mut fragments = 0;
        // A first fragment cut by the snap length cannot be reassembled; show what it carries
        // (as tshark does) instead of losing it. Later cut fragments are only counted.
        let cut_first_fragment = ip.is_truncated() && ip.fragment.is_some_and(|f| f.offset == 0);
        if ip.fragment.is_some() && ip.is_truncated() && !cut_first_fragment {
            self.stats.ip_fragments += 1;
            self.anomalies.record_named(
                "IP fragment",
                "truncated",
                "fragment cut by the snap length, not reassembled",
                frame.number,
            );
            return Decoded::Other;
        }
        if cut_first_fragment {
            self.stats.ip_fragments += 1;
            self.anomalies.record_named(
                "IP fragment",
                "truncated",
                "first fragment cut by the snap length: shown as far as captured, not reassembled",
                frame.number,
            );
        }
        if ip.fragment.is_some() && !cut_first_fragment {
            self.stats.ip_fragments += 1;
            match self.reassembler.push(&ip, now, frame.number) {
                FragmentOutcome::Complete(datagram) => {
                    self.stats.reassembled += 1;
                    fragments = datagram.fragments;
                    self.reassembled = Some(datagram);
                }
                FragmentOutcome::Buffered
                | FragmentOutcome::Duplicate
                | FragmentOutcome::NotAFragment => {
                    return Decoded::Other;
                }
                FragmentOutcome::Dropped(reason) => {
                    self.anomalies.record_named(
                        "IP fragment",
                        reason.name(),
                        "fragment dropped by reassembly",
                        frame.number,
                    );
                    return Decoded::Other;
                }
            }
        }

        let base = BaseMeta {
            frame: frame.number,
            ts: frame.ts,
            frame_len: frame.orig_len,
            fragments,
        };
        if fragments > 0 {
            // Split borrows: the datagram lives in `self.reassembled`, the counters beside it.
            let Decoder {
                reassembled,
                stats,
                anomalies,
                ..
            } = self;
            let Some(datagram) = reassembled.as_ref() else {
                return Decoded::Other;
            };
            match datagram.packet() {
                Ok(ip) => demux(&ip, base, stats, anomalies),
                Err(e) => {
                    anomalies.record(&e, frame.number);
                    Decoded::Other
                }
            }
        } else {
            demux(&ip, base, &mut self.stats, &mut self.anomalies)
        }
    }

    /// Gives up the datagrams still waiting for fragments at the end of the capture, counting
    /// them. Call once after the last frame.
    pub fn finish(&mut self) {
        self.reassembler.finish();
        self.collect_incomplete();
    }

    fn collect_incomplete(&mut self) {
        for d in self.reassembler.drain_incomplete() {
            self.stats.incomplete_datagrams += 1;
            let frame = d.tags.first().copied().unwrap_or(0);
            if self.incomplete.len() < MAX_INCOMPLETE {
                self.incomplete.push((d.src, d.dst, frame));
            }
            let detail = format!(
                "{} → {}: {} fragment(s), {} bytes received{}",
                d.src,
                d.dst,
                d.fragments,
                d.bytes_received,
                d.missing_bytes
                    .map(|m| format!(", {m} missing"))
                    .unwrap_or_default()
            );
            self.anomalies
                .record_named("IP datagram", "incomplete", &detail, frame);
        }
    }
}

#[derive(Clone, Copy)]
struct BaseMeta {
    frame: u64,
    ts: Timestamp,
    frame_len: u32,
    fragments: usize,
}

/// An IPsec packet whose header could not be read: counted, and passed on so it is shown.
fn malformed<'a>(
    anomalies: &mut Anomalies,
    protocol: &'static str,
    error: ParseError,
    m: PacketMeta,
    bytes: &'a [u8],
) -> Decoded<'a> {
    anomalies.record(&error, m.frame);
    Decoded::Ipsec(
        m,
        Packet::Malformed {
            protocol,
            error,
            bytes,
        },
    )
}

/// Worth decoding further: UDP (IKE/NAT-T are UDP), ESP and AH.
fn is_ipsec_candidate(ip: &IpPacket<'_>) -> bool {
    matches!(
        ip.protocol,
        IpProtocol::UDP | IpProtocol::ESP | IpProtocol::AH
    )
}

fn demux<'a>(
    ip: &IpPacket<'a>,
    base: BaseMeta,
    stats: &mut DecodeStats,
    anomalies: &mut Anomalies,
) -> Decoded<'a> {
    let meta = |transport, src_port, dst_port, len| PacketMeta {
        frame: base.frame,
        ts: base.ts,
        src: ip.src,
        dst: ip.dst,
        src_port,
        dst_port,
        transport,
        frame_len: base.frame_len,
        len,
        fragments: base.fragments,
    };
    match ip.protocol {
        IpProtocol::ESP => {
            let m = meta(Transport::Esp, 0, 0, ip.payload.len());
            stats.esp += 1;
            match EspPacket::parse(ip.payload) {
                Ok(esp) => Decoded::Ipsec(m, Packet::Esp(esp)),
                Err(e) => malformed(anomalies, "esp", e, m, ip.payload),
            }
        }
        IpProtocol::AH => {
            let m = meta(Transport::Ah, 0, 0, ip.payload.len());
            stats.ah += 1;
            match AhPacket::parse(ip.payload) {
                Ok(ah) => Decoded::Ipsec(m, Packet::Ah(ah)),
                Err(e) => malformed(anomalies, "ah", e, m, ip.payload),
            }
        }
        IpProtocol::UDP => {
            let udp = match net::parse_udp_lax(ip.payload) {
                Ok(u) => u,
                Err(e) => {
                    anomalies.record(&e, base.frame);
                    return Decoded::Other;
                }
            };
            if usize::from(udp.length) > ip.payload.len() && !ip.is_truncated() {
                anomalies.record_named(
                    "UDP header",
                    "bad_length",
                    "the UDP length exceeds the IP payload",
                    base.frame,
                );
            }
            let (sp, dp) = (udp.src_port, udp.dst_port);
            let on_natt = sp == natt::NATT_PORT || dp == natt::NATT_PORT;
            let transport = if on_natt {
                Transport::UdpNatT
            } else {
                Transport::Udp
            };
            match natt::classify_udp(sp, dp, udp.payload) {
                Ok(natt::UdpIpsec::Other) => {
                    stats.other_ip += 1;
                    Decoded::Other
                }
                Ok(natt::UdpIpsec::NatKeepalive) => {
                    stats.nat_keepalives += 1;
                    Decoded::Ipsec(meta(transport, sp, dp, 1), Packet::NatKeepalive)
                }
                Ok(natt::UdpIpsec::Esp(bytes)) => {
                    stats.esp += 1;
                    let m = meta(transport, sp, dp, bytes.len());
                    match EspPacket::parse(bytes) {
                        Ok(esp) => Decoded::Ipsec(m, Packet::Esp(esp)),
                        Err(e) => malformed(anomalies, "esp", e, m, bytes),
                    }
                }
                Ok(natt::UdpIpsec::Ike { message, .. }) => {
                    let m = meta(transport, sp, dp, message.len());
                    if natt::ike_version(message) == Some(2) {
                        stats.ikev2 += 1;
                        match ikev2::Message::parse(message) {
                            Ok(msg) => Decoded::Ipsec(m, Packet::IkeV2(msg)),
                            Err(e) => malformed(anomalies, "isakmp", e, m, message),
                        }
                    } else {
                        stats.isakmp_v1 += 1;
                        match isakmp::Message::parse(message) {
                            Ok(msg) => Decoded::Ipsec(m, Packet::IkeV1(msg)),
                            Err(e) => malformed(anomalies, "isakmp", e, m, message),
                        }
                    }
                }
                Err(e) => {
                    let m = meta(transport, sp, dp, udp.payload.len());
                    malformed(
                        anomalies,
                        if on_natt { "udp_4500" } else { "isakmp" },
                        e,
                        m,
                        udp.payload,
                    )
                }
            }
        }
        _ => {
            stats.other_ip += 1;
            Decoded::Other
        }
    }
}
