//! Fuzz the ISAKMP/IKEv1 dissector: parse a message (and, whatever the header says, walk the
//! bytes as a payload chain as a decrypted body would be walked), decode every payload, iterate
//! every proposal, transform and attribute, and render every `Display`. Any panic, hang or
//! runaway allocation is a bug.
#![no_main]

use std::fmt::Write;

use ikescope_dissectors::isakmp::{
    self, Cookie, Header, Message, NotifyData, Payload, PayloadIter, PayloadType, payloads,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut out = String::new();
    match Message::parse(data) {
        Ok(m) => {
            let _ = write!(out, "{} {:?} {:?}", m.header, m.header.flags, m.last_block(16));
            walk(m.payloads(), m.header.initiator_cookie, m.header.responder_cookie, &mut out);
            if m.is_encrypted() {
                // As the crypto module will: the body as (pretend) plaintext.
                walk(payloads(m.header.next_payload, m.body, 28), Cookie::ZERO, Cookie::ZERO, &mut out);
            }
        }
        Err(e) => {
            let _ = write!(out, "{e} {}", e.code());
            if let Ok(h) = Header::parse(data) {
                walk(
                    payloads(h.next_payload, data.get(28..).unwrap_or_default(), 28),
                    h.initiator_cookie,
                    h.responder_cookie,
                    &mut out,
                );
            }
        }
    }
    // The raw bytes as a chain starting with each interesting payload type.
    if let Some((&first, rest)) = data.split_first() {
        walk(payloads(PayloadType(first), rest, 0), Cookie::ZERO, Cookie::ZERO, &mut out);
    }
    std::hint::black_box(out);
});

fn walk(iter: PayloadIter<'_>, icookie: Cookie, rcookie: Cookie, out: &mut String) {
    let mut iter = iter;
    for raw in iter.by_ref() {
        let raw = match raw {
            Ok(r) => r,
            Err(e) => {
                let _ = write!(out, "{e}");
                break;
            }
        };
        let _ = write!(out, "{:?} {} {}", raw.payload_type, raw.payload_type, raw.next_payload);
        let payload = match raw.decode() {
            Ok(p) => p,
            Err(e) => {
                let _ = write!(out, "{e}");
                continue;
            }
        };
        let _ = write!(out, "{payload} {:?}", payload);
        match payload {
            Payload::Sa(sa) => {
                for p in sa.proposals() {
                    let Ok(p) = p.map_err(|e| {
                        let _ = write!(out, "{e}");
                    }) else {
                        break;
                    };
                    let _ = write!(out, "{p} {:?} {:?}", p.spi_u32(), p.protocol_id);
                    for t in p.transforms() {
                        let Ok(t) = t.map_err(|e| {
                            let _ = write!(out, "{e}");
                        }) else {
                            break;
                        };
                        let _ = write!(out, "{t} {:?}", t.transform_id);
                        for a in t.attributes() {
                            let Ok(a) = a.map_err(|e| {
                                let _ = write!(out, "{e}");
                            }) else {
                                break;
                            };
                            let _ = write!(out, "{} {:?} {:?}", a.value, a.value.as_u64(), a);
                            match a.ike() {
                                Ok(x) => {
                                    let _ = write!(out, "{x}");
                                }
                                Err(e) => {
                                    let _ = write!(out, "{e}");
                                }
                            }
                            match a.ipsec() {
                                Ok(x) => {
                                    let _ = write!(out, "{x}");
                                }
                                Err(e) => {
                                    let _ = write!(out, "{e}");
                                }
                            }
                        }
                        if let Ok(pol) = t.phase1_policy() {
                            let _ = write!(out, "{pol} {:?} {:?}", pol.cipher(), pol.hash_alg());
                        }
                        if let Ok(pol) = t.ipsec_policy() {
                            let _ = write!(out, "{pol} {:?} {:?}", pol.esp_algs(), pol.ah_integ());
                        }
                    }
                }
            }
            Payload::Identification(id) => {
                let _ = write!(
                    out,
                    "{} {} {:?} {:?}",
                    id.identity.text(),
                    id.cisco_proxy(),
                    id.identity.prefix_len(),
                    id.identity.addr()
                );
            }
            Payload::Notification(n) => {
                let _ = write!(out, "{:?} {:?} {:?}", n.isakmp_cookies(), n.spi_u32(), n.dpd_sequence());
                if let NotifyData::ResponderLifetime(attrs) = n.decoded_data() {
                    for a in attrs {
                        match a.and_then(|a| a.ipsec()) {
                            Ok(a) => {
                                let _ = write!(out, "{a}");
                            }
                            Err(e) => {
                                let _ = write!(out, "{e}");
                                break;
                            }
                        }
                    }
                }
            }
            Payload::Delete(d) => {
                for s in d.spis() {
                    let _ = write!(out, "{}", isakmp::Hex(s));
                }
                let _ = write!(
                    out,
                    "{:?} {:?}",
                    d.ipsec_spis().collect::<Vec<_>>(),
                    d.isakmp_cookies().collect::<Vec<_>>()
                );
            }
            Payload::VendorId(v) => {
                if let Some(k) = v.recognize_with_cookies(icookie, rcookie) {
                    let _ = write!(out, "{k} {:?}", k.version);
                }
            }
            Payload::Attributes(c) => {
                for a in c.attributes() {
                    match a {
                        Ok(a) => {
                            let _ = write!(out, "{a} {:?}", a.decoded());
                        }
                        Err(e) => {
                            let _ = write!(out, "{e}");
                            break;
                        }
                    }
                }
            }
            Payload::Fragment(f) => {
                let _ = write!(out, "{}", f.is_last());
            }
            _ => {}
        }
    }
    let _ = write!(out, "{} {} {}", iter.tail().len(), iter.tail_offset(), iter.ended_at_none());
}
