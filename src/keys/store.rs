//! [`KeyStore`]: everything read from all `--keys` files, merged, with lookups for the
//! decryption layer and a [`Summary`] that can be shown without secrets.

use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ikescope_dissectors::Cookie;
use ikescope_dissectors::crypto::algs::EncAlg;

use super::detect::{self, KeyFormat};
use super::entries::{EspSa, IkeSecret, Ikev1Ready, Ikev2Keys, PskEntry, QuickModeSecret};
use super::error::{KeyFileError, Origin};
use super::peer::{AddrMatch, Identity};
use super::secret::{Secret, wipe};

/// What one format reader produced from one file.
#[derive(Debug, Default)]
pub(crate) struct Parsed {
    pub psks: Vec<PskEntry>,
    pub ike: Vec<IkeSecret>,
    pub ikev1_ready: Vec<Ikev1Ready>,
    pub ikev2: Vec<Ikev2Keys>,
    pub esp: Vec<EspSa>,
    pub quick_modes: Vec<QuickModeSecret>,
    pub warnings: Vec<String>,
}

impl Parsed {
    pub fn warn(&mut self, file: &str, line: usize, message: impl fmt::Display) {
        self.warnings
            .push(format!("warning: {file}:{line}: {message}"));
    }

    fn entries(&self) -> usize {
        self.psks.len()
            + self.ike.len()
            + self.ikev1_ready.len()
            + self.ikev2.len()
            + self.esp.len()
            + self.quick_modes.len()
    }
}

/// One file that was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedFile {
    pub name: String,
    pub format: KeyFormat,
    /// Entries read from it (before merging with other files).
    pub entries: usize,
}

/// The key material of all `--keys` files, merged.
///
/// `Debug` shows the structure with every secret redacted.
#[derive(Debug, Default)]
pub struct KeyStore {
    psks: Vec<PskEntry>,
    ike: Vec<IkeSecret>,
    ikev1_ready: Vec<Ikev1Ready>,
    ikev2: Vec<Ikev2Keys>,
    esp: Vec<EspSa>,
    quick_modes: Vec<QuickModeSecret>,
    files: Vec<LoadedFile>,
    warnings: Vec<String>,
}

impl KeyStore {
    pub fn new() -> KeyStore {
        KeyStore::default()
    }

    /// Reads every file (format recognised by content) and merges them. Stops at the first
    /// file that cannot be read or has a malformed line.
    pub fn load(paths: &[PathBuf]) -> Result<KeyStore, KeyFileError> {
        let mut store = KeyStore::new();
        for p in paths {
            store.add_file(p)?;
        }
        Ok(store)
    }

    /// Parses one key file held in memory; `name` is used in messages and origins.
    pub fn from_str(name: &str, text: &str) -> Result<KeyStore, KeyFileError> {
        let mut store = KeyStore::new();
        store.add_text(name, text)?;
        Ok(store)
    }

    /// Reads one more file into the store. On Unix, a file readable or writable by group or
    /// others adds a warning (see [`KeyStore::warnings`]).
    pub fn add_file(&mut self, path: &Path) -> Result<KeyFormat, KeyFileError> {
        let name = path.display().to_string();
        let mut bytes = std::fs::read(path).map_err(|e| {
            let fix = match e.kind() {
                std::io::ErrorKind::NotFound => "no such file: check the path given to --keys",
                std::io::ErrorKind::PermissionDenied => {
                    "permission denied: run ikescope as a user who may read it"
                }
                _ if path.is_dir() => "it is a directory: give the key file itself",
                _ => "",
            };
            let message = if fix.is_empty() {
                format!("cannot read: {e}")
            } else {
                fix.to_string()
            };
            KeyFileError::file(&name, message)
        })?;
        if let Some(w) = permission_warning(path, &name) {
            self.warnings.push(w);
        }
        let result = match std::str::from_utf8(&bytes) {
            Ok(text) => self.add_text(&name, text),
            Err(_) => Err(KeyFileError::file(&name, detect::describe(&bytes))),
        };
        // The file text held the secrets too.
        wipe(&mut bytes);
        result
    }

