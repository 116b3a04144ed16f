//! strongSwan's `ipsec.secrets` (ipsec.secrets(5)): `[selectors] : PSK secret` entries.
//!
//! ```text
//! # left and right share a key
//! 192.0.2.1 192.0.2.2 : PSK "lab-psk-Oq9Lw2xZ"
//! @left.example.org : PSK 0x6c61622d70736b
//! : PSK 0sbGFiLXBzaw==          # no selector: any peer
//! ```
//!
//! Selectors are IDs in strongSwan's syntax (addresses, `@fqdn`, `@@user`, `@#hex`, DNs) or
//! `%any`. A double-quoted secret is taken literally; unquoted, `0x…` is hex and `0s…` base64.
//! An entry continues on lines that start with whitespace. Other secret types (RSA, EAP,
//! XAUTH, …) are not IKE PSKs and are skipped.

use std::sync::Arc;

use super::detect::SECRET_TYPES;
use super::entries::{PskEntry, PskUsage};
use super::error::{KeyFileError, Origin, quote};
use super::peer::PeerSelector;
use super::secret::{Secret, parse_psk_text};
use super::store::Parsed;

#[derive(Debug, PartialEq)]
enum Tok {
    Word(String),
    Quoted(String),
}

/// Splits on whitespace, keeping quoted strings whole and dropping `#` comments.
fn tokens(text: &str) -> Result<Vec<Tok>, &'static str> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '#' {
            break;
        } else if c == '"' || c == '\'' {
            chars.next();
            let mut s = String::new();
            let mut closed = false;
            while let Some(ch) = chars.next() {
                if ch == c {
                    closed = true;
                    break;
                }
                if ch == '\\' && c == '"' {
                    if let Some(esc) = chars.next() {
                        s.push(esc);
                    }
                    continue;
                }
                s.push(ch);
            }
            if !closed {
                return Err("a closing quote");
            }
            out.push(Tok::Quoted(s));
        } else {
            let mut s = String::new();
            while let Some(&ch) = chars.peek() {
                if ch.is_whitespace() || ch == '#' {
                    break;
                }
                s.push(ch);
                chars.next();
            }
            out.push(Tok::Word(s));
        }
    }
    Ok(out)
}

/// Parses an `ipsec.secrets` file.
pub(crate) fn parse(file: &Arc<str>, text: &str, out: &mut Parsed) -> Result<(), KeyFileError> {
    // Join continuation lines into logical entries, remembering the first line.
    let mut entries: Vec<(usize, String)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let content = raw.trim();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        match entries.last_mut() {
            Some((_, entry)) if raw.starts_with([' ', '\t']) => {
                entry.push(' ');
                entry.push_str(content);
            }
            _ => entries.push((i + 1, content.to_string())),
        }
    }
    for (line, entry) in entries {
        let err = |m: String| KeyFileError::at(file, line, m);
        let toks = tokens(&entry).map_err(|what| err(format!("expected {what}")))?;
        if let Some(Tok::Word(w)) = toks.first()
            && w == "include"
        {
            out.warn(
                file,
                line,
                "`include` is not followed: pass the included file with another --keys",
            );
            continue;
        }
        // Find the `:` that ends the selectors (standalone, or glued to the type: `:PSK`).
        let colon = toks.iter().position(|t| match t {
            Tok::Word(w) => {
                w == ":"
                    || w.strip_prefix(':')
                        .is_some_and(|k| SECRET_TYPES.contains(&k))
            }
            Tok::Quoted(_) => false,
        });
        let Some(colon) = colon else {
            return Err(err(
                "expected `[selectors] : PSK secret` (a `:` between the IDs and the type)".into(),
            ));
        };
        let (selectors, rest) = toks.split_at(colon);
        let mut rest = rest.iter();
        let glued = match rest.next() {
            Some(Tok::Word(w)) if w.len() > 1 => w.get(1..).map(str::to_string),
            _ => None,
        };
        let kind = match glued {
            Some(k) => k,
            None => match rest.next() {
                Some(Tok::Word(w)) => w.clone(),
                _ => return Err(err("expected a secret type such as PSK after `:`".into())),
            },
        };
        if kind != "PSK" {
            if !SECRET_TYPES.contains(&kind.as_str()) {
                return Err(err(format!(
                    "expected a secret type (PSK, RSA, EAP, XAUTH, …) after `:`, found {}",
                    quote(&kind)
                )));
            }
            continue; // not an IKE pre-shared key
        }
        let secret = match rest.next() {
            Some(Tok::Quoted(s)) if !s.is_empty() => Secret::from_slice(s.as_bytes()),
            Some(Tok::Word(w)) => {
                parse_psk_text(w).map_err(|e| err(format!("expected {e} for the PSK")))?
            }
            _ => return Err(err("expected the PSK after `PSK`".into())),
        };
        if rest.next().is_some() {
            return Err(err(
                "expected one secret after PSK (quote a secret that contains spaces)".into(),
            ));
        }
        let mut peers = Vec::new();
        for sel in selectors {
            let text = match sel {
                Tok::Word(w) | Tok::Quoted(w) => w,
            };
            peers
                .push(PeerSelector::parse(text).map_err(|m| err(format!("{m} in the selectors")))?);
        }
        if peers.is_empty() {
            peers.push(PeerSelector::Any);
        }
        for peer in peers {
            out.psks.push(PskEntry {
                peer,
                secret: secret.clone(),
                usage: PskUsage::Both,
                origin: Origin::new(file, line),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_and_continuations() {
        let text = "# comment\n192.0.2.1 192.0.2.2 : PSK \"a b\"\n@left.example.org :PSK 0x6c61\n\
                    %any\n  : PSK 0sbGFi\n: RSA moon.pem\n2001:db8::1 : PSK plain # c\n";
        let file: Arc<str> = Arc::from("ipsec.secrets");
        let mut out = Parsed::default();
        parse(&file, text, &mut out).unwrap();
        let got: Vec<(String, Vec<u8>, usize)> = out
            .psks
            .iter()
            .map(|p| {
                (
                    p.peer.to_string(),
                    p.secret.expose().to_vec(),
                    p.origin.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("192.0.2.1".into(), b"a b".to_vec(), 2),
                ("192.0.2.2".into(), b"a b".to_vec(), 2),
                ("fqdn:left.example.org".into(), b"la".to_vec(), 3),
                ("%any".into(), b"lab".to_vec(), 4),
                ("2001:db8::1".into(), b"plain".to_vec(), 7),
            ]
        );
    }

    #[test]
    fn errors_name_the_line() {
        let file: Arc<str> = Arc::from("s");
        let e = parse(&file, "\n1.2.3.4 PSK x\n", &mut Parsed::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "s:2: expected `[selectors] : PSK secret` (a `:` between the IDs and the type)"
        );
        let e = parse(&file, ": PSK \"open\n", &mut Parsed::default()).unwrap_err();
        assert_eq!(e.to_string(), "s:1: expected a closing quote");
    }
}
