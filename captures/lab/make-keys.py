#!/usr/bin/env python3
"""Writes keys.toml beside each lab capture: what an engineer would have, taken from the peers'
own records (truth.json): the pre-shared key and, per IKE SA, the DH shared secret g^xy (for
IKEv2, g^ir). Nothing derived: ikescope must derive SKEYID, Ka, IVs and ESP keys itself.

For mm-psk-mismatch only the initiator's (left's) PSK is written, so the tool has to say which
side it matches and prove the other side's wrong. For quick modes with PFS the per-quick-mode
DH secret is not in truth.json: those keys come from the charon logs or xfrm files instead.

    captures/lab/make-keys.py
"""
import json
import pathlib
import re

HERE = pathlib.Path(__file__).resolve().parent


def quick_mode_secrets(log: pathlib.Path):
    """(message ID, g(qm)^xy hex) per quick mode with PFS, from a charon level-4 log: the CHD
    `DH secret` dump that follows the thread's `parsed QUICK_MODE request|response <mid>`."""
    prefix = re.compile(r"^\S+ (\d+)\[([A-Z]+)\] (?:<[^>]*> ?)?(.*)$")
    last_mid, dumping, out = {}, {}, []
    for line in log.read_text().splitlines():
        m = prefix.match(line)
        if not m:
            continue
        thread, msg = m.group(1), m.group(3)
        if thread in dumping:
            row = re.match(r"^\s*\d+: ((?:[0-9A-F]{2} )+)", msg)
            if row:
                dumping[thread][1].append(row.group(1).replace(" ", ""))
                mid, parts, size = dumping[thread]
                if sum(len(p) for p in parts) // 2 >= size:
                    out.append((mid, "".join(parts).lower()[: size * 2]))
                    del dumping[thread]
                continue
            del dumping[thread]
        q = re.match(r"parsed QUICK_MODE (?:request|response) (\d+)", msg)
        if q:
            last_mid[thread] = int(q.group(1))
        d = re.match(r"DH secret => (\d+) bytes", msg)
        if d and thread in last_mid:
            dumping[thread] = (last_mid[thread], [], int(d.group(1)))
    return out


def main() -> None:
    for truth_path in sorted(HERE.glob("*/truth.json")):
        truth = json.loads(truth_path.read_text())
        lines = [
            f"# Keys for {truth['scenario']}: generated from truth.json by captures/lab/make-keys.py.",
            "# PSK and g^xy only: everything else is derived by ikescope.",
            "",
        ]
        psks = []
        for sa in truth["ike_sas"]:
            psk = sa["psk"]["initiator"]
            if (psk["secret"], psk["host"]) not in psks:
                psks.append((psk["secret"], psk["host"]))
        for secret, host in psks[:1]:
            lines += ["[[psk]]", f'secret = "{secret}"  # {host}\'s PSK', ""]
        for sa in truth["ike_sas"]:
            keys = sa["keys"]["initiator"]
            g = keys.get("g_xy") or keys.get("g_ir")
            if not g:
                continue
            lines += [
                "[[ike]]",
                f'initiator_cookie = "{sa["initiator_cookie"]}"',
                f'responder_cookie = "{sa["responder_cookie"]}"',
                f'dh_shared_secret = "{g}"',
                "",
            ]
        log = truth_path.parent / "charon-left.trimmed.log"
        if log.exists():
            cookie = truth["ike_sas"][0]["initiator_cookie"]
            for mid, secret in quick_mode_secrets(log):
                lines += [
                    "[[quick_mode]]  # PFS: g(qm)^xy from the charon log",
                    f'initiator_cookie = "{cookie}"',
                    f'message_id = "{mid:08x}"',
                    f'dh_shared_secret = "{secret}"',
                    "",
                ]
        out = truth_path.parent / "keys.toml"
        out.write_text("\n".join(lines))
        out.chmod(0o600)
        print(f"{out.relative_to(HERE.parent.parent)}: {len(psks[:1])} PSK, {len(truth['ike_sas'])} IKE SA(s)")


if __name__ == "__main__":
    main()
