//! A packet as a tree of labelled lines, built from the dissectors' typed views: the `-v`
//! output, the JSON `details`, and the TUI's packet pane all show this one tree.

use std::net::IpAddr;

use ikescope_dissectors::esp::EspPacket;
use ikescope_dissectors::isakmp::{self, NotifyData, Payload};
use ikescope_dissectors::net::{self, IpProtocol, LinkType, Network};
use ikescope_dissectors::{ParseError, ikev2};
use serde::Serialize;

use crate::decode::ike::{V1Chain, V2Chain};
use crate::decrypt::{DecryptStatus, EspOutcome, EspStatus, HashCheck, icv_name};
use crate::track::states::AuthCheck;

/// One line and what hangs below it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Node {
    pub label: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Node>,
}

impl Node {
    pub fn leaf(label: impl Into<String>) -> Node {
        Node {
            label: label.into(),
            children: Vec::new(),
        }
    }

    pub fn with(label: impl Into<String>, children: Vec<Node>) -> Node {
        Node {
            label: label.into(),
            children,
        }
    }

    /// Indented text, two spaces per level, starting at `indent`.
    pub fn render(&self, indent: usize, out: &mut String) {
        for _ in 0..indent {
            out.push_str("  ");
        }
        out.push_str(&self.label);
        out.push('\n');
        for c in &self.children {
            c.render(indent + 1, out);
        }
    }
}

fn error_node(e: &ParseError) -> Node {
    Node::leaf(format!("malformed: {e}"))
}

fn decryption_node(status: &DecryptStatus) -> Option<Node> {
    match status {
        DecryptStatus::Clear => None,
        DecryptStatus::Decrypted { with } => Some(Node::leaf(format!("decrypted with {with}"))),
        DecryptStatus::NoKeys { needs } => {
            Some(Node::leaf(format!("encrypted, not decrypted: {needs}")))
        }
        DecryptStatus::Failed { why } => {
            Some(Node::leaf(format!("encrypted, decryption failed: {why}")))
        }
    }
}

fn hash_suffix(hash: Option<&HashCheck>) -> String {
    match hash {
        Some(HashCheck {
            what,
            result: AuthCheck::Verified,
        }) => format!(" ({what} verified)"),
        Some(HashCheck {
            what,
            result: AuthCheck::Failed,
        }) => format!(" ({what} FAILED to verify)"),
        Some(HashCheck {
            what,
            result: AuthCheck::Unchecked,
        }) => format!(" ({what} not checked: no SKEYID)"),
        None => String::new(),
    }
}

/// The tree of an IKEv1 message: header, then the payloads (clear or decrypted).
pub fn ikev1(
    msg: &isakmp::Message<'_>,
    chain: &V1Chain<'_>,
    status: &DecryptStatus,
    hash: Option<&HashCheck>,
) -> Vec<Node> {
    let h = &msg.header;
    let mut nodes = vec![Node::leaf(format!(
        "ISAKMP header: initiator cookie {}, responder cookie {}, next payload {}, version {}.{}, exchange {} ({}), flags {}, message ID 0x{:08x}, length {}",
        h.initiator_cookie,
        h.responder_cookie,
        h.next_payload,
        h.major_version,
        h.minor_version,
        h.exchange_type,
        h.exchange_type.0,
        h.flags,
        h.message_id,
        h.length
    ))];
    if let Some(n) = decryption_node(status) {
        nodes.push(n);
    }
    if msg.is_encrypted() && !status.is_decrypted() {
        nodes.push(Node::leaf(format!(
            "encrypted body: {} bytes",
            msg.body.len()
        )));
        return nodes;
    }
    for p in &chain.payloads {
        match &p.decoded {
            Ok(payload) => nodes.push(v1_payload(payload, hash)),
            Err(e) => nodes.push(Node::with(
                format!("{} (type {})", p.raw.payload_type, p.raw.payload_type.0),
                vec![error_node(e)],
            )),
        }
    }
    if let Some(e) = &chain.error {
        nodes.push(error_node(e));
    }
    if !msg.trailing.is_empty() {
        nodes.push(Node::leaf(format!(
            "{} bytes after the ISAKMP length",
            msg.trailing.len()
        )));
    }
    nodes
}

