//! Published test vectors for every primitive and transform the crypto module uses: RFC 2202,
//! RFC 4231, RFC 4868 §2.7, NIST SP 800-38A, FIPS 81 / SP 800-67, RFC 3602 §4, RFC 3686 §6,
//! draft-mcgrew-gcm-test-01 (RFC 4106 ESP packets), RFC 3566 (through the ESP ICV), and the
//! MODP primes of RFC 2409 §6 / RFC 3526 recomputed from pi.

#![allow(clippy::type_complexity)]

mod common_crypto;

use common_crypto::hex;
use ikescope_dissectors::crypto::{
    EncAlg, EspDecryptor, EspError, EspSaKeys, HashAlg, IcvStatus, IntegAlg, aes_ctr, aes_gcm_open,
    icv, ikev1, modp, prf,
};
use num_bigint::BigUint;

// ---------------------------------------------------------------------------------------
// HMAC: RFC 2202 (MD5, SHA-1), RFC 4231 (SHA-2), RFC 4868 §2.7 (ESP ICVs)
// ---------------------------------------------------------------------------------------

#[test]
fn rfc2202_hmac_md5_and_sha1() {
    let big = [0xaau8; 80];
    let range: Vec<u8> = (1..=25).collect();
    // (key, data, HMAC-MD5 with a 16-byte key variant, HMAC-SHA1 with a 20-byte key variant)
    let md5: [(&[u8], &[u8], &str); 7] = [
        (&[0x0b; 16], b"Hi There", "9294727a3638bb1c13f48ef8158bfc9d"),
        (
            b"Jefe",
            b"what do ya want for nothing?",
            "750c783e6ab0b503eaa86e310a5db738",
        ),
        (&[0xaa; 16], &[0xdd; 50], "56be34521d144c88dbb8c733f0e8b3f6"),
        (&range, &[0xcd; 50], "697eaf0aca3a3aea3a75164746ffaa79"),
        (
            &[0x0c; 16],
            b"Test With Truncation",
            "56461ef2342edc00f9bab995690efd4c",
        ),
        (
            &big,
            b"Test Using Larger Than Block-Size Key - Hash Key First",
            "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd",
        ),
        (
            &big,
            b"Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data",
            "6f630fad67cda0ee1fb1f562db3aa53e",
        ),
    ];
    for (i, (k, d, want)) in md5.iter().enumerate() {
        assert_eq!(
            prf(HashAlg::Md5, k, &[d]).to_vec(),
            hex(want),
            "RFC 2202 HMAC-MD5 case {}",
            i + 1
        );
    }
    let sha1: [(&[u8], &[u8], &str); 7] = [
        (
            &[0x0b; 20],
            b"Hi There",
            "b617318655057264e28bc0b6fb378c8ef146be00",
        ),
        (
            b"Jefe",
            b"what do ya want for nothing?",
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
        ),
        (
            &[0xaa; 20],
            &[0xdd; 50],
            "125d7342b9ac11cd91a39af48aa17b4f63f175d3",
        ),
        (
            &range,
            &[0xcd; 50],
            "4c9007f4026250c6bc8414f9bf50c86c2d7235da",
        ),
        (
            &[0x0c; 20],
            b"Test With Truncation",
            "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04",
        ),
        (
            &big,
            b"Test Using Larger Than Block-Size Key - Hash Key First",
            "aa4ae5e15272d00e95705637ce8a3b55ed402112",
        ),
        (
            &big,
            b"Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data",
            "e8e99d0f45237d786d6bbaa7965c7808bbff1a91",
        ),
    ];
    for (i, (k, d, want)) in sha1.iter().enumerate() {
        assert_eq!(
            prf(HashAlg::Sha1, k, &[d]).to_vec(),
            hex(want),
            "RFC 2202 HMAC-SHA1 case {}",
            i + 1
        );
    }
    // RFC 2202 cases 5: the -96 truncations, which are the ESP ICVs of RFC 2403/2404.
    assert_eq!(
        icv(
            IntegAlg::HmacMd5_96,
            &[0x0c; 16],
            &[b"Test With Truncation"]
        )
        .unwrap()
        .to_vec(),
        hex("56461ef2342edc00f9bab995")
    );
    assert_eq!(
        icv(
            IntegAlg::HmacSha1_96,
            &[0x0c; 20],
            &[b"Test With Truncation"]
        )
        .unwrap()
        .to_vec(),
        hex("4c1a03424b55e07fe7f27be1")
    );
}

