"""Where the shared data lives: `../shared/data` beside the repository (news corpora, PLOVER gold)."""

from pathlib import Path

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
NEWS = SHARED_DATA / "news"
PLOVER_GOLD = SHARED_DATA / "gold" / "plover_gsr_cameo.jsonl"
WIKINEWS_2019 = NEWS / "wikinews_2019_2020.jsonl"
MULTILINGUAL_ITN = NEWS / "multilingual_itn_blurbs.jsonl.gz"  # 3,121 Wikipedia "In the news" blurbs, 55 languages
