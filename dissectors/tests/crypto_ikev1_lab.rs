//! The IKEv1 key chain against the lab's ground truth: for every strongSwan scenario with an
//! IKEv1 phase 1, everything is derived from the capture (nonces, KE values, SA and ID
//! bodies, cookies) plus each side's PSK and logged g^xy, and compared with what charon
//! logged: SKEYID, SKEYID_d/a/e, Ka, the initial IV, every "next IV for MID" line, every
//! plaintext charon sent, HASH_I/HASH_R, the quick-mode HASH(1)/(2)/(3), the informational
//! HASHes, and the KEYMAT of every installed ESP SA.

mod common_crypto;

use std::collections::{HashMap, HashSet};

use common_crypto::{
    Kind, Packet, Payload, Value, find, hex, isakmp_header, lab_scenarios, payloads, read_capture,
    s, truth,
};
use ikescope_dissectors::crypto::{EncAlg, HashAlg, ikev1, modp};

const SA: u8 = 1;
const KE: u8 = 4;
const ID: u8 = 5;
const HASH: u8 = 8;
const NONCE: u8 = 10;

fn hash_alg(name: &str) -> HashAlg {
    match name {
        "MD5" => HashAlg::Md5,
        "SHA1" => HashAlg::Sha1,
        "SHA2-256" => HashAlg::Sha256,
        "SHA2-384" => HashAlg::Sha384,
        "SHA2-512" => HashAlg::Sha512,
        other => panic!("hash {other}"),
    }
}

fn enc_alg(sel: &Value) -> (EncAlg, usize) {
    match s(sel, "encryption") {
        "AES-CBC" => (
            EncAlg::AesCbc,
            sel["key_length"].as_u64().unwrap() as usize / 8,
        ),
        "3DES-CBC" => (EncAlg::TripleDesCbc, 24),
        "DES-CBC" => (EncAlg::DesCbc, 8),
        other => panic!("cipher {other}"),
    }
}

/// A decrypted encrypted ISAKMP message, as a passive observer derives it.
struct Decrypted {
    frame: usize,
    from_initiator: bool,
    exchange: u8,
    message_id: u32,
    first_payload: u8,
    iv: Vec<u8>,
    ciphertext: Vec<u8>,
    plaintext: Vec<u8>,
}

impl Decrypted {
    fn payloads(&self) -> (Vec<Payload<'_>>, usize) {
        payloads(self.first_payload, &self.plaintext)
    }

    /// The whole payloads after the leading HASH payload, up to the end of the chain (the
    /// CBC padding excluded): what HASH(1)/HASH(2)/informational HASH cover.
    fn after_hash(&self) -> (&[u8], &[u8]) {
        let (list, end) = self.payloads();
        assert_eq!(list[0].kind, HASH, "frame {}: HASH first", self.frame);
        let hash_len = list[0].whole.len();
        let hash_body = &self.plaintext[4..hash_len];
        (hash_body, &self.plaintext[hash_len..end])
    }
}

/// What phase 1 put in clear on the wire.
#[derive(Default)]
struct Clear {
    sai_b: Vec<u8>,
    g_xi: Vec<u8>,
    g_xr: Vec<u8>,
    ni_b: Vec<u8>,
    nr_b: Vec<u8>,
    idii_b: Vec<u8>,
    idir_b: Vec<u8>,
    hash_r_clear: Vec<u8>,
}

struct Ike<'t> {
    scenario: String,
    ike: &'t Value,
    hash: HashAlg,
    enc: EncAlg,
    key_len: usize,
    cky_i: [u8; 8],
    cky_r: [u8; 8],
    messages: Vec<(bool, Packet)>,
    clear: Clear,
}

