"""Where the shared real-news corpora live: `../shared/data/news` beside the repository."""

from pathlib import Path

NEWS = Path(__file__).resolve().parents[2] / "shared" / "data" / "news"
WIKINEWS_2019 = NEWS / "wikinews_2019_2020.jsonl"
