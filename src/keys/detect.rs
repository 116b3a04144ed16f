//! Recognising a key file by its content (never by its name), and describing a file that
//! matches no format.

use std::fmt;

/// The key-file formats ikescope reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyFormat {
    /// ikescope's own TOML (`[[psk]]`, `[[ike]]`, `[[ikev2]]`, `[[esp]]`).
    Toml,
    /// Cisco IOS/IOS-XE (and ASA tunnel-group) configuration.
    CiscoConfig,
    /// strongSwan `ipsec.secrets`.
    IpsecSecrets,
    /// strongSwan `swanctl.conf` (its `secrets` section).
    Swanctl,
    /// Wireshark's `esp_sa` table.
    WiresharkEspSa,
    /// Wireshark's `ikev1_decryption_table`.
    WiresharkIkev1,
    /// Wireshark's `ikev2_decryption_table`.
    WiresharkIkev2,
    /// `ip xfrm state` / `ip -s xfrm state` output.
    XfrmState,
    /// tcpdump's `-E` ESP secrets (`0xSPI@dst algo:0xkey`, one per line).
    TcpdumpEsp,
    /// A strongSwan charon log at level 4 (IKE/CHD/CFG).
    CharonLog,
}

impl KeyFormat {
    pub fn name(self) -> &'static str {
        match self {
            KeyFormat::Toml => "ikescope TOML",
            KeyFormat::CiscoConfig => "Cisco configuration",
            KeyFormat::IpsecSecrets => "strongSwan ipsec.secrets",
            KeyFormat::Swanctl => "strongSwan swanctl.conf",
            KeyFormat::WiresharkEspSa => "Wireshark esp_sa",
            KeyFormat::WiresharkIkev1 => "Wireshark ikev1_decryption_table",
            KeyFormat::WiresharkIkev2 => "Wireshark ikev2_decryption_table",
            KeyFormat::XfrmState => "ip xfrm state",
            KeyFormat::TcpdumpEsp => "tcpdump -E secrets",
            KeyFormat::CharonLog => "strongSwan charon log",
        }
    }
}

impl fmt::Display for KeyFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

pub(crate) const ACCEPTED: &str = "ikescope TOML, Cisco IOS config (crypto isakmp key, \
keyrings), strongSwan ipsec.secrets or swanctl.conf, Wireshark esp_sa / \
ikev1_decryption_table / ikev2_decryption_table, ip xfrm state output, tcpdump -E secrets, \
or a charon log at level 4";

/// How many meaningful lines detection looks at; every format shows itself early.
const SCAN_LINES: usize = 500;

fn meaningful(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .take(SCAN_LINES)
}

/// Recognises the format of a key file from its text.
pub(crate) fn detect(text: &str) -> Option<KeyFormat> {
    let lines: Vec<&str> = meaningful(text).collect();
    if lines.iter().any(|l| is_charon_line(l)) {
        return Some(KeyFormat::CharonLog);
    }
    if lines.iter().any(|l| is_toml_header(l)) {
        return Some(KeyFormat::Toml);
    }
    if is_xfrm(text) {
        return Some(KeyFormat::XfrmState);
    }
    if lines
        .iter()
        .any(|l| l.starts_with("\"IPv4\"") || l.starts_with("\"IPv6\"") || l.starts_with("\"Any\""))
    {
        return Some(KeyFormat::WiresharkEspSa);
    }
    let csv_cookie = |l: &&str, n: usize| {
        let f = super::wireshark::split_uat(l);
        f.len() == n && f.first().is_some_and(|c| is_hex16(c))
    };
    if lines.iter().any(|l| csv_cookie(l, 8)) {
        return Some(KeyFormat::WiresharkIkev2);
    }
    if lines.iter().any(|l| csv_cookie(l, 2)) {
        return Some(KeyFormat::WiresharkIkev1);
    }
    if lines.iter().any(|l| super::tcpdump::looks_like_line(l)) {
        return Some(KeyFormat::TcpdumpEsp);
    }
    // Any other TOML table header: let the TOML reader name the unknown table.
    if lines.iter().any(|l| is_any_toml_header(l)) && lines.iter().any(|l| l.contains(" = ")) {
        return Some(KeyFormat::Toml);
    }
    if lines.iter().any(|l| is_swanctl_section(l)) {
        return Some(KeyFormat::Swanctl);
    }
    if lines.iter().any(|l| is_ipsec_secrets_line(l)) {
        return Some(KeyFormat::IpsecSecrets);
    }
    if lines.iter().any(|l| is_cisco_line(l)) {
        return Some(KeyFormat::CiscoConfig);
    }
    None
}

/// `05[IKE] `, `14[CHD4] ` after an optional timestamp/host prefix.
pub(crate) fn is_charon_line(line: &str) -> bool {
    super::charon_log::split_prefix(line).is_some()
}

fn is_toml_header(l: &str) -> bool {
    let Some(inner) = l.strip_prefix("[[").and_then(|r| r.split_once("]]")) else {
        return false;
    };
    matches!(
        inner.0.trim(),
        "psk" | "ike" | "ikev2" | "esp" | "quick_mode"
    )
}

fn is_any_toml_header(l: &str) -> bool {
    let l = l.split('#').next().unwrap_or("").trim();
    let inner = l
        .strip_prefix("[[")
        .and_then(|r| r.strip_suffix("]]"))
        .or_else(|| l.strip_prefix('[').and_then(|r| r.strip_suffix(']')));
    inner.is_some_and(|n| {
        let n = n.trim();
        !n.is_empty()
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    })
}

