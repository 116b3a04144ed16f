//! `ikescope keys`: per IKE SA, which keys could be derived and from what, which could not and
//! what would unlock them; the ESP SAs keyed; PSK verdicts. Secrets only with `--show-keys`.
//! `--wireshark DIR` writes Wireshark's decryption tables (the user asked for key files).

use std::fmt::Write as _;
use std::fs;
use std::io::{self, Write};
use std::path::Path;

use serde_json::{Map, Value, json};

use super::cli::KeysArgs;
use super::{
    AppError, live_stats_line, load_keys, next_frame_or_stop, open_input, summary, tracker_config,
};
use crate::decrypt::{DerivedEsp, DerivedIke, KeyReport, KeyStatus};
use crate::keys::{wireshark_esp_auth_name, wireshark_esp_enc_name};
use crate::pipeline::{Pipeline, Tracking};
use crate::present::cli::Limits;
use crate::track::states::Role;

pub fn run(args: &KeysArgs) -> Result<(), AppError> {
    let keys = load_keys(&args.keys)?;
    if keys.is_empty() {
        return Err(AppError::Input(
            "no key material: pass --keys FILE (docs/keys.md lists the formats)".into(),
        ));
    }
    let mut source = open_input(&args.input)?;
    let limits = Limits {
        max_ike_sas: 250_000,
        max_ipsec_sas: 500_000,
        negotiation_timeout: 120,
    };
    let mut pipeline = Pipeline::new(keys, tracker_config(&limits, false), Tracking::IkeOnly);
    let mut deferred = None;
    while let Some(frame) = next_frame_or_stop(&mut source, &mut deferred) {
        let _ = pipeline.process(&frame);
    }
    pipeline.finish();
    let report = pipeline.decryptor.key_report();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if args.json {
        let v = json_report(&report, args.keys.show_keys);
        serde_json::to_writer_pretty(&mut out, &v).map_err(io::Error::from)?;
        out.write_all(b"\n")?;
    } else {
        out.write_all(text_report(&report, args.keys.show_keys).as_bytes())?;
    }
    out.flush()?;
    if let Some(dir) = &args.wireshark {
        let written = write_wireshark(dir, &report)?;
        if written.is_empty() {
            eprintln!(
                "ikescope: no keys to write to {}: nothing was derived or loaded",
                dir.display()
            );
        } else {
            eprintln!(
                "ikescope: wrote {} in {} (they contain keys: mode 600)",
                written.join(" and "),
                dir.display()
            );
        }
    }
    let live = live_stats_line(&mut source);
    summary::print(&pipeline, live.as_deref());
    match deferred {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn side(r: Role) -> &'static str {
    r.name()
}

fn verdict_text(v: &KeyStatus) -> String {
    match v {
        KeyStatus::Matches {
            psk,
            side: s,
            what,
            frame,
        } => {
            format!(
                "PSK {psk} is the {}'s: {what} verified (frame {frame})",
                side(*s)
            )
        }
        KeyStatus::Refuted {
            psk,
            side: s,
            what,
            frame,
        } => {
            let how = if *what == "decryption" {
                "its messages do not decrypt with it".to_string()
            } else {
                format!("{what} does not verify")
            };
            format!("PSK {psk} is NOT the {}'s: {how} (frame {frame})", side(*s))
        }
    }
}

fn derived_names(s: &DerivedIke) -> Vec<&'static str> {
    let mut v = Vec::new();
    for (present, name) in [
        (s.skeyid.is_some(), "SKEYID"),
        (
            s.skeyid_d.is_some(),
            if s.version == 2 { "SK_d" } else { "SKEYID_d" },
        ),
        (s.skeyid_a.is_some(), "SKEYID_a"),
        (s.skeyid_e.is_some(), "SKEYID_e"),
        (s.encryption_key.is_some(), "encryption key (Ka)"),
        (s.iv.is_some(), "phase-1 IV"),
        (s.ikev2.is_some(), "SK_ei/SK_er/SK_ai/SK_ar"),
    ] {
        if present {
            v.push(name);
        }
    }
    v
}

