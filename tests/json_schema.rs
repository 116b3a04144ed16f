//! docs/json.md against real output: the field tables (`<!-- schema: NAME -->`) and the
//! enumerations (`<!-- enum: NAME -->`) of the document are parsed, and every object that
//! `dissect --json`, `keys --json`, `report --json` and `events` print for the lab and external
//! captures is checked against them: no undocumented field, every field marked "always"
//! present, every value of its documented type and format, every enumerated value documented.
//! The `event` and `diagnosis-code` tables must list exactly what the code defines.

use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::Command;

use ikescope::track::diagnosis::DiagnosisCode;
use serde_json::{Map, Value};

// ---------------------------------------------------------------------------------------------
// The document

/// One alternative of a type cell: `string (SPI)`, `array of integer`, `null`.
#[derive(Debug, Clone)]
struct Ty {
    base: String,
    format: Option<String>,
    elem: Option<Box<Ty>>,
}

#[derive(Debug, Clone)]
struct Field {
    types: Vec<Ty>,
    always: bool,
    when: String,
}

#[derive(Debug, Default)]
struct Doc {
    /// schema name -> field name -> field.
    schemas: BTreeMap<String, BTreeMap<String, Field>>,
    /// enum name -> (value, the row's other cells).
    enums: BTreeMap<String, Vec<(String, Vec<String>)>>,
}

const BASES: [&str; 7] = [
    "string", "integer", "number", "boolean", "object", "array", "null",
];
const FORMATS: [&str; 9] = [
    "RFC 3339",
    "cookie",
    "cookie pair",
    "SPI",
    "message ID",
    "address",
    "endpoint",
    "tunnel",
    "hex",
];

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn parse_ty(text: &str) -> Ty {
    let t = text.trim();
    if let Some(rest) = t.strip_prefix("array of ") {
        return Ty {
            base: "array".into(),
            format: None,
            elem: Some(Box::new(parse_ty(rest))),
        };
    }
    let (base, format) = match t.split_once('(') {
        Some((b, f)) => {
            let f = f
                .strip_suffix(')')
                .unwrap_or_else(|| panic!("docs/json.md: unclosed format in type {text:?}"));
            (b.trim(), Some(f.trim().to_string()))
        }
        None => (t, None),
    };
    assert!(
        BASES.contains(&base),
        "docs/json.md: unknown type {base:?} in {text:?} (known: {BASES:?})"
    );
    if let Some(f) = &format {
        assert!(
            FORMATS.contains(&f.as_str()),
            "docs/json.md: unknown string format {f:?} in {text:?} (known: {FORMATS:?})"
        );
        assert_eq!(
            base, "string",
            "docs/json.md: a format on a non-string: {text:?}"
        );
    }
    Ty {
        base: base.to_string(),
        format,
        elem: None,
    }
}

/// The cells of a table row; `\|` is a literal bar.
fn cells(line: &str) -> Vec<String> {
    let l = line.trim().replace("\\|", "\u{1}");
    let l = l.strip_prefix('|').unwrap_or(&l);
    let l = l.strip_suffix('|').unwrap_or(l);
    l.split('|')
        .map(|c| c.replace('\u{1}', "|").trim().to_string())
        .collect()
}

/// `` `name` `` -> `name`; anything else is a malformed first cell.
fn backquoted(cell: &str, what: &str) -> String {
    let inner = cell
        .strip_prefix('`')
        .and_then(|c| c.strip_suffix('`'))
        .filter(|c| !c.contains('`'))
        .unwrap_or_else(|| {
            panic!("docs/json.md: {what}: first cell {cell:?} must be one `backquoted` value")
        });
    inner.to_string()
}

fn load_doc() -> Doc {
    let text = std::fs::read_to_string(repo().join("docs/json.md")).expect("read docs/json.md");
    let lines: Vec<&str> = text.lines().collect();
    let mut doc = Doc::default();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        i += 1;
        let Some(marker) = line
            .strip_prefix("<!--")
            .and_then(|l| l.strip_suffix("-->"))
            .map(str::trim)
        else {
            continue;
        };
        let (kind, name) = match marker.split_once(':') {
            Some((k, n)) if k == "schema" || k == "enum" => (k.to_string(), n.trim().to_string()),
            _ => continue,
        };
        while i < lines.len() && lines[i].trim().is_empty() {
            i += 1;
        }
        // Header and separator, then rows while lines start with '|'.
        assert!(
            lines
                .get(i)
                .is_some_and(|l| l.trim_start().starts_with('|'))
                && lines.get(i + 1).is_some_and(|l| l.contains("---")),
            "docs/json.md: `{marker}` is not followed by a table"
        );
        let header = cells(lines[i]);
        i += 2;
        let mut rows = Vec::new();
        while i < lines.len() && lines[i].trim_start().starts_with('|') {
            rows.push(cells(lines[i]));
            i += 1;
        }
        assert!(!rows.is_empty(), "docs/json.md: table `{marker}` is empty");
        if kind == "schema" {
            assert_eq!(
                header.len(),
                4,
                "docs/json.md: schema {name}: want columns field | type | when | meaning"
            );
            let mut fields = BTreeMap::new();
            for r in rows {
                assert_eq!(r.len(), 4, "docs/json.md: schema {name}: row {r:?}");
                let field = backquoted(&r[0], &format!("schema {name}"));
                let types = r[1].replace('`', "");
                let f = Field {
                    types: types.split(" or ").map(parse_ty).collect(),
                    always: r[2] == "always",
                    when: r[2].clone(),
                };
                assert!(
                    fields.insert(field.clone(), f).is_none(),
                    "docs/json.md: schema {name}: {field} twice"
                );
            }
            assert!(
                doc.schemas.insert(name.clone(), fields).is_none(),
                "docs/json.md: schema {name} twice"
            );
        } else {
            let mut values = Vec::new();
            for r in rows {
                let v = backquoted(&r[0], &format!("enum {name}"));
                assert!(
                    !values.iter().any(|(x, _): &(String, _)| *x == v),
                    "docs/json.md: enum {name}: {v} twice"
                );
                values.push((v, r[1..].to_vec()));
            }
            assert!(
                doc.enums.insert(name.clone(), values).is_none(),
                "docs/json.md: enum {name} twice"
            );
        }
    }
    doc
}

impl Doc {
    fn schema(&self, name: &str) -> &BTreeMap<String, Field> {
        self.schemas
            .get(name)
            .unwrap_or_else(|| panic!("docs/json.md has no `<!-- schema: {name} -->` table"))
    }