fn v1_payload(p: &Payload<'_>, hash: Option<&HashCheck>) -> Node {
    match p {
        Payload::Sa(sa) => {
            let mut props = Vec::new();
            for prop in sa.proposals() {
                match prop {
                    Ok(prop) => {
                        let spi = if prop.spi.is_empty() {
                            "no SPI".to_string()
                        } else {
                            format!("SPI 0x{}", hex::encode(prop.spi))
                        };
                        let mut ts = Vec::new();
                        for t in prop.transforms() {
                            match t {
                                Ok(t) => {
                                    let mut attrs = Vec::new();
                                    for a in t.attributes() {
                                        match a {
                                            Ok(a) => attrs.push(Node::leaf(attribute_text(
                                                &a,
                                                prop.protocol_id,
                                            ))),
                                            Err(e) => attrs.push(error_node(&e)),
                                        }
                                    }
                                    ts.push(Node::with(
                                        format!("Transform #{} {}", t.number, t.transform_id),
                                        attrs,
                                    ));
                                }
                                Err(e) => ts.push(error_node(&e)),
                            }
                        }
                        props.push(Node::with(
                            format!(
                                "Proposal #{}: {}, {spi}, {} transform(s)",
                                prop.number, prop.protocol_id, prop.transform_count
                            ),
                            ts,
                        ));
                    }
                    Err(e) => props.push(error_node(&e)),
                }
            }
            Node::with(
                format!(
                    "Security Association: DOI {}, situation {}",
                    sa.doi, sa.situation
                ),
                props,
            )
        }
        Payload::Identification(id) => Node::leaf(format!(
            "Identification: {} {} (protocol {}, port {}) — proxy {}",
            id.id_type,
            id.identity,
            id.protocol_id,
            id.port,
            id.cisco_proxy()
        )),
        Payload::Hash(h) => Node::leaf(format!(
            "Hash: {} bytes {}{}",
            h.len(),
            hex::encode(h),
            hash_suffix(hash)
        )),
        Payload::Signature(s) => Node::leaf(format!("Signature: {} bytes", s.len())),
        Payload::KeyExchange(k) => Node::leaf(format!("Key Exchange: {} bytes", k.len())),
        Payload::Nonce(n) => Node::leaf(format!("Nonce: {} bytes {}", n.len(), hex::encode(n))),
        Payload::Notification(n) => {
            let mut kids = vec![Node::leaf(format!(
                "protocol {}, SPI {}",
                n.protocol_id,
                if n.spi.is_empty() {
                    "none".into()
                } else {
                    hex::encode(n.spi)
                }
            ))];
            match n.decoded_data() {
                NotifyData::DpdSequence(seq) => {
                    kids.push(Node::leaf(format!("DPD sequence number {seq}")))
                }
                NotifyData::ResponderLifetime(attrs) => {
                    for a in attrs {
                        match a {
                            Ok(a) => kids.push(Node::leaf(attribute_text(&a, n.protocol_id))),
                            Err(e) => kids.push(error_node(&e)),
                        }
                    }
                }
                NotifyData::None => {}
                other => kids.push(Node::leaf(format!("data: {other:?}"))),
            }
            Node::with(format!("Notification: {}", n.notify_type), kids)
        }
        Payload::Delete(d) => {
            let spis: Vec<Node> = match d.isakmp_cookies().next() {
                Some(_) => d
                    .isakmp_cookies()
                    .map(|(i, r)| Node::leaf(format!("IKE SA {i}/{r}")))
                    .collect(),
                None => d
                    .spis()
                    .map(|s| Node::leaf(format!("SPI 0x{}", hex::encode(s))))
                    .collect(),
            };
            Node::with(
                format!("Delete: protocol {}, {} SPI(s)", d.protocol_id, d.spi_count),
                spis,
            )
        }
        Payload::VendorId(v) => match v.recognize() {
            Some(k) => Node::leaf(format!(
                "Vendor ID: {}{} ({})",
                k.name,
                k.version.map(|v| format!(" {v}")).unwrap_or_default(),
                hex::encode(v.data)
            )),
            None => Node::leaf(format!("Vendor ID: unknown ({})", hex::encode(v.data))),
        },
        Payload::Certificate(c) => {
            let names = c
                .x509_names()
                .map(|(issuer, subject)| {
                    vec![
                        Node::leaf(format!("subject: {subject}")),
                        Node::leaf(format!("issuer: {issuer}")),
                    ]
                })
                .unwrap_or_default();
            Node::with(format!("Certificate: {c}"), names)
        }
        Payload::CertificateRequest(c) if !c.data.is_empty() => Node::leaf(format!(
            "Certificate Request: {}, CA {}",
            c.encoding,
            isakmp::DerName(c.data)
        )),
        Payload::CertificateRequest(c) => Node::leaf(format!("Certificate Request: {c} (any CA)")),
        Payload::Attributes(cfg) => {
            let attrs: Vec<Node> = cfg
                .attributes()
                .map(|a| match a {
                    Ok(a) => Node::leaf(a.to_string()),
                    Err(e) => error_node(&e),
                })
                .collect();
            Node::with(format!("Attributes: {cfg}"), attrs)
        }
        Payload::NatD(h) => Node::leaf(format!("NAT-D: {}", hex::encode(h))),
        Payload::NatOa(oa) => Node::leaf(format!("NAT-OA: {oa}")),
        Payload::Fragment(f) => Node::leaf(format!("IKE fragment: {f}")),
        Payload::Unknown { payload_type, body } => Node::leaf(format!(
            "payload type {}: {} bytes",
            payload_type.0,
            body.len()
        )),
    }
}