fn load<'t>(scenario: &str, ike: &'t Value) -> Ike<'t> {
    let sel = &ike["proposal"]["phase1_transform_selected"];
    let hash = hash_alg(s(sel, "hash"));
    let (enc, key_len) = enc_alg(sel);
    let cky_i: [u8; 8] = hex(s(ike, "initiator_cookie")).try_into().unwrap();
    let packets: Vec<Packet> = read_capture(&format!("lab/{scenario}/capture.pcap"))
        .into_iter()
        .filter(|p| p.kind == Kind::Ike && p.data[..8] == cky_i && p.data[17] == 0x10)
        .collect();
    assert!(
        !packets.is_empty(),
        "{scenario}: no ISAKMP for {cky_i:02x?}"
    );
    let initiator_ip = packets[0].src;
    let messages: Vec<(bool, Packet)> = packets
        .into_iter()
        .map(|p| (p.src == initiator_ip, p))
        .collect();
    let cky_r = messages
        .iter()
        .find(|(from_i, _)| !from_i)
        .map(|(_, p)| isakmp_header(&p.data).cky_r)
        .expect("a responder message");

    // Phase 1 in clear: MM1–MM4, or AM1/AM2.
    let mut clear = Clear::default();
    for (from_i, p) in &messages {
        let h = isakmp_header(&p.data);
        if !matches!(h.exchange, 2 | 4) || h.flags & 1 != 0 {
            continue;
        }
        let (list, _) = payloads(h.next_payload, &p.data[28..h.length]);
        let take = |dst: &mut Vec<u8>, kind: u8| {
            if let Some(pl) = find(&list, kind)
                && dst.is_empty()
            {
                *dst = pl.body.to_vec();
            }
        };
        if *from_i {
            take(&mut clear.sai_b, SA);
            take(&mut clear.g_xi, KE);
            take(&mut clear.ni_b, NONCE);
            take(&mut clear.idii_b, ID);
        } else {
            take(&mut clear.g_xr, KE);
            take(&mut clear.nr_b, NONCE);
            take(&mut clear.idir_b, ID);
            take(&mut clear.hash_r_clear, HASH);
        }
    }
    assert_eq!(
        clear.ni_b.len(),
        32,
        "{scenario}: strongSwan nonces are 32 bytes"
    );
    assert_eq!(clear.nr_b.len(), 32);
    let group = sel["dh_group_number"].as_u64().unwrap() as u16;
    assert_eq!(clear.g_xi.len(), modp::prime_len(group).unwrap());
    assert_eq!(clear.g_xr.len(), modp::prime_len(group).unwrap());
    Ike {
        scenario: scenario.to_string(),
        ike,
        hash,
        enc,
        key_len,
        cky_i,
        cky_r,
        messages,
        clear,
    }
}

/// Per side ("initiator"/"responder"): SKEYID from that side's PSK, the chain from its g^xy,
/// Ka and the initial IV, all equal to what that side logged. Returns the chain.
fn check_keys(ike: &Ike, side: &str) -> (ikev1::KeyChain, Vec<u8>, Vec<u8>) {
    let keys = &ike.ike["keys"][side];
    let psk = s(&ike.ike["psk"][side], "secret").as_bytes();
    let skeyid = ikev1::skeyid_psk(ike.hash, psk, &ike.clear.ni_b, &ike.clear.nr_b);
    let what = format!("{} {side}", ike.scenario);
    assert_eq!(skeyid.to_vec(), hex(s(keys, "skeyid")), "{what}: SKEYID");
    let g_xy = hex(s(keys, "g_xy"));
    let chain = ikev1::key_chain(ike.hash, &skeyid, &g_xy, &ike.cky_i, &ike.cky_r);
    assert_eq!(
        chain.skeyid_d.to_vec(),
        hex(s(keys, "skeyid_d")),
        "{what}: SKEYID_d"
    );
    assert_eq!(
        chain.skeyid_a.to_vec(),
        hex(s(keys, "skeyid_a")),
        "{what}: SKEYID_a"
    );
    assert_eq!(
        chain.skeyid_e.to_vec(),
        hex(s(keys, "skeyid_e")),
        "{what}: SKEYID_e"
    );
    let ka = ikev1::encryption_key(ike.hash, &chain.skeyid_e, ike.key_len);
    assert_eq!(ka, hex(s(keys, "encryption_key")), "{what}: Ka");
    if ike.hash.output_len() < ike.key_len {
        // Appendix B expansion was needed: Ka must not simply be a prefix of SKEYID_e.
        assert_ne!(&ka[..ike.hash.output_len()], &chain.skeyid_e[..]);
    }
    let iv = ikev1::phase1_iv(
        ike.hash,
        &ike.clear.g_xi,
        &ike.clear.g_xr,
        ike.enc.block_size(),
    );
    assert_eq!(iv, hex(s(keys, "initial_iv")), "{what}: initial IV");
    (chain, ka, iv)
}

