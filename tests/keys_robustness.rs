//! The readers never panic: every fixture and key file of the repository, mutated thousands of
//! times (deterministically, so a failure reproduces), goes through `KeyStore::from_str`. The
//! `keyfile` cargo-fuzz target does the same with coverage guidance.

mod keys_support;

use ikescope::keys::KeyStore;
use keys_support::*;

/// xorshift64*: a tiny deterministic generator, so no test depends on chance.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const INTERESTING: &[&str] = &[
    "",
    " ",
    "\t",
    "\n",
    "\"",
    "'",
    "#",
    "{",
    "}",
    "[",
    "]",
    "[[",
    "]]",
    ":",
    ",",
    "=",
    "0x",
    "0s",
    "@",
    "@#",
    "/",
    "*",
    "=> 4096 bytes @ 0x1",
    "=> 3 bytes",
    "   0: ",
    "  16: ZZ ",
    "<a|1> ",
    "05[IKE] ",
    "key 7 ",
    "key 6 ",
    "ipv6 ",
    "255.0.255.0",
    "0.0.0.0 0.0.0.0",
    "\u{fffd}",
    "é",
    "99999999999999999999",
    "-1",
    "spi",
    "src ",
    "dst ",
    "proto esp spi 0x1",
    "aead ",
    "enc ",
    "established with SPIs ",
    "_i ",
    "_o ",
    "adding inbound ESP SA",
    "SPI 0x",
    "[[psk]]",
    "secret = ",
    "peer = ",
    "crypto isakmp key ",
    "pre-shared-key ",
    "tunnel-group ",
];

fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for _ in 0..1 + rng.below(4) {
        let n = lines.len();
        match rng.below(7) {
            0 if n > 0 => {
                lines.remove(rng.below(n));
            }
            1 if n > 0 => {
                let i = rng.below(n);
                let l = lines[i].clone();
                lines.insert(rng.below(n + 1), l);
            }
            2 if n > 0 => {
                let i = rng.below(n);
                let cut = rng.below(lines[i].len() + 1);
                let cut = (0..=cut)
                    .rev()
                    .find(|c| lines[i].is_char_boundary(*c))
                    .unwrap_or(0);
                lines[i].truncate(cut);
            }
            3 if n > 0 => {
                let i = rng.below(n);
                let at = rng.below(lines[i].len() + 1);
                let at = (0..=at)
                    .rev()
                    .find(|c| lines[i].is_char_boundary(*c))
                    .unwrap_or(0);
                let ins = INTERESTING[rng.below(INTERESTING.len())];
                lines[i].insert_str(at, ins);
            }
            4 if n > 1 => {
                let (a, b) = (rng.below(n), rng.below(n));
                lines.swap(a, b);
            }
            5 => {
                let bytes: Vec<u8> = (0..rng.below(12)).map(|_| rng.next() as u8).collect();
                lines.insert(
                    rng.below(n + 1),
                    String::from_utf8_lossy(&bytes).into_owned(),
                );
            }
            _ => lines.truncate(rng.below(n + 1)),
        }
    }
    lines.join("\n")
}

#[test]
fn mutated_key_files_never_panic() {
    let mut inputs: Vec<String> = Vec::new();
    for e in std::fs::read_dir(repo().join("tests/fixtures/keys")).unwrap() {
        inputs.push(std::fs::read_to_string(e.unwrap().path()).unwrap());
    }
    for name in ["esp_sa", "ikev1_decryption_table", "ikev2_decryption_table"] {
        inputs.push(
            std::fs::read_to_string(repo().join("captures/external/wireshark").join(name)).unwrap(),
        );
    }
    for f in [
        "natt-mm-psk/xfrm-right.txt",
        "mm-esp-aesgcm/xfrm-left.txt",
        "am-psk-aes256-sha256-g14/config-right/swanctl.conf",
    ] {
        inputs.push(std::fs::read_to_string(repo().join("captures/lab").join(f)).unwrap());
    }
    let mut rng = Rng(0x1ce5_c09e_0000_0001);
    let mut runs = 0;
    let mut accepted = 0;
    for text in &inputs {
        // Big logs get fewer rounds; every input gets some.
        let rounds = if text.len() > 20_000 { 15 } else { 250 };
        for _ in 0..rounds {
            let m = mutate(text, &mut rng);
            if let Ok(st) = KeyStore::from_str("mutated", &m) {
                let _ = (st.summary().to_string(), format!("{st:?}"));
                accepted += 1;
            }
            runs += 1;
        }
    }
    assert!(runs > 3000, "{runs}");
    // Most mutations keep a file readable: the readers are not brittle.
    assert!(accepted > runs / 4, "{accepted} of {runs}");
}
