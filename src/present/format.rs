//! Small formatting helpers shared by the outputs: times, endpoints, hex.

use std::fmt::Write as _;
use std::net::IpAddr;

use crate::capture::Timestamp;

/// RFC 3339 UTC with nanoseconds: `2026-11-22T05:42:32.055450000Z`.
pub fn rfc3339(ts: Timestamp) -> String {
    let days = ts.secs.div_euclid(86_400);
    let secs_of_day = ts.secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:09}Z",
        secs_of_day / 3600,
        secs_of_day / 60 % 60,
        secs_of_day % 60,
        ts.nanos
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    (era * 400 + yoe + i64::from(m <= 2), m, d)
}

/// Seconds since the epoch, as a JSON number (microsecond precision survives an f64).
pub fn epoch(ts: Timestamp) -> f64 {
    ts.secs as f64 + f64::from(ts.nanos / 1000) / 1e6
}

/// `192.0.2.1:500` or `[2001:db8::1]:500`; the bare address when the port is 0.
pub fn endpoint(addr: IpAddr, port: u16) -> String {
    let mut s = String::with_capacity(24);
    push_endpoint(&mut s, addr, port);
    s
}

pub fn push_endpoint(out: &mut String, addr: IpAddr, port: u16) {
    match (addr, port) {
        (a, 0) => {
            let _ = write!(out, "{a}");
        }
        (IpAddr::V4(a), p) => {
            let _ = write!(out, "{a}:{p}");
        }
        (IpAddr::V6(a), p) => {
            let _ = write!(out, "[{a}]:{p}");
        }
    }
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