#[test]
fn rfc4231_hmac_sha2() {
    let aa131 = [0xaau8; 131];
    let cases: [(&[u8], &[u8], &str, &str, &str); 4] = [
        (
            &[0x0b; 20],
            b"Hi There",
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6",
            "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
        ),
        (
            b"Jefe",
            b"what do ya want for nothing?",
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649",
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
        ),
        (
            &aa131,
            b"Test Using Larger Than Block-Size Key - Hash Key First",
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952",
            "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598",
        ),
        (
            &aa131,
            b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.",
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
            "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5a678cc31e799176d3860e6110c46523e",
            "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58",
        ),
    ];
    for (i, (k, d, s256, s384, s512)) in cases.iter().enumerate() {
        assert_eq!(
            prf(HashAlg::Sha256, k, &[d]).to_vec(),
            hex(s256),
            "case {i}"
        );
        assert_eq!(
            prf(HashAlg::Sha384, k, &[d]).to_vec(),
            hex(s384),
            "case {i}"
        );
        assert_eq!(
            prf(HashAlg::Sha512, k, &[d]).to_vec(),
            hex(s512),
            "case {i}"
        );
    }
}

#[test]
fn rfc4868_truncated_esp_icvs() {
    // §2.7.2.1 AUTH256-1..3, §2.7.2.2 AUTH384-1, §2.7.2.3 AUTH512-1: keys of exactly the
    // output length, ICV = leftmost half of the HMAC.
    let cases: [(IntegAlg, Vec<u8>, &[u8], &str); 5] = [
        (
            IntegAlg::HmacSha256_128,
            vec![0x0b; 32],
            b"Hi There",
            "198a607eb44bfbc69903a0f1cf2bbdc5",
        ),
        (
            IntegAlg::HmacSha256_128,
            b"Jefe".repeat(8),
            b"what do ya want for nothing?",
            "167f928588c5cc2eef8e3093caa0e87c",
        ),
        (
            IntegAlg::HmacSha256_128,
            vec![0xaa; 32],
            &[0xdd; 50],
            "cdcb1220d1ecccea91e53aba3092f962",
        ),
        (
            IntegAlg::HmacSha384_192,
            vec![0x0b; 48],
            b"Hi There",
            "b6a8d5636f5c6a7224f9977dcf7ee6c7fb6d0c48cbdee973",
        ),
        (
            IntegAlg::HmacSha512_256,
            vec![0x0b; 64],
            b"Hi There",
            "637edc6e01dce7e6742a99451aae82df23da3e92439e590e43e761b33e910fb8",
        ),
    ];
    for (alg, key, data, want) in cases {
        let got = icv(alg, &key, &[data]).unwrap();
        assert_eq!(got.len(), alg.icv_len());
        assert_eq!(got.to_vec(), hex(want), "{alg}");
    }
    // The key length is part of the transform: a 20-byte key for SHA-256-128 is refused.
    assert!(icv(IntegAlg::HmacSha256_128, &[0; 20], &[b"x"]).is_err());
}

#[test]
fn rfc3566_aes_xcbc_mac_96_icv() {
    // §4.6 test case 4 (20-byte input) and 6 (34-byte input), truncated to 96 bits.
    let key = hex("000102030405060708090a0b0c0d0e0f");
    let msg: Vec<u8> = (0u8..0x22).collect();
    assert_eq!(
        icv(IntegAlg::AesXcbc96, &key, &[&msg[..20]])
            .unwrap()
            .to_vec(),
        hex("47f51b4564966215b8985c63")
    );
    assert_eq!(
        icv(IntegAlg::AesXcbc96, &key, &[&msg[..34]])
            .unwrap()
            .to_vec(),
        hex("becbb3bccdb518a30677d548")
    );
}

// ---------------------------------------------------------------------------------------
// Block ciphers: NIST SP 800-38A (AES-CBC, AES-CTR), FIPS 81 (DES-CBC), SP 800-67 (TDEA)
// ---------------------------------------------------------------------------------------

const SP800_38A_PLAIN: &str = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";

#[test]
fn sp800_38a_aes_cbc_decrypt() {
    let iv = hex("000102030405060708090a0b0c0d0e0f");
    let cases = [
        (
            "2b7e151628aed2a6abf7158809cf4f3c",
            "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b273bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7",
        ),
        (
            "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
            "4f021db243bc633d7178183a9fa071e8b4d9ada9ad7dedf4e5e738763f69145a571b242012fb7ae07fa9baac3df102e008b0e27988598881d920a9e64f5615cd",
        ),
        (
            "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
            "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b",
        ),
    ];
    for (key, ct) in cases {
        let pt = ikev1::cbc_decrypt(EncAlg::AesCbc, &hex(key), &iv, &hex(ct)).unwrap();
        assert_eq!(pt, hex(SP800_38A_PLAIN), "F.2 CBC-AES{}", key.len() * 4);
        // IKEv1-style chaining: decrypting the last two blocks alone with the second block
        // as IV gives the last two plaintext blocks.
        let ctb = hex(ct);
        let tail = ikev1::cbc_decrypt(EncAlg::AesCbc, &hex(key), &ctb[16..32], &ctb[32..]).unwrap();
        assert_eq!(tail, hex(SP800_38A_PLAIN)[32..].to_vec());
    }
}

