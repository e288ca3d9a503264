"""The owner's command stays off the request path: serving a chat never imports it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SERVE_ONE_TURN = """
import json, sys
from api.app import create_app
from api.config import Config
config = Config.from_env({"TWIN_MEMORY_DIR": sys.argv[1], "TWIN_PERSONA": sys.argv[2]})
client = create_app(config).test_client()
response = client.post("/api/chat", json={"message": "What is your favourite board game?"})
modules = sorted(m for m in sys.modules if m.startswith(("api", "twin")))
print(json.dumps({"status": response.status_code, "modules": modules}))
"""


def test_a_chat_turn_loads_none_of_the_command(tmp_path, example_persona):
    result = subprocess.run([sys.executable, "-c", SERVE_ONE_TURN, str(tmp_path / "memory"),
                             str(example_persona)], cwd=REPO,
                            capture_output=True, text=True, timeout=60, check=True)
    loaded = json.loads(result.stdout.splitlines()[-1])
    assert loaded["status"] == 200
    assert "api.inbox.files" in loaded["modules"]  # the turn did record its unknown question
    assert not [m for m in loaded["modules"] if m.startswith("twin")]
    assert list((tmp_path / "memory" / "inbox" / "questions").glob("*.json"))
