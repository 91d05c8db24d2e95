"""Builds the finpics functions' deployment zip (what ``finpics-desktop deploy`` uploads):

    .venv/bin/python packaging/build_lambda.py [--runtime python3.12] [--architecture x86_64]
                                               [--output dist/finpics-lambda.zip]

The handlers' part of finpics_desktop plus the manylinux wheels of Pillow for that Lambda
runtime and architecture, fetched from PyPI with pip (boto3 comes with the runtime).
Deploy it with ``finpics-desktop deploy --zip dist/finpics-lambda.zip``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from finpics_desktop.backends.aws.bundle import PLATFORMS, build_zip, digest  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runtime", default="python3.12")
    parser.add_argument("--architecture", default="x86_64", choices=sorted(PLATFORMS))
    parser.add_argument("--output", type=Path, default=REPO / "dist" / "finpics-lambda.zip")
    parser.add_argument("--no-dependencies", action="store_true",
                        help="only the code (for the local cloud, which runs it in-process)")
    args = parser.parse_args()
    path = build_zip(args.output, args.runtime, args.architecture,
                     dependencies=not args.no_dependencies)
    print(f"{path} {path.stat().st_size / 1e6:.1f} MB sha256 {digest(path)[:16]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
