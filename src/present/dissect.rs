//! `ikescope dissect`: one line (or JSON object) per IPsec packet, `-v` for the tree.

use std::io::{self, BufWriter, Write};

use ikescope_dissectors::ikev2;
use ikescope_dissectors::isakmp::{self, Payload};
use serde_json::{Map, Value, json};

use super::cli::DissectArgs;
use super::format::{
    epoch, hex, push_endpoint, push_hex, push_relative_time, push_u64, push_u64_padded, rfc3339,
};
use super::progress::Progress;
use super::tree::{self, Node};
use super::{
    AppError, count_reached, live_stats_line, load_keys, next_frame_or_stop, open_input, summary,
};
use crate::capture::Timestamp;
use crate::decode::ike::{V1Chain, V2Chain};
use crate::decode::{PacketMeta, Transport};
use crate::decrypt::{DecryptStatus, EspOutcome, EspStatus, HashCheck, icv_name};
use crate::pipeline::{Pipeline, Processed, Tracking};
use crate::track::states::AuthCheck;
use crate::track::{IkeNote, TrackerConfig};

pub fn run(args: &DissectArgs) -> Result<(), AppError> {
    let keys = load_keys(&args.keys)?;
    let mut source = open_input(&args.input)?;
    // Only each message's place in its exchange is needed: no learning, and a modest cap (an
    // IKE SA idle long enough to be evicted just loses its MM/QM numbering).
    let config = TrackerConfig {
        learn: false,
        max_ike_sas: 65_536,
        max_ipsec_sas: 1,
        max_tunnels: 65_536,
        ..TrackerConfig::default()
    };
    let mut pipeline = Pipeline::new(keys, config, Tracking::IkeOnly);
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());
    let mut line: Vec<u8> = Vec::with_capacity(512);
    let mut tree_text = String::new();
    let mut first_ts: Option<Timestamp> = None;
    let mut deferred = None;
    let mut progress = Progress::new(&source);
    let mut seen = 0u64;
    let mut frames = 0u64;
    loop {
        progress.update(&source, frames);
        frames += 1;
        let Some(frame) = next_frame_or_stop(&mut source, &mut deferred) else {
            break;
        };
        let start = *first_ts.get_or_insert(frame.ts);
        let Some((meta, processed)) = pipeline.process(&frame) else {
            continue;
        };
        seen += 1;
        line.clear();
        if args.json {
            let v = json_object(&meta, &processed, args.verbose);
            serde_json::to_writer(&mut out, &v).map_err(io::Error::from)?;
            out.write_all(b"\n")?;
        } else {
            text_line(&mut line, &meta, &processed, start);
            if args.verbose {
                tree_text.clear();
                for n in tree_of(&processed) {
                    n.render(3, &mut tree_text);
                }
                line.extend_from_slice(tree_text.as_bytes());
            }
            out.write_all(&line)?;
        }
        if count_reached(&args.input, seen) {
            break;
        }
    }
    out.flush()?;
    drop(out);
    progress.done();
    pipeline.finish();
    let live = live_stats_line(&mut source);
    summary::print(&pipeline, live.as_deref());
    match deferred {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// The one-line form (the hot path: no `fmt` machinery for the common fields).
pub(crate) fn text_line(
    line: &mut Vec<u8>,
    meta: &PacketMeta,
    p: &Processed<'_>,
    start: Timestamp,
) {
    push_u64_padded(line, meta.frame, 6);
    line.push(b' ');
    push_relative_time(line, meta.ts, start);
    line.push(b' ');
    push_endpoint(line, meta.src, meta.src_port);
    line.extend_from_slice(" -> ".as_bytes());
    push_endpoint(line, meta.dst, meta.dst_port);
    line.push(b' ');
    match p {
        Processed::IkeV1 {
            msg,
            chain,
            outcome,
            note,
        } => {
            let h = &msg.header;
            line.extend_from_slice("ISAKMP ".as_bytes());
            line.extend_from_slice(
                h.exchange_type
                    .short_name()
                    .unwrap_or("exchange")
                    .as_bytes(),
            );
            line.push(b' ');
            line.extend_from_slice(note.position.label().as_bytes());
            line.push(b' ');
            push_hex(line, h.initiator_cookie.as_u64(), 16);
            line.push(b'/');
            push_hex(line, h.responder_cookie.as_u64(), 16);
            line.extend_from_slice(" mid=".as_bytes());
            push_hex(line, u64::from(h.message_id), 8);
            line.push(b' ');
            if meta.transport == Transport::UdpNatT {
                line.extend_from_slice("(NAT-T) ".as_bytes());
            }
            match &outcome.plaintext {
                Some(pt) => {
                    payload_list_v1(line, &V1Chain::walk(h.next_payload, pt, isakmp::HEADER_LEN));
                    line.extend_from_slice(" decrypted".as_bytes());
                }
                None if msg.is_encrypted() => {
                    line.extend_from_slice("encrypted".as_bytes());
                    if let DecryptStatus::Failed { .. } = outcome.status {
                        line.extend_from_slice(" (decryption failed)".as_bytes());
                    }
                }
                None => payload_list_v1(line, chain),
            }
            push_hash(line, outcome.hash.as_ref());
            push_note(line, note);
        }
        Processed::IkeV2 { msg, outcome, note } => {
            let h = msg.header();
            let _ = write!(
                line,
                "IKEv2 {} {}/{} mid={} ",
                note.position, h.initiator_spi, h.responder_spi, h.message_id
            );
            match &outcome.plaintext {
                Some((pt, first, base)) => {
                    payload_list_v2(line, &V2Chain::walk(*first, pt, *base));
                    line.extend_from_slice(" decrypted".as_bytes());
                }
                None => payload_list_v2(line, &V2Chain::of_message(msg)),
            }
            push_hash(line, outcome.integrity.as_ref());
            push_note(line, note);
        }
        Processed::Esp { esp, outcome } => {
            line.extend_from_slice("ESP spi=0x".as_bytes());
            push_hex(line, u64::from(esp.spi()), 8);
            line.extend_from_slice(" seq=".as_bytes());
            push_u64(line, u64::from(esp.sequence()));
            line.extend_from_slice(" len=".as_bytes());
            push_u64(line, meta.len as u64);
            if meta.transport == Transport::UdpNatT {
                line.extend_from_slice(" (UDP-encapsulated)".as_bytes());
            }
            push_esp_outcome(line, outcome);
        }
        Processed::Ah { ah } => {
            let _ = write!(
                line,
                "AH spi=0x{:08x} seq={} len={}",
                ah.spi(),
                ah.sequence(),
                meta.len
            );
        }
        Processed::NatKeepalive => line.extend_from_slice(b"NAT-keepalive"),
        Processed::Malformed {
            protocol,
            error,
            bytes,
        } => {
            let _ = write!(line, "{} malformed ", protocol.to_uppercase());
            push_partial_ids(line, protocol, bytes);
            let _ = write!(line, "{error}");
        }
    }
    line.push(b'\n');
}

/// What a malformed packet still shows (as tshark does): an ESP SPI from 4 bytes, ISAKMP
/// cookies from 16.
fn partial_spi(protocol: &str, bytes: &[u8]) -> Option<u32> {
    (protocol == "esp")
        .then(|| bytes.get(..4)?.try_into().ok().map(u32::from_be_bytes))
        .flatten()
}

fn partial_cookies(
    protocol: &str,
    bytes: &[u8],
) -> Option<(ikescope_dissectors::Cookie, ikescope_dissectors::Cookie)> {
    if protocol != "isakmp" {
        return None;
    }
    Some((
        ikescope_dissectors::Cookie::from_slice(bytes)?,
        ikescope_dissectors::Cookie::from_slice(bytes.get(8..)?)?,
    ))
}

fn push_partial_ids(line: &mut Vec<u8>, protocol: &str, bytes: &[u8]) {
    if let Some(spi) = partial_spi(protocol, bytes) {
        let _ = write!(line, "spi=0x{spi:08x} ");
    }
    if let Some((i, r)) = partial_cookies(protocol, bytes) {
        let _ = write!(line, "{i}/{r} ");
    }
}

fn push_esp_outcome(line: &mut Vec<u8>, o: &EspOutcome<'_>) {
    match &o.status {
        EspStatus::NoKeys => {}
        EspStatus::Failed { why } => {
            let _ = write!(line, " decryption failed: {why}");
        }
        EspStatus::Decrypted {
            icv, next_header, ..
        } => {
            let _ = write!(
                line,
                " ICV {}: {}",
                icv_name(*icv),
                tree::inner_summary(*next_header, o.inner)
            );
        }
    }
}

fn push_hash(line: &mut Vec<u8>, h: Option<&HashCheck>) {
    if let Some(h) = h {
        let verdict = match h.result {
            AuthCheck::Verified => "verified",
            AuthCheck::Failed => "FAILED",
            AuthCheck::Unchecked => "unchecked",
        };
        let _ = write!(line, " {} {verdict}", h.what);
    }
}

fn push_note(line: &mut Vec<u8>, note: &IkeNote) {
    if note.retransmission {
        line.extend_from_slice(" (retransmission)".as_bytes());
    }
}

/// Payload names as charon prints them: `SA V V`, `KE No NAT-D NAT-D`, `HASH N(INITIAL_CONTACT)`.
fn payload_list_v1(line: &mut Vec<u8>, chain: &V1Chain<'_>) {
    line.push(b'[');
    for (i, p) in chain.payloads.iter().enumerate() {
        if i > 0 {
            line.push(b' ');
        }
        match &p.decoded {
            Ok(Payload::Notification(n)) => {
                let _ = write!(line, "N({})", n.notify_type);
            }
            Ok(Payload::Delete(_)) => line.push(b'D'),
            _ => line.extend_from_slice(p.raw.payload_type.short_name().unwrap_or("?").as_bytes()),
        }
    }
    line.push(b']');
    if chain.error.is_some() || chain.payloads.iter().any(|p| p.decoded.is_err()) {
        line.extend_from_slice(" MALFORMED".as_bytes());
    }
}

fn payload_list_v2(line: &mut Vec<u8>, chain: &V2Chain<'_>) {
    line.push(b'[');
    for (i, p) in chain.payloads.iter().enumerate() {
        if i > 0 {
            line.push(b' ');
        }
        match &p.decoded {
            Ok(ikev2::Payload::Notify(n)) => {
                let _ = write!(line, "N({})", n.notify_type);
            }
            _ => {
                let _ = write!(line, "{}", p.raw.payload_type);
            }
        }
    }
    line.push(b']');
    if chain.error.is_some() || chain.payloads.iter().any(|p| p.decoded.is_err()) {
        line.extend_from_slice(" MALFORMED".as_bytes());
    }
}

pub(crate) fn tree_of(p: &Processed<'_>) -> Vec<Node> {
    match p {
        Processed::IkeV1 {
            msg,
            chain,
            outcome,
            ..
        } => match &outcome.plaintext {
            Some(pt) => tree::ikev1(
                msg,
                &V1Chain::walk(msg.header.next_payload, pt, isakmp::HEADER_LEN),
                &outcome.status,
                outcome.hash.as_ref(),
            ),
            None => tree::ikev1(msg, chain, &outcome.status, outcome.hash.as_ref()),
        },
        Processed::IkeV2 { msg, outcome, .. } => {
            let chain = V2Chain::of_message(msg);
            let inner = outcome
                .plaintext
                .as_ref()
                .map(|(pt, f, b)| V2Chain::walk(*f, pt, *b));
            tree::ikev2(
                msg,
                &chain,
                inner.as_ref(),
                &outcome.status,
                outcome.integrity.as_ref(),
            )
        }
        Processed::Esp { esp, outcome } => tree::esp(esp, outcome),
        Processed::Ah { ah } => vec![Node::leaf(format!(
            "AH: next header {}, SPI 0x{:08x}, sequence {}, ICV {} bytes",
            ah.next_header(),
            ah.spi(),
            ah.sequence(),
            ah.icv().len()
        ))],
        Processed::NatKeepalive => {
            vec![Node::leaf("NAT-T keepalive (RFC 3948 §2.3): one 0xFF byte")]
        }
        Processed::Malformed { error, .. } => vec![Node::leaf(format!("malformed: {error}"))],
    }
}

fn exchange_name_v1(t: isakmp::ExchangeType) -> String {
    match t.0 {
        2 => "main".into(),
        4 => "aggressive".into(),
        5 => "informational".into(),
        6 => "transaction".into(),
        32 => "quick".into(),
        33 => "new_group".into(),
        1 => "base".into(),
        3 => "auth_only".into(),
        n => format!("unknown_{n}"),
    }
}

fn exchange_name_v2(t: ikev2::ExchangeType) -> String {
    match t.0 {
        34 => "ike_sa_init".into(),
        35 => "ike_auth".into(),
        36 => "create_child_sa".into(),
        37 => "informational".into(),
        n => format!("unknown_{n}"),
    }
}

pub(crate) fn v1_payload_names(chain: &V1Chain<'_>) -> Vec<String> {
    chain
        .payloads
        .iter()
        .map(|p| match &p.decoded {
            Ok(Payload::Notification(n)) => format!("N({})", n.notify_type),
            Ok(Payload::Delete(_)) => "D".into(),
            _ => p.raw.payload_type.short_name().unwrap_or("?").to_string(),
        })
        .collect()
}

pub(crate) fn v2_payload_names(chain: &V2Chain<'_>) -> Vec<String> {
    chain
        .payloads
        .iter()
        .map(|p| match &p.decoded {
            Ok(ikev2::Payload::Notify(n)) => format!("N({})", n.notify_type),
            _ => p.raw.payload_type.to_string(),
        })
        .collect()
}

fn decryption_json(status: &DecryptStatus) -> Value {
    match status {
        DecryptStatus::Clear => Value::Null,
        DecryptStatus::Decrypted { with } => json!({ "status": "decrypted", "with": with }),
        DecryptStatus::NoKeys { needs } => json!({ "status": "no_keys", "needs": needs }),
        DecryptStatus::Failed { why } => json!({ "status": "failed", "why": why }),
    }
}

fn hash_json(m: &mut Map<String, Value>, h: Option<&HashCheck>) {
    if let Some(h) = h {
        m.insert("hash".into(), json!(h.what));
        match h.result {
            AuthCheck::Verified => m.insert("hash_verified".into(), json!(true)),
            AuthCheck::Failed => m.insert("hash_verified".into(), json!(false)),
            AuthCheck::Unchecked => m.insert("hash_verified".into(), Value::Null),
        };
    }
}

/// The JSON object of one packet (docs/json.md, "dissect").
pub(super) fn json_object(meta: &PacketMeta, p: &Processed<'_>, verbose: bool) -> Value {
    let mut m = Map::new();
    m.insert("frame".into(), json!(meta.frame));
    m.insert("time".into(), json!(rfc3339(meta.ts)));
    m.insert("epoch".into(), json!(epoch(meta.ts)));
    m.insert("src".into(), json!(meta.src.to_string()));
    m.insert("dst".into(), json!(meta.dst.to_string()));
    if meta.src_port != 0 || meta.dst_port != 0 {
        m.insert("src_port".into(), json!(meta.src_port));
        m.insert("dst_port".into(), json!(meta.dst_port));
    }
    let proto = match p {
        Processed::IkeV1 { .. } | Processed::IkeV2 { .. } => "isakmp",
        Processed::Esp { .. } => "esp",
        Processed::Ah { .. } => "ah",
        Processed::NatKeepalive => "nat_keepalive",
        Processed::Malformed { protocol, .. } => protocol,
    };
    m.insert("protocol".into(), json!(proto));
    if meta.transport == Transport::UdpNatT {
        m.insert("udp_encapsulated".into(), json!(true));
    }
    if meta.fragments > 0 {
        m.insert("reassembled_from_fragments".into(), json!(meta.fragments));
    }
    match p {
        Processed::IkeV1 {
            msg,
            chain: clear,
            outcome,
            note,
        } => {
            let h = &msg.header;
            m.insert("version".into(), json!(1));
            m.insert(
                "initiator_cookie".into(),
                json!(h.initiator_cookie.to_string()),
            );
            m.insert(
                "responder_cookie".into(),
                json!(h.responder_cookie.to_string()),
            );
            m.insert("exchange".into(), json!(exchange_name_v1(h.exchange_type)));
            m.insert("exchange_type".into(), json!(h.exchange_type.0));
            m.insert(
                "message_id".into(),
                json!(format!("0x{:08x}", h.message_id)),
            );
            m.insert("position".into(), json!(note.position.label()));
            m.insert("length".into(), json!(h.length));
            let decrypted = outcome
                .plaintext
                .as_ref()
                .map(|pt| V1Chain::walk(h.next_payload, pt, isakmp::HEADER_LEN));
            let chain = decrypted.as_ref().unwrap_or(clear);
            m.insert("payloads".into(), json!(v1_payload_names(chain)));
            m.insert("encrypted".into(), json!(msg.is_encrypted()));
            m.insert("decrypted".into(), json!(outcome.plaintext.is_some()));
            m.insert("retransmission".into(), json!(note.retransmission));
            if let Some(e) = chain.first_error() {
                m.insert("error".into(), json!(e.to_string()));
            }
            if !matches!(outcome.status, DecryptStatus::Clear) {
                m.insert("decryption".into(), decryption_json(&outcome.status));
            }
            hash_json(&mut m, outcome.hash.as_ref());
            if outcome.plaintext.is_some() || verbose {
                m.insert(
                    "details".into(),
                    json!(tree::ikev1(
                        msg,
                        chain,
                        &outcome.status,
                        outcome.hash.as_ref()
                    )),
                );
            }
        }
        Processed::IkeV2 { msg, outcome, note } => {
            let h = msg.header();
            m.insert("version".into(), json!(2));
            m.insert(
                "initiator_cookie".into(),
                json!(h.initiator_spi.to_string()),
            );
            m.insert(
                "responder_cookie".into(),
                json!(h.responder_spi.to_string()),
            );
            m.insert("exchange".into(), json!(exchange_name_v2(h.exchange_type)));
            m.insert("exchange_type".into(), json!(h.exchange_type.0));
            m.insert(
                "message_id".into(),
                json!(format!("0x{:08x}", h.message_id)),
            );
            m.insert("position".into(), json!(note.position.label()));
            m.insert("response".into(), json!(h.flags.is_response()));
            m.insert("length".into(), json!(h.length));
            let chain = V2Chain::of_message(msg);
            let inner = outcome
                .plaintext
                .as_ref()
                .map(|(pt, f, b)| V2Chain::walk(*f, pt, *b));
            m.insert("payloads".into(), json!(v2_payload_names(&chain)));
            m.insert(
                "encrypted".into(),
                json!(chain.payloads.iter().any(|p| matches!(
                    p.raw.payload_type,
                    ikev2::PayloadType::SK | ikev2::PayloadType::SKF
                ))),
            );
            m.insert("decrypted".into(), json!(inner.is_some()));
            if let Some(inner) = &inner {
                m.insert("decrypted_payloads".into(), json!(v2_payload_names(inner)));
            }
            m.insert("retransmission".into(), json!(note.retransmission));
            if !matches!(outcome.status, DecryptStatus::Clear) {
                m.insert("decryption".into(), decryption_json(&outcome.status));
            }
            if let Some(hc) = &outcome.integrity {
                m.insert(
                    "integrity_verified".into(),
                    json!(hc.result == AuthCheck::Verified),
                );
            }
            if inner.is_some() || verbose {
                m.insert(
                    "details".into(),
                    json!(tree::ikev2(
                        msg,
                        &chain,
                        inner.as_ref(),
                        &outcome.status,
                        outcome.integrity.as_ref()
                    )),
                );
            }
        }
        Processed::Esp { esp, outcome } => {
            m.insert("spi".into(), json!(format!("0x{:08x}", esp.spi())));
            m.insert("sequence".into(), json!(esp.sequence()));
            m.insert("length".into(), json!(meta.len));
            match &outcome.status {
                EspStatus::NoKeys => {
                    m.insert("decrypted".into(), json!(false));
                    m.insert("icv".into(), json!("unchecked"));
                }
                EspStatus::Failed { why } => {
                    m.insert("decrypted".into(), json!(false));
                    m.insert("icv".into(), json!("unchecked"));
                    m.insert("error".into(), json!(why));
                }
                EspStatus::Decrypted {
                    icv,
                    next_header,
                    pad_len,
                    padding_ok,
                } => {
                    m.insert("decrypted".into(), json!(true));
                    m.insert("icv".into(), json!(icv_name(*icv)));
                    m.insert(
                        "inner".into(),
                        json!({
                            "next_header": next_header,
                            "length": outcome.inner.len(),
                            "pad_length": pad_len,
                            "padding_ok": padding_ok,
                            "summary": tree::inner_summary(*next_header, outcome.inner),
                            "bytes": if verbose { Value::String(hex(outcome.inner)) } else { Value::Null },
                        }),
                    );
                }
            }
            if verbose {
                m.insert("details".into(), json!(tree::esp(esp, outcome)));
            }
        }
        Processed::Ah { ah } => {
            m.insert("spi".into(), json!(format!("0x{:08x}", ah.spi())));
            m.insert("sequence".into(), json!(ah.sequence()));
            m.insert("next_header".into(), json!(ah.next_header()));
            m.insert("length".into(), json!(meta.len));
        }
        Processed::NatKeepalive => {}
        Processed::Malformed {
            protocol,
            error,
            bytes,
        } => {
            if let Some(spi) = partial_spi(protocol, bytes) {
                m.insert("spi".into(), json!(format!("0x{spi:08x}")));
            }
            if let Some((i, r)) = partial_cookies(protocol, bytes) {
                m.insert("initiator_cookie".into(), json!(i.to_string()));
                m.insert("responder_cookie".into(), json!(r.to_string()));
            }
            m.insert("error".into(), json!(error.to_string()));
            m.insert(
                "anomaly".into(),
                json!(format!("{}: {}", error.element, error.code())),
            );
        }
    }
    Value::Object(m)
}