    fn values(&self, name: &str) -> BTreeSet<String> {
        self.enums
            .get(name)
            .unwrap_or_else(|| panic!("docs/json.md has no `<!-- enum: {name} -->` table"))
            .iter()
            .map(|(v, _)| v.clone())
            .collect()
    }

    /// Whether `value` is one of the enumeration's values; `<n>` in a documented value stands
    /// for a decimal number, any other `<…>` for some text.
    fn allows(&self, name: &str, value: &str) -> bool {
        self.values(name).iter().any(|v| pattern_matches(v, value))
    }
}

fn pattern_matches(pattern: &str, value: &str) -> bool {
    let Some(start) = pattern.find('<') else {
        return pattern == value;
    };
    let Some(len) = pattern[start..].find('>') else {
        return pattern == value;
    };
    let (prefix, hole, suffix) = (
        &pattern[..start],
        &pattern[start + 1..start + len],
        &pattern[start + len + 1..],
    );
    let Some(middle) = value
        .strip_prefix(prefix)
        .and_then(|v| v.strip_suffix(suffix))
    else {
        return false;
    };
    !middle.is_empty() && (hole != "n" || middle.bytes().all(|b| b.is_ascii_digit()))
}

// ---------------------------------------------------------------------------------------------
// Formats

fn is_lower_hex(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn is_cookie(s: &str) -> bool {
    s.len() == 16 && is_lower_hex(s)
}

fn is_0x8(s: &str) -> bool {
    s.strip_prefix("0x")
        .is_some_and(|h| h.len() == 8 && is_lower_hex(h))
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, with the fields in range.
fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r.clone())
            .filter(|d| d.iter().all(u8::is_ascii_digit))
            .and_then(|d| std::str::from_utf8(d).ok())
            .and_then(|d| d.parse::<u32>().ok())
    };
    let shape = b.len() >= 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':';
    if !shape {
        return false;
    }
    let (Some(_), Some(mo), Some(d), Some(h), Some(mi), Some(sec)) = (
        digits(0..4),
        digits(5..7),
        digits(8..10),
        digits(11..13),
        digits(14..16),
        digits(17..19),
    ) else {
        return false;
    };
    if !((1..=12).contains(&mo) && (1..=31).contains(&d) && h < 24 && mi < 60 && sec <= 60) {
        return false;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    rest == "Z"
        || (rest.len() == 6
            && (rest.starts_with('+') || rest.starts_with('-'))
            && rest.as_bytes()[3] == b':'
            && rest[1..3].bytes().all(|c| c.is_ascii_digit())
            && rest[4..6].bytes().all(|c| c.is_ascii_digit()))
}

fn format_ok(format: &str, s: &str) -> bool {
    match format {
        "RFC 3339" => is_rfc3339(s),
        "cookie" => is_cookie(s),
        "cookie pair" => s
            .split_once('/')
            .is_some_and(|(i, r)| is_cookie(i) && is_cookie(r)),
        "SPI" | "message ID" => is_0x8(s),
        "address" => s.parse::<IpAddr>().is_ok(),
        "endpoint" => s.parse::<SocketAddr>().is_ok(),
        "tunnel" => s
            .split_once(" <-> ")
            .is_some_and(|(a, b)| a.parse::<IpAddr>().is_ok() && b.parse::<IpAddr>().is_ok()),
        "hex" => s.len().is_multiple_of(2) && is_lower_hex(s),
        other => panic!("format {other} has no check"),
    }
}

fn ty_matches(ty: &Ty, v: &Value) -> bool {
    match ty.base.as_str() {
        "null" => v.is_null(),
        "string" => v
            .as_str()
            .is_some_and(|s| ty.format.as_deref().is_none_or(|f| format_ok(f, s))),
        "integer" => v.is_u64() || v.is_i64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "object" => v.is_object(),
        "array" => v.as_array().is_some_and(|a| {
            ty.elem
                .as_deref()
                .is_none_or(|e| a.iter().all(|x| ty_matches(e, x)))
        }),
        other => panic!("type {other} has no check"),
    }
}

#[test]
fn formats_accept_and_reject() {
    assert!(is_rfc3339("2026-11-22T05:42:32.055450000Z"));
    assert!(is_rfc3339("1970-01-01T00:00:00Z"));
    assert!(is_rfc3339("2026-11-22T05:42:32+01:00"));
    assert!(!is_rfc3339("2026-11-22 05:42:32Z"));
    assert!(!is_rfc3339("2026-13-22T05:42:32Z"));
    assert!(!is_rfc3339("2026-11-22T05:42:32."));
    assert!(!is_rfc3339("1795326152.05545"));
    assert!(is_cookie("31acfc6c27a16728") && !is_cookie("31ACFC6C27A16728"));
    assert!(is_0x8("0xc5039682") && !is_0x8("c5039682") && !is_0x8("0xC5039682"));
    assert!(format_ok("endpoint", "[2001:db8:1::1]:500") && !format_ok("endpoint", "192.0.2.1"));
    assert!(format_ok("tunnel", "192.0.2.1 <-> 192.0.2.2"));
    assert!(
        pattern_matches("unknown_<n>", "unknown_99")
            && !pattern_matches("unknown_<n>", "unknown_x")
    );
    assert!(pattern_matches(
        "refused: <NOTIFY>",
        "refused: NO_PROPOSAL_CHOSEN"
    ));
    assert!(!pattern_matches("refused: <NOTIFY>", "refused"));
}

// ---------------------------------------------------------------------------------------------
// Running ikescope

struct Run {
    cmd: String,
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn ikescope(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_ikescope"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("run ikescope");
    Run {
        cmd: format!("ikescope {}", args.join(" ")),
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

impl Run {
    /// Exit 0, and stderr is the text summary (lines `ikescope: …`), never JSON.
    fn ok(self) -> Run {
        assert_eq!(
            self.code,
            Some(0),
            "`{}`: stderr:\n{}",
            self.cmd,
            self.stderr
        );
        for l in self.stderr.lines() {
            assert!(
                l.starts_with("ikescope: ") && serde_json::from_str::<Value>(l).is_err(),
                "`{}`: stderr line is not the text summary: {l}",
                self.cmd
            );
        }
        assert!(
            self.stderr.contains(" frames ("),
            "`{}`: no closing summary on stderr:\n{}",
            self.cmd,
            self.stderr
        );
        self
    }

    fn lines(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|l| {
                serde_json::from_str(l)
                    .unwrap_or_else(|e| panic!("`{}`: not a JSON line ({e}): {l}", self.cmd))
            })
            .collect()
    }

    fn document(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("`{}`: stdout is not one JSON document: {e}", self.cmd))
    }
}

/// A capture and the key files to give with it.
struct Input {
    capture: String,
    keys: Vec<String>,
}

impl Input {
    fn args<'a>(&'a self, cmd: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
        let mut a = vec![cmd, self.capture.as_str()];
        for k in &self.keys {
            a.push("--keys");
            a.push(k);
        }
        a.extend_from_slice(extra);
        a
    }
}

