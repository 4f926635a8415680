"""What signing adds to an issued document (docs/security.md, "Signed documents"; target under 0.2 s).

    .venv/bin/python bench/signing_bench.py            # about a minute
    .venv/bin/python bench/signing_bench.py --runs 50

Renders a 12-page official document (GB/T 9704 style text and a 300-row table, the CJK fonts embedded)
with core.pdf once, then times core.signing.sign_pdf on it with a department certificate from a
throwaway CA (RSA 2048, the usual department key, and ECDSA P-256, the development certificate), and
the verification of the signed file (core.signing.verify_pdf without the registry lookup). Writes
bench/results/signing-<date>.json with run_bench's CPU calibration figure.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

from bench.run_bench import RESULTS, calibrate, loadavg  # noqa: E402


def document_html() -> str:
    paragraph = (
        "根据《陕西省低碳近零碳试点示范建设工作方案（2023-2025年）》要求，经申报单位申报、市级生态环境部门"
        "审核推荐、省级专家评审，现将有关事项通知如下。"
    )
    rows = "".join(
        f"<tr><td>{i}</td><td>某某县人民政府{i}</td><td>安康市</td><td>县（区）</td><td>{i * 13.5:,.2f}</td></tr>"
        for i in range(1, 301)
    )
    body = "".join(f"<p>{paragraph * 3}</p>" for _ in range(40))
    return (
        '<html><head><meta charset="utf-8"><style>body{font-family:"Noto Serif CJK SC";font-size:16pt}'
        "table{border-collapse:collapse}td{border:1px solid #000;padding:2px}</style></head><body>"
        f"<h1>关于陕西省低碳近零碳试点示范建设拟入选名单的公示</h1>{body}<table>{rows}</table></body></html>"
    )


def summary(values: list[float]) -> dict:
    ordered = sorted(values)
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings

    from core import signing
    from core.pdf import html_to_pdf

    started = time.perf_counter()
    pdf = html_to_pdf(document_html())
    render_s = time.perf_counter() - started
    result = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "loadavg": loadavg()},
        "calibration_ms": calibrate(),
        "document": {"bytes": len(pdf), "render_ms": round(render_s * 1000, 1)},
        "keys": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        for label, bits in (("RSA 2048", 2048), ("ECDSA P-256", 0)):
            root_pem, signer_pem = signing.generate_chain(
                root_name="基准测试根证书",
                organisation="基准测试",
                signer_name="陕西省生态环境厅",
                rsa_bits=bits,
            )
            root, signer = Path(tmp) / f"root-{bits}.pem", Path(tmp) / f"signer-{bits}.pem"
            root.write_bytes(root_pem)
            signer.write_bytes(signer_pem)
            settings.PORTAL_SIGNING = {"province_ecology": {"key": signer, "cert": signer, "chain": [root]}}
            settings.PORTAL_SIGNING_TRUST_ROOTS = [root]
            signed = signing.sign_pdf(pdf, signer_key=signing.PROVINCE)  # warm: key loading, imports
            sign_times, verify_times = [], []
            for _ in range(args.runs):
                started = time.perf_counter()
                signed = signing.sign_pdf(pdf, signer_key=signing.PROVINCE)
                sign_times.append(time.perf_counter() - started)
            for _ in range(max(5, args.runs // 3)):
                started = time.perf_counter()
                verdict = signing.verify_pdf(signed, lookup=False)
                verify_times.append(time.perf_counter() - started)
            assert verdict.status == signing.UNKNOWN, verdict  # valid and trusted; not in any registry
            result["keys"][label] = {
                "sign": summary(sign_times),
                "verify": summary(verify_times),
                "bytes_added": len(signed) - len(pdf),
            }
            print(f"{label}: sign {result['keys'][label]['sign']}, verify {result['keys'][label]['verify']}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"signing-{datetime.date.today().isoformat()}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"document {result['document']}; calibration {result['calibration_ms']} ms; written to {out}")


if __name__ == "__main__":
    main()