    /// Parses one key file's text into the store.
    pub fn add_text(&mut self, name: &str, text: &str) -> Result<KeyFormat, KeyFileError> {
        let Some(format) = detect::detect(text) else {
            return Err(KeyFileError::file(name, detect::describe(text.as_bytes())));
        };
        let file: Arc<str> = Arc::from(name);
        let mut parsed = Parsed::default();
        match format {
            KeyFormat::Toml => super::toml_file::parse(&file, text, &mut parsed)?,
            KeyFormat::CiscoConfig => super::cisco::parse(&file, text, &mut parsed)?,
            KeyFormat::IpsecSecrets => super::ipsec_secrets::parse(&file, text, &mut parsed)?,
            KeyFormat::Swanctl => super::swanctl::parse(&file, text, &mut parsed)?,
            KeyFormat::WiresharkEspSa => super::wireshark::parse_esp_sa(&file, text, &mut parsed)?,
            KeyFormat::WiresharkIkev1 => super::wireshark::parse_ikev1(&file, text, &mut parsed)?,
            KeyFormat::WiresharkIkev2 => super::wireshark::parse_ikev2(&file, text, &mut parsed)?,
            KeyFormat::XfrmState => super::xfrm::parse(&file, text, &mut parsed)?,
            KeyFormat::TcpdumpEsp => super::tcpdump::parse(&file, text, &mut parsed)?,
            KeyFormat::CharonLog => super::charon_log::parse(&file, text, &mut parsed)?,
        }
        let entries = parsed.entries();
        if entries == 0 {
            self.warnings.push(format!(
                "warning: {name}: read as {format}, but it holds no key material{}",
                match format {
                    KeyFormat::CharonLog => {
                        " (charon logs keys only at level 4: set `ike = 4`, `chd = 4` and \
                         `cfg = 4` in the charon filelog/syslog section)"
                    }
                    _ => "",
                }
            ));
        }
        self.files.push(LoadedFile {
            name: name.to_string(),
            format,
            entries,
        });
        self.merge(parsed);
        Ok(format)
    }

    fn merge(&mut self, parsed: Parsed) {
        self.warnings.extend(parsed.warnings);
        for p in parsed.psks {
            let dup = self
                .psks
                .iter()
                .any(|e| e.peer == p.peer && e.secret == p.secret && e.usage == p.usage);
            if !dup {
                self.psks.push(p);
            }
        }
        for s in parsed.ike {
            self.merge_ike(s);
        }
        for r in parsed.ikev1_ready {
            let dup = self.ikev1_ready.iter().any(|e| {
                e.initiator_cookie == r.initiator_cookie && e.encryption_key == r.encryption_key
            });
            if !dup {
                self.ikev1_ready.push(r);
            }
        }
        for k in parsed.ikev2 {
            let dup = self.ikev2.iter().any(|e| {
                e.spi_i == k.spi_i && e.spi_r == k.spi_r && e.sk_ei == k.sk_ei && e.sk_er == k.sk_er
            });
            if !dup {
                self.ikev2.push(k);
            }
        }
        for sa in parsed.esp {
            self.merge_esp(sa);
        }
        for q in parsed.quick_modes {
            let dup = self.quick_modes.iter().any(|e| {
                e.initiator_cookie == q.initiator_cookie
                    && e.message_id == q.message_id
                    && e.g_qm_xy == q.g_qm_xy
            });
            if !dup {
                self.quick_modes.push(q);
            }
        }
    }

