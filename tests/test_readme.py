"""The README's Python examples run as written (with fewer steps), beside the files they name."""
import re
from pathlib import Path

import torch

from torchsiren.cli.main import main


def test_readme_python_examples_run(tmp_path, monkeypatch):
    text = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks
    monkeypatch.chdir(tmp_path)
    assert main(["fit", "image", "--size", "16", "--steps", "2", "--hidden-features", "16", "--quiet",
                 "--out", "runs/photo"]) == 0
    sizes = [2, 32, 32, 32, 32, 1]  # the authors' SingleBVPNet: net.net.{i}.0.weight / bias
    torch.save({f"net.net.{i}.0.{k}": torch.randn(o, n) if k == "weight" else torch.randn(o)
                for i, (n, o) in enumerate(zip(sizes[:-1], sizes[1:])) for k in ("weight", "bias")},
               "model_final.pth")
    code = re.sub(r"steps=\d+", "steps=3", "\n".join(blocks))
    exec(compile(code, "README.md", "exec"), {})
