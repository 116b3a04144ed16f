//! Cisco configuration: the PSKs of a `show running-config` (IOS, IOS-XE) or an ASA's
//! tunnel-groups. Every other line is ignored, so a whole configuration loads.
//!
//! Read:
//! - `crypto isakmp key [0|6|7] KEY address A.B.C.D [MASK] [no-xauth]`
//! - `crypto isakmp key [0|6|7] KEY address ipv6 X:X::X/LEN`
//! - `crypto isakmp key [0|6|7] KEY hostname NAME`
//! - `crypto keyring NAME` blocks: `pre-shared-key address A.B.C.D [MASK] key [0|6|7] KEY`,
//!   `pre-shared-key address ipv6 X::/LEN key KEY`, `pre-shared-key hostname NAME key KEY`
//! - `crypto ikev2 keyring NAME` blocks: `peer NAME` with `address A.B.C.D [MASK]` or
//!   `address X::/LEN`, `hostname NAME`, `identity address|fqdn|email|key-id …`, and
//!   `pre-shared-key [local|remote] [0|6|7] KEY`
//! - ASA `tunnel-group NAME ipsec-attributes` blocks: `ikev1 pre-shared-key KEY`,
//!   `pre-shared-key KEY`, `ikev2 local-authentication|remote-authentication pre-shared-key KEY`
//!
//! Key types: 0 (or none) is plain text; 7 is Cisco's reversible "encryption", decoded here;
//! 6 is AES with the router's master key and cannot be read without it (an error says so).

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use super::entries::{PskEntry, PskUsage};
use super::error::{KeyFileError, Origin, quote};
use super::peer::{Identity, PeerSelector, parse_address_or_prefix, prefix_from_mask};
use super::secret::Secret;
use super::store::Parsed;

/// The key stream of Cisco's type 7 password "encryption" (a Vigenère-style XOR). This 53-byte
/// table is public and widely reproduced, e.g. in "Deobfuscating Cisco IOS Passwords"
/// (wiki.nil.com) and in netutils' `decrypt_type7`, whose documented example is
/// `121A0C041104` → `cisco`.
const TYPE7_XLAT: &[u8; 53] = b"dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87";

/// Decodes a Cisco type 7 string: two decimal digits (the offset into the key stream), then
/// one hex byte per character, each XORed with the key stream.
pub fn decode_type7(encoded: &str) -> Result<Vec<u8>, String> {
    let e = encoded.trim();
    // Not quoted: a type 7 string is the key, thinly disguised.
    let bad = || {
        format!(
            "expected a type 7 key (2 decimal digits, then pairs of hex digits), found {} \
             characters that are not",
            e.chars().count()
        )
    };
    if e.len() < 4 || !e.len().is_multiple_of(2) || !e.is_ascii() {
        return Err(bad());
    }
    let (seed, body) = e.split_at_checked(2).ok_or_else(bad)?;
    let seed: usize = seed.parse().map_err(|_| bad())?;
    if seed >= TYPE7_XLAT.len() {
        return Err(bad());
    }
    let bytes = hex::decode(body).map_err(|_| bad())?;
    Ok(bytes
        .iter()
        .enumerate()
        .map(|(i, b)| {
            b ^ TYPE7_XLAT
                .get((seed + i) % TYPE7_XLAT.len())
                .copied()
                .unwrap_or(0)
        })
        .collect())
}

const TYPE6_FIX: &str = "expected a plain-text (type 0) or type 7 key, found a type 6 key, \
which is encrypted with the router's master key \
(`key config-key password-encrypt`) and cannot be decrypted here; put the plain-text key in a \
TOML [[psk]] entry (see docs/keys.md)";

enum KeyText {
    Secret(Secret),
    /// `*****` (the ASA and some IOS versions mask keys in `show running-config`).
    Masked,
}