/// Decrypts every encrypted message of the IKE SA in capture order, chaining IVs as RFC 2409
/// Appendix B says: phase 1 from the initial IV, each later exchange from
/// hash(last phase-1 block | M-ID), then the last ciphertext block of its previous message.
/// Byte-identical retransmissions are skipped (they decrypt like the original).
fn decrypt_all(ike: &Ike, ka: &[u8], iv0: &[u8]) -> Vec<Decrypted> {
    let bs = ike.enc.block_size();
    let mut seen: HashSet<Vec<u8>> = HashSet::new();
    let mut p1_iv = iv0.to_vec();
    let mut last_p1_block: Option<Vec<u8>> = None;
    let mut p2_ivs: HashMap<u32, Vec<u8>> = HashMap::new();
    let mut out = Vec::new();
    for (from_i, p) in &ike.messages {
        let h = isakmp_header(&p.data);
        if h.flags & 1 == 0 || !seen.insert(p.data.clone()) {
            continue;
        }
        let ct = p.data[28..h.length].to_vec();
        let iv = if matches!(h.exchange, 2 | 4) {
            std::mem::replace(&mut p1_iv, ikev1::last_block(&ct, bs).unwrap().to_vec())
        } else {
            let last = last_p1_block.get_or_insert_with(|| p1_iv.clone());
            let next = ikev1::last_block(&ct, bs).unwrap().to_vec();
            match p2_ivs.insert(h.message_id, next) {
                Some(prev) => prev,
                None => ikev1::phase2_iv(ike.hash, last, h.message_id, bs),
            }
        };
        let plaintext = ikev1::cbc_decrypt(ike.enc, ka, &iv, &ct).unwrap();
        out.push(Decrypted {
            frame: p.frame,
            from_initiator: *from_i,
            exchange: h.exchange,
            message_id: h.message_id,
            first_payload: h.next_payload,
            iv,
            ciphertext: ct,
            plaintext,
        });
    }
    out
}

/// Every encrypted message charon sent, found in our decryption with the same IV and the
/// same plaintext + padding; every logged "next IV" among the IVs we derived.
fn check_against_charon(ike: &Ike, dec: &[Decrypted]) -> usize {
    let by_ct: HashMap<&[u8], &Decrypted> = dec.iter().map(|d| (&d.ciphertext[..], d)).collect();
    let mut matched = 0;
    for host in ["left", "right"] {
        for m in ike.ike["messages"][host].as_array().unwrap() {
            if m["direction"] != "sent" || m.get("ciphertext").is_none() {
                continue;
            }
            let ct = hex(s(m, "ciphertext"));
            let d = by_ct.get(&ct[..]).unwrap_or_else(|| {
                panic!(
                    "{}: {host} sent {} MID {} not decrypted from the capture",
                    ike.scenario,
                    s(m, "exchange"),
                    s(m, "message_id")
                )
            });
            let what = format!("{} frame {}", ike.scenario, d.frame);
            assert_eq!(d.iv, hex(s(m, "iv")), "{what}: IV");
            let want = [hex(s(m, "plaintext")), hex(s(m, "padding"))].concat();
            assert_eq!(d.plaintext, want, "{what}: plaintext");
            // strongSwan pads with 1..bs zero bytes (lab README).
            let pad = hex(s(m, "padding"));
            assert!(!pad.is_empty() && pad.len() <= ike.enc.block_size());
            assert!(pad.iter().all(|&b| b == 0));
            matched += 1;
        }
    }
    let mut ivs: HashSet<Vec<u8>> = HashSet::new();
    for d in dec {
        ivs.insert(d.iv.clone());
        ivs.insert(
            ikev1::last_block(&d.ciphertext, ike.enc.block_size())
                .unwrap()
                .to_vec(),
        );
    }
    for side in ["initiator", "responder"] {
        for e in ike.ike["iv_log"][side].as_array().unwrap() {
            assert!(
                ivs.contains(&hex(s(e, "next_iv"))),
                "{}: {side} next IV for MID {} = {} not derived",
                ike.scenario,
                s(e, "mid"),
                s(e, "next_iv")
            );
        }
    }
    matched
}