fn attribute_text(a: &isakmp::Attribute<'_>, protocol: isakmp::ProtocolId) -> String {
    let decoded = if protocol == isakmp::ProtocolId::ISAKMP {
        a.ike().map(|x| x.to_string())
    } else {
        a.ipsec().map(|x| x.to_string())
    };
    decoded.unwrap_or_else(|e| format!("malformed attribute: {e}"))
}

/// The tree of an IKEv2 message.
pub fn ikev2(
    msg: &ikev2::Message<'_>,
    chain: &V2Chain<'_>,
    inner: Option<&V2Chain<'_>>,
    status: &DecryptStatus,
    integrity: Option<&HashCheck>,
) -> Vec<Node> {
    let mut nodes = vec![Node::leaf(format!(
        "IKEv2 header: {}, length {}",
        msg.header(),
        msg.length()
    ))];
    if let Some(n) = decryption_node(status) {
        nodes.push(n);
    }
    for p in &chain.payloads {
        match &p.decoded {
            Ok(ikev2::Payload::Sk(_) | ikev2::Payload::Skf(_)) if inner.is_some() => {
                let kids = inner.map(v2_nodes).unwrap_or_default();
                nodes.push(Node::with(
                    format!("Encrypted (SK){}", hash_suffix(integrity)),
                    kids,
                ));
            }
            Ok(payload) => nodes.push(v2_payload(payload)),
            Err(e) => nodes.push(error_node(e)),
        }
    }
    if let Some(e) = &chain.error {
        nodes.push(error_node(e));
    }
    nodes
}

fn v2_nodes(chain: &V2Chain<'_>) -> Vec<Node> {
    let mut v: Vec<Node> = chain
        .payloads
        .iter()
        .map(|p| match &p.decoded {
            Ok(payload) => v2_payload(payload),
            Err(e) => error_node(e),
        })
        .collect();
    if let Some(e) = &chain.error {
        v.push(error_node(e));
    }
    v
}

fn v2_payload(p: &ikev2::Payload<'_>) -> Node {
    match p {
        ikev2::Payload::Sa(sa) => Node::with(
            "Security Association",
            sa.proposals
                .iter()
                .map(|pr| Node::leaf(pr.to_string()))
                .collect(),
        ),
        ikev2::Payload::TsI(ts) | ikev2::Payload::TsR(ts) => Node::with(
            p.to_string(),
            ts.selectors
                .iter()
                .map(|s| Node::leaf(s.to_string()))
                .collect(),
        ),
        ikev2::Payload::Auth(a) => Node::leaf(format!("{p}: data {}", hex::encode(a.data))),
        ikev2::Payload::Cert(c) => {
            let names = isakmp::x509_names(c.data)
                .map(|(issuer, subject)| {
                    vec![
                        Node::leaf(format!("subject: {subject}")),
                        Node::leaf(format!("issuer: {issuer}")),
                    ]
                })
                .unwrap_or_default();
            Node::with(p.to_string(), names)
        }
        other => Node::leaf(other.to_string()),
    }
}

