//! What the Ladder and Packets views need that the tracker does not keep: the messages of each
//! IKE SA (place in the exchange, payloads, marks, the dissect line) and the last ESP lines of
//! each SPI, with the decoded trees of the most recent packets.
//!
//! Everything is bounded, so memory stays flat on a long live run: the per-SA and per-SPI
//! logs live in [`Table`]s (least recently touched evicted first), each log keeps a fixed
//! number of entries, and trees are kept only for the last few thousand packets.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;

use ikescope_dissectors::{ikev2, isakmp};

use super::snapshot::{Mark, TreeLine};
use crate::capture::Timestamp;
use crate::decode::PacketMeta;
use crate::decode::ike::{V1Chain, V2Chain};
use crate::decrypt::{DecryptStatus, EspStatus};
use crate::pipeline::Processed;
use crate::present::dissect::{text_line, tree_of, v1_payload_names, v2_payload_names};
use crate::present::tree::Node;
use crate::table::{Keyed, Table};
use crate::track::states::{AuthCheck, Role};
use ikescope_dissectors::crypto::IcvStatus;

/// IKE SAs whose messages are kept.
pub const MAX_IKE_LOGS: usize = 4096;
/// Messages kept per IKE SA: the first half of the cap, and the most recent.
pub const MAX_MESSAGES: usize = 64;
/// SPIs whose last packets are kept.
pub const MAX_SPI_LOGS: usize = 8192;
/// ESP/AH lines kept per SPI.
pub const SPI_LINES: usize = 16;
/// Decoded trees kept: of the last IKE messages, of the last ESP/AH packets.
pub const MAX_IKE_TREES: usize = 4096;
pub const MAX_ESP_TREES: usize = 1024;

/// One IKE message of an IKE SA.
#[derive(Debug, Clone)]
pub struct IkeEntry {
    pub frame: u64,
    pub ts: Timestamp,
    pub sender: Option<Role>,
    /// MM1…, QM1…, INFO, IKE_SA_INIT req…
    pub label: &'static str,
    pub exchange: u8,
    pub message_id: u32,
    /// "SA V V", "ID HASH N(INITIAL_CONTACT)"; empty when encrypted and unread.
    pub payloads: Box<str>,
    pub marks: Vec<Mark>,
    /// The `ikescope dissect` line.
    pub line: Box<str>,
}

/// The messages of one IKE SA.
#[derive(Debug)]
pub struct SaLog {
    pub conn_id: u32,
    pub messages: VecDeque<IkeEntry>,
    /// Messages not kept (between the first half and the recent ones).
    pub dropped: u32,
}

impl Keyed for SaLog {
    type Key = u32;
    fn key(&self) -> u32 {
        self.conn_id
    }
}

/// One ESP/AH packet of an SPI.
#[derive(Debug, Clone)]
pub struct EspEntry {
    pub frame: u64,
    pub line: Box<str>,
    pub marks: Vec<Mark>,
}

/// The last packets of one SPI (keyed like the tracker's IPsec SA: receiver, SPI, protocol).
#[derive(Debug)]
pub struct SpiLog {
    pub key: (IpAddr, u32, u8),
    pub lines: VecDeque<EspEntry>,
    pub seen: u64,
}

impl Keyed for SpiLog {
    type Key = (IpAddr, u32, u8);
    fn key(&self) -> (IpAddr, u32, u8) {
        self.key
    }
}

/// Trees by frame, the oldest dropped first.
struct TreeStore {
    trees: HashMap<u64, Vec<Node>>,
    order: VecDeque<u64>,
    cap: usize,
}

impl TreeStore {
    fn new(cap: usize) -> TreeStore {
        TreeStore {
            trees: HashMap::new(),
            order: VecDeque::new(),
            cap,
        }
    }

    fn insert(&mut self, frame: u64, tree: Vec<Node>) {
        if self.order.len() >= self.cap
            && let Some(old) = self.order.pop_front()
        {
            self.trees.remove(&old);
        }
        if self.trees.insert(frame, tree).is_none() {
            self.order.push_back(frame);
        }
    }
}