fn lab_scenarios() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(repo().join("captures/lab"))
        .expect("captures/lab")
        .filter_map(|e| {
            let p = e.ok()?.path();
            (p.join("capture.pcap").exists() && p.join("keys.toml").exists())
                .then(|| p.file_name()?.to_str().map(str::to_string))
                .flatten()
        })
        .collect();
    v.sort();
    assert!(v.len() >= 13, "lab scenarios: {v:?}");
    v
}

/// Every lab capture with its keys; a few without (undecrypted paths); the external captures,
/// with their published keys where they have some (Wireshark tables), and the hostile ones.
fn inputs() -> Vec<Input> {
    let mut v = Vec::new();
    for s in lab_scenarios() {
        v.push(Input {
            capture: format!("captures/lab/{s}/capture.pcap"),
            keys: vec![format!("captures/lab/{s}/keys.toml")],
        });
    }
    for s in [
        "mm-psk-aes128-sha1-g14",
        "qm-proposal-mismatch",
        "ikev2-psk-aes128",
        "natt-mm-psk",
    ] {
        v.push(Input {
            capture: format!("captures/lab/{s}/capture.pcap"),
            keys: vec![],
        });
    }
    let w = "captures/external/wireshark";
    for (capture, keys) in [
        ("ikev1-certs.pcap", "ikev1_decryption_table"),
        ("esp-bug-12671.pcapng.gz", "esp_sa"),
        ("ikev2-decrypt-3des-sha1_160.pcap", "ikev2_decryption_table"),
        ("ikev2-decrypt-aes256cbc.pcapng", "ikev2_decryption_table"),
        ("ikev2-decrypt-aes256gcm16.pcap", "ikev2_decryption_table"),
    ] {
        v.push(Input {
            capture: format!("{w}/{capture}"),
            keys: vec![format!("{w}/{keys}")],
        });
    }
    let mut others: Vec<String> = ["tcpdump", "zeek", "suricata-verify", "robustness"]
        .iter()
        .flat_map(|d| {
            std::fs::read_dir(repo().join("captures/external").join(d))
                .unwrap_or_else(|e| panic!("captures/external/{d}: {e}"))
                .filter_map(move |e| {
                    let name = e.ok()?.file_name().to_str()?.to_string();
                    (name.ends_with(".pcap") || name.ends_with(".cap"))
                        .then(|| format!("captures/external/{d}/{name}"))
                })
        })
        .collect();
    others.sort();
    assert!(others.len() >= 10, "external captures: {others:?}");
    v.extend(others.into_iter().map(|capture| Input {
        capture,
        keys: vec![],
    }));
    v
}

// ---------------------------------------------------------------------------------------------
// Checking objects

struct Checker<'d> {
    doc: &'d Doc,
    errors: Vec<String>,
    /// Enumerated values seen, per enumeration.
    seen: BTreeMap<String, BTreeSet<String>>,
}

impl<'d> Checker<'d> {
    fn new(doc: &'d Doc) -> Self {
        Checker {
            doc,
            errors: Vec::new(),
            seen: BTreeMap::new(),
        }
    }

    fn err(&mut self, at: &str, msg: String) {
        if self.errors.len() < 200 {
            self.errors.push(format!("{at}: {msg}"));
        }
    }

    /// `v` must be an object with exactly the fields of `schemas` (union): the "always" ones
    /// present, no undocumented one, each of its documented type.
    fn object<'v>(&mut self, at: &str, v: &'v Value, schemas: &[&str]) -> &'v Map<String, Value> {
        static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
        let Some(obj) = v.as_object() else {
            self.err(at, format!("not an object: {v}"));
            return EMPTY.get_or_init(Map::new);
        };
        let mut fields: BTreeMap<&str, &Field> = BTreeMap::new();
        for s in schemas {
            for (name, f) in self.doc.schema(s) {
                fields.insert(name, f);
            }
        }
        for (name, f) in &fields {
            match obj.get(*name) {
                None if f.always => self.err(
                    at,
                    format!("field `{name}` ({schemas:?}) is \"always\" but missing"),
                ),
                None => {}
                Some(x) if !f.types.iter().any(|t| ty_matches(t, x)) => self.err(
                    at,
                    format!(
                        "field `{name}` = {x} is not of the documented type {:?}",
                        f.types
                    ),
                ),
                Some(_) => {}
            }
        }
        for (name, x) in obj {
            if !fields.contains_key(name.as_str()) {
                self.err(
                    at,
                    format!("field `{name}` = {x} is not documented in {schemas:?}"),
                );
            }
        }
        obj
    }

    /// The string at `obj[field]`, if any, must be a value of enumeration `name`.
    fn enum_field(&mut self, at: &str, obj: &Map<String, Value>, field: &str, name: &str) {
        match obj.get(field) {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) => {
                self.seen
                    .entry(name.to_string())
                    .or_default()
                    .insert(s.clone());
                if !self.doc.allows(name, s) {
                    self.err(
                        at,
                        format!("`{field}` = {s:?} is not in the documented enumeration {name}"),
                    );
                }
            }
            Some(x) => self.err(at, format!("`{field}` = {x}: want a string of {name}")),
        }
    }

    fn each<'v>(
        &mut self,
        at: &str,
        v: Option<&'v Value>,
        schemas: &[&str],
    ) -> Vec<&'v Map<String, Value>> {
        let items: Vec<&Value> = v
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        items
            .into_iter()
            .enumerate()
            .map(|(i, x)| self.object(&format!("{at}[{i}]"), x, schemas))
            .collect()
    }

    fn finish(self, what: &str) -> BTreeMap<String, BTreeSet<String>> {
        assert!(
            self.errors.is_empty(),
            "{what} does not match docs/json.md ({} problems):\n{}",
            self.errors.len(),
            self.errors.join("\n")
        );
        self.seen
    }
}

fn str_of<'v>(obj: &'v Map<String, Value>, field: &str) -> &'v str {
    obj.get(field).and_then(Value::as_str).unwrap_or("")
}