#[test]
fn sp800_38a_aes_ctr() {
    // F.5.1/F.5.2 CTR-AES128: initial counter f0f1…feff; the counter only increments in its
    // last bytes over four blocks, so a 32-bit counter gives the same stream.
    let key = hex("2b7e151628aed2a6abf7158809cf4f3c");
    let ctr: [u8; 16] = hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff").try_into().unwrap();
    let ct = hex(
        "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee",
    );
    assert_eq!(aes_ctr(&key, &ctr, &ct).unwrap(), hex(SP800_38A_PLAIN));
    assert_eq!(aes_ctr(&key, &ctr, &hex(SP800_38A_PLAIN)).unwrap(), ct);
}

#[test]
fn fips81_des_cbc_and_sp800_67_tdea() {
    // FIPS 81 Appendix C: "Now is the time for all " in CBC mode.
    let pt = ikev1::cbc_decrypt(
        EncAlg::DesCbc,
        &hex("0123456789abcdef"),
        &hex("1234567890abcdef"),
        &hex("e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6"),
    )
    .unwrap();
    assert_eq!(pt, b"Now is the time for all ");
    // SP 800-67 (TDEA) example, ECB: each block decrypted alone with a zero IV is ECB.
    let key = hex("0123456789abcdef23456789abcdef01456789abcdef0123");
    let ct = hex("a826fd8ce53b855fcce21c8112256fe668d5c05dd9b6b900");
    let mut pt = Vec::new();
    for block in ct.chunks(8) {
        pt.extend(ikev1::cbc_decrypt(EncAlg::TripleDesCbc, &key, &[0; 8], block).unwrap());
    }
    assert_eq!(pt, b"The qufck brown fox jump");
}

// ---------------------------------------------------------------------------------------
// Whole ESP packets: RFC 3602 §4, RFC 3686 §6, draft-mcgrew-gcm-test-01 (RFC 4106)
// ---------------------------------------------------------------------------------------

fn decryptor(
    enc: EncAlg,
    key: &[u8],
    integ: IntegAlg,
    integ_key: &[u8],
    esn: bool,
) -> EspDecryptor {
    EspDecryptor::new(&EspSaKeys {
        enc,
        enc_key: key.to_vec(),
        integ,
        integ_key: integ_key.to_vec(),
        esn,
    })
    .unwrap()
}

#[test]
fn rfc3602_esp_test_cases_5_to_8() {
    // (key, packet from the SPI, payload, next header, pad length)
    let k56 = "90d382b410eeba7ad938c46cec1a82bf";
    let k78 = "0123456789abcdef0123456789abcdef";
    let cases = [
        (
            k56,
            "0000432100000001e96e8c08ab465763fd098d45dd3ff893f663c25d325c18c6a9453e194e120849a4870b66cc6b9965330013b4898dc856a4699e523a55db080b59ec3a8e4b7e52775b07d1db34ed9c538ab50c551b874aa269add047ad2d5913ac19b7cfbad4a6",
            "08000ebda70a00008e9c083db95b070008090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637",
            1,
            14,
        ),
        (
            k56,
            "000043210000000869d08df7d203329db093fc4924e5bd80f51995881ec4e0c4488987ce742e8109689bb379d2d750c0d915dca346a89f75",
            "0800b5e8a80a0500a69c083d0b660e00777777777777777777777777",
            1,
            2,
        ),
        (
            k78,
            "0000876500000002f4e765244f6407adf13dc1380f673f37773b5241a4c449225e4f3ce5ed611b0c237ca96cf74a93013c1b0ea1a0cf70f8e4ecaec78ac53aad7a0f022b859243c647752e94a859352b8a4d4d2decd136e5c177f132ad3fbfb2201ac9904c74ee0a109e0ca1e4dfe9d5a100b842f1c22f0d",
            "45000054090400004001f988c0a87b03c0a87bc808009f76a90a0100b49c083d02a2040008090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637",
            4,
            10,
        ),
        (
            k78,
            "000087650000000585d47224b5f3dd5d2101d4ea8dffab2215b92683819596a8047232cc00f7048fe45318e11f8a0f62ede3c3fc61203bb50f980a08c9843fd3a1b06d5c07ff9639b7eb7dfb3512e5de435e7207ed971ef3d2726d9b5ef6affc6d17a0decbb13892",
            "45000044090c00004001f990c0a87b03c0a87bc80800d63caa0a0200c69c083da3de0300ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            4,
            10,
        ),
    ];
    let mut out = Vec::new();
    for (key, packet, payload, nh, pad) in cases {
        let d = decryptor(EncAlg::AesCbc, &hex(key), IntegAlg::None, &[], false);
        let packet = hex(packet);
        let p = d.decrypt(&packet, None, &mut out).unwrap();
        assert_eq!(p.icv, IcvStatus::Unchecked);
        assert_eq!(p.payload, &hex(payload)[..]);
        assert_eq!(p.next_header, nh);
        assert_eq!(p.pad_len, pad);
        assert!(p.padding_ok);
        assert_eq!(p.spi, u32::from_be_bytes(packet[..4].try_into().unwrap()));
        assert_eq!(
            p.sequence,
            u32::from_be_bytes(packet[4..8].try_into().unwrap())
        );
    }
}

