//! Who a PSK is for ([`PeerSelector`], [`Identity`]) and which outer addresses an ESP SA applies
//! to ([`AddrMatch`]), with the text forms of TOML, Cisco IOS and strongSwan.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// An IKE identity that is not an IP address (RFC 2407 §4.6.2.1 / RFC 7296 §3.5 ID types).
/// Address identities (ID_IPV4_ADDR, ID_IPV6_ADDR) are matched as addresses: pass them in the
/// address list of [`crate::keys::KeyStore::psk_candidates`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Identity {
    /// ID_FQDN, e.g. `vpn.example.com`; compared case-insensitively (DNS names are).
    Fqdn(String),
    /// ID_USER_FQDN (ID_RFC822_ADDR in IKEv2), e.g. `alice@example.com`.
    UserFqdn(String),
    /// ID_KEY_ID: opaque bytes (Cisco's group name in aggressive mode, strongSwan `@#hex`).
    KeyId(Vec<u8>),
    /// ID_DER_ASN1_DN as text, e.g. `C=CH, O=strongSwan, CN=moon`.
    Dn(String),
}

impl Identity {
    fn matches(&self, other: &Identity) -> bool {
        match (self, other) {
            (Identity::Fqdn(a), Identity::Fqdn(b)) => a
                .trim_end_matches('.')
                .eq_ignore_ascii_case(b.trim_end_matches('.')),
            (Identity::UserFqdn(a), Identity::UserFqdn(b)) => a.eq_ignore_ascii_case(b),
            (Identity::KeyId(a), Identity::KeyId(b)) => a == b,
            (Identity::Dn(a), Identity::Dn(b)) => normalize_dn(a) == normalize_dn(b),
            _ => false,
        }
    }
}

fn normalize_dn(dn: &str) -> String {
    dn.split([',', '/'])
        .map(str::trim)
        .filter(|rdn| !rdn.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Identity::Fqdn(s) => write!(f, "fqdn:{s}"),
            Identity::UserFqdn(s) => write!(f, "user_fqdn:{s}"),
            Identity::KeyId(bytes) => match std::str::from_utf8(bytes) {
                Ok(s) if !s.is_empty() && s.chars().all(|c| c.is_ascii_graphic()) => {
                    write!(f, "keyid:{s}")
                }
                _ => write!(f, "keyid:#{}", hex::encode(bytes)),
            },
            Identity::Dn(s) => write!(f, "dn:{s}"),
        }
    }
}

/// Which peers a PSK applies to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PeerSelector {
    /// Any peer (`%any`, strongSwan secrets without IDs).
    Any,
    /// One address (IKE endpoint or ID_IPV4_ADDR/ID_IPV6_ADDR identity).
    Address(IpAddr),
    /// A network: Cisco `address A.B.C.D MASK`, `address ipv6 X::/64`, or CIDR. Cisco's
    /// `0.0.0.0 0.0.0.0` is `0.0.0.0/0`: every IPv4 peer.
    Prefix { network: IpAddr, len: u8 },
    /// A non-address identity.
    Identity(Identity),
}

/// How specific a match is; higher is tried first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Specificity {
    Any,
    /// Prefix length normalised to IPv6 bits (IPv4 /24 counts as /120).
    Prefix(u8),
    Exact,
}

impl PeerSelector {
    /// Whether this selector applies to a peer seen with these addresses and identities, and
    /// how specifically.
    pub(crate) fn specificity(
        &self,
        addresses: &[IpAddr],
        identities: &[Identity],
    ) -> Option<Specificity> {
        match self {
            PeerSelector::Any => Some(Specificity::Any),
            PeerSelector::Address(a) => addresses
                .iter()
                .any(|b| same_addr(*a, *b))
                .then_some(Specificity::Exact),
            PeerSelector::Prefix { network, len } => addresses
                .iter()
                .any(|b| prefix_contains(*network, *len, *b))
                .then(|| {
                    let bits = if network.is_ipv4() {
                        len.saturating_add(96)
                    } else {
                        *len
                    };
                    Specificity::Prefix(bits)
                }),
            PeerSelector::Identity(id) => identities
                .iter()
                .any(|seen| id.matches(seen))
                .then_some(Specificity::Exact),
        }
    }