/// HASH_I and HASH_R (RFC 2409 §5) with the real SA and ID bodies.
fn check_phase1_hashes(ike: &Ike, chain: &ikev1::KeyChain, dec: &[Decrypted]) {
    let c = &ike.clear;
    let p1: Vec<&Decrypted> = dec.iter().filter(|d| matches!(d.exchange, 2 | 4)).collect();
    let from_i = p1.iter().find(|d| d.from_initiator).expect("MM5/AM3");
    let (list, _) = from_i.payloads();
    let idii_b = if c.idii_b.is_empty() {
        find(&list, ID).expect("ID in MM5").body.to_vec()
    } else {
        c.idii_b.clone()
    };
    let hash_i = ikev1::hash_i(
        ike.hash,
        &chain.skeyid,
        &c.g_xi,
        &c.g_xr,
        &ike.cky_i,
        &ike.cky_r,
        &c.sai_b,
        &idii_b,
    );
    assert_eq!(
        find(&list, HASH).expect("HASH_I").body,
        &hash_i[..],
        "{}: HASH_I",
        ike.scenario
    );
    let (idir_b, received_hash_r) = if c.hash_r_clear.is_empty() {
        let mm6 = p1.iter().find(|d| !d.from_initiator).expect("MM6");
        let (list, _) = mm6.payloads();
        (
            find(&list, ID).unwrap().body.to_vec(),
            find(&list, HASH).unwrap().body.to_vec(),
        )
    } else {
        // Aggressive mode: HASH_R travels in clear in AM2.
        (c.idir_b.clone(), c.hash_r_clear.clone())
    };
    let hash_r = ikev1::hash_r(
        ike.hash,
        &chain.skeyid,
        &c.g_xr,
        &c.g_xi,
        &ike.cky_r,
        &ike.cky_i,
        &c.sai_b,
        &idir_b,
    );
    assert_eq!(received_hash_r, hash_r.to_vec(), "{}: HASH_R", ike.scenario);
    // A wrong PSK gives a different HASH_R: the check can fail.
    let wrong = ikev1::skeyid_psk(ike.hash, b"not the psk", &c.ni_b, &c.nr_b);
    let wrong_r = ikev1::hash_r(
        ike.hash, &wrong, &c.g_xr, &c.g_xi, &ike.cky_r, &ike.cky_i, &c.sai_b, &idir_b,
    );
    assert_ne!(received_hash_r, wrong_r.to_vec());
}

/// A quick-mode exchange seen on the wire.
#[derive(Default)]
struct Qm {
    ni_b: Vec<u8>,
    nr_b: Vec<u8>,
    spis: Vec<[u8; 4]>,
    pfs: bool,
}