fn nodes(c: &mut Checker<'_>, at: &str, v: &Value) {
    let Some(a) = v.as_array() else { return };
    for (i, n) in a.iter().enumerate() {
        let at = format!("{at}[{i}]");
        let o = c.object(&at, n, &["dissect.node"]);
        if let Some(kids) = o.get("children") {
            if kids.as_array().is_some_and(Vec::is_empty) {
                c.err(&at, "`children` is present but empty".into());
            }
            nodes(c, &format!("{at}.children"), kids);
        }
    }
}

fn check_dissect(c: &mut Checker<'_>, at: &str, v: &Value) {
    let proto = v.get("protocol").and_then(Value::as_str).unwrap_or("");
    let mut schemas = vec!["dissect"];
    let malformed = v.get("anomaly").is_some();
    if malformed {
        schemas.push("dissect.malformed");
    } else {
        match (proto, v.get("version").and_then(Value::as_u64)) {
            ("isakmp", Some(1)) => schemas.extend(["dissect.isakmp", "dissect.isakmp.v1"]),
            ("isakmp", Some(2)) => schemas.extend(["dissect.isakmp", "dissect.isakmp.v2"]),
            ("isakmp", other) => c.err(at, format!("ISAKMP with version {other:?}")),
            ("esp", _) => schemas.push("dissect.esp"),
            ("ah", _) => schemas.push("dissect.ah"),
            ("nat_keepalive", _) => {}
            (other, _) => c.err(at, format!("protocol {other:?} without `anomaly`")),
        }
    }
    let o = c.object(at, v, &schemas);
    c.enum_field(at, o, "protocol", "protocol");
    c.enum_field(at, o, "exchange", "exchange");
    c.enum_field(at, o, "position", "position");
    c.enum_field(at, o, "hash", "hash");
    c.enum_field(at, o, "icv", "icv");
    if o.get("udp_encapsulated")
        .is_some_and(|u| u != &Value::Bool(true))
    {
        c.err(at, "`udp_encapsulated` is only ever `true`".into());
    }
    if o.get("hash_verified").is_some() != o.get("hash").is_some() {
        c.err(at, "`hash_verified` comes with `hash`".into());
    }
    if let Some(d) = o.get("decryption") {
        let d = c.object(&format!("{at}.decryption"), d, &["dissect.decryption"]);
        c.enum_field(at, d, "status", "decryption-status");
        let want = match str_of(d, "status") {
            "decrypted" => "with",
            "no_keys" => "needs",
            _ => "why",
        };
        if d.len() != 2 || !d.contains_key(want) {
            c.err(
                at,
                format!("decryption {d:?}: want `status` and `{want}` only"),
            );
        }
        if (str_of(d, "status") == "decrypted") != (o.get("decrypted") == Some(&Value::Bool(true)))
        {
            c.err(at, "`decrypted` disagrees with `decryption.status`".into());
        }
    }
    if proto == "isakmp" && !malformed {
        let encrypted = o.get("encrypted") == Some(&Value::Bool(true));
        if encrypted != o.contains_key("decryption") {
            c.err(
                at,
                "`decryption` is there exactly when `encrypted` is true".into(),
            );
        }
        let payloads: Vec<&Value> = o
            .get("payloads")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        for p in payloads {
            let name = p.as_str().unwrap_or("");
            let base = name.split('(').next().unwrap_or("");
            if base.is_empty() || (name.contains('(') && !name.ends_with(')')) {
                c.err(at, format!("payload name {name:?}"));
            }
        }
    }
    if proto == "esp" && !malformed {
        let decrypted = o.get("decrypted") == Some(&Value::Bool(true));
        if decrypted != o.contains_key("inner") {
            c.err(
                at,
                "`inner` is there exactly when `decrypted` is true".into(),
            );
        }
        if !decrypted && str_of(o, "icv") != "unchecked" {
            c.err(
                at,
                "an ESP packet not decrypted has `icv` `unchecked`".into(),
            );
        }
    }
    if let Some(inner) = o.get("inner") {
        c.object(&format!("{at}.inner"), inner, &["dissect.esp.inner"]);
    }
    if let Some(d) = o.get("details") {
        nodes(c, &format!("{at}.details"), d);
    }
}

fn check_keys(c: &mut Checker<'_>, at: &str, v: &Value, show_keys: bool) {
    let top = c.object(at, v, &["keys"]);
    let doc = c.doc;
    let secret_fields = |schema: &str| -> Vec<(String, bool)> {
        doc.schema(schema)
            .iter()
            .filter(|(_, f)| f.when.contains("--show-keys"))
            .map(|(n, f)| (n.clone(), f.when == "with `--show-keys`"))
            .collect()
    };
    let ike_secrets = secret_fields("keys.ike_sa");
    let esp_secrets = secret_fields("keys.ipsec_sa");
    assert!(
        ike_secrets.len() >= 10 && esp_secrets.len() == 2,
        "docs/json.md: the secret fields (\"with `--show-keys`\") of keys.ike_sa / keys.ipsec_sa: {ike_secrets:?} {esp_secrets:?}"
    );
    for (i, sa) in c
        .each(
            &format!("{at}.ike_sas"),
            top.get("ike_sas"),
            &["keys.ike_sa"],
        )
        .into_iter()
        .enumerate()
    {
        let at = format!("{at}.ike_sas[{i}]");
        for (name, unconditional) in &ike_secrets {
            let present = sa.contains_key(name);
            if !show_keys && present {
                c.err(&at, format!("secret `{name}` printed without --show-keys"));
            }
            if show_keys && *unconditional && !present {
                c.err(&at, format!("`{name}` missing with --show-keys"));
            }
        }
        let derived: Vec<Value> = sa
            .get("derived")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for d in &derived {
            let d = d.as_str().unwrap_or("");
            c.seen.entry("derived".into()).or_default().insert(d.into());
            if !c.doc.allows("derived", d) {
                c.err(&at, format!("derived {d:?} is not documented"));
            }
        }
        if sa.get("key_source").is_some_and(Value::is_null)
            != sa.get("messages_decrypted").is_some_and(|m| m == 0)
        {
            c.err(
                &at,
                "`key_source` is null exactly when no message decrypted".into(),
            );
        }
        for (j, p) in c
            .each(&format!("{at}.psk"), sa.get("psk"), &["keys.psk"])
            .into_iter()
            .enumerate()
        {
            let at = format!("{at}.psk[{j}]");
            c.enum_field(&at, p, "side", "role");
            c.enum_field(&at, p, "verdict", "psk-verdict");
            c.enum_field(&at, p, "check", "psk-check");
        }
    }
    for (i, e) in c
        .each(
            &format!("{at}.ipsec_sas"),
            top.get("ipsec_sas"),
            &["keys.ipsec_sa"],
        )
        .into_iter()
        .enumerate()
    {
        for (name, _) in &esp_secrets {
            if e.contains_key(name) != show_keys {
                c.err(
                    &format!("{at}.ipsec_sas[{i}]"),
                    format!("`{name}` with show_keys={show_keys}"),
                );
            }
        }
    }
}

