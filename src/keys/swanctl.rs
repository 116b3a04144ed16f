//! strongSwan `swanctl.conf`: the `secrets` section's `ike<suffix>` subsections.
//!
//! ```text
//! secrets {
//!   ike-lab {
//!     id-local = "192.0.2.1"
//!     id-remote = "192.0.2.2"
//!     secret = "lab-psk-Oq9Lw2xZ"     # or 0x… (hex), 0s… (base64)
//!   }
//! }
//! ```
//!
//! The file uses strongSwan's settings syntax: nested `name { … }` sections, `key = value`
//! pairs, `#` comments, values quoted or running to the end of the line. Each `id…` key names
//! one identity the secret belongs to (strongSwan identity syntax); without one, the secret is
//! for any peer. Other secret kinds (eap, xauth, private keys…) are not IKE PSKs and are
//! skipped; `connections` and the rest are ignored.

use std::sync::Arc;

use super::entries::{PskEntry, PskUsage};
use super::error::{KeyFileError, Origin};
use super::peer::PeerSelector;
use super::secret::{Secret, parse_psk_text};
use super::store::Parsed;

#[derive(Debug, PartialEq)]
enum Event {
    Open(String, usize),
    Close(usize),
    Pair(String, String, usize),
}

struct Lexer<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    line: usize,
    file: &'a str,
}

impl Lexer<'_> {
    fn bump(&mut self) -> Option<char> {
        let c = self.chars.next();
        if c == Some('\n') {
            self.line += 1;
        }
        c
    }

    fn skip_space_and_comments(&mut self) {
        while let Some(&c) = self.chars.peek() {
            if c.is_whitespace() {
                self.bump();
            } else if c == '#' {
                while let Some(&c) = self.chars.peek() {
                    if c == '\n' {
                        break;
                    }
                    self.bump();
                }
            } else {
                break;
            }
        }
    }

    fn err<T>(&self, line: usize, m: impl Into<String>) -> Result<T, KeyFileError> {
        Err(KeyFileError::at(self.file, line, m))
    }

    fn quoted(&mut self, start: usize) -> Result<String, KeyFileError> {
        let mut s = String::new();
        loop {
            match self.bump() {
                None => return self.err(start, "expected a closing quote"),
                Some('"') => return Ok(s),
                Some('\\') => match self.bump() {
                    Some('n') => s.push('\n'),
                    Some('t') => s.push('\t'),
                    Some('r') => s.push('\r'),
                    Some('\n') => {} // line continuation
                    Some(c) => s.push(c),
                    None => return self.err(start, "expected a closing quote"),
                },
                Some(c) => s.push(c),
            }
        }
    }

    fn events(mut self) -> Result<Vec<Event>, KeyFileError> {
        let mut out = Vec::new();
        loop {
            self.skip_space_and_comments();
            let line = self.line;
            let Some(&c) = self.chars.peek() else { break };
            if c == '}' {
                self.bump();
                out.push(Event::Close(line));
                continue;
            }
            // A name: up to whitespace, `{`, `=`, `}` or `#`.
            let mut name = String::new();
            while let Some(&c) = self.chars.peek() {
                if c.is_whitespace() || matches!(c, '{' | '}' | '=' | '#') {
                    break;
                }
                name.push(c);
                self.bump();
            }
            if name.is_empty() {
                return self.err(line, format!("expected a name before {c:?}"));
            }
            // Only spaces may sit between a name and its `{`/`=` on the same line.
            while let Some(&c) = self.chars.peek() {
                if c == ' ' || c == '\t' {
                    self.bump();
                } else {
                    break;
                }
            }
            match self.chars.peek().copied() {
                Some('{') => {
                    self.bump();
                    out.push(Event::Open(name, line));
                }
                Some('=') => {
                    self.bump();
                    while matches!(self.chars.peek(), Some(' ' | '\t')) {
                        self.bump();
                    }
                    let value = if self.chars.peek() == Some(&'"') {
                        self.bump();
                        self.quoted(line)?
                    } else {
                        let mut v = String::new();
                        while let Some(&c) = self.chars.peek() {
                            if matches!(c, '\n' | '#' | '{' | '}') {
                                break;
                            }
                            v.push(c);
                            self.bump();
                        }
                        v.trim().to_string()
                    };
                    out.push(Event::Pair(name, value, line));
                }
                _ if name == "include" => {
                    // `include path`: the rest of the line.
                    while let Some(&c) = self.chars.peek() {
                        if c == '\n' {
                            break;
                        }
                        self.bump();
                    }
                    out.push(Event::Pair(name, String::new(), line));
                }
                other => {
                    return self.err(
                        line,
                        format!(
                            "expected `{{` or `=` after {name:?}, found {}",
                            other.map_or("the end of the file".to_string(), |c| format!("{c:?}"))
                        ),
                    );
                }
            }
        }
        Ok(out)
    }
}