fn is_xfrm(text: &str) -> bool {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    while let Some(l) = lines.next() {
        if l.starts_with("src ") && l.contains(" dst ") {
            return lines
                .next()
                .is_some_and(|n| n.trim_start().starts_with("proto "));
        }
    }
    false
}

fn is_hex16(s: &str) -> bool {
    s.len() == 16 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn is_swanctl_section(l: &str) -> bool {
    let Some(name) = l.strip_suffix('{') else {
        return false;
    };
    matches!(
        name.trim(),
        "secrets" | "connections" | "authorities" | "pools"
    )
}

pub(crate) const SECRET_TYPES: &[&str] = &[
    "PSK", "RSA", "ECDSA", "BLISS", "PKCS8", "P12", "EAP", "NTLM", "XAUTH", "PIN",
];

fn is_ipsec_secrets_line(l: &str) -> bool {
    let Some((_, rest)) = l.split_once(':') else {
        return false;
    };
    let word = rest.split_whitespace().next().unwrap_or("");
    SECRET_TYPES.contains(&word) && (l.starts_with(':') || l.contains(" :"))
}

fn is_cisco_line(l: &str) -> bool {
    let starts = [
        "crypto isakmp key ",
        "crypto keyring ",
        "crypto ikev2 keyring ",
        "pre-shared-key ",
        "tunnel-group ",
        "crypto isakmp policy",
        "crypto ipsec transform-set",
        "crypto map ",
        "interface ",
        "hostname ",
        "version ",
    ];
    starts.iter().any(|s| l.starts_with(s)) || l == "!" || l == "end"
}

/// Describes a file that matched no format, without quoting it (it may hold a secret).
pub(crate) fn describe(bytes: &[u8]) -> String {
    let magic = bytes.get(..4).unwrap_or(&[]);
    if matches!(
        magic,
        [0xd4, 0xc3, 0xb2, 0xa1]
            | [0xa1, 0xb2, 0xc3, 0xd4]
            | [0x4d, 0x3c, 0xb2, 0xa1]
            | [0xa1, 0xb2, 0x3c, 0x4d]
    ) {
        return "this is a pcap capture, not a key file (give captures as the input file)".into();
    }
    if magic == [0x0a, 0x0d, 0x0d, 0x0a] {
        return "this is a pcapng capture, not a key file (give captures as the input file)".into();
    }
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return "this is gzip-compressed data, not a key file (unpack it first)".into();
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return format!("this is binary data, not a key file; accepted formats: {ACCEPTED}");
    };
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let looks = if lines.is_empty() {
        "the file is empty".to_string()
    } else if lines.iter().all(|l| l.starts_with('#')) {
        "the file holds only comments".to_string()
    } else if lines.iter().any(|l| l.starts_with("-----BEGIN")) {
        "this looks like a PEM key or certificate (ikescope needs PSKs, DH secrets or session \
         keys)"
            .to_string()
    } else if text.trim_start().starts_with('{') {
        "this looks like JSON".to_string()
    } else {
        let first = lines.first().copied().unwrap_or("");
        format!(
            "{} line{} of text in no format I know (the first has {} word{}, {} characters)",
            lines.len(),
            if lines.len() == 1 { "" } else { "s" },
            first.split_whitespace().count(),
            if first.split_whitespace().count() == 1 {
                ""
            } else {
                "s"
            },
            first.chars().count()
        )
    };
    format!("not a key file I recognise: {looks}; accepted formats: {ACCEPTED}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_each_format() {
        let cases: &[(&str, KeyFormat)] = &[
            ("[[psk]]\nsecret = \"x\"\n", KeyFormat::Toml),
            (
                "crypto isakmp key cisco123 address 192.0.2.1\n",
                KeyFormat::CiscoConfig,
            ),
            ("192.0.2.1 : PSK \"x\"\n", KeyFormat::IpsecSecrets),
            (
                "secrets {\n ike-a {\n secret = x\n }\n}\n",
                KeyFormat::Swanctl,
            ),
            (
                "\"IPv4\",\"*\",\"*\",\"0x1\",\"NULL\",\"\",\"NULL\",\"\"\n",
                KeyFormat::WiresharkEspSa,
            ),
            (
                "fafaeb49382a763c,735be0cb62f82675\n",
                KeyFormat::WiresharkIkev1,
            ),
            (
                "19ab98963486359f,78f13157ccd3b3d8,00,00,\"3DES [RFC2451]\",00,00,\"NONE [RFC4306]\"\n",
                KeyFormat::WiresharkIkev2,
            ),
            (
                "src 192.0.2.1 dst 192.0.2.2\n\tproto esp spi 0x1 reqid 1 mode tunnel\n",
                KeyFormat::XfrmState,
            ),
            (
                "0x12345678@192.1.2.45 3des-cbc-hmac96:0x4043\n",
                KeyFormat::TcpdumpEsp,
            ),
            (
                "2026-11-22T05:42:32.291 16[IKE] <lab|1> SKEYID => 20 bytes @ 0x1\n",
                KeyFormat::CharonLog,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(detect(text), Some(*want), "{text}");
        }
        assert_eq!(detect("hello world\n"), None);
    }

    #[test]
    fn describes_without_quoting() {
        let d = describe(b"hunter2\n");
        assert!(!d.contains("hunter2"), "{d}");
        assert!(d.contains("1 line of text"), "{d}");
        assert!(describe(&[0xd4, 0xc3, 0xb2, 0xa1, 2, 0]).contains("pcap capture"));
        assert!(describe(b"").contains("empty"));
    }
}