/// Reads `[0|6|7] KEY` from `toks`; returns the key and how many tokens it took.
fn key(toks: &[&str]) -> Result<(KeyText, usize), String> {
    let (kind, text, used) = match toks {
        [t @ ("0" | "6" | "7"), k, ..] => (*t, *k, 2),
        [k, ..] => ("0", *k, 1),
        [] => return Err("expected the key".into()),
    };
    if !text.is_empty() && text.chars().all(|c| c == '*') {
        return Ok((KeyText::Masked, used));
    }
    let secret = match kind {
        "7" => Secret::new(decode_type7(text)?),
        "6" => return Err(TYPE6_FIX.into()),
        _ => Secret::from_slice(text.as_bytes()),
    };
    Ok((KeyText::Secret(secret), used))
}

/// `A.B.C.D [MASK]` or `ipv6 X::/LEN` (IOS) or `X::/LEN`; returns the selector and tokens used.
fn address(toks: &[&str]) -> Result<(PeerSelector, usize), String> {
    match toks {
        ["ipv6", p, ..] => parse_address_or_prefix(p)
            .filter(|s| !matches!(s, PeerSelector::Address(IpAddr::V4(_))))
            .map(|s| (s, 2))
            .ok_or_else(|| {
                format!(
                    "expected an IPv6 prefix such as 2001:db8::/64, found {}",
                    quote(p)
                )
            }),
        [a, rest @ ..] => {
            if let Ok(v4) = a.parse::<Ipv4Addr>() {
                if let Some(Ok(mask)) = rest.first().map(|m| m.parse::<Ipv4Addr>()) {
                    return prefix_from_mask(v4, mask).map(|s| (s, 2)).ok_or_else(|| {
                        format!(
                            "expected a contiguous netmask, found {}",
                            quote(rest.first().copied().unwrap_or(""))
                        )
                    });
                }
                return Ok((PeerSelector::Address(IpAddr::V4(v4)), 1));
            }
            parse_address_or_prefix(a).map(|s| (s, 1)).ok_or_else(|| {
                format!(
                    "expected an address such as 192.0.2.1 [255.255.255.0], found {}",
                    quote(a)
                )
            })
        }
        [] => Err("expected an address after `address`".into()),
    }
}

fn hostname(toks: &[&str]) -> Result<PeerSelector, String> {
    toks.first()
        .map(|h| PeerSelector::Identity(Identity::Fqdn((*h).to_string())))
        .ok_or_else(|| "expected a host name after `hostname`".into())
}

struct Ikev2Peer {
    name: String,
    line: usize,
    selectors: Vec<PeerSelector>,
    keys: Vec<(Secret, PskUsage, usize)>,
}

enum Block {
    None,
    Keyring,
    Ikev2Keyring(Option<Ikev2Peer>),
    TunnelGroup(PeerSelector),
}

struct Reader<'a> {
    file: &'a Arc<str>,
    out: &'a mut Parsed,
}