    fn merge_ike(&mut self, new: IkeSecret) {
        let mut conflict_with: Option<(Origin, Vec<&'static str>)> = None;
        for existing in self.ike.iter_mut().filter(|e| e.same_sa(&new)) {
            let conflicts = existing.conflicts(&new);
            if conflicts.is_empty() {
                existing.absorb(new);
                return;
            }
            if conflict_with.is_none() {
                let origin = existing.origins.first().cloned();
                conflict_with = origin.map(|o| (o, conflicts));
            }
        }
        if let (Some((other, fields)), Some(here)) = (conflict_with, new.origins.first()) {
            self.warnings.push(format!(
                "warning: {here}: IKE SA {}/{}: {} differ from {other}; both are kept and \
                 ikescope will try each (the two peers derived different keys: a PSK mismatch?)",
                new.initiator_cookie,
                new.responder_cookie
                    .map_or_else(|| "?".to_string(), |c| c.to_string()),
                fields.join(", "),
            ));
        }
        self.ike.push(new);
    }

    fn merge_esp(&mut self, new: EspSa) {
        if let Some(existing) = self.esp.iter_mut().find(|e| e.same_keys(&new)) {
            if existing.encap.is_none() {
                existing.encap = new.encap;
            }
            existing.esn |= new.esn;
            return;
        }
        let clash = self.esp.iter().find(|e| {
            e.spi == new.spi
                && addr_overlap(e.dst, new.dst)
                && addr_overlap(e.src, new.src)
                && (e.enc_key != new.enc_key || e.integ_key != new.integ_key)
        });
        if let Some(other) = clash {
            self.warnings.push(format!(
                "warning: {}: ESP SA 0x{:08x} has other keys than in {}; both are kept and \
                 ikescope will use the one whose ICV verifies",
                new.origin, new.spi, other.origin
            ));
        }
        self.esp.push(new);
    }

    /// The g(qm)^xy of a quick mode with PFS, by its IKE SA and message ID.
    pub fn quick_mode_secret(
        &self,
        initiator_cookie: Cookie,
        message_id: u32,
    ) -> Option<&QuickModeSecret> {
        self.quick_modes
            .iter()
            .find(|q| q.initiator_cookie == initiator_cookie && q.message_id == message_id)
    }

    /// Every quick-mode DH secret.
    pub fn quick_mode_secrets(&self) -> &[QuickModeSecret] {
        &self.quick_modes
    }

    /// Every PSK, in file order.
    pub fn psks(&self) -> &[PskEntry] {
        &self.psks
    }

    /// The PSKs configured for a peer seen with these addresses (both endpoints' may be given)
    /// and identities, most specific first: exact address or identity, then longer prefixes,
    /// then `%any`. Each secret appears once. The decryption layer tries them in order and
    /// keeps the one whose HASH verifies; when none matches, it may fall back to
    /// [`KeyStore::psks`].
    pub fn psk_candidates(&self, addresses: &[IpAddr], identities: &[Identity]) -> Vec<&PskEntry> {
        let mut ranked: Vec<(_, usize, &PskEntry)> = self
            .psks
            .iter()
            .enumerate()
            .filter_map(|(i, e)| e.peer.specificity(addresses, identities).map(|s| (s, i, e)))
            .collect();
        // Most specific first; file order breaks ties.
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut out: Vec<&PskEntry> = Vec::new();
        for (_, _, e) in ranked {
            if !out.iter().any(|o| o.secret == e.secret) {
                out.push(e);
            }
        }
        out
    }

    /// Every IKE SA entry (DH material, SKEYID*, Ka, IKEv2 keys from charon logs).
    pub fn ike_secrets(&self) -> &[IkeSecret] {
        &self.ike
    }

    /// The entries for the IKE SA with these cookies (several when files disagree).
    pub fn ike_secrets_for(
        &self,
        initiator_cookie: Cookie,
        responder_cookie: Option<Cookie>,
    ) -> Vec<&IkeSecret> {
        self.ike
            .iter()
            .filter(|e| e.applies_to(initiator_cookie, responder_cookie))
            .collect()
    }

    /// Wireshark `ikev1_decryption_table` rows.
    pub fn ikev1_ready(&self) -> &[Ikev1Ready] {
        &self.ikev1_ready
    }

    /// Every ready phase-1 encryption key for this initiator cookie: Wireshark rows and
    /// `encryption_key` (Ka) of IKE SA entries.
    pub fn ikev1_encryption_keys(&self, initiator_cookie: Cookie) -> Vec<(&Secret, &Origin)> {
        let wireshark = self
            .ikev1_ready
            .iter()
            .filter(|r| r.initiator_cookie == initiator_cookie)
            .map(|r| (&r.encryption_key, &r.origin));
        let logged = self
            .ike
            .iter()
            .filter(|e| e.initiator_cookie == initiator_cookie)
            .filter_map(|e| Some((e.encryption_key.as_ref()?, e.origins.first()?)));
        let mut out: Vec<(&Secret, &Origin)> = Vec::new();
        for (k, o) in wireshark.chain(logged) {
            if !out.iter().any(|(x, _)| *x == k) {
                out.push((k, o));
            }
        }
        out
    }

    /// IKEv2 key sets read as such (Wireshark `ikev2_decryption_table`, TOML `[[ikev2]]`).
    /// Those logged by charon are inside [`IkeSecret::ikev2`]; [`KeyStore::ikev2_keys_for`]
    /// searches both.
    pub fn ikev2_keys(&self) -> &[Ikev2Keys] {
        &self.ikev2
    }

    /// Every IKEv2 key set for the IKE SA with these SPIs.
    pub fn ikev2_keys_for(&self, spi_i: Cookie, spi_r: Cookie) -> Vec<&Ikev2Keys> {
        self.ikev2
            .iter()
            .chain(self.ike.iter().filter_map(|e| e.ikev2.as_ref()))
            .filter(|k| k.spi_i == spi_i && k.spi_r == spi_r)
            .collect()
    }

    /// Every ESP SA.
    pub fn esp_sas(&self) -> &[EspSa] {
        &self.esp
    }

    /// ESP SAs for a packet with this SPI and outer addresses; exact addresses before
    /// prefixes before wildcards.
    pub fn esp_sas_for(&self, spi: u32, src: IpAddr, dst: IpAddr) -> Vec<&EspSa> {
        let rank = |m: AddrMatch| match m {
            AddrMatch::Addr(_) => 2u8,
            AddrMatch::Prefix { .. } => 1,
            AddrMatch::Any => 0,
        };
        let mut out: Vec<&EspSa> = self
            .esp
            .iter()
            .filter(|sa| sa.spi == spi && sa.src.matches(src) && sa.dst.matches(dst))
            .collect();
        out.sort_by_key(|sa| std::cmp::Reverse((rank(sa.dst), rank(sa.src))));
        out
    }

    /// The files read, in order.
    pub fn files(&self) -> &[LoadedFile] {
        &self.files
    }

    /// Warnings for the caller to print (permissions, skipped entries, conflicts). Never
    /// contain key bytes.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    pub fn is_empty(&self) -> bool {
        self.psks.is_empty()
            && self.ike.is_empty()
            && self.ikev1_ready.is_empty()
            && self.ikev2.is_empty()
            && self.esp.is_empty()
            && self.quick_modes.is_empty()
    }