/// The tree of an ESP packet, with the decrypted inner packet where keys allowed it.
pub fn esp(esp: &EspPacket<'_>, outcome: &EspOutcome<'_>) -> Vec<Node> {
    let mut nodes = vec![Node::leaf(format!(
        "ESP: SPI 0x{:08x}, sequence {}, {} bytes of IV, ciphertext and ICV",
        esp.spi(),
        esp.sequence(),
        esp.payload().len()
    ))];
    match &outcome.status {
        EspStatus::NoKeys => nodes.push(Node::leaf("not decrypted: no keys for this SPI")),
        EspStatus::Failed { why } => nodes.push(Node::leaf(format!("decryption failed: {why}"))),
        EspStatus::Decrypted {
            icv,
            next_header,
            pad_len,
            padding_ok,
        } => {
            nodes.push(Node::leaf(format!(
                "decrypted with {}: ICV {}, pad length {pad_len}{}, next header {next_header} ({})",
                outcome.source.unwrap_or("keys"),
                icv_name(*icv),
                if *padding_ok {
                    ""
                } else {
                    " (not the RFC 4303 default padding)"
                },
                IpProtocol(*next_header).name().unwrap_or("?")
            )));
            nodes.push(Node::leaf(format!(
                "inner: {}",
                inner_summary(*next_header, outcome.inner)
            )));
        }
    }
    nodes
}

/// One line about the inner packet of an ESP SA: tunnel mode (next header 4/41) carries an IP
/// packet; transport mode the upper-layer protocol itself.
pub fn inner_summary(next_header: u8, inner: &[u8]) -> String {
    match IpProtocol(next_header) {
        IpProtocol::IPV4 | IpProtocol::IPV6 => match net::decode_frame(LinkType::RAW, inner) {
            Ok(Network::Ip(ip)) => format!(
                "{} {} → {} {}",
                ip_version(ip.src),
                ip.src,
                ip.dst,
                transport_summary(ip.protocol, ip.payload)
            ),
            Ok(_) => "not an IP packet".to_string(),
            Err(e) => format!("malformed inner packet: {e}"),
        },
        p => transport_summary(p, inner),
    }
}

fn ip_version(a: IpAddr) -> &'static str {
    if a.is_ipv4() { "IPv4" } else { "IPv6" }
}

fn transport_summary(p: IpProtocol, bytes: &[u8]) -> String {
    let b = |i: usize| bytes.get(i).copied().unwrap_or(0);
    let be16 = |i: usize| u16::from_be_bytes([b(i), b(i + 1)]);
    match p {
        IpProtocol::ICMP => {
            let what = match b(0) {
                0 => "echo reply",
                3 => "destination unreachable",
                8 => "echo request",
                11 => "time exceeded",
                _ => "",
            };
            format!(
                "ICMP type {} code {}{}{}",
                b(0),
                b(1),
                if what.is_empty() { "" } else { " " },
                what
            ) + &if matches!(b(0), 0 | 8) {
                format!(" id {} seq {}", be16(4), be16(6))
            } else {
                String::new()
            }
        }
        IpProtocol::ICMPV6 => {
            let what = match b(0) {
                128 => " echo request",
                129 => " echo reply",
                _ => "",
            };
            format!("ICMPv6 type {} code {}{what}", b(0), b(1))
        }
        IpProtocol::TCP => format!("TCP {} → {}", be16(0), be16(2)),
        IpProtocol::UDP => format!("UDP {} → {}", be16(0), be16(2)),
        other => format!(
            "{} ({} bytes)",
            other.name().unwrap_or("protocol"),
            bytes.len()
        ),
    }
}