#[test]
fn rfc3686_aes_ctr_vectors_through_esp() {
    // §6 test vectors #1–#9: (key, nonce, IV, plaintext, ciphertext). Each becomes an ESP
    // packet SPI ‖ seq ‖ IV ‖ ciphertext with key material key ‖ nonce (RFC 3686 §5.1).
    let pt16 = "53696e676c6520626c6f636b206d7367";
    let pt32 = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    let pt36 = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223";
    let cases = [
        (
            "ae6852f8121067cc4bf7a5765577f39e",
            "00000030",
            "0000000000000000",
            pt16,
            "e4095d4fb7a7b3792d6175a3261311b8",
        ),
        (
            "7e24067817fae0d743d6ce1f32539163",
            "006cb6db",
            "c0543b59da48d90b",
            pt32,
            "5104a106168a72d9790d41ee8edad388eb2e1efc46da57c8fce630df9141be28",
        ),
        (
            "7691be035e5020a8ac6e618529f9a0dc",
            "00e0017b",
            "27777f3f4a1786f0",
            pt36,
            "c1cf48a89f2ffdd9cf4652e9efdb72d74540a42bde6d7836d59a5ceaaef3105325b2072f",
        ),
        (
            "16af5b145fc9f579c175f93e3bfb0eed863d06ccfdb78515",
            "00000048",
            "36733c147d6d93cb",
            pt16,
            "4b55384fe259c9c84e7935a003cbe928",
        ),
        (
            "7c5cb2401b3dc33c19e7340819e0f69c678c3db8e6f6a91a",
            "0096b03b",
            "020c6eadc2cb500d",
            pt32,
            "453243fc609b23327edfaafa7131cd9f8490701c5ad4a79cfc1fe0ff42f4fb00",
        ),
        (
            "02bf391ee8ecb159b959617b0965279bf59b60a786d3e0fe",
            "0007bdfd",
            "5cbd60278dcc0912",
            pt36,
            "96893fc55e5c722f540b7dd1ddf7e758d288bc95c69165884536c811662f2188abee0935",
        ),
        (
            "776beff2851db06f4c8a0542c8696f6c6a81af1eec96b4d37fc1d689e6c1c104",
            "00000060",
            "db5672c97aa8f0b2",
            pt16,
            "145ad01dbf824ec7560863dc71e3e0c0",
        ),
        (
            "f6d66d6bd52d59bb0796365879eff886c66dd51a5b6a99744b50590c87a23884",
            "00faac24",
            "c1585ef15a43d875",
            pt32,
            "f05e231b3894612c49ee000b804eb2a9b8306b508f839d6a5530831d9344af1c",
        ),
        (
            "ff7a617ce69148e4f1726e2f43581de2aa62d9f805532edff1eed687fb54153d",
            "001cc5b7",
            "51a51d70a1c11148",
            pt36,
            "eb6c52821d0bbbf7ce7594462aca4faab407df866569fd07f48cc0b583d6071f1ec0e6b8",
        ),
    ];
    let mut out = Vec::new();
    for (i, (key, nonce, iv, pt, ct)) in cases.iter().enumerate() {
        let keymat = [hex(key), hex(nonce)].concat();
        let d = decryptor(EncAlg::AesCtr, &keymat, IntegAlg::None, &[], false);
        let packet = [hex("0000abcd00000001"), hex(iv), hex(ct)].concat();
        let p = d.decrypt(&packet, None, &mut out).unwrap();
        assert_eq!(p.decrypted, &hex(pt)[..], "RFC 3686 vector #{}", i + 1);
        // And the raw primitive with the counter block nonce ‖ IV ‖ 1.
        let block: [u8; 16] = [hex(nonce), hex(iv), vec![0, 0, 0, 1]]
            .concat()
            .try_into()
            .unwrap();
        assert_eq!(aes_ctr(&hex(key), &block, &hex(ct)).unwrap(), hex(pt));
    }
}

