#!/usr/bin/env bash
# ESP decrypt+verify throughput of ikescope (criterion, dissectors/benches/esp.rs) next to
# OpenSSL's for the same primitives, on the same machine, in the same run.
#
#   bench/crypto.sh            # the shipped build (runtime CPU feature detection)
#   bench/crypto.sh --native   # the same with RUSTFLAGS="-C target-cpu=native"
#
# Packets carry 1408 bytes of ciphertext, so OpenSSL runs with `-bytes 1408`. Ours is the
# criterion median time per packet (decrypt + ICV check + trailer parsing); OpenSSL's are
# `openssl speed -elapsed -seconds 3` rates. "Combined" is what OpenSSL would take for the
# cipher and the MAC one after the other: 1 / (1/cipher + 1/mac). MB = 10^6 bytes.
# Raw outputs go to bench/out/.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=default
if [[ "${1:-}" == "--native" ]]; then
    mode=native
    export RUSTFLAGS="-C target-cpu=native"
    export CARGO_TARGET_DIR="$PWD/target/native"
fi
target=${CARGO_TARGET_DIR:-target}
out=bench/out
mkdir -p "$out"
bytes=1408

echo "== machine"
grep -m1 'model name' /proc/cpuinfo || true
echo "cores: $(nproc)"
echo "flags: $(grep -m1 -o -w -E 'aes|vaes|pclmulqdq|vpclmulqdq|sha_ni|avx2|avx512f' /proc/cpuinfo | sort -u | tr '\n' ' ')"
openssl version
rustc --version
echo "build: $mode${RUSTFLAGS:+ (RUSTFLAGS=$RUSTFLAGS)}"
echo

echo "== criterion (ours)"
cargo bench -p ikescope-dissectors --bench esp -- --warm-up-time 2 --measurement-time 5 \
    >"$out/criterion-$mode.txt" 2>&1 || { cat "$out/criterion-$mode.txt"; exit 1; }
grep -E '^(esp_decrypt|per_sa)/|time:|thrpt:' "$out/criterion-$mode.txt"
echo

# Median nanoseconds per iteration from criterion's estimates.json.
median_ns() {
    sed -E 's/.*"median":\{"confidence_interval":\{[^}]*\},"point_estimate":([0-9.eE+-]+).*/\1/' \
        "$target/criterion/$1/new/estimates.json" | awk '{ printf "%.0f", $1 }'
}
ours() { awk -v ns="$(median_ns "esp_decrypt/$1")" -v b=$bytes 'BEGIN { printf "%.1f", b / ns * 1000 }'; }

echo "== openssl speed"
# MB/s from the last line of `openssl speed` ("<name> <n>k", in 1000s of bytes per second).
ossl() {
    openssl speed -elapsed -bytes $bytes -seconds 3 "$@" >"$out/openssl-$(echo "$*" | tr ' /' '__').txt" 2>&1
    tail -n 1 "$out/openssl-$(echo "$*" | tr ' /' '__').txt" | awk '{ v = $NF; sub(/k$/, "", v); printf "%.1f", v / 1000 }'
}
aes_cbc=$(ossl -decrypt -evp aes-128-cbc)
aes_gcm=$(ossl -decrypt -evp aes-128-gcm)
des3=$(ossl -decrypt -evp des-ede3-cbc)
sha1=$(ossl -hmac sha1)
md5=$(ossl -hmac md5)
echo "aes-128-cbc (decrypt) $aes_cbc MB/s, aes-128-gcm (decrypt) $aes_gcm MB/s, des-ede3-cbc (decrypt) $des3 MB/s"
echo "hmac(sha1) $sha1 MB/s, hmac(md5) $md5 MB/s"
echo

row() { # name ours cipher mac
    awk -v n="$1" -v o="$2" -v c="$3" -v m="$4" 'BEGIN {
        comb = (m == "-") ? c : 1 / (1 / c + 1 / m)
        printf "| %-28s | %9.1f | %9.1f | %9s | %9.1f | %5.0f%% |\n", n, o, c, m, comb, 100 * o / comb
    }'
}
echo "== ESP decrypt+verify, ${bytes}-byte ciphertext, MB/s ($mode build)"
echo "| transform                    | ours      | OpenSSL cipher | OpenSSL MAC | OpenSSL combined | ours/combined |"
echo "|------------------------------|-----------|-----------|-----------|-----------|--------|"
row "AES-128-CBC + HMAC-SHA1-96" "$(ours aes128cbc_hmacsha1_96)" "$aes_cbc" "$sha1"
row "AES-128-GCM-16" "$(ours aes128gcm16)" "$aes_gcm" "-"
row "3DES-CBC + HMAC-MD5-96" "$(ours 3descbc_hmacmd5_96)" "$des3" "$md5"
echo
echo "per-SA setup (median): decryptor AES-CBC/SHA1 $(median_ns per_sa/esp_decryptor_new_aes128cbc_hmacsha1_96) ns," \
    "GCM $(median_ns per_sa/esp_decryptor_new_aes128gcm16) ns, 3DES/MD5 $(median_ns per_sa/esp_decryptor_new_3descbc_hmacmd5_96) ns;" \
    "IKEv1 phase-1 derivation (SHA1, MODP-2048 sizes) $(median_ns per_sa/ikev1_phase1_derivation_sha1_g14) ns"