#[derive(Default)]
struct IkeSecret {
    name: String,
    line: usize,
    secret: Option<(Secret, usize)>,
    ids: Vec<(PeerSelector, usize)>,
}

/// Parses a swanctl.conf.
pub(crate) fn parse(file: &Arc<str>, text: &str, out: &mut Parsed) -> Result<(), KeyFileError> {
    let lexer = Lexer {
        chars: text.chars().peekable(),
        line: 1,
        file,
    };
    let events = lexer.events()?;
    let mut stack: Vec<String> = Vec::new();
    let mut current: Option<IkeSecret> = None;
    for ev in events {
        match ev {
            Event::Open(name, line) => {
                if stack.len() == 1
                    && stack.first().is_some_and(|s| s == "secrets")
                    && name.starts_with("ike")
                {
                    current = Some(IkeSecret {
                        name: name.clone(),
                        line,
                        ..IkeSecret::default()
                    });
                }
                stack.push(name);
            }
            Event::Close(line) => {
                if stack.pop().is_none() {
                    return Err(KeyFileError::at(
                        file,
                        line,
                        "expected no `}` here (unbalanced braces)",
                    ));
                }
                if stack.len() == 1
                    && let Some(s) = current.take()
                {
                    finish(file, s, out)?;
                }
            }
            Event::Pair(key, value, line) => {
                if key == "include" {
                    out.warn(
                        file,
                        line,
                        "`include` is not followed: pass the included file with another --keys",
                    );
                    continue;
                }
                let Some(s) = current.as_mut() else { continue };
                if stack.len() != 2 {
                    continue;
                }
                if key == "secret" {
                    let secret = parse_psk_text(&value).map_err(|e| {
                        KeyFileError::at(file, line, format!("expected {e} for secret"))
                    })?;
                    s.secret = Some((secret, line));
                } else if key.starts_with("id") {
                    let peer = PeerSelector::parse(&value)
                        .map_err(|m| KeyFileError::at(file, line, format!("{m} for {key}")))?;
                    s.ids.push((peer, line));
                }
            }
        }
    }
    if !stack.is_empty() {
        let line = text.lines().count().max(1);
        return Err(KeyFileError::at(
            file,
            line,
            format!(
                "expected `}}` to close section {:?}",
                stack.last().map_or("", String::as_str)
            ),
        ));
    }
    Ok(())
}

fn finish(file: &Arc<str>, s: IkeSecret, out: &mut Parsed) -> Result<(), KeyFileError> {
    let Some((secret, secret_line)) = s.secret else {
        return Err(KeyFileError::at(
            file,
            s.line,
            format!("expected secret = … in secrets.{}", s.name),
        ));
    };
    let ids = if s.ids.is_empty() {
        vec![(PeerSelector::Any, secret_line)]
    } else {
        s.ids
    };
    for (peer, _) in ids {
        out.psks.push(PskEntry {
            peer,
            secret: secret.clone(),
            usage: PskUsage::Both,
            origin: Origin::new(file, secret_line),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Result<Parsed, KeyFileError> {
        let file: Arc<str> = Arc::from("swanctl.conf");
        let mut out = Parsed::default();
        parse(&file, text, &mut out).map(|()| out)
    }

    #[test]
    fn nested_sections_comments_quotes() {
        let p = run(
            "connections { lab { local { auth = psk\n id = \"a\" } } }\n\
             secrets {\n  # a comment with { braces }\n  ike-1 { id = @moon # trailing\n\
             secret = \"x#y\" }\n  eap-carol { id = carol\n secret = nope }\n\
             ike { secret = 0x6c61 }\n}\n",
        )
        .unwrap();
        let got: Vec<(String, Vec<u8>, usize)> = p
            .psks
            .iter()
            .map(|e| {
                (
                    e.peer.to_string(),
                    e.secret.expose().to_vec(),
                    e.origin.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("fqdn:moon".into(), b"x#y".to_vec(), 6),
                ("%any".into(), b"la".to_vec(), 9),
            ]
        );
    }

    #[test]
    fn errors() {
        let e = run("secrets {\n ike-a {\n id = 1.2.3.4\n }\n}\n")
            .err()
            .unwrap();
        assert_eq!(
            e.to_string(),
            "swanctl.conf:2: expected secret = … in secrets.ike-a"
        );
        let e = run("secrets {\n ike-a {\n secret = x\n }\n").err().unwrap();
        assert!(
            e.to_string()
                .contains("expected `}` to close section \"secrets\""),
            "{e}"
        );
        let e = run("secrets {\n ike-a {\n secret = \"x\n }\n}\n")
            .err()
            .unwrap();
        assert_eq!(e.to_string(), "swanctl.conf:3: expected a closing quote");
    }
}