/// draft-mcgrew-gcm-test-01 §4 (the RFC 4106 ESP test cases): key, nonce = salt ‖ IV,
/// AAD = SPI ‖ seq or SPI ‖ ESN-high ‖ ESN-low, the ESP plaintext (payload, padding, pad
/// length, next header), ciphertext, tag.
const GCM_ESP_CASES: [(&str, &str, &str, &str, &str, &str); 13] = [
    (
        "4c80cdefbb5d10da906ac73c3613a634",
        "2e443b684956ed7e3b244cfe",
        "000043218765432100000000",
        "45000048699a000080114db7c0a80102c0a801010a9bf15638d301000001000000000000045f736970045f756470037369700963796265726369747902646b000021000101020201",
        "fecf537e729d5b07dc30df528dd22b768d1b98736696a6fd348509fa13ceac34cfa2436f14a3f3cf65925bf1f4a13c5d15b21e1884f5ff6247aeabb786b93bce61bc17d768fd9732",
        "459018148f6cbe722fd04796562dfdb4",
    ),
    (
        "feffe9928665731c6d6a8f9467308308",
        "cafebabefacedbaddecaf888",
        "0000a5f80000000a",
        "4500003e698f000080114dccc0a80102c0a801010a980035002a2343b2d001000001000000000000037369700963796265726369747902646b00000100010001",
        "deb22cd9b07c72c16e3a65beeb8df304a5a5897d33ae530f1ba76d5d114d2a5c3de81827c10e9a4f51330d0eec416642cfbb85a5b47e48a4ec3b9ba95d918bd1",
        "83b70d3aa8bc6ee4c309e9d85a41ad4a",
    ),
    (
        "abbccddef00112233445566778899aababbccddef00112233445566778899aab",
        "112233440102030405060708",
        "4a2cbfe300000002",
        "4500003069a6400080062690c0a801029389155e0a9e008b2dc57ee0000000007002400020bf0000020405b40101040201020201",
        "ff425c9b724599df7a3bcd510194e00d6a78107f1b0b1cbf06efae9d65a5d763748a637985771d347f0545659f14e99def842d8e",
        "b335f4eecfdbf831824b4c4915956c96",
    ),
    (
        "00000000000000000000000000000000",
        "000000000000000000000000",
        "0000000000000001",
        "4500003c99c500008001cb7a40679318010101010800075c020044006162636465666768696a6b6c6d6e6f707172737475767761626364656667686901020201",
        "4688daf2f973a392732909c331d56d60f694abaa414b5e7ff5fdcdfff5e9a284456476492719ffb64de7d9dca1e1d894bc3bd57873ed4d181d19d4d5c8c18af3",
        "f821d496eeb096e98ad2b69e4799c71d",
    ),
    (
        "3de09874b388e6491988d0c3607eae1f",
        "57690e434e280000a2fca1a3",
        "42f67e3f1010101010101010",
        "4500003c99c300008001cb7c40679318010101010800085c020043006162636465666768696a6b6c6d6e6f707172737475767761626364656667686901020201",
        "fba2caa4853cf9f0f22cb10d86dd83b0fec75691cf1a04b00d1138ec9c35791765acbd8701ad79845bf9fe3fba487bc91755e6662b4c8d0d1f5e22739530320a",
        "e0d731cc978ecafaeae88f00e80d6e48",
    ),
    (
        "3de09874b388e6491988d0c3607eae1f",
        "57690e434e280000a2fca1a3",
        "42f67e3f1010101010101010",
        "4500001c42a200008001441f406793b6e00000020a00f5ff01020201",
        "fba2ca845e5df9f0f22c3e6e86dd831e1fc65792cd1af9130e1379ed",
        "369f071f35e034be95f112e4e7d05d35",
    ),
    (
        "feffe9928665731c6d6a8f9467308308feffe9928665731c",
        "cafebabefacedbaddecaf888",
        "0000a5f80000000a",
        "45000028a4ad4000400678800a01038f0a010612802306b8cb712602dd6bb03e501016d075680001",
        "a5b1f8066029aea40e598b8122de02420938b3ab33f828e687b8858b5bfbdbd0315b27452144cc77",
        "95457b9652037f5318027b5b4cd7a636",
    ),
    (
        "abbccddef00112233445566778899aab",
        "decaf888cafedebaceface74",
        "000001000000000000000001",
        "4500004933ba00007f119106c3fb1d10c2b1d326c02831ce0035dd7b800302d500004e20001e8c18d75b81dc91baa0476b91b924b280389d92c963bac046ec959b6266c04722b14923010101",
        "18a6fd42f72cbf4ab2a2ea901f73d814e3e7f243d95412e1c349c1d2fbec168f9190feebaf2cb01984e65863965d7472b79da345e0e780191f0d2f0e0f496c226f2127b27db35724e7845d68",
        "651f57e65f354f75ff17015769623436",
    ),
    (
        "abbccddef00112233445566778899aababbccddef00112233445566778899aab",
        "73616c74616e640169766563",
        "17405e67156f3126dd0db99b",
        "45080028732c00004006e9f90a0106120a01038f06b88023dd6bafbecb71260250101f646d540001",
        "f2d69ecdbd5a0d5b8d5ef38bad4da58d1f278fde98ef67549d524a3018d9a57ff4d3a31ce673119e",
        "451626c2415771e3b7eebca614c89b35",
    ),
    (
        "3de09874b388e6491988d0c3607eae1f",
        "57690e434e280000a2fca1a3",
        "42f67e3f1010101010101010",
        "45000049333e00007f119182c3fb1d10c2b1d326c02831ce0035cb458003025b000001e0001e8c18d65759d52284a0352c71475c8880391c764d6e5ee0496b325ae270c03899493915010101",
        "fba2cad12fc1f9f00d3cebf305410db83d7784b607323d220f24b0a97d54182800cadb0f68d99ef0e0c0c89ae9bea8884e52d65bc1afd0740f742444747b5b39ab533163aad4550ee5160975",
        "cdb608c5769189609763b8e18caa81e2",
    ),
    (
        "abbccddef00112233445566778899aababbccddef00112233445566778899aab",
        "73616c74616e640169766563",
        "17405e67156f3126dd0db99b",
        "636973636f0172756c657301746865016e6574776501646566696e6501746865746563686e6f6c6f67696573017468617477696c6c01646566696e65746f6d6f72726f7701020201",
        "d4b7ed86a1777f2ea13d6973d324c69e7b43f826fb56831226508bebd2dceb18d0a6df10e5487df074113e14c641024e3e6773d91a62ee429b043a10e3efe6b012a49363412364f8",
        "c0cac587f249e56b11e24f30e44ccc76",
    ),
    (
        "7d773d00c144c525ac619d18c84a3f47",
        "d966426743457e9182443bc6",
        "335467aeffffffff",
        "01020201",
        "437f866b",
        "cb3f699fe9b0822bac961c4504bef270",
    ),
    (
        "6c6567616c697a656d6172696a75616e61616e64646f69746265666f72656961",
        "7475726e333021696765746d",
        "796b6963ffffffffffffffff",
        "45000030da3a00008001df3bc0a80005c0a800010800c6cd020007006162636465666768696a6b6c6d6e6f707172737401020201",
        "f97ab2aa356d8edce17644ac8c78e25dd24dedbb29ebf1b64a274b39b49c3a864cd3d78ca4ae68a32b42458fb57dbe821dcc63b9",
        "d0937ba2945f669368661a329fb4c053",
    ),
];

