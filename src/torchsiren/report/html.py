"""index.html: one page showing a run's pictures and metrics."""
from __future__ import annotations

import html
import json
from pathlib import Path


def write_index(out_dir: Path, title: str, metrics: dict, pictures: dict[str, str], config: dict | None = None,
                audio: dict[str, str] | None = None) -> Path:
    """Write out_dir/index.html with a metrics table, audio players ({caption: file}), the pictures
    ({caption: file}) and the config."""
    flat = {f"{k} {sub}" if isinstance(v, dict) else k: w for k, v in metrics.items()
            for sub, w in (v.items() if isinstance(v, dict) else [(None, v)])}
    rows = "".join(f"<tr><td>{html.escape(str(k))}</td><td>{html.escape(_fmt(v))}</td></tr>"
                   for k, v in flat.items())
    figs = "".join(f'<figure><img src="{html.escape(f)}"><figcaption>{html.escape(c)}</figcaption></figure>'
                   for c, f in pictures.items() if (Path(out_dir) / f).exists())
    players = "".join(f'<figure><audio controls src="{html.escape(f)}"></audio><figcaption>{html.escape(c)}'
                      f'</figcaption></figure>' for c, f in (audio or {}).items() if (Path(out_dir) / f).exists())
    cfg = f"<h2>config</h2><pre>{html.escape(json.dumps(config, indent=2))}</pre>" if config else ""
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:2em}} figure{{display:inline-block;margin:.5em;text-align:center}}
img{{max-width:320px;image-rendering:pixelated;border:1px solid #ccc}} td{{padding:2px 12px}}</style></head>
<body><h1>{html.escape(title)}</h1><table>{rows}</table><div>{players}</div><div>{figs}</div>{cfg}</body></html>"""
    path = Path(out_dir) / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def write_table_index(out_dir: Path, title: str, caption: str, head: list[str], rows: list[list[str]],
                      links: dict[str, str], pictures: dict[str, str]) -> Path:
    """Write out_dir/index.html for a comparison: the table (its first cell links to `links[cell]`, each model's
    own page) and the pictures that exist."""
    def cell(i: int, text: str) -> str:
        text_html = html.escape(text)
        return f'<td><a href="{html.escape(links[text])}">{text_html}</a></td>' if i == 0 and text in links \
            else f"<td>{text_html}</td>"
    table = ("<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head) + "</tr>"
             + "".join("<tr>" + "".join(cell(i, c) for i, c in enumerate(r)) + "</tr>" for r in rows))
    figs = "".join(f'<figure><img src="{html.escape(f)}" style="max-width:100%"><figcaption>{html.escape(c)}'
                   f'</figcaption></figure>' for c, f in pictures.items() if (Path(out_dir) / f).exists())
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:2em}} td,th{{padding:2px 12px;text-align:right}}</style></head>
<body><h1>{html.escape(title)}</h1><p>{html.escape(caption)}</p><table>{table}</table><div>{figs}</div></body></html>"""
    path = Path(out_dir) / "index.html"
    path.write_text(page, encoding="utf-8")
    return path


def _fmt(v) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)