fn check_diagnosis(c: &mut Checker<'_>, at: &str, d: &Map<String, Value>) {
    c.enum_field(at, d, "code", "diagnosis-code");
    c.enum_field(at, d, "severity", "severity");
    c.each(
        &format!("{at}.differences"),
        d.get("differences"),
        &["diagnosis.difference"],
    );
    if d.get("differences")
        .and_then(Value::as_array)
        .is_some_and(Vec::is_empty)
    {
        c.err(
            at,
            "`differences` present but empty (it is left out when there are none)".into(),
        );
    }
}

fn check_report(c: &mut Checker<'_>, at: &str, v: &Value) {
    let top = c.object(at, v, &["report"]);
    for (i, sa) in c
        .each(
            &format!("{at}.ike_sas"),
            top.get("ike_sas"),
            &["report.ike_sa"],
        )
        .into_iter()
        .enumerate()
    {
        let at = format!("{at}.ike_sas[{i}]");
        c.enum_field(&at, sa, "mode", "ike-mode");
        c.enum_field(&at, sa, "state", "ike-state");
        c.enum_field(&at, sa, "outcome", "ike-outcome");
        match sa.get("sides").and_then(Value::as_object) {
            Some(sides) if sides.len() == 2 => {
                for role in ["initiator", "responder"] {
                    let at = format!("{at}.sides.{role}");
                    match sides.get(role) {
                        Some(s) => {
                            let s = c.object(&at, s, &["report.ike_sa.side"]);
                            c.enum_field(&at, s, "isakmp_state", "ike-state");
                            c.enum_field(&at, s, "debug_state", "debug-state");
                        }
                        None => c.err(&at, "missing".into()),
                    }
                }
            }
            other => c.err(
                &at,
                format!("`sides` must be {{initiator, responder}}: {other:?}"),
            ),
        }
        if let Some(n) = sa.get("nat_detected").filter(|n| !n.is_null()) {
            c.object(&format!("{at}.nat_detected"), n, &["report.nat_detected"]);
        }
        if let Some(d) = sa.get("dpd") {
            c.object(&format!("{at}.dpd"), d, &["report.dpd"]);
        }
        for (j, t) in c
            .each(
                &format!("{at}.transitions"),
                sa.get("transitions"),
                &["report.transition"],
            )
            .into_iter()
            .enumerate()
        {
            let at = format!("{at}.transitions[{j}]");
            c.enum_field(&at, t, "side", "role");
            c.enum_field(&at, t, "from", "debug-state");
            c.enum_field(&at, t, "to", "debug-state");
        }
        for (j, q) in c
            .each(
                &format!("{at}.quick_modes"),
                sa.get("quick_modes"),
                &["report.quick_mode"],
            )
            .into_iter()
            .enumerate()
        {
            let at = format!("{at}.quick_modes[{j}]");
            c.enum_field(&at, q, "initiator", "role");
            c.enum_field(&at, q, "outcome", "quick-mode-outcome");
            if let Some(s) = q.get("states") {
                let s = c.object(&format!("{at}.states"), s, &["report.quick_mode.states"]);
                c.enum_field(&at, s, "initiator", "debug-state");
                c.enum_field(&at, s, "responder", "debug-state");
            }
        }
    }
    for (i, sa) in c
        .each(
            &format!("{at}.ipsec_sas"),
            top.get("ipsec_sas"),
            &["report.ipsec_sa"],
        )
        .into_iter()
        .enumerate()
    {
        let at = format!("{at}.ipsec_sas[{i}]");
        c.enum_field(&at, sa, "protocol", "ipsec-protocol");
        if let Some(s) = sa.get("sequence") {
            c.object(&format!("{at}.sequence"), s, &["report.sequence"]);
        }
    }
    for (i, t) in c
        .each(
            &format!("{at}.tunnels"),
            top.get("tunnels"),
            &["report.tunnel"],
        )
        .into_iter()
        .enumerate()
    {
        let at = format!("{at}.tunnels[{i}]");
        c.enum_field(&at, t, "status", "session-status");
        for f in ["packets", "bytes"] {
            if let Some(x) = t.get(f) {
                c.object(&format!("{at}.{f}"), x, &["report.tunnel.direction"]);
            }
        }
        if t.get("peers").and_then(Value::as_array).map(Vec::len) != Some(2) {
            c.err(&at, "`peers` must hold two addresses".into());
        }
    }
    for (i, d) in c
        .each(
            &format!("{at}.diagnoses"),
            top.get("diagnoses"),
            &["diagnosis"],
        )
        .into_iter()
        .enumerate()
    {
        check_diagnosis(c, &format!("{at}.diagnoses[{i}]"), d);
    }
    if let Some(s) = top.get("summary") {
        let s = c.object(&format!("{at}.summary"), s, &["report.summary"]);
        if let Some(d) = s.get("decode") {
            c.object(&format!("{at}.summary.decode"), d, &["summary.decode"]);
        }
        if let Some(d) = s.get("decryption").filter(|d| !d.is_null()) {
            c.object(
                &format!("{at}.summary.decryption"),
                d,
                &["summary.decryption"],
            );
        }
        if let Some(t) = s.get("tracker") {
            c.object(&format!("{at}.summary.tracker"), t, &["summary.tracker"]);
        }
        c.each(
            &format!("{at}.summary.anomalies"),
            s.get("anomalies"),
            &["summary.anomaly"],
        );
    }
}