#[test]
fn rfc4106_gcm_esp_packets() {
    let mut out = Vec::new();
    for (i, (key, nonce, aad, pt, ct, tag)) in GCM_ESP_CASES.iter().enumerate() {
        let (nonce, aad) = (hex(nonce), hex(aad));
        let esn = aad.len() == 12;
        let (spi, seq_hi, seq_lo) = if esn {
            (
                &aad[..4],
                Some(u32::from_be_bytes(aad[4..8].try_into().unwrap())),
                &aad[8..12],
            )
        } else {
            (&aad[..4], None, &aad[4..8])
        };
        let packet = [spi, seq_lo, &nonce[4..], &hex(ct), &hex(tag)].concat();
        let keymat = [hex(key), nonce[..4].to_vec()].concat();
        let d = decryptor(
            EncAlg::AesGcm { icv_len: 16 },
            &keymat,
            IntegAlg::None,
            &[],
            esn,
        );
        let p = d.decrypt(&packet, seq_hi, &mut out).unwrap();
        assert_eq!(p.icv, IcvStatus::Ok, "case {}", i + 1);
        assert_eq!(p.decrypted, &hex(pt)[..], "case {}", i + 1);

        // The primitive agrees, and a wrong tag or wrong ESN high bits fail the check but
        // still decrypt (the diagnostic contract).
        let n: [u8; 12] = nonce.clone().try_into().unwrap();
        let (plain, ok) = aes_gcm_open(&hex(key), &n, &aad, &hex(ct), &hex(tag)).unwrap();
        assert!(ok);
        assert_eq!(plain, hex(pt));
        let mut bad = packet.clone();
        *bad.last_mut().unwrap() ^= 1;
        let p = d.decrypt(&bad, seq_hi, &mut out).unwrap();
        assert_eq!(p.icv, IcvStatus::Failed);
        assert_eq!(p.decrypted, &hex(pt)[..]);
        if esn {
            let p = d.decrypt(&packet, seq_hi.map(|h| h ^ 1), &mut out).unwrap();
            assert_eq!(p.icv, IcvStatus::Failed, "ESN high bits are authenticated");
        }
    }
}

#[test]
fn gcm_truncated_tags_and_mcgrew_viega_case_4() {
    // McGrew–Viega GCM spec test case 4 (AES-128, 60-byte plaintext, 20-byte AAD).
    let key = hex("feffe9928665731c6d6a8f9467308308");
    let nonce: [u8; 12] = hex("cafebabefacedbaddecaf888").try_into().unwrap();
    let aad = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
    let pt = hex(
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
    );
    let ct = hex(
        "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
    );
    let tag = hex("5bc94fbc3221a5db94fae95ae7121a47");
    for len in [16, 12, 8] {
        let (plain, ok) = aes_gcm_open(&key, &nonce, &aad, &ct, &tag[..len]).unwrap();
        assert!(ok, "tag truncated to {len}");
        assert_eq!(plain, pt);
    }
    assert!(aes_gcm_open(&key, &nonce, &aad, &ct, &tag[..4]).is_err());
    // An ESP SA with an 8-byte ICV (RFC 4106 §8: ICV 8, 12 or 16).
    let d = decryptor(
        EncAlg::AesGcm { icv_len: 8 },
        &[key.clone(), vec![0; 4]].concat(),
        IntegAlg::None,
        &[],
        false,
    );
    assert_eq!(d.icv_len(), 8);
}