/// HASH(1)/(2)/(3) and informational HASH(1); returns the quick modes by message ID.
fn check_phase2_hashes(ike: &Ike, chain: &ikev1::KeyChain, dec: &[Decrypted]) -> Vec<Qm> {
    let mut by_mid: Vec<(u32, Vec<&Decrypted>)> = Vec::new();
    for d in dec.iter().filter(|d| d.exchange == 32 || d.exchange == 5) {
        match by_mid.iter_mut().find(|(m, _)| *m == d.message_id) {
            Some((_, v)) => v.push(d),
            None => by_mid.push((d.message_id, vec![d])),
        }
    }
    let a = &chain.skeyid_a;
    let mut qms = Vec::new();
    let (mut n_info, mut n_qm3) = (0, 0);
    for (mid, msgs) in by_mid {
        let what = format!("{} MID {mid:08x}", ike.scenario);
        if msgs[0].exchange == 5 {
            for m in &msgs {
                let (got, rest) = m.after_hash();
                assert_eq!(
                    got,
                    &ikev1::informational_hash(ike.hash, a, mid, rest)[..],
                    "{what}"
                );
                n_info += 1;
            }
            continue;
        }
        let (h1, rest1) = msgs[0].after_hash();
        assert_eq!(
            h1,
            &ikev1::quick_mode_hash1(ike.hash, a, mid, rest1)[..],
            "{what}: HASH(1)"
        );
        let mut qm = Qm::default();
        let (l1, _) = msgs[0].payloads();
        qm.ni_b = find(&l1, NONCE).unwrap().body.to_vec();
        qm.pfs = find(&l1, KE).is_some();
        // SA body: DOI(4) situation(4), then the proposal: header(4) #(1) proto(1)
        // SPI size(1) #transforms(1) SPI(4).
        qm.spis
            .push(find(&l1, SA).unwrap().body[16..20].try_into().unwrap());
        if let Some(m2) = msgs.get(1) {
            let (h2, rest2) = m2.after_hash();
            assert_eq!(
                h2,
                &ikev1::quick_mode_hash2(ike.hash, a, mid, &qm.ni_b, rest2)[..],
                "{what}: HASH(2)"
            );
            let (l2, _) = m2.payloads();
            qm.nr_b = find(&l2, NONCE).unwrap().body.to_vec();
            qm.spis
                .push(find(&l2, SA).unwrap().body[16..20].try_into().unwrap());
        }
        if let Some(m3) = msgs.get(2) {
            let (l3, _) = m3.payloads();
            assert_eq!(l3.len(), 1);
            assert_eq!(
                l3[0].body,
                &ikev1::quick_mode_hash3(ike.hash, a, mid, &qm.ni_b, &qm.nr_b)[..],
                "{what}: HASH(3)"
            );
            n_qm3 += 1;
        }
        qms.push(qm);
    }
    assert!(n_info > 0, "{}: an informational was checked", ike.scenario);
    if !qms.is_empty() && !ike.scenario.contains("mismatch") {
        assert!(n_qm3 > 0, "{}: a QM3 was checked", ike.scenario);
    }
    qms
}

/// KEYMAT for every installed ESP SA: enc key ‖ integ key from xfrm.
fn check_keymat(ike: &Ike, t: &Value, chain: &ikev1::KeyChain, qms: &[Qm]) -> usize {
    let children: Vec<&Value> = t["child_sas"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            c["installed"] != false
                && !c["encryption"].is_null()
                && s(c, "ike_sa_initiator_cookie") == s(ike.ike, "initiator_cookie")
        })
        .collect();
    let logs: Vec<&Value> = ["left", "right"]
        .iter()
        .flat_map(|h| ike.ike["children_log"][h].as_array().unwrap())
        .collect();
    let mut matched = 0;
    for c in &children {
        let spi: [u8; 4] = hex(s(c, "spi")).try_into().unwrap();
        let qm = qms
            .iter()
            .find(|q| q.spis.contains(&spi))
            .unwrap_or_else(|| panic!("{}: no QM negotiated SPI {}", ike.scenario, s(c, "spi")));
        let want = [
            hex(s(&c["encryption"], "key")),
            c["integrity"]
                .get("key")
                .and_then(Value::as_str)
                .map(hex)
                .unwrap_or_default(),
        ]
        .concat();
        // With PFS, g(qm)^xy is the prefix of charon's logged KEYMAT seed, which must
        // otherwise be exactly protocol | SPI | Ni_b | Nr_b.
        let tail = [&[3u8][..], &spi, &qm.ni_b, &qm.nr_b].concat();
        let seed = logs
            .iter()
            .flat_map(|l| [s(&l["keys"], "seed_i"), s(&l["keys"], "seed_r")])
            .map(hex)
            .find(|seed| seed.ends_with(&tail))
            .expect("charon logged this KEYMAT seed");
        let g_qm = &seed[..seed.len() - tail.len()];
        assert_eq!(
            qm.pfs,
            !g_qm.is_empty(),
            "{}: PFS iff KE in QM",
            ike.scenario
        );
        let km = ikev1::keymat(
            ike.hash,
            &chain.skeyid_d,
            qm.pfs.then_some(g_qm),
            3,
            &spi,
            &qm.ni_b,
            &qm.nr_b,
            want.len(),
        );
        assert_eq!(km, want, "{}: KEYMAT for SPI {}", ike.scenario, s(c, "spi"));
        matched += 1;
    }
    assert_eq!(matched, children.len());
    matched
}

