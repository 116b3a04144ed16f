//! The closing summary: what was read, what was not IPsec, what was malformed (every anomaly
//! by name), what decrypted. On stderr, so stdout stays lines or JSON.

use std::fmt::Write as _;

use super::format::bytes;
use crate::pipeline::Pipeline;

/// The summary as text lines.
pub fn text(p: &Pipeline, live: Option<&str>) -> String {
    let s = p.decoder.stats();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} frames ({}): {} ISAKMP, {} IKEv2, {} ESP, {} AH, {} NAT-T keepalives; not IPsec: {} non-IP, {} other IP/UDP",
        s.frames,
        bytes(s.bytes),
        s.isakmp_v1,
        s.ikev2,
        s.esp,
        s.ah,
        s.nat_keepalives,
        s.not_ip,
        s.other_ip
    );
    if s.ip_fragments > 0 || s.incomplete_datagrams > 0 {
        let _ = writeln!(
            out,
            "IP fragments: {} ({} datagrams reassembled, {} incomplete)",
            s.ip_fragments, s.reassembled, s.incomplete_datagrams
        );
    }
    if p.decryptor.has_keys() {
        let d = p.decryptor.stats();
        let _ = writeln!(
            out,
            "keys: {}; IKE messages decrypted {}, not decryptable {}, failed {}; hashes verified {}, failed {}; ESP decrypted {}, ICV failed {}, failed {}, no keys {}",
            p.decryptor.keys().summary(),
            d.ike_decrypted,
            d.ike_undecrypted,
            d.ike_failed,
            d.hashes_verified,
            d.hashes_failed,
            d.esp_decrypted,
            d.esp_icv_failed,
            d.esp_failed,
            d.esp_no_keys
        );
    }
    let a = p.anomalies();
    if !a.is_empty() {
        let _ = writeln!(out, "{} anomalies:", a.total());
        for e in a.entries() {
            let _ = writeln!(
                out,
                "  {} x{} (first in frame {}): {}",
                e.name, e.count, e.first_frame, e.example
            );
        }
    }
    let t = p.tracker.stats();
    if t.ike_sas_evicted + t.ipsec_sas_evicted + t.negotiations_timed_out > 0 {
        let _ = writeln!(
            out,
            "tracker limits: {} IKE SAs and {} IPsec SAs evicted (caps), {} negotiations timed out",
            t.ike_sas_evicted, t.ipsec_sas_evicted, t.negotiations_timed_out
        );
    }
    if let Some(l) = live {
        let _ = writeln!(out, "{l}");
    }
    out
}

/// Prints the summary on stderr, each line prefixed.
pub fn print(p: &Pipeline, live: Option<&str>) {
    for line in text(p, live).lines() {
        eprintln!("ikescope: {line}");
    }
}
