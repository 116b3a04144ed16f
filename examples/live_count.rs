//! Counts IPsec frames seen on an interface (or read from a file) and prints a JSON summary:
//! the live-capture check of `tests/live/run.sh`, until `ikescope dissect --interface` exists.
//!
//! ```text
//! live_count --interface IFACE [--filter BPF] [--duration SECS] [--count N] [--no-promisc]
//!            [--expect FILE]
//! live_count --file FILE
//! ```
//!
//! With `--expect FILE`, the live counts are compared with the same counts over FILE and the
//! exit status is 0 only if they are equal. Needs `--features live`.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use ikescope::capture::{CaptureError, FileSource, LiveOptions, LiveSource, Source};
use ikescope_dissectors::net::{IpProtocol, Network, decode_frame, parse_udp};

/// What a frame is, for counting.
fn classify(link: ikescope::capture::LinkType, data: &[u8]) -> &'static str {
    match decode_frame(link, data) {
        Ok(Network::Ip(p)) if p.fragment.is_some() => "ip_fragment",
        Ok(Network::Ip(p)) => match p.protocol {
            IpProtocol::ESP => "esp",
            IpProtocol::AH => "ah",
            IpProtocol::UDP => match parse_udp(p.payload) {
                Ok(u) if u.src_port == 500 || u.dst_port == 500 => "udp_500",
                Ok(u) if u.src_port == 4500 || u.dst_port == 4500 => "udp_4500",
                Ok(_) => "udp_other",
                Err(_) => "error",
            },
            _ => "ip_other",
        },
        Ok(_) => "not_ip",
        Err(_) => "error",
    }
}

/// Counts of the IPsec kinds a default-filtered capture keeps.
const IPSEC: [&str; 5] = ["udp_500", "udp_4500", "esp", "ah", "ip_fragment"];

fn count(
    source: &mut Source,
    limit: Option<u64>,
) -> Result<BTreeMap<&'static str, u64>, CaptureError> {
    let mut counts: BTreeMap<&'static str, u64> = IPSEC.iter().map(|k| (*k, 0)).collect();
    let mut frames = 0;
    while let Some(frame) = source.next_frame()? {
        *counts.entry(classify(frame.link, frame.data)).or_default() += 1;
        frames += 1;
        if limit.is_some_and(|n| frames >= n) {
            break;
        }
    }
    counts.insert("frames", frames);
    Ok(counts)
}

fn json(counts: &BTreeMap<&str, u64>) -> serde_json::Value {
    serde_json::Value::Object(
        counts
            .iter()
            .map(|(k, v)| (k.to_string(), (*v).into()))
            .collect(),
    )
}

fn run() -> Result<bool, String> {
    let mut args = std::env::args().skip(1);
    let (mut iface, mut file, mut expect) = (None, None, None);
    let (mut duration, mut limit) = (None, None);
    let mut options = LiveOptions::default();
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--interface" | "-i" => iface = Some(value()?),
            "--file" | "-r" => file = Some(value()?),
            "--expect" => expect = Some(value()?),
            "--filter" => options.filter = Some(value()?),
            "--duration" => {
                duration = Some(Duration::from_secs_f64(
                    value()?.parse().map_err(|e| format!("--duration: {e}"))?,
                ))
            }
            "--count" => limit = Some(value()?.parse().map_err(|e| format!("--count: {e}"))?),
            "--no-promisc" => options.promiscuous = false,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if let Some(path) = file {
        let mut source = Source::from(FileSource::open(&path).map_err(|e| e.to_string())?);
        let counts = count(&mut source, limit).map_err(|e| e.to_string())?;
        println!(
            "{}",
            serde_json::json!({ "file": path, "counts": json(&counts) })
        );
        return Ok(true);
    }
    let iface = iface.ok_or("--interface or --file is required")?;
    let mut live = LiveSource::open(&iface, &options).map_err(|e| e.to_string())?;
    if let Some(d) = duration {
        live.stop_at(Instant::now() + d);
    }
    let filter = live.filter().to_string();
    let mut source = Source::from(live);
    let counts = count(&mut source, limit).map_err(|e| e.to_string())?;
    let Source::Live(mut live) = source else {
        unreachable!()
    };
    let stats = live.stats().map_err(|e| e.to_string())?;
    let mut out = serde_json::json!({
        "interface": iface,
        "filter": filter,
        "promiscuous": options.promiscuous,
        "counts": json(&counts),
        "pcap_stats": {
            "received": stats.received,
            "dropped_by_kernel": stats.dropped_by_kernel,
            "dropped_by_interface": stats.dropped_by_interface,
        },
    });
    let mut ok = true;
    if let Some(path) = expect {
        let mut source = Source::from(FileSource::open(&path).map_err(|e| e.to_string())?);
        let expected = count(&mut source, None).map_err(|e| e.to_string())?;
        let pick = |c: &BTreeMap<&str, u64>| -> BTreeMap<String, u64> {
            IPSEC.iter().map(|k| (k.to_string(), c[k])).collect()
        };
        ok = pick(&counts) == pick(&expected);
        out["expected"] = json(&expected);
        out["match"] = ok.into();
    }
    println!("{out}");
    Ok(ok)
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("live_count: {e}");
            ExitCode::from(2)
        }
    }
}
