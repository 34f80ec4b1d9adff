"""Where the project's non-Python parts live (templates, runtime_c, boards)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
RUNTIME_C = ROOT / "runtime_c"
BOARDS = ROOT / "boards"
MODELS = ROOT / "models"