pub struct PacketLog {
    ike: Table<SaLog>,
    esp: Table<SpiLog>,
    ike_trees: TreeStore,
    esp_trees: TreeStore,
    line: Vec<u8>,
}

impl Default for PacketLog {
    fn default() -> Self {
        PacketLog::new()
    }
}

impl PacketLog {
    pub fn new() -> PacketLog {
        PacketLog {
            ike: Table::new(MAX_IKE_LOGS),
            esp: Table::new(MAX_SPI_LOGS),
            ike_trees: TreeStore::new(MAX_IKE_TREES),
            esp_trees: TreeStore::new(MAX_ESP_TREES),
            line: Vec::with_capacity(256),
        }
    }

    /// Records one processed packet. `start` is the capture's first timestamp (the dissect
    /// line shows time relative to it).
    pub fn record(&mut self, meta: &PacketMeta, p: &Processed<'_>, start: Timestamp) {
        match p {
            Processed::IkeV1 { note, .. } | Processed::IkeV2 { note, .. } => {
                if note.conn_id == 0 {
                    return;
                }
                let Some(entry) = self.ike_entry(meta, p, start) else {
                    return;
                };
                self.ike_trees.insert(meta.frame, tree_of(p));
                let id = match self.ike.find(&note.conn_id) {
                    Some(id) => id,
                    None => {
                        self.ike
                            .insert(SaLog {
                                conn_id: note.conn_id,
                                messages: VecDeque::new(),
                                dropped: 0,
                            })
                            .0
                    }
                };
                if let Some(log) = self.ike.get_mut(id) {
                    if log.messages.len() >= MAX_MESSAGES {
                        log.messages.remove(MAX_MESSAGES / 2);
                        log.dropped = log.dropped.saturating_add(1);
                    }
                    log.messages.push_back(entry);
                }
            }
            Processed::Esp { esp, outcome } => {
                let mut marks = Vec::new();
                match &outcome.status {
                    EspStatus::Decrypted {
                        icv: IcvStatus::Failed,
                        ..
                    } => marks.push(Mark::AuthFailed),
                    EspStatus::Decrypted {
                        padding_ok: false,
                        icv: IcvStatus::Unchecked,
                        ..
                    }
                    | EspStatus::Failed { .. } => marks.push(Mark::DecryptFailed),
                    EspStatus::NoKeys | EspStatus::Decrypted { .. } => {}
                }
                self.esp_line(meta, p, (meta.dst, esp.spi(), 50), marks, start);
            }
            Processed::Ah { ah } => {
                self.esp_line(meta, p, (meta.dst, ah.spi(), 51), Vec::new(), start);
            }
            Processed::NatKeepalive | Processed::Malformed { .. } => {}
        }
    }

    fn esp_line(
        &mut self,
        meta: &PacketMeta,
        p: &Processed<'_>,
        key: (IpAddr, u32, u8),
        marks: Vec<Mark>,
        start: Timestamp,
    ) {
        self.line.clear();
        text_line(&mut self.line, meta, p, start);
        let entry = EspEntry {
            frame: meta.frame,
            line: String::from_utf8_lossy(&self.line).trim_end().into(),
            marks,
        };
        self.esp_trees.insert(meta.frame, tree_of(p));
        let id = match self.esp.find(&key) {
            Some(id) => id,
            None => {
                self.esp
                    .insert(SpiLog {
                        key,
                        lines: VecDeque::new(),
                        seen: 0,
                    })
                    .0
            }
        };
        if let Some(log) = self.esp.get_mut(id) {
            if log.lines.len() >= SPI_LINES {
                log.lines.pop_front();
            }
            log.lines.push_back(entry);
            log.seen += 1;
        }
    }