    /// Parses the peer text of ikescope's TOML and of strongSwan IDs:
    /// `%any`/`any`/`*`; an address; `A/len`; `A.B.C.D M.M.M.M`; typed identities `fqdn:`,
    /// `user_fqdn:`/`email:`, `keyid:` (text, or `keyid:#hex`), `address:`, `dn:`; strongSwan
    /// forms `@fqdn`, `@@user@fqdn`, `@#hex` (key ID), `C=…, CN=…` (DN), `user@fqdn`; any other
    /// word is an FQDN.
    pub fn parse(text: &str) -> Result<PeerSelector, String> {
        let t = text.trim();
        if t.is_empty() {
            return Err("expected a peer address, CIDR, or identity, found nothing".into());
        }
        if matches!(t, "%any" | "%any6" | "any" | "*") {
            return Ok(PeerSelector::Any);
        }
        let lower = t.to_ascii_lowercase();
        let typed = |prefixes: &[&str]| {
            prefixes
                .iter()
                .find(|p| lower.starts_with(*p))
                .and_then(|p| t.get(p.len()..))
        };
        if let Some(rest) = typed(&["fqdn:", "dns:"]) {
            return non_empty(rest, "an FQDN after fqdn:")
                .map(|s| PeerSelector::Identity(Identity::Fqdn(s.into())));
        }
        if let Some(rest) = typed(&["user_fqdn:", "userfqdn:", "email:", "rfc822:"]) {
            return non_empty(rest, "an address after user_fqdn:")
                .map(|s| PeerSelector::Identity(Identity::UserFqdn(s.into())));
        }
        if let Some(rest) = typed(&["keyid:"]) {
            return parse_key_id(rest).map(|k| PeerSelector::Identity(Identity::KeyId(k)));
        }
        if let Some(rest) = typed(&["dn:", "asn1dn:"]) {
            return non_empty(rest, "a distinguished name after dn:")
                .map(|s| PeerSelector::Identity(Identity::Dn(s.into())));
        }
        if let Some(rest) = typed(&["address:", "ipv4:", "ipv6:"]) {
            return parse_address_or_prefix(rest.trim()).ok_or_else(|| {
                format!("expected an IP address or CIDR after address:, found {rest:?}")
            });
        }
        if let Some(rest) = t.strip_prefix("@#") {
            return parse_key_id_hex(rest).map(|k| PeerSelector::Identity(Identity::KeyId(k)));
        }
        if let Some(rest) = t.strip_prefix("@@") {
            return non_empty(rest, "an address after @@")
                .map(|s| PeerSelector::Identity(Identity::UserFqdn(s.into())));
        }
        if let Some(rest) = t.strip_prefix('@') {
            return non_empty(rest, "an FQDN after @")
                .map(|s| PeerSelector::Identity(Identity::Fqdn(s.into())));
        }
        if t.contains('=') {
            return Ok(PeerSelector::Identity(Identity::Dn(t.into())));
        }
        if let Some(sel) = parse_address_or_prefix(t) {
            return Ok(sel);
        }
        if let Some((addr, mask)) = t.split_once(char::is_whitespace)
            && let (Ok(addr), Ok(mask)) = (
                addr.trim().parse::<Ipv4Addr>(),
                mask.trim().parse::<Ipv4Addr>(),
            )
        {
            return prefix_from_mask(addr, mask)
                .ok_or_else(|| format!("expected a contiguous netmask, found {}", mask));
        }
        if t.chars().any(char::is_whitespace) {
            return Err(format!(
                "expected one address, CIDR, or identity, found {t:?} (use one [[psk]] per peer)"
            ));
        }
        if t.contains('@') {
            return Ok(PeerSelector::Identity(Identity::UserFqdn(t.into())));
        }
        if t.contains('/') || t.chars().all(|c| c.is_ascii_digit() || c == '.') {
            return Err(format!("expected an IP address or CIDR, found {t:?}"));
        }
        Ok(PeerSelector::Identity(Identity::Fqdn(t.into())))
    }
}

impl fmt::Display for PeerSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PeerSelector::Any => f.write_str("%any"),
            PeerSelector::Address(a) => write!(f, "{a}"),
            PeerSelector::Prefix { network, len } => write!(f, "{network}/{len}"),
            PeerSelector::Identity(id) => write!(f, "{id}"),
        }
    }
}

fn non_empty<'a>(s: &'a str, what: &str) -> Result<&'a str, String> {
    let s = s.trim();
    if s.is_empty() {
        Err(format!("expected {what}, found nothing"))
    } else {
        Ok(s)
    }
}

fn parse_key_id(rest: &str) -> Result<Vec<u8>, String> {
    match rest.strip_prefix('#') {
        Some(hex) => parse_key_id_hex(hex),
        None => non_empty(rest, "a key ID after keyid:").map(|s| s.as_bytes().to_vec()),
    }
}

