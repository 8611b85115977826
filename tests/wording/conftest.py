"""The plain-words scan reads the app through the AppTest harness of tests/app."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "app"))
