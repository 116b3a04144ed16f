//! IKEv2: header, payload chain, every payload decoder and every Display, on arbitrary bytes,
//! both as a whole message and as the decrypted contents of an SK payload.
#![no_main]

use ikescope_dissectors::ikev2::{
    Header, Message, Payload, PayloadType, Payloads, decrypted_payloads, strip_sk_padding,
};
use libfuzzer_sys::fuzz_target;

fn walk(chain: Payloads<'_>) {
    let mut chain = chain;
    for r in chain.by_ref() {
        let raw = match r {
            Ok(raw) => raw,
            Err(e) => {
                let _ = e.to_string();
                continue;
            }
        };
        let _ = raw.body_offset();
        match raw.decode() {
            Ok(p) => {
                let _ = p.to_string();
                let _ = format!("{p:?}");
                match &p {
                    Payload::Sa(sa) => {
                        for prop in &sa.proposals {
                            let _ = (prop.spi_u32(), prop.ike_spi());
                            for t in &prop.transforms {
                                let _ = (t.key_length(), t.id().name(), t.to_string());
                            }
                        }
                    }
                    Payload::Ke(ke) => {
                        let _ = ke.length_matches_group();
                    }
                    Payload::Notify(n) => {
                        let _ = (n.spi_u32(), n.invalid_ke_group());
                        let _ = n.signature_hash_algorithms().count();
                    }
                    Payload::Delete(d) => {
                        let _ = d.spis().count() + d.spis_u32().count();
                    }
                    Payload::Sk(sk) => {
                        for (iv, icv) in [(0, 0), (8, 12), (16, 16), (8, 20)] {
                            let _ = sk.split(iv, icv);
                        }
                    }
                    Payload::Skf(skf) => {
                        let _ = skf.split(16, 16);
                    }
                    _ => {}
                }
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
    let _ = chain.trailing();
}

fuzz_target!(|data: &[u8]| {
    if let Ok(h) = Header::parse(data) {
        let _ = h.to_string();
    }
    if let Ok(m) = Message::parse(data) {
        let _ = (m.to_string(), m.trailing(), m.body());
        walk(m.payloads());
    }
    // The same bytes as SK plaintext: the first byte names the first inner payload.
    if let Some((&first, rest)) = data.split_first() {
        walk(decrypted_payloads(PayloadType(first), rest, 0));
        if let Ok(inner) = strip_sk_padding(rest, 0) {
            walk(decrypted_payloads(PayloadType(first), inner, 0));
        }
    }
});