    /// Counts and a one-line description of every entry, without secrets.
    pub fn summary(&self) -> Summary {
        let mut items = Vec::new();
        for p in &self.psks {
            items.push(SummaryItem {
                origin: p.origin.clone(),
                kind: "PSK",
                description: format!(
                    "peer {} ({} bytes{})",
                    p.peer,
                    p.secret.len(),
                    match p.usage {
                        super::entries::PskUsage::Both => "",
                        super::entries::PskUsage::Local => ", local",
                        super::entries::PskUsage::Remote => ", remote",
                    }
                ),
            });
        }
        for e in &self.ike {
            let mut what = Vec::new();
            if e.g_xy.is_some() {
                what.push("g^xy".to_string());
            }
            if let Some((side, _)) = &e.dh_private {
                what.push(format!("{side} DH private value"));
            }
            for (name, v) in [
                ("SKEYID", &e.skeyid),
                ("SKEYID_d", &e.skeyid_d),
                ("SKEYID_a", &e.skeyid_a),
                ("SKEYID_e", &e.skeyid_e),
                ("Ka", &e.encryption_key),
                ("SKEYSEED", &e.skeyseed),
            ] {
                if v.is_some() {
                    what.push(name.to_string());
                }
            }
            if e.ikev2.is_some() {
                what.push("SK_*".to_string());
            }
            if let Some(origin) = e.origins.first() {
                items.push(SummaryItem {
                    origin: origin.clone(),
                    kind: "IKE SA",
                    description: format!(
                        "{}/{}: {}",
                        e.initiator_cookie,
                        e.responder_cookie
                            .map_or_else(|| "*".to_string(), |c| c.to_string()),
                        what.join(", ")
                    ),
                });
            }
        }
        for r in &self.ikev1_ready {
            items.push(SummaryItem {
                origin: r.origin.clone(),
                kind: "IKEv1 key",
                description: format!(
                    "{}: {}-byte phase-1 key",
                    r.initiator_cookie,
                    r.encryption_key.len()
                ),
            });
        }
        for k in &self.ikev2 {
            items.push(SummaryItem {
                origin: k.origin.clone(),
                kind: "IKEv2 SA",
                description: format!(
                    "{}/{}: {}, {}",
                    k.spi_i,
                    k.spi_r,
                    k.enc.map_or_else(
                        || "?".to_string(),
                        |(a, bits)| enc_desc(a, usize::from(bits))
                    ),
                    k.integ.map_or("?", |i| i.name())
                ),
            });
        }
        for sa in &self.esp {
            items.push(SummaryItem {
                origin: sa.origin.clone(),
                kind: "ESP SA",
                description: format!(
                    "0x{:08x} {} -> {}: {}, {}{}{}",
                    sa.spi,
                    sa.src,
                    sa.dst,
                    enc_desc(sa.enc, sa.enc_key_bits()),
                    match sa.unchecked_icv_len {
                        Some(n) => format!("{n}-byte ICV unchecked"),
                        None => sa.integ.name().to_string(),
                    },
                    if sa.esn { ", ESN" } else { "" },
                    sa.encap
                        .map_or_else(String::new, |(s, d)| format!(", UDP {s}->{d}")),
                ),
            });
        }
        for q in &self.quick_modes {
            items.push(SummaryItem {
                origin: q.origin.clone(),
                kind: "quick-mode DH secret",
                description: format!(
                    "IKE SA {} quick mode {:08x}: g(qm)^xy, {} bytes",
                    q.initiator_cookie,
                    q.message_id,
                    q.g_qm_xy.len()
                ),
            });
        }
        let ike_keys = self
            .ike
            .iter()
            .filter(|e| {
                e.skeyid.is_some()
                    || e.skeyid_e.is_some()
                    || e.encryption_key.is_some()
                    || e.ikev2.is_some()
            })
            .count()
            + self.ikev1_ready.len()
            + self.ikev2.len();
        Summary {
            files: self.files.len(),
            psks: self.psks.len(),
            dh_secrets: self.ike.iter().filter(|e| e.has_dh()).count() + self.quick_modes.len(),
            ike_keys,
            esp_sas: self.esp.len(),
            items,
        }
    }
}