    fn ike_entry(
        &mut self,
        meta: &PacketMeta,
        p: &Processed<'_>,
        start: Timestamp,
    ) -> Option<IkeEntry> {
        self.line.clear();
        text_line(&mut self.line, meta, p, start);
        let mut marks = Vec::new();
        let (note, exchange, message_id, names, errors, status, auth) = match p {
            Processed::IkeV1 {
                msg, outcome, note, ..
            } => {
                let chain = match &outcome.plaintext {
                    Some(pt) => V1Chain::walk(msg.header.next_payload, pt, isakmp::HEADER_LEN),
                    None => V1Chain::of_message(msg),
                };
                let errors: Vec<String> = chain
                    .decoded()
                    .filter_map(|p| match p {
                        isakmp::Payload::Notification(n) if is_error_notify(n.notify_type.0) => {
                            Some(n.notify_type.to_string())
                        }
                        _ => None,
                    })
                    .collect();
                (
                    note,
                    msg.header.exchange_type.0,
                    msg.header.message_id,
                    v1_payload_names(&chain),
                    errors,
                    &outcome.status,
                    outcome.hash.as_ref().map(|h| h.result),
                )
            }
            Processed::IkeV2 { msg, outcome, note } => {
                let outer = V2Chain::of_message(msg);
                let inner = outcome
                    .plaintext
                    .as_ref()
                    .map(|(pt, f, b)| V2Chain::walk(*f, pt, *b));
                let shown = inner.as_ref().unwrap_or(&outer);
                let errors: Vec<String> = shown
                    .payloads
                    .iter()
                    .filter_map(|p| match &p.decoded {
                        Ok(ikev2::Payload::Notify(n)) if is_error_notify(n.notify_type.0) => {
                            Some(n.notify_type.to_string())
                        }
                        _ => None,
                    })
                    .collect();
                let h = msg.header();
                (
                    note,
                    h.exchange_type.0,
                    h.message_id,
                    v2_payload_names(shown),
                    errors,
                    &outcome.status,
                    outcome.integrity.as_ref().map(|h| h.result),
                )
            }
            _ => return None,
        };
        if note.retransmission {
            marks.push(Mark::Retransmission);
        }
        match status {
            DecryptStatus::NoKeys { .. } => marks.push(Mark::Encrypted),
            DecryptStatus::Failed { .. } => marks.push(Mark::DecryptFailed),
            DecryptStatus::Clear | DecryptStatus::Decrypted { .. } => {}
        }
        if auth == Some(AuthCheck::Failed) {
            marks.push(Mark::AuthFailed);
        }
        marks.extend(errors.into_iter().map(Mark::Error));
        Some(IkeEntry {
            frame: meta.frame,
            ts: meta.ts,
            sender: note.sender,
            label: note.position.label(),
            exchange,
            message_id,
            payloads: names.join(" ").into_boxed_str(),
            marks,
            line: String::from_utf8_lossy(&self.line).trim_end().into(),
        })
    }

    /// The messages of an IKE SA, by its conn-id.
    pub fn sa(&self, conn_id: u32) -> Option<&SaLog> {
        self.ike.find(&conn_id).and_then(|id| self.ike.get(id))
    }

    /// The last packets of an SPI.
    pub fn spi(&self, key: &(IpAddr, u32, u8)) -> Option<&SpiLog> {
        self.esp.find(key).and_then(|id| self.esp.get(id))
    }

    /// The decoded tree of a frame, flattened, if still kept.
    pub fn tree(&self, frame: u64) -> Option<Vec<TreeLine>> {
        let nodes = self
            .ike_trees
            .trees
            .get(&frame)
            .or_else(|| self.esp_trees.trees.get(&frame))?;
        let mut out = Vec::new();
        for n in nodes {
            flatten(n, 0, &mut out);
        }
        Some(out)
    }
}

/// RFC 2408 §3.14.1 and RFC 7296 §3.10.1: notify types below 16384 are errors.
fn is_error_notify(t: u16) -> bool {
    (1..16384).contains(&t)
}

fn flatten(n: &Node, depth: u16, out: &mut Vec<TreeLine>) {
    out.push(TreeLine {
        depth,
        label: n.label.clone(),
    });
    for c in &n.children {
        flatten(c, depth.saturating_add(1), out);
    }
}