fn ikev1_sas(t: &Value) -> Vec<&Value> {
    t["ike_sas"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["ike_version"] == 1 && i["keys"]["initiator"].get("skeyid").is_some())
        .collect()
}

#[test]
fn lab_ikev1_key_chain_decryption_hashes_and_keymat() {
    let mut scenarios = 0;
    let mut plaintexts = 0;
    let mut keymats = 0;
    for scenario in lab_scenarios() {
        let t = truth(&scenario);
        for sa in ikev1_sas(&t) {
            let ike = load(&scenario, sa);
            let (chain_i, ka_i, iv_i) = check_keys(&ike, "initiator");
            let (chain_r, ka_r, iv_r) = check_keys(&ike, "responder");
            if sa["psk_equal"] == false {
                assert_ne!(ka_i, ka_r, "{scenario}: different PSKs, different Ka");
                assert_eq!(iv_i, iv_r, "the IV does not depend on the PSK");
                continue; // see lab_psk_mismatch below
            }
            assert_eq!(chain_i, chain_r);
            let dec = decrypt_all(&ike, &ka_i, &iv_i);
            plaintexts += check_against_charon(&ike, &dec);
            check_phase1_hashes(&ike, &chain_i, &dec);
            let qms = check_phase2_hashes(&ike, &chain_i, &dec);
            keymats += check_keymat(&ike, &t, &chain_i, &qms);
            scenarios += 1;
        }
    }
    // 10 scenarios with an established IKEv1 SA (the proposal and PSK mismatches aside).
    assert_eq!(scenarios, 10);
    // Every encrypted message charon sent (MM5/MM6/AM3, QM1–3, informationals, DPD).
    assert_eq!(plaintexts, 169);
    // The lab README counts 66 installed ESP SAs; 64 come from IKEv1 quick modes (the other
    // 2 are ikev2-psk-aes128's, checked in crypto_ikev2.rs).
    assert_eq!(keymats, 64);
}

#[test]
fn lab_mm_3des_md5_needs_appendix_b() {
    // 3DES needs 24 bytes; HMAC-MD5 gives 16: Ka = K1 | K2[..8], K1 = prf(SKEYID_e, 0).
    let t = truth("mm-psk-3des-md5-g2");
    let ike = load("mm-psk-3des-md5-g2", ikev1_sas(&t)[0]);
    let (chain, ka, _) = check_keys(&ike, "initiator");
    let k1 = ikescope_dissectors::crypto::prf(HashAlg::Md5, &chain.skeyid_e, &[&[0]]);
    let k2 = ikescope_dissectors::crypto::prf(HashAlg::Md5, &chain.skeyid_e, &[&k1]);
    assert_eq!(ka, [&k1[..], &k2[..8]].concat());
    assert_eq!(ike.enc.block_size(), 8);
}