fn parse_key_id_hex(hex: &str) -> Result<Vec<u8>, String> {
    super::secret::parse_hex(hex)
        .map_err(|e| format!("expected hex digits for a key ID (@#…/keyid:#…), {e}"))
}

/// `192.0.2.1`, `2001:db8::1`, `192.0.2.0/24`, `2001:db8::/64`. A full-length prefix is an
/// address.
pub(crate) fn parse_address_or_prefix(t: &str) -> Option<PeerSelector> {
    if let Ok(a) = t.parse::<IpAddr>() {
        return Some(PeerSelector::Address(a));
    }
    let (addr, len) = t.split_once('/')?;
    let addr: IpAddr = addr.trim().parse().ok()?;
    let len: u8 = len.trim().parse().ok()?;
    prefix(addr, len)
}

pub(crate) fn prefix(addr: IpAddr, len: u8) -> Option<PeerSelector> {
    let max = if addr.is_ipv4() { 32 } else { 128 };
    if len > max {
        return None;
    }
    if len == max {
        return Some(PeerSelector::Address(addr));
    }
    Some(PeerSelector::Prefix {
        network: mask_addr(addr, len),
        len,
    })
}

/// `A.B.C.D M.M.M.M` (Cisco). Returns `None` for a non-contiguous mask.
pub(crate) fn prefix_from_mask(addr: Ipv4Addr, mask: Ipv4Addr) -> Option<PeerSelector> {
    let m = u32::from(mask);
    let len = m.leading_ones();
    if m.checked_shl(len).unwrap_or(0) != 0 {
        return None;
    }
    prefix(IpAddr::V4(addr), len as u8)
}

fn mask_addr(addr: IpAddr, len: u8) -> IpAddr {
    match addr {
        IpAddr::V4(a) => {
            let m = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
            IpAddr::V4(Ipv4Addr::from(u32::from(a) & m))
        }
        IpAddr::V6(a) => {
            let m = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
            IpAddr::V6(Ipv6Addr::from(u128::from(a) & m))
        }
    }
}

/// IPv4-mapped IPv6 (`::ffff:192.0.2.1`) equals the IPv4 address: a dual-stack capture may
/// show either.
fn canonical(a: IpAddr) -> IpAddr {
    match a {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(a, IpAddr::V4),
        v4 => v4,
    }
}

fn same_addr(a: IpAddr, b: IpAddr) -> bool {
    canonical(a) == canonical(b)
}

fn prefix_contains(network: IpAddr, len: u8, addr: IpAddr) -> bool {
    let addr = canonical(addr);
    network.is_ipv4() == addr.is_ipv4() && mask_addr(addr, len) == network
}

/// Which outer addresses an ESP SA applies to (Wireshark's `*` and CIDR forms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AddrMatch {
    /// `*`: any address.
    Any,
    Addr(IpAddr),
    Prefix {
        network: IpAddr,
        len: u8,
    },
}

impl AddrMatch {
    pub fn matches(&self, addr: IpAddr) -> bool {
        match *self {
            AddrMatch::Any => true,
            AddrMatch::Addr(a) => same_addr(a, addr),
            AddrMatch::Prefix { network, len } => prefix_contains(network, len, addr),
        }
    }

    /// `*`, an address, `A/len`, or Wireshark's octet wildcards (`192.168.*.*`, `10.*`).
    pub fn parse(text: &str) -> Option<AddrMatch> {
        let t = text.trim();
        if matches!(t, "*" | "any" | "%any" | "") {
            return Some(AddrMatch::Any);
        }
        if let Some(sel) = parse_address_or_prefix(t) {
            return match sel {
                PeerSelector::Address(a) => Some(AddrMatch::Addr(a)),
                PeerSelector::Prefix { network, len } => Some(AddrMatch::Prefix { network, len }),
                _ => None,
            };
        }
        // Octet wildcards: leading literal octets, then only `*`s.
        let parts: Vec<&str> = t.split('.').collect();
        if parts.len() > 4 || !t.contains('*') {
            return None;
        }
        let fixed: Vec<u8> = parts
            .iter()
            .take_while(|p| **p != "*")
            .map(|p| p.parse::<u8>())
            .collect::<Result<_, _>>()
            .ok()?;
        if parts.iter().skip(fixed.len()).any(|p| *p != "*") {
            return None;
        }
        let mut octets = [0u8; 4];
        for (o, f) in octets.iter_mut().zip(&fixed) {
            *o = *f;
        }
        let len = (fixed.len() * 8) as u8;
        if len == 0 {
            return Some(AddrMatch::Any);
        }
        Some(AddrMatch::Prefix {
            network: IpAddr::V4(Ipv4Addr::from(octets)),
            len,
        })
    }
}

