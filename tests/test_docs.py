"""Every file the README and the docs link to exists (figures link to the result files they came from)."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
DOCS = ["README.md", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").glob("*.md")), "benchmarks/README.md"]


@pytest.mark.parametrize("doc", DOCS)
def test_links_resolve(doc):
    text = (ROOT / doc).read_text(encoding="utf-8")
    links = [link for link in re.findall(r"\]\(([^)#\s]+)\)", text) if not link.startswith("http")]
    missing = [link for link in links if not (ROOT / doc).parent.joinpath(link).resolve().exists()]
    assert not missing, missing