impl Reader<'_> {
    fn push(&mut self, peer: PeerSelector, secret: Secret, usage: PskUsage, line: usize) {
        self.out.psks.push(PskEntry {
            peer,
            secret,
            usage,
            origin: Origin::new(self.file, line),
        });
    }

    fn masked(&mut self, line: usize) {
        self.out.warn(
            self.file,
            line,
            "masked key (*****) skipped: use `more system:running-config` (ASA) or `show \
             running-config` with privileges to see it",
        );
    }

    /// `crypto isakmp key [0|6|7] KEY address …|hostname …`.
    fn isakmp_key(&mut self, toks: &[&str], line: usize) -> Result<(), String> {
        let usage = "expected `crypto isakmp key KEY address A.B.C.D [MASK]` or `… hostname NAME`";
        let at = toks
            .iter()
            .enumerate()
            .skip(1)
            .find(|(_, t)| matches!(**t, "address" | "hostname"))
            .map(|(i, _)| i)
            .ok_or_else(|| usage.to_string())?;
        let (key_toks, rest) = toks.split_at(at);
        let (k, used) = key(key_toks)?;
        if used != key_toks.len() {
            return Err(usage.into());
        }
        let peer = match rest {
            ["address", a @ ..] => address(a)?.0,
            ["hostname", h @ ..] => hostname(h)?,
            _ => return Err(usage.into()),
        };
        match k {
            KeyText::Secret(s) => self.push(peer, s, PskUsage::Both, line),
            KeyText::Masked => self.masked(line),
        }
        Ok(())
    }

    /// Keyring line after `pre-shared-key`: `address … key KEY` / `hostname NAME key KEY`.
    fn keyring_psk(&mut self, toks: &[&str], line: usize) -> Result<(), String> {
        let usage = "expected `pre-shared-key address A.B.C.D [MASK] key KEY` or \
                     `pre-shared-key hostname NAME key KEY`";
        let at = toks
            .iter()
            .position(|t| *t == "key")
            .ok_or_else(|| usage.to_string())?;
        let (who, rest) = toks.split_at(at);
        let peer = match who {
            ["address", a @ ..] => address(a)?.0,
            ["hostname", h @ ..] => hostname(h)?,
            _ => return Err(usage.into()),
        };
        match key(rest.get(1..).unwrap_or(&[]))?.0 {
            KeyText::Secret(s) => self.push(peer, s, PskUsage::Both, line),
            KeyText::Masked => self.masked(line),
        }
        Ok(())
    }

    fn flush_ikev2_peer(&mut self, peer: Option<Ikev2Peer>) {
        let Some(p) = peer else { return };
        if p.keys.is_empty() {
            return;
        }
        let selectors = if p.selectors.is_empty() {
            self.out.warn(
                self.file,
                p.line,
                format!(
                    "IKEv2 keyring peer {} has no address or identity; its key is tried for any peer",
                    quote(&p.name)
                ),
            );
            vec![PeerSelector::Any]
        } else {
            p.selectors
        };
        for (secret, usage, line) in p.keys {
            for sel in &selectors {
                self.push(sel.clone(), secret.clone(), usage, line);
            }
        }
    }

    fn ikev2_peer_line(
        &mut self,
        peer: &mut Ikev2Peer,
        toks: &[&str],
        line: usize,
    ) -> Result<(), String> {
        match toks {
            ["address", a @ ..] => peer.selectors.push(address(a)?.0),
            ["hostname", h @ ..] => peer.selectors.push(hostname(h)?),
            ["identity", kind, rest @ ..] => {
                // `fqdn` and `email` may take a `domain` keyword before the name.
                let rest = match rest {
                    ["domain", r @ ..] => r,
                    r => r,
                };
                let value = rest
                    .first()
                    .copied()
                    .ok_or("expected a value after `identity …`")?;
                let sel = match *kind {
                    "address" => address(rest)?.0,
                    "fqdn" => PeerSelector::Identity(Identity::Fqdn(value.into())),
                    "email" => PeerSelector::Identity(Identity::UserFqdn(value.into())),
                    "key-id" => PeerSelector::Identity(Identity::KeyId(value.as_bytes().to_vec())),
                    other => {
                        return Err(format!(
                            "expected identity address|fqdn|email|key-id, found {}",
                            quote(other)
                        ));
                    }
                };
                peer.selectors.push(sel);
            }
            ["pre-shared-key", rest @ ..] => {
                let (usage, rest) = match rest {
                    ["local", r @ ..] => (PskUsage::Local, r),
                    ["remote", r @ ..] => (PskUsage::Remote, r),
                    r => (PskUsage::Both, r),
                };
                match key(rest)?.0 {
                    KeyText::Secret(s) => peer.keys.push((s, usage, line)),
                    KeyText::Masked => self.masked(line),
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn tunnel_group_line(
        &mut self,
        peer: &PeerSelector,
        toks: &[&str],
        line: usize,
    ) -> Result<(), String> {
        let (usage, rest) = match toks {
            ["ikev1", "pre-shared-key", r @ ..] | ["pre-shared-key", r @ ..] => (PskUsage::Both, r),
            ["ikev2", "remote-authentication", "pre-shared-key", r @ ..] => (PskUsage::Remote, r),
            ["ikev2", "local-authentication", "pre-shared-key", r @ ..] => (PskUsage::Local, r),
            _ => return Ok(()),
        };
        match key(rest)?.0 {
            KeyText::Secret(s) => self.push(peer.clone(), s, usage, line),
            KeyText::Masked => self.masked(line),
        }
        Ok(())
    }
}

fn tunnel_group_peer(name: &str) -> PeerSelector {
    match name {
        "DefaultL2LGroup" | "DefaultRAGroup" => PeerSelector::Any,
        n => match n.parse::<IpAddr>() {
            Ok(a) => PeerSelector::Address(a),
            // A named group is matched against the peer's ID_KEY_ID (aggressive mode group).
            Err(_) => PeerSelector::Identity(Identity::KeyId(n.as_bytes().to_vec())),
        },
    }
}

/// Parses a Cisco configuration for its PSKs.
pub(crate) fn parse(file: &Arc<str>, text: &str, out: &mut Parsed) -> Result<(), KeyFileError> {
    let mut r = Reader { file, out };
    let mut block = Block::None;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let content = raw.trim();
        if content.is_empty() || content.starts_with('!') {
            continue;
        }
        let toks: Vec<&str> = content.split_whitespace().collect();
        let indented = raw.starts_with([' ', '\t']);
        let result = if !indented {
            if let Block::Ikev2Keyring(peer) = std::mem::replace(&mut block, Block::None) {
                r.flush_ikev2_peer(peer);
            }
            match toks.as_slice() {
                ["crypto", "isakmp", "key", rest @ ..] => r.isakmp_key(rest, line),
                ["crypto", "keyring", ..] => {
                    block = Block::Keyring;
                    Ok(())
                }
                ["crypto", "ikev2", "keyring", ..] => {
                    block = Block::Ikev2Keyring(None);
                    Ok(())
                }
                ["tunnel-group", name, "ipsec-attributes"] => {
                    block = Block::TunnelGroup(tunnel_group_peer(name));
                    Ok(())
                }
                // A keyring's lines pasted on their own.
                ["pre-shared-key", rest @ ..] if rest.contains(&"key") => r.keyring_psk(rest, line),
                _ => Ok(()),
            }
        } else {
            match &mut block {
                Block::None => Ok(()),
                Block::Keyring => match toks.as_slice() {
                    ["pre-shared-key", rest @ ..] => r.keyring_psk(rest, line),
                    _ => Ok(()),
                },
                Block::Ikev2Keyring(peer) => match toks.as_slice() {
                    ["peer", name, ..] => {
                        let new = Ikev2Peer {
                            name: (*name).to_string(),
                            line,
                            selectors: Vec::new(),
                            keys: Vec::new(),
                        };
                        let old = peer.replace(new);
                        r.flush_ikev2_peer(old);
                        Ok(())
                    }
                    t => match peer.as_mut() {
                        Some(p) => r.ikev2_peer_line(p, t, line),
                        None => Ok(()),
                    },
                },
                Block::TunnelGroup(peer) => {
                    let peer = peer.clone();
                    r.tunnel_group_line(&peer, &toks, line)
                }
            }
        };
        result.map_err(|m| KeyFileError::at(file, line, m))?;
    }
    if let Block::Ikev2Keyring(peer) = block {
        r.flush_ikev2_peer(peer);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type7_published_examples() {
        // netutils' documented example, and one from a public write-up (HTB "Heist").
        assert_eq!(decode_type7("121A0C041104").unwrap(), b"cisco");
        assert_eq!(
            decode_type7("0242114B0E143F015F5D1E161713").unwrap(),
            b"$uperP@ssword"
        );
        assert!(decode_type7("9X").is_err());
        assert!(decode_type7("99AABB").is_err());
        assert!(decode_type7("12ZZ").is_err());
    }
}
