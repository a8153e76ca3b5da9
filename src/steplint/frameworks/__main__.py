"""`python -m steplint.frameworks`: write index.json from the framework packages (after adding a
framework or changing a dialect's triggers; tests/test_architecture.py fails until it is done)."""

import json
from pathlib import Path

from . import INDEX_FILE, build_index

target = Path(__file__).with_name(INDEX_FILE)
target.write_text(json.dumps(build_index(), indent=1) + "\n", encoding="utf-8")
print(f"wrote {target}")