#[test]
fn esp_hmac_icv_over_a_null_packet() {
    // An ESP-NULL packet (RFC 2410) with an HMAC-SHA1-96 ICV, built here: the ICV is computed
    // over SPI ‖ seq ‖ payload ‖ trailer, and for ESN over those ‖ seq_hi (RFC 4303 §2.2.1).
    let key = [0x42u8; 20];
    let body =
        hex("0000beef000000074500001c0000000040013a4ec0000201c00002020800f7ff0000000001020204");
    let icv_plain = icv(IntegAlg::HmacSha1_96, &key, &[&body]).unwrap();
    let packet = [body.clone(), icv_plain.to_vec()].concat();
    let d = decryptor(EncAlg::Null, &[], IntegAlg::HmacSha1_96, &key, false);
    let mut out = Vec::new();
    let p = d.decrypt(&packet, None, &mut out).unwrap();
    assert_eq!(p.icv, IcvStatus::Ok);
    assert_eq!(p.next_header, 4);
    assert_eq!(p.pad_len, 2);
    assert!(p.padding_ok);
    assert_eq!(p.payload, &body[8..36]);
    // ESN: the same bytes verify only with seq_hi appended.
    let icv_esn = icv(IntegAlg::HmacSha1_96, &key, &[&body, &7u32.to_be_bytes()]).unwrap();
    let packet_esn = [body.clone(), icv_esn.to_vec()].concat();
    let d_esn = decryptor(EncAlg::Null, &[], IntegAlg::HmacSha1_96, &key, true);
    assert_eq!(
        d_esn.decrypt(&packet_esn, Some(7), &mut out).unwrap().icv,
        IcvStatus::Ok
    );
    assert_eq!(
        d_esn.decrypt(&packet_esn, Some(8), &mut out).unwrap().icv,
        IcvStatus::Failed
    );
    assert_eq!(
        d_esn.decrypt(&packet, None, &mut out).unwrap().icv,
        IcvStatus::Failed
    );
    // A non-ESN SA ignores seq_hi.
    assert_eq!(
        d.decrypt(&packet, Some(7), &mut out).unwrap().icv,
        IcvStatus::Ok
    );
    // A flipped payload bit fails the ICV but still comes back decrypted.
    let mut bad = packet.clone();
    bad[20] ^= 0x80;
    let p = d.decrypt(&bad, None, &mut out).unwrap();
    assert_eq!(p.icv, IcvStatus::Failed);
    assert_eq!(p.payload[12], body[20] ^ 0x80);
    // Unknown integrity key: the 12-byte ICV is skipped, not checked.
    let d_unk = decryptor(EncAlg::Null, &[], IntegAlg::HmacSha1_96, &[], false);
    let p = d_unk.decrypt(&bad, None, &mut out).unwrap();
    assert_eq!(p.icv, IcvStatus::Unchecked);
    assert_eq!(p.next_header, 4);
    // AES-XCBC-MAC-96 works the same way.
    let xkey = [7u8; 16];
    let xicv = icv(IntegAlg::AesXcbc96, &xkey, &[&body]).unwrap();
    let d_x = decryptor(EncAlg::Null, &[], IntegAlg::AesXcbc96, &xkey, false);
    let px = [body.clone(), xicv.to_vec()].concat();
    assert_eq!(d_x.decrypt(&px, None, &mut out).unwrap().icv, IcvStatus::Ok);
}

