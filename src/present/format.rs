//! Small formatting helpers shared by the outputs: times, endpoints, hex.

use std::io::Write as _;
use std::net::IpAddr;

use crate::capture::Timestamp;

/// RFC 3339 UTC with nanoseconds, e.g. `2026-11-22T05:42:32.055450000Z`.
pub fn rfc3339(ts: Timestamp) -> String {
    ts.rfc3339()
}

/// Seconds since the epoch, as a JSON number (microsecond precision survives an f64).
pub fn epoch(ts: Timestamp) -> f64 {
    ts.secs as f64 + f64::from(ts.nanos / 1000) / 1e6
}

/// `192.0.2.1:500` or `[2001:db8::1]:500`; the bare address when the port is 0.
pub fn endpoint(addr: IpAddr, port: u16) -> String {
    let mut s = Vec::with_capacity(24);
    push_endpoint(&mut s, addr, port);
    String::from_utf8_lossy(&s).into_owned()
}

/// Appends `addr[:port]` without going through `fmt` for IPv4 (the hot path of `dissect`).
pub fn push_endpoint(out: &mut Vec<u8>, addr: IpAddr, port: u16) {
    match addr {
        IpAddr::V4(a) => {
            let [b0, b1, b2, b3] = a.octets();
            push_u64(out, u64::from(b0));
            out.push(b'.');
            push_u64(out, u64::from(b1));
            out.push(b'.');
            push_u64(out, u64::from(b2));
            out.push(b'.');
            push_u64(out, u64::from(b3));
            if port != 0 {
                out.push(b':');
                push_u64(out, u64::from(port));
            }
        }
        IpAddr::V6(a) if port == 0 => {
            let _ = write!(out, "{a}");
        }
        IpAddr::V6(a) => {
            let _ = write!(out, "[{a}]:{port}");
        }
    }
}

/// Appends a decimal number.
pub fn push_u64(out: &mut Vec<u8>, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        if let Some(b) = buf.get_mut(i) {
            *b = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    out.extend_from_slice(buf.get(i..).unwrap_or_default());
}

/// Appends a decimal number right-aligned in `width` columns.
pub fn push_u64_padded(out: &mut Vec<u8>, n: u64, width: usize) {
    let digits = if n == 0 { 1 } else { n.ilog10() as usize + 1 };
    for _ in digits..width {
        out.push(b' ');
    }
    push_u64(out, n);
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends the low `digits` nibbles of `v` as lowercase hex, zero-padded.
pub fn push_hex(out: &mut Vec<u8>, v: u64, digits: u32) {
    for i in (0..digits).rev() {
        let nibble = (v >> (i * 4)) & 0xf;
        out.push(HEX[nibble as usize]);
    }
}

/// Appends seconds since `start` as `{:>11.6}` would, with integer arithmetic.
pub fn push_relative_time(out: &mut Vec<u8>, ts: Timestamp, start: Timestamp) {
    let micros = i128::from(ts.secs - start.secs) * 1_000_000
        + (i128::from(ts.nanos) - i128::from(start.nanos)) / 1000;
    let negative = micros < 0;
    let micros = micros.unsigned_abs();
    let secs = u64::try_from(micros / 1_000_000).unwrap_or(u64::MAX);
    let frac = u64::try_from(micros % 1_000_000).unwrap_or(0);
    let int_digits = if secs == 0 {
        1
    } else {
        secs.ilog10() as usize + 1
    } + usize::from(negative);
    for _ in (int_digits + 7)..11 {
        out.push(b' ');
    }
    if negative {
        out.push(b'-');
    }
    push_u64(out, secs);
    out.push(b'.');
    let digits = if frac == 0 {
        1
    } else {
        frac.ilog10() as usize + 1
    };
    for _ in digits..6 {
        out.push(b'0');
    }
    push_u64(out, frac);
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// Human byte counts: `1.0 GB`, `512 kB`.
pub fn bytes(n: u64) -> String {
    let n = n as f64;
    if n >= 1e9 {
        format!("{:.1} GB", n / 1e9)
    } else if n >= 1e6 {
        format!("{:.1} MB", n / 1e6)
    } else if n >= 1e3 {
        format!("{:.0} kB", n / 1e3)
    } else {
        format!("{n} B")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_of_known_instants() {
        assert_eq!(
            rfc3339(Timestamp::new(0, 0)),
            "1970-01-01T00:00:00.000000000Z"
        );
        // The lab captures' first frame (truth.json: 2026-11-22T05:42:32).
        assert_eq!(
            rfc3339(Timestamp::new(1_795_326_152, 55_450_000)),
            "2026-11-22T05:42:32.055450000Z"
        );
        assert_eq!(
            rfc3339(Timestamp::new(951_782_400, 0)),
            "2000-02-29T00:00:00.000000000Z"
        );
        assert_eq!(
            rfc3339(Timestamp::new(-1, 0)),
            "1969-12-31T23:59:59.000000000Z"
        );
    }

    #[test]
    fn fast_formatting_matches_fmt() {
        for n in [0u64, 7, 10, 99, 65535, 1_795_326_152, u64::MAX] {
            let mut s = Vec::new();
            push_u64(&mut s, n);
            assert_eq!(s, n.to_string().as_bytes());
            let mut p = Vec::new();
            push_u64_padded(&mut p, n, 6);
            assert_eq!(p, format!("{n:>6}").as_bytes());
        }
        let mut h = Vec::new();
        push_hex(&mut h, 0x31ac_fc6c_27a1_6728, 16);
        push_hex(&mut h, 0xc395a17e, 8);
        assert_eq!(h, b"31acfc6c27a16728c395a17e");
        let start = Timestamp::new(1_795_326_152, 55_428_000);
        for (secs, nanos) in [
            (1_795_326_152, 55_450_000),
            (1_795_326_153, 932_220_000),
            (1_795_326_275, 0),
        ] {
            let ts = Timestamp::new(secs, nanos);
            let mut t = Vec::new();
            push_relative_time(&mut t, ts, start);
            let f = (ts.secs - start.secs) as f64
                + (f64::from(ts.nanos) - f64::from(start.nanos)) / 1e9;
            assert_eq!(t, format!("{f:>11.6}").as_bytes());
        }
    }

    #[test]
    fn endpoints_and_sizes() {
        assert_eq!(endpoint("192.0.2.1".parse().unwrap(), 500), "192.0.2.1:500");
        assert_eq!(
            endpoint("2001:db8::1".parse().unwrap(), 4500),
            "[2001:db8::1]:4500"
        );
        assert_eq!(endpoint("2001:db8::1".parse().unwrap(), 0), "2001:db8::1");
        assert_eq!(bytes(1_500_000_000), "1.5 GB");
    }
}