/// `AES-CBC 128-bit`, `AES-GCM 256-bit, 16-byte ICV`, `NULL`.
fn enc_desc(enc: EncAlg, bits: usize) -> String {
    match enc {
        EncAlg::Null => "NULL".into(),
        EncAlg::AesGcm { icv_len } => format!("AES-GCM {bits}-bit, {icv_len}-byte ICV"),
        e => format!("{e} {bits}-bit"),
    }
}

fn addr_overlap(a: AddrMatch, b: AddrMatch) -> bool {
    match (a, b) {
        (AddrMatch::Addr(x), other) | (other, AddrMatch::Addr(x)) => other.matches(x),
        _ => true,
    }
}

#[cfg(unix)]
fn permission_warning(path: &Path, name: &str) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode();
    (mode & 0o077 != 0).then(|| {
        format!(
            "warning: {name} is readable by group/others (mode {:04o}); chmod 600 {name}",
            mode & 0o7777
        )
    })
}

#[cfg(not(unix))]
fn permission_warning(_path: &Path, _name: &str) -> Option<String> {
    None
}

/// Counts for the status line and a secret-free listing of every entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub psks: usize,
    /// IKE SAs with g^xy or a DH private value.
    pub dh_secrets: usize,
    /// IKE SAs with ready keys (SKEYID*, Ka, SK_*; Wireshark IKE tables).
    pub ike_keys: usize,
    pub esp_sas: usize,
    pub items: Vec<SummaryItem>,
}

/// One entry of a [`Summary`]: where it came from and what it is, never the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryItem {
    pub origin: Origin,
    pub kind: &'static str,
    pub description: String,
}

impl fmt::Display for Summary {
    /// `3 PSKs, 1 DH secret, 2 ESP SAs from 2 files`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn count(n: usize, one: &str, many: &str) -> String {
            format!("{n} {}", if n == 1 { one } else { many })
        }
        let parts: Vec<String> = [
            (self.psks, "PSK", "PSKs"),
            (self.dh_secrets, "DH secret", "DH secrets"),
            (self.ike_keys, "IKE SA key set", "IKE SA key sets"),
            (self.esp_sas, "ESP SA", "ESP SAs"),
        ]
        .iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|(n, one, many)| count(*n, one, many))
        .collect();
        let what = if parts.is_empty() {
            "no keys".to_string()
        } else {
            parts.join(", ")
        };
        write!(f, "{what} from {}", count(self.files, "file", "files"))
    }
}