fn text_report(r: &KeyReport, show: bool) -> String {
    let mut out = String::new();
    if r.ike_sas.is_empty() {
        out.push_str("No IKE SAs in the capture.\n");
    }
    for s in &r.ike_sas {
        let peers = match (s.initiator, s.responder) {
            (Some(i), Some(rr)) => format!("{i} -> {rr}"),
            (Some(i), None) => format!("{i} -> ?"),
            _ => "?".into(),
        };
        let _ = writeln!(
            out,
            "IKEv{} SA {}/{}  {peers}  {}",
            s.version,
            s.initiator_cookie,
            s.responder_cookie,
            s.policy.as_deref().unwrap_or("")
        );
        match &s.key_source {
            Some(src) => {
                let _ = writeln!(out, "  keys from:  {src}");
                let _ = writeln!(out, "  derived:    {}", derived_names(s).join(", "));
            }
            None => {
                let _ = writeln!(
                    out,
                    "  not decrypted: {}",
                    s.missing.as_deref().unwrap_or("no key material for it")
                );
            }
        }
        for v in s.psk_verdicts() {
            let _ = writeln!(out, "  {}", verdict_text(&v));
        }
        if s.frames_decrypted + s.frames_failed > 0 {
            let _ = writeln!(
                out,
                "  messages:   {} decrypted, {} did not decrypt",
                s.frames_decrypted, s.frames_failed
            );
        }
        if s.version == 1
            && s.key_source.is_some()
            && !(s.sides_confirmed[0] && s.sides_confirmed[1])
        {
            let missing: Vec<&str> = [Role::Initiator, Role::Responder]
                .iter()
                .filter(|r| !s.sides_confirmed[**r as usize])
                .map(|r| r.name())
                .collect();
            let _ = writeln!(
                out,
                "  no message from the {} decrypted with these keys",
                missing.join(" or the ")
            );
        }
        if show {
            for (name, v) in [
                ("SKEYID", &s.skeyid),
                ("SKEYID_d", &s.skeyid_d),
                ("SKEYID_a", &s.skeyid_a),
                ("SKEYID_e", &s.skeyid_e),
                ("encryption key", &s.encryption_key),
                ("IV", &s.iv),
            ] {
                if let Some(v) = v {
                    let _ = writeln!(out, "  {name:<15} {}", hex::encode(v));
                }
            }
            if let Some([ei, er, ai, ar]) = &s.ikev2 {
                for (name, v) in [("SK_ei", ei), ("SK_er", er), ("SK_ai", ai), ("SK_ar", ar)] {
                    let _ = writeln!(out, "  {name:<15} {}", hex::encode(v));
                }
            }
        }
    }
    if !r.esp_sas.is_empty() {
        let _ = writeln!(out, "\nIPsec SAs with keys:");
        for e in &r.esp_sas {
            let _ = write!(
                out,
                "  0x{:08x} {} -> {}  {} ({} bits) / {}  from {}",
                e.spi,
                e.src.map_or("*".into(), |a| a.to_string()),
                e.dst.map_or("*".into(), |a| a.to_string()),
                e.enc,
                (e.encryption_key.len().saturating_sub(e.enc.salt_len())) * 8,
                e.integ,
                e.source
            );
            if show {
                let _ = write!(
                    out,
                    "\n    encryption key {}\n    integrity key  {}",
                    hex::encode(&e.encryption_key),
                    hex::encode(&e.integrity_key)
                );
            }
            out.push('\n');
        }
    }
    if !show {
        out.push_str("\n(keys are not printed; add --show-keys to print them)\n");
    }
    out
}