fn check_event(c: &mut Checker<'_>, at: &str, v: &Value) {
    let kind = v
        .get("event")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if !c.doc.allows("event", &kind) {
        c.err(
            at,
            format!("event kind {kind:?} is not in the documented `event` table"),
        );
        return;
    }
    c.seen
        .entry("event".into())
        .or_default()
        .insert(kind.clone());
    let schema = format!("events.{kind}");
    let mut schemas = vec![schema.as_str()];
    if kind == "diagnosis" {
        schemas.push("diagnosis");
    }
    let o = c.object(at, v, &schemas);
    match kind.as_str() {
        "ike_sa_created" => c.enum_field(at, o, "mode", "ike-mode"),
        "state_change" => {
            c.enum_field(at, o, "role", "role");
            c.enum_field(at, o, "from", "debug-state");
            c.enum_field(at, o, "to", "debug-state");
            c.enum_field(at, o, "isakmp_state", "ike-state");
        }
        "spi_first_seen" => c.enum_field(at, o, "protocol", "ipsec-protocol"),
        "delete" => {
            c.enum_field(at, o, "protocol", "delete-protocol");
            if (str_of(o, "protocol") == "isakmp") == o.contains_key("spis") {
                c.err(at, "`spis` is there exactly for esp/ah deletes".into());
            }
        }
        "dpd" => c.enum_field(at, o, "kind", "dpd-kind"),
        "diagnosis" => check_diagnosis(c, at, o),
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// The tests

/// Every enumeration and schema the checks use exists, every event kind has its field table,
/// and the `event` and `diagnosis-code` tables are exactly what the code defines.
#[test]
fn doc_tables_match_the_code() {
    let doc = load_doc();

    // Event kinds: the variants of `pub enum Event` (serde: tag "event", snake_case).
    let src = std::fs::read_to_string(repo().join("src/track/events.rs")).expect("events.rs");
    assert!(
        src.contains(r#"#[serde(tag = "event", rename_all = "snake_case")]"#),
        "src/track/events.rs: the serde tagging this test assumes has changed"
    );
    let body = src
        .split_once("pub enum Event {")
        .map(|(_, b)| b)
        .and_then(|b| b.split_once("\n}"))
        .map(|(b, _)| b)
        .expect("src/track/events.rs: `pub enum Event { … }`");
    let code_events: BTreeSet<String> = body
        .lines()
        .filter(|l| l.starts_with("    ") && !l.starts_with("     "))
        .map(str::trim)
        .filter(|l| l.starts_with(|c: char| c.is_ascii_uppercase()))
        .map(|l| {
            let ident: String = l.chars().take_while(char::is_ascii_alphanumeric).collect();
            let mut snake = String::new();
            for (i, ch) in ident.chars().enumerate() {
                if ch.is_ascii_uppercase() && i > 0 {
                    snake.push('_');
                }
                snake.push(ch.to_ascii_lowercase());
            }
            snake
        })
        .collect();
    assert!(
        code_events.len() >= 10,
        "parsed event kinds: {code_events:?}"
    );
    assert_eq!(
        doc.values("event"),
        code_events,
        "docs/json.md's `event` table vs the variants of src/track/events.rs"
    );
    for kind in &code_events {
        let s = doc.schema(&format!("events.{kind}"));
        let event = s
            .get("event")
            .unwrap_or_else(|| panic!("events.{kind}: no `event` row"));
        assert!(event.always, "events.{kind}: `event` is always present");
        if kind != "diagnosis" {
            for f in ["frame", "time"] {
                assert!(
                    s.get(f).is_some_and(|x| x.always),
                    "events.{kind}: `{f}` row missing or not \"always\""
                );
            }
        }
    }
    let event_tables: BTreeSet<String> = doc
        .schemas
        .keys()
        .filter_map(|k| k.strip_prefix("events.").map(str::to_string))
        .collect();
    assert_eq!(
        event_tables, code_events,
        "`events.*` field tables vs event kinds"
    );

    // Diagnosis codes and their severities, from the library itself.
    let rows = &doc.enums["diagnosis-code"];
    let documented: BTreeMap<&str, &str> = rows
        .iter()
        .map(|(v, rest)| (v.as_str(), rest.first().map_or("", String::as_str)))
        .collect();
    let code: BTreeMap<&str, String> = DiagnosisCode::ALL
        .iter()
        .map(|c| {
            let sev = serde_json::to_value(c.severity()).expect("severity");
            (c.code(), sev.as_str().unwrap_or("").to_string())
        })
        .collect();
    assert_eq!(
        documented.keys().collect::<Vec<_>>(),
        code.keys().collect::<Vec<_>>(),
        "docs/json.md's `diagnosis-code` table vs DiagnosisCode::ALL"
    );
    for (c, sev) in &code {
        assert_eq!(documented[c], sev, "severity of {c} in docs/json.md");
        assert!(
            doc.allows("severity", sev),
            "severity {sev} not in the `severity` table"
        );
    }
    for d in DiagnosisCode::ALL {
        let v = serde_json::to_value(d).expect("code");
        assert_eq!(v.as_str(), Some(d.code()), "JSON form of {d:?}");
    }

    for e in [
        "protocol",
        "exchange",
        "position",
        "hash",
        "decryption-status",
        "icv",
        "role",
        "derived",
        "psk-verdict",
        "psk-check",
        "ike-mode",
        "ike-state",
        "ike-outcome",
        "debug-state",
        "quick-mode-outcome",
        "ipsec-protocol",
        "session-status",
        "severity",
        "delete-protocol",
        "dpd-kind",
    ] {
        doc.values(e);
    }
    // The brief's minimum: these are documented as always there.
    for (schema, fields) in [
        ("dissect", &["frame", "time", "src", "dst", "protocol"][..]),
        (
            "dissect.isakmp",
            &[
                "version",
                "initiator_cookie",
                "responder_cookie",
                "exchange",
                "message_id",
                "payloads",
            ][..],
        ),
        ("dissect.esp", &["spi", "sequence", "decrypted", "icv"][..]),
        ("dissect.ah", &["spi", "sequence"][..]),
    ] {
        for f in fields {
            assert!(
                doc.schema(schema).get(*f).is_some_and(|x| x.always),
                "{schema}.{f} must be documented as always present"
            );
        }
    }
}

#[test]
fn dissect_json_matches_the_doc() {
    let doc = load_doc();
    let mut c = Checker::new(&doc);
    let mut protocols = BTreeSet::new();
    for input in inputs() {
        for extra in [&[][..], &["-v"][..]] {
            let mut args = input.args("dissect", &["--json"]);
            args.extend_from_slice(extra);
            let run = ikescope(&args).ok();
            let lines = run.lines();
            assert!(
                !lines.is_empty() || input.capture.contains("robustness"),
                "`{}`: no output",
                run.cmd
            );
            for (i, v) in lines.iter().enumerate() {
                check_dissect(&mut c, &format!("`{}` line {}", run.cmd, i + 1), v);
                if let Some(p) = v.get("protocol").and_then(Value::as_str) {
                    protocols.insert(p.to_string());
                }
                if extra.is_empty() {
                    let inner_bytes = v.pointer("/inner/bytes");
                    assert!(
                        inner_bytes.is_none_or(Value::is_null),
                        "`{}`: inner.bytes without -v",
                        run.cmd
                    );
                } else if v.get("anomaly").is_none()
                    && matches!(
                        v.get("protocol").and_then(Value::as_str),
                        Some("isakmp" | "esp")
                    )
                {
                    assert!(
                        v.get("details").is_some(),
                        "`{}` line {}: -v without details",
                        run.cmd,
                        i + 1
                    );
                }
            }
        }
    }
    let seen = c.finish("dissect --json");
    // The captures exercise the main shapes, so the checks above were not vacuous.
    for p in ["isakmp", "esp", "nat_keepalive"] {
        assert!(
            protocols.contains(p),
            "no {p} packet in the inputs: {protocols:?}"
        );
    }
    for (e, want) in [
        ("decryption-status", &["decrypted", "no_keys", "failed"][..]),
        ("icv", &["ok", "unchecked"][..]),
        (
            "position",
            &["MM1", "MM6", "AM3", "QM3", "INFO", "IKE_AUTH resp"][..],
        ),
    ] {
        for w in want {
            assert!(
                seen.get(e).is_some_and(|s| s.contains(*w)),
                "{e} {w} never seen: {seen:?}"
            );
        }
    }
}

#[test]
fn keys_json_matches_the_doc() {
    let doc = load_doc();
    let mut c = Checker::new(&doc);
    let mut ike_sas = 0;
    for input in inputs().iter().filter(|i| !i.keys.is_empty()) {
        for show in [false, true] {
            let extra: &[&str] = if show {
                &["--json", "--show-keys"]
            } else {
                &["--json"]
            };
            let run = ikescope(&input.args("keys", extra)).ok();
            let v = run.document();
            ike_sas += v["ike_sas"].as_array().map_or(0, Vec::len);
            check_keys(&mut c, &format!("`{}`", run.cmd), &v, show);
        }
    }
    let seen = c.finish("keys --json");
    assert!(ike_sas >= 20, "too few IKE SAs to check: {ike_sas}");
    for v in ["matches", "refuted"] {
        assert!(
            seen["psk-verdict"].contains(v),
            "no PSK verdict {v}: {seen:?}"
        );
    }
}

#[test]
fn report_json_matches_the_doc() {
    let doc = load_doc();
    let mut c = Checker::new(&doc);
    let mut codes = BTreeSet::new();
    for input in inputs() {
        let run = ikescope(&input.args("report", &["--json"])).ok();
        let v = run.document();
        check_report(&mut c, &format!("`{}`", run.cmd), &v);
        for d in v["diagnoses"].as_array().into_iter().flatten() {
            codes.insert(d["code"].as_str().unwrap_or("").to_string());
        }
        // The anomalies `dissect` names are the ones the summary counts.
        let counted: BTreeSet<&str> = v["summary"]["anomalies"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a["name"].as_str())
            .collect();
        let dissect = ikescope(&input.args("dissect", &["--json"])).ok();
        for line in dissect.lines() {
            if let Some(a) = line["anomaly"].as_str() {
                assert!(
                    counted.contains(a),
                    "`{}`: anomaly {a:?} not in report's summary {counted:?}",
                    run.cmd
                );
            }
        }
    }
    let seen = c.finish("report --json");
    // Every code seen is documented (checked above); the captures show at least these.
    for code in [
        "psk_mismatch",
        "phase1_policy_mismatch",
        "phase2_proposal_mismatch",
        "proxy_id_mismatch",
        "phase2_refused",
        "one_way_esp",
    ] {
        assert!(
            codes.contains(code),
            "diagnosis {code} not produced: {codes:?}"
        );
    }
    let modes: BTreeSet<String> = ["main", "aggressive", "ikev2"].map(String::from).into();
    assert!(seen["ike-mode"].is_superset(&modes), "{seen:?}");
}

#[test]
fn report_as_peer_keeps_that_peers_sas() {
    let doc = load_doc();
    let mut c = Checker::new(&doc);
    for (scenario, peer) in [
        ("natt-mm-psk", "192.0.2.1"),
        ("mm-transport-ipv6", "2001:db8:1::2"),
        ("mm-psk-mismatch", "192.0.2.2"),
    ] {
        let capture = format!("captures/lab/{scenario}/capture.pcap");
        let keys = format!("captures/lab/{scenario}/keys.toml");
        let run = ikescope(&["report", &capture, "--keys", &keys, "--json", "--as", peer]).ok();
        let v = run.document();
        check_report(&mut c, &format!("`{}`", run.cmd), &v);
        let ike = v["ike_sas"].as_array().expect("ike_sas");
        assert!(!ike.is_empty(), "`{}`: no IKE SA", run.cmd);
        for sa in ike {
            let sides = [
                &sa["sides"]["initiator"]["address"],
                &sa["sides"]["responder"]["address"],
            ];
            assert!(
                sides.iter().any(|a| a.as_str() == Some(peer)),
                "`{}`: {sa}",
                run.cmd
            );
        }
        for sa in v["ipsec_sas"].as_array().expect("ipsec_sas") {
            assert!(
                sa["src"] == peer || sa["dst"] == peer,
                "`{}`: {sa}",
                run.cmd
            );
        }
        for t in v["tunnels"].as_array().expect("tunnels") {
            assert!(
                t["peers"]
                    .as_array()
                    .is_some_and(|p| p.iter().any(|a| a == peer)),
                "`{}`: {t}",
                run.cmd
            );
        }
        let diagnoses = v["diagnoses"].as_array().expect("diagnoses");
        for d in diagnoses {
            let tunnel = d["tunnel"].as_str().unwrap_or_default();
            assert!(
                tunnel.split(" <-> ").any(|end| end == peer),
                "`{}`: {d}",
                run.cmd
            );
        }
        if scenario == "mm-psk-mismatch" {
            assert_eq!(diagnoses.len(), 1, "`{}`: {diagnoses:?}", run.cmd);
        }
    }
    c.finish("report --json --as");
}

#[test]
fn events_match_the_doc() {
    let doc = load_doc();
    let mut c = Checker::new(&doc);
    for input in inputs() {
        let run = ikescope(&input.args("events", &[])).ok();
        let events = run.lines();
        for (i, v) in events.iter().enumerate() {
            check_event(&mut c, &format!("`{}` line {}", run.cmd, i + 1), v);
        }
        // Diagnosis events come last, and are report's diagnoses.
        let first_diag = events.iter().position(|e| e["event"] == "diagnosis");
        if let Some(p) = first_diag {
            assert!(
                events[p..].iter().all(|e| e["event"] == "diagnosis"),
                "`{}`: diagnosis events are not last",
                run.cmd
            );
        }
        let from_events: Vec<Value> = events
            .iter()
            .filter(|e| e["event"] == "diagnosis")
            .map(|e| {
                let mut e = e.clone();
                e.as_object_mut().map(|o| o.remove("event"));
                e
            })
            .collect();
        let report = ikescope(&input.args("report", &["--json"])).ok().document();
        assert_eq!(
            Value::Array(from_events),
            report["diagnoses"],
            "`{}`: the diagnosis events are not report's diagnoses",
            run.cmd
        );
        // Frames never go backwards (capture order).
        let frames: Vec<u64> = events.iter().filter_map(|e| e["frame"].as_u64()).collect();
        assert!(
            frames.windows(2).all(|w| w[0] <= w[1]),
            "`{}`: events out of frame order",
            run.cmd
        );
    }
    let seen = c.finish("events");
    let kinds = &seen["event"];
    for k in [
        "ike_sa_created",
        "state_change",
        "ike_sa_established",
        "ike_sa_failed",
        "quick_mode_done",
        "quick_mode_failed",
        "spi_first_seen",
        "delete",
        "nat_t_float",
        "dpd",
        "diagnosis",
    ] {
        assert!(kinds.contains(k), "no {k} event in the inputs: {kinds:?}");
    }
}

/// Keys and PSKs appear in `keys --show-keys` and nowhere else.
#[test]
fn secrets_appear_only_with_show_keys() {
    let mut checked = 0;
    for s in lab_scenarios() {
        let capture = format!("captures/lab/{s}/capture.pcap");
        let keys = format!("captures/lab/{s}/keys.toml");
        let shown = ikescope(&["keys", &capture, "--keys", &keys, "--json", "--show-keys"])
            .ok()
            .document();
        let mut secrets: BTreeSet<String> = BTreeSet::new();
        let doc = load_doc();
        for (list, schema) in [("ike_sas", "keys.ike_sa"), ("ipsec_sas", "keys.ipsec_sa")] {
            let names: Vec<&String> = doc
                .schema(schema)
                .iter()
                .filter(|(_, f)| f.when.contains("--show-keys"))
                .map(|(n, _)| n)
                .collect();
            for sa in shown[list].as_array().into_iter().flatten() {
                for n in &names {
                    if let Some(h) = sa[n.as_str()].as_str().filter(|h| h.len() >= 16) {
                        secrets.insert(h.to_string());
                    }
                }
            }
        }
        // The PSKs of the key file, as written.
        let text = std::fs::read_to_string(repo().join(&keys)).expect("keys.toml");
        for l in text.lines() {
            if let Some(v) = l.trim().strip_prefix("secret = \"") {
                secrets.insert(v.split('"').next().unwrap_or("").to_string());
            }
        }
        secrets.retain(|s| s.len() >= 8);
        assert!(!secrets.is_empty(), "{s}: no secrets to look for");
        for args in [
            vec!["keys", &capture, "--keys", &keys, "--json"],
            vec!["keys", &capture, "--keys", &keys],
            vec!["dissect", &capture, "--keys", &keys, "--json", "-v"],
            vec!["report", &capture, "--keys", &keys, "--json"],
            vec!["events", &capture, "--keys", &keys],
        ] {
            let run = ikescope(&args).ok();
            for secret in &secrets {
                assert!(
                    !run.stdout.contains(secret.as_str()) && !run.stderr.contains(secret.as_str()),
                    "`{}` prints a secret",
                    run.cmd
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{checked}");
}

#[test]
fn stderr_is_text_and_exit_codes_are_documented() {
    let capture = "captures/lab/mm-psk-aes128-sha1-g14/capture.pcap";
    let keys = "captures/lab/mm-psk-aes128-sha1-g14/keys.toml";
    // 0: each JSON output parses whole, the summary is text on stderr (checked by `ok`).
    ikescope(&["dissect", capture, "--keys", keys, "--json"])
        .ok()
        .lines();
    ikescope(&["keys", capture, "--keys", keys, "--json"])
        .ok()
        .document();
    ikescope(&["report", capture, "--keys", keys, "--json"])
        .ok()
        .document();
    ikescope(&["events", capture, "--keys", keys]).ok().lines();
    // 1: bad input, one line on stderr, nothing on stdout.
    for args in [
        &["report", "no/such/capture.pcap", "--json"][..],
        &["keys", capture, "--json"][..],
        &["report", capture, "--json", "--as", "198.18.0.1"][..],
        &["dissect", "docs/json.md", "--json"][..],
    ] {
        let run = ikescope(args);
        assert_eq!(run.code, Some(1), "`{}`: {}", run.cmd, run.stderr);
        assert!(
            run.stdout.is_empty(),
            "`{}`: stdout {}",
            run.cmd,
            run.stdout
        );
        assert_eq!(
            run.stderr.lines().count(),
            1,
            "`{}`: {}",
            run.cmd,
            run.stderr
        );
        assert!(
            run.stderr.starts_with("ikescope: "),
            "`{}`: {}",
            run.cmd,
            run.stderr
        );
    }
    // 2: usage.
    for args in [
        &["dissect", capture, "--no-such-option"][..],
        &["no-such-command"][..],
        &["report"][..],
    ] {
        let run = ikescope(args);
        assert_eq!(run.code, Some(2), "`{}`: {}", run.cmd, run.stderr);
        assert!(
            run.stdout.is_empty(),
            "`{}`: stdout {}",
            run.cmd,
            run.stdout
        );
    }
    // The doc's exit-code table says the same.
    let doc = std::fs::read_to_string(repo().join("docs/json.md")).expect("doc");
    for row in ["| 0 | ok", "| 1 | bad input", "| 2 | usage"] {
        assert!(
            doc.contains(row),
            "docs/json.md lacks the exit-code row {row:?}"
        );
    }
}

#[test]
fn ikev2_deletes_are_events_too() {
    let run = ikescope(&[
        "events",
        "captures/lab/ikev2-psk-aes128/capture.pcap",
        "--keys",
        "captures/lab/ikev2-psk-aes128/keys.toml",
    ])
    .ok();
    let deletes: Vec<Value> = run
        .lines()
        .into_iter()
        .filter(|e| e["event"] == "delete")
        .collect();
    // The lab's IKEv2 scenario ends with an INFORMATIONAL exchange deleting the IKE SA.
    assert!(
        deletes
            .iter()
            .any(|d| d["protocol"] == "isakmp" && d["by"].is_string()),
        "`{}`: {deletes:?}",
        run.cmd
    );
}