#[test]
fn esp_errors_name_what_is_missing() {
    let d = decryptor(
        EncAlg::AesCbc,
        &[1; 16],
        IntegAlg::HmacSha1_96,
        &[2; 20],
        false,
    );
    let mut out = Vec::new();
    let err = |b: &[u8], out: &mut Vec<u8>| d.decrypt(b, None, out).unwrap_err();
    assert!(matches!(
        err(&[0; 7], &mut out),
        EspError::Truncated {
            field: "SPI and sequence number",
            ..
        }
    ));
    assert!(matches!(
        err(&[0; 20], &mut out),
        EspError::Truncated { field: "IV", .. }
    ));
    assert!(matches!(
        err(&[0; 30], &mut out),
        EspError::Truncated { field: "ICV", .. }
    ));
    assert!(matches!(
        err(&[0; 8 + 16 + 12], &mut out),
        EspError::Truncated {
            field: "trailer",
            ..
        }
    ));
    assert!(matches!(
        err(&[0; 8 + 16 + 20 + 12], &mut out),
        EspError::NotBlockAligned {
            len: 20,
            block_size: 16,
            offset: 24
        }
    ));
    // The common error form names the ESP packet and the field.
    let pe: ikescope_dissectors::ParseError = err(&[0; 20], &mut out).into();
    assert_eq!(pe.element, "ESP packet");
    assert_eq!(pe.field, "IV");
    assert_eq!(pe.offset, 8);
    // Bad keys are refused at construction.
    let bad = |enc, key: &[u8], integ, ik: &[u8]| {
        EspDecryptor::new(&EspSaKeys {
            enc,
            enc_key: key.to_vec(),
            integ,
            integ_key: ik.to_vec(),
            esn: false,
        })
        .is_err()
    };
    assert!(bad(EncAlg::AesCbc, &[0; 17], IntegAlg::None, &[]));
    assert!(bad(EncAlg::TripleDesCbc, &[0; 16], IntegAlg::None, &[]));
    assert!(bad(
        EncAlg::AesGcm { icv_len: 16 },
        &[0; 16],
        IntegAlg::None,
        &[]
    ));
    assert!(bad(
        EncAlg::AesGcm { icv_len: 10 },
        &[0; 20],
        IntegAlg::None,
        &[]
    ));
    assert!(bad(
        EncAlg::AesGcm { icv_len: 16 },
        &[0; 20],
        IntegAlg::HmacSha1_96,
        &[0; 20]
    ));
    assert!(bad(EncAlg::AesCtr, &[0; 3], IntegAlg::None, &[]));
    assert!(bad(EncAlg::Null, &[0; 3], IntegAlg::None, &[]));
    assert!(bad(
        EncAlg::AesCbc,
        &[0; 16],
        IntegAlg::HmacMd5_96,
        &[0; 20]
    ));
}

// ---------------------------------------------------------------------------------------
// MODP groups: RFC 2409 §6.1/6.2, RFC 3526
// ---------------------------------------------------------------------------------------

/// floor(pi * 2^bits), by Machin's formula in fixed point (64 guard bits).
fn pi_scaled(bits: u64) -> BigUint {
    fn arctan_inv(x: u32, one: &BigUint) -> BigUint {
        let x = BigUint::from(x);
        let x2 = &x * &x;
        let mut term = one / &x;
        let mut pos = term.clone();
        let mut neg = BigUint::from(0u32);
        let mut n = 1u32;
        loop {
            term /= &x2;
            if term == BigUint::from(0u32) {
                break;
            }
            let t = &term / BigUint::from(2 * n + 1);
            if n % 2 == 1 {
                neg += t;
            } else {
                pos += t;
            }
            n += 1;
        }
        pos - neg
    }
    let one = BigUint::from(1u32) << (bits + 64);
    let pi = (arctan_inv(5, &one) * 4u32 - arctan_inv(239, &one)) * 4u32;
    pi >> 64u32
}

#[test]
fn modp_primes_match_the_pi_formula() {
    // p = 2^n - 2^(n-64) - 1 + 2^64 * ( floor(2^(n-130) pi) + k ), k from each RFC.
    let groups: [(u16, u64, u32); 8] = [
        (1, 768, 149_686),
        (2, 1024, 129_093),
        (5, 1536, 741_804),
        (14, 2048, 124_476),
        (15, 3072, 1_690_314),
        (16, 4096, 240_904),
        (17, 6144, 929_484),
        (18, 8192, 4_743_158),
    ];
    for (g, n, k) in groups {
        let two = BigUint::from(2u32);
        let p = two.pow(n as u32) - two.pow((n - 64) as u32) - 1u32
            + two.pow(64) * (pi_scaled(n - 130) + k);
        let ours = modp::prime(g).unwrap();
        assert_eq!(ours.len() as u64 * 8, n, "group {g} length");
        assert_eq!(modp::prime_len(g).unwrap() as u64 * 8, n);
        assert_eq!(BigUint::from_bytes_be(&ours), p, "group {g} prime");
    }
}

#[test]
fn modp_dh_round_trip_both_ways() {
    for g in [1u16, 2, 5, 14, 15] {
        let a = [0x11u8; 32];
        let b = hex("00c0ffee0123456789abcdef");
        let pa = modp::public_value(g, &a).unwrap();
        let pb = modp::public_value(g, &b).unwrap();
        let len = modp::prime_len(g).unwrap();
        assert_eq!(pa.len(), len);
        let s1 = modp::shared_secret(g, &a, &pb).unwrap();
        let s2 = modp::shared_secret(g, &b, &pa).unwrap();
        assert_eq!(s1, s2, "group {g}");
        assert_eq!(s1.len(), len);
        assert_ne!(s1, pa);
    }
    // A small known value: 2^5 mod p = 32, padded to the prime length.
    let p32 = modp::public_value(2, &[5]).unwrap();
    assert_eq!(p32.len(), 128);
    assert_eq!(p32[127], 32);
    assert!(p32[..127].iter().all(|&b| b == 0));
    // And 32^3 = 2^15 = 32768 as a shared secret from private 3 and peer 32.
    let s = modp::shared_secret(2, &[3], &p32).unwrap();
    assert_eq!(&s[125..], &[0, 0x80, 0]);
}