fn json_report(r: &KeyReport, show: bool) -> Value {
    let ike: Vec<Value> = r
        .ike_sas
        .iter()
        .map(|s| {
            let mut m = Map::new();
            m.insert("version".into(), json!(s.version));
            m.insert("initiator_cookie".into(), json!(s.initiator_cookie.to_string()));
            m.insert("responder_cookie".into(), json!(s.responder_cookie.to_string()));
            m.insert("initiator".into(), json!(s.initiator.map(|a| a.to_string())));
            m.insert("responder".into(), json!(s.responder.map(|a| a.to_string())));
            m.insert("policy".into(), json!(s.policy));
            m.insert("key_source".into(), json!(s.key_source));
            m.insert("derived".into(), json!(derived_names(s)));
            m.insert("missing".into(), json!(s.missing));
            m.insert("messages_decrypted".into(), json!(s.frames_decrypted));
            m.insert("messages_failed".into(), json!(s.frames_failed));
            let psk: Vec<Value> = s
                .psk_verdicts()
                .iter()
                .map(|v| match v {
                    KeyStatus::Matches { psk, side: sd, what, frame } => {
                        json!({"psk": psk, "side": side(*sd), "verdict": "matches", "check": what, "frame": frame})
                    }
                    KeyStatus::Refuted { psk, side: sd, what, frame } => {
                        json!({"psk": psk, "side": side(*sd), "verdict": "refuted", "check": what, "frame": frame})
                    }
                })
                .collect();
            m.insert("psk".into(), json!(psk));
            if show {
                let h = |v: &Option<Vec<u8>>| json!(v.as_ref().map(hex::encode));
                m.insert("skeyid".into(), h(&s.skeyid));
                m.insert("skeyid_d".into(), h(&s.skeyid_d));
                m.insert("skeyid_a".into(), h(&s.skeyid_a));
                m.insert("skeyid_e".into(), h(&s.skeyid_e));
                m.insert("encryption_key".into(), h(&s.encryption_key));
                m.insert("iv".into(), h(&s.iv));
                if let Some([ei, er, ai, ar]) = &s.ikev2 {
                    m.insert("sk_ei".into(), json!(hex::encode(ei)));
                    m.insert("sk_er".into(), json!(hex::encode(er)));
                    m.insert("sk_ai".into(), json!(hex::encode(ai)));
                    m.insert("sk_ar".into(), json!(hex::encode(ar)));
                }
            }
            Value::Object(m)
        })
        .collect();
    let esp: Vec<Value> = r.esp_sas.iter().map(|e| esp_json(e, show)).collect();
    json!({ "ike_sas": ike, "ipsec_sas": esp })
}

fn esp_json(e: &DerivedEsp, show: bool) -> Value {
    let mut m = Map::new();
    m.insert("spi".into(), json!(format!("0x{:08x}", e.spi)));
    m.insert("src".into(), json!(e.src.map(|a| a.to_string())));
    m.insert("dst".into(), json!(e.dst.map(|a| a.to_string())));
    m.insert("encryption".into(), json!(e.enc.name()));
    m.insert("integrity".into(), json!(e.integ.name()));
    m.insert("source".into(), json!(e.source));
    if show {
        m.insert(
            "encryption_key".into(),
            json!(hex::encode(&e.encryption_key)),
        );
        m.insert("integrity_key".into(), json!(hex::encode(&e.integrity_key)));
    }
    Value::Object(m)
}

/// Writes `ikev1_decryption_table` (`icookie,Ka`, unquoted hex, as Wireshark's UAT wants) and
/// `esp_sa` (`"IPv4","src","dst","0xSPI","cipher","0xkey","auth","0xkey"`).
fn write_wireshark(dir: &Path, r: &KeyReport) -> Result<Vec<&'static str>, AppError> {
    fs::create_dir_all(dir)
        .map_err(|e| AppError::Input(format!("cannot create {}: {e}", dir.display())))?;
    let mut ikev1 = String::new();
    for s in &r.ike_sas {
        if let (1, Some(ka)) = (s.version, &s.encryption_key) {
            let _ = writeln!(ikev1, "{},{}", s.initiator_cookie, hex::encode(ka));
        }
    }
    let mut esp = String::new();
    for e in &r.esp_sas {
        let (Some(src), Some(dst), Some(enc)) = (e.src, e.dst, wireshark_esp_enc_name(e.enc))
        else {
            continue;
        };
        let family = if dst.is_ipv4() { "IPv4" } else { "IPv6" };
        let _ = writeln!(
            esp,
            "\"{family}\",\"{src}\",\"{dst}\",\"0x{:08x}\",\"{enc}\",\"0x{}\",\"{}\",\"{}\"",
            e.spi,
            hex::encode(&e.encryption_key),
            wireshark_esp_auth_name(e.integ),
            // A combined-mode cipher has no separate integrity key: Wireshark's field is empty.
            if e.integrity_key.is_empty() {
                String::new()
            } else {
                format!("0x{}", hex::encode(&e.integrity_key))
            }
        );
    }
    // Only tables with rows: an empty file would not load back as a key file.
    let mut written = Vec::new();
    for (name, text) in [("ikev1_decryption_table", &ikev1), ("esp_sa", &esp)] {
        if !text.is_empty() {
            write_private(&dir.join(name), text)?;
            written.push(name);
        }
    }
    Ok(written)
}

/// Key files are created readable by the owner only.
fn write_private(path: &Path, text: &str) -> Result<(), AppError> {
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(path)
        .map_err(|e| AppError::Input(format!("cannot write {}: {e}", path.display())))?;
    f.write_all(text.as_bytes())?;
    Ok(())
}