impl fmt::Display for AddrMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddrMatch::Any => f.write_str("*"),
            AddrMatch::Addr(a) => write!(f, "{a}"),
            AddrMatch::Prefix { network, len } => write!(f, "{network}/{len}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn parses_every_form() {
        assert_eq!(PeerSelector::parse("%any").unwrap(), PeerSelector::Any);
        assert_eq!(
            PeerSelector::parse("192.0.2.1").unwrap(),
            PeerSelector::Address(ip("192.0.2.1"))
        );
        assert_eq!(
            PeerSelector::parse("192.0.2.77/24").unwrap(),
            PeerSelector::Prefix {
                network: ip("192.0.2.0"),
                len: 24
            }
        );
        assert_eq!(
            PeerSelector::parse("192.0.2.0 255.255.255.0").unwrap(),
            PeerSelector::Prefix {
                network: ip("192.0.2.0"),
                len: 24
            }
        );
        assert!(PeerSelector::parse("192.0.2.0 255.0.255.0").is_err());
        assert_eq!(
            PeerSelector::parse("fqdn:vpn.example.com").unwrap(),
            PeerSelector::Identity(Identity::Fqdn("vpn.example.com".into()))
        );
        assert_eq!(
            PeerSelector::parse("@left.example.org").unwrap(),
            PeerSelector::Identity(Identity::Fqdn("left.example.org".into()))
        );
        assert_eq!(
            PeerSelector::parse("@#6c61622d7269676874").unwrap(),
            PeerSelector::Identity(Identity::KeyId(b"lab-right".to_vec()))
        );
        assert_eq!(
            PeerSelector::parse("keyid:lab-right").unwrap(),
            PeerSelector::parse("keyid:#6c61622d7269676874").unwrap()
        );
        assert_eq!(
            PeerSelector::parse("@@alice@example.com").unwrap(),
            PeerSelector::Identity(Identity::UserFqdn("alice@example.com".into()))
        );
        assert_eq!(
            PeerSelector::parse("email:alice@example.com").unwrap(),
            PeerSelector::parse("alice@example.com").unwrap()
        );
        assert_eq!(
            PeerSelector::parse("address:2001:db8::/64").unwrap(),
            PeerSelector::Prefix {
                network: ip("2001:db8::"),
                len: 64
            }
        );
        assert!(matches!(
            PeerSelector::parse("C=CH, O=strongSwan, CN=moon").unwrap(),
            PeerSelector::Identity(Identity::Dn(_))
        ));
        assert!(PeerSelector::parse("192.0.2.0/33").is_err());
        assert!(PeerSelector::parse("").is_err());
        assert!(PeerSelector::parse("a b").is_err());
    }

    #[test]
    fn specificity() {
        let addrs = [ip("192.0.2.1")];
        let net24 = PeerSelector::parse("192.0.2.0/24").unwrap();
        let net16 = PeerSelector::parse("192.0.0.0/16").unwrap();
        assert!(net24.specificity(&addrs, &[]).unwrap() > net16.specificity(&addrs, &[]).unwrap());
        assert_eq!(
            PeerSelector::parse("::ffff:192.0.2.1")
                .unwrap()
                .specificity(&addrs, &[]),
            Some(Specificity::Exact)
        );
        let v6net = PeerSelector::parse("2001:db8::/32").unwrap();
        assert_eq!(v6net.specificity(&addrs, &[]), None);
        let fq = PeerSelector::parse("fqdn:VPN.example.com.").unwrap();
        assert_eq!(
            fq.specificity(&[], &[Identity::Fqdn("vpn.example.com".into())]),
            Some(Specificity::Exact)
        );
    }

    #[test]
    fn addr_match() {
        assert!(AddrMatch::parse("*").unwrap().matches(ip("2001:db8::1")));
        let w = AddrMatch::parse("192.168.*.*").unwrap();
        assert!(w.matches(ip("192.168.9.9")) && !w.matches(ip("192.169.0.1")));
        assert!(AddrMatch::parse("192.*.1.*").is_none());
        assert_eq!(
            AddrMatch::parse("10.0.0.0/8").unwrap(),
            AddrMatch::Prefix {
                network: ip("10.0.0.0"),
                len: 8
            }
        );
    }
}