#[test]
fn lab_psk_mismatch() {
    // Each side derives its own keys (checked against its own log); MM5 decrypts with the
    // initiator's Ka to what it sent; the responder's PAYLOAD-MALFORMED informational
    // decrypts with the responder's Ka to what it sent; neither decrypts with the other's.
    let scenario = "mm-psk-mismatch";
    let t = truth(scenario);
    let sa = ikev1_sas(&t)[0];
    let ike = load(scenario, sa);
    let (chain_i, ka_i, iv0) = check_keys(&ike, "initiator");
    let (chain_r, ka_r, _) = check_keys(&ike, "responder");
    let enc: Vec<&Packet> = ike
        .messages
        .iter()
        .filter(|(_, p)| isakmp_header(&p.data).flags & 1 != 0)
        .map(|(_, p)| p)
        .collect();
    // MM5 is sent 4 times, byte-identical; and 4 informationals come back.
    let mm5: Vec<&&Packet> = enc
        .iter()
        .filter(|p| isakmp_header(&p.data).exchange == 2)
        .collect();
    assert_eq!(mm5.len(), 4);
    assert!(mm5.iter().all(|p| p.data == mm5[0].data));
    let body = |p: &Packet| p.data[28..isakmp_header(&p.data).length].to_vec();
    let sent = |host: &str, exchange: &str| -> Vec<Value> {
        sa["messages"][host]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["direction"] == "sent" && m["exchange"] == exchange)
            .cloned()
            .collect()
    };
    let mm5_ct = body(mm5[0]);
    let mm5_pt = ikev1::cbc_decrypt(ike.enc, &ka_i, &iv0, &mm5_ct).unwrap();
    let left_mm5 = &sent("left", "ID_PROT")[2];
    assert_eq!(
        mm5_pt,
        [hex(s(left_mm5, "plaintext")), hex(s(left_mm5, "padding"))].concat()
    );
    let wrong = ikev1::cbc_decrypt(ike.enc, &ka_r, &iv0, &mm5_ct).unwrap();
    assert_ne!(wrong, mm5_pt, "the responder's Ka cannot read MM5");
    // The responder's informational. It never accepted MM5, so its phase-1 CBC state is
    // still the initial IV: IV = hash(initial IV | M-ID). The initiator, which did send MM5,
    // expects hash(last block of MM5 | M-ID) (its logged "next IV"), one more reason it
    // cannot read the answer.
    let infos: Vec<&&Packet> = enc
        .iter()
        .filter(|p| isakmp_header(&p.data).exchange == 5)
        .collect();
    assert_eq!(infos.len(), 4);
    let right_infos = sent("right", "INFORMATIONAL_V1");
    assert_eq!(right_infos.len(), 4);
    for (p, m) in infos.iter().zip(&right_infos) {
        let ct = body(p);
        assert_eq!(ct, hex(s(m, "ciphertext")));
        let mid = isakmp_header(&p.data).message_id;
        let iv = ikev1::phase2_iv(ike.hash, &iv0, mid, 16);
        assert_eq!(iv, hex(s(m, "iv")), "frame {}", p.frame);
        let initiator_iv =
            ikev1::phase2_iv(ike.hash, ikev1::last_block(&mm5_ct, 16).unwrap(), mid, 16);
        assert!(
            sa["iv_log"]["initiator"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| hex(s(e, "next_iv")) == initiator_iv)
        );
        let pt = ikev1::cbc_decrypt(ike.enc, &ka_r, &iv, &ct).unwrap();
        let want = [hex(s(m, "plaintext")), hex(s(m, "padding"))].concat();
        assert_eq!(pt, want);
        // Its HASH(1) verifies with the responder's SKEYID_a, not the initiator's.
        let first = isakmp_header(&p.data).next_payload;
        let (list, end) = payloads(first, &pt);
        let rest = &pt[list[0].whole.len()..end];
        assert_eq!(
            list[0].body,
            &ikev1::informational_hash(ike.hash, &chain_r.skeyid_a, mid, rest)[..]
        );
        assert_ne!(
            list[0].body,
            &ikev1::informational_hash(ike.hash, &chain_i.skeyid_a, mid, rest)[..]
        );
    }
}
