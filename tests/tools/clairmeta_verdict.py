"""ClairMeta's verdict on a DCP, as one JSON line, for tests/cli/package.rs.

Usage: python clairmeta_verdict.py DCP_FOLDER [--no-hash]

Prints {"ok": bool, "errors": [check names failed at ERROR level], "exception": str|null}.
A package ClairMeta cannot even probe (an empty ASSETMAP) is not ok.
ClairMeta (PyPI `clairmeta`) is the DCP/IMF checker cinema labs use.
"""
import json
import logging
import sys

logging.disable(logging.CRITICAL)


def main():
    path = sys.argv[1]
    out = {"ok": False, "errors": [], "exception": None}
    try:
        from clairmeta import DCP

        dcp = DCP(path)
        kwargs = {}
        if "--no-hash" in sys.argv:
            kwargs["hash_callback"] = None
        status, report = dcp.check(**kwargs)
        errors = sorted(
            {c.name for c in report.checks_failed() for e in c.errors if e.criticality == "ERROR"}
        )
        out["ok"] = bool(status)
        out["errors"] = errors
    except Exception as e:  # noqa: BLE001: any failure to read is a failed package
        out["exception"] = f"{type(e).__name__}: {e}"
    print(json.dumps(out))


if __name__ == "__main__":
    main()
