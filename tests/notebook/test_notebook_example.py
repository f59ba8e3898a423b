"""examples/moderate-a-conference.ipynb executed top to bottom, as a user runs it: a real ipykernel on this
environment's Python (a kernelspec installed into a temporary Jupyter path), the sandbox on 127.0.0.1, and
no error output in any cell."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from ipykernel.kernelspec import install as install_kernelspec
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "moderate-a-conference.ipynb"


def outputs_text(cell: nbformat.NotebookNode) -> str:
    parts: list[str] = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(output["text"])
        for mime, value in output.get("data", {}).items():
            if mime in ("text/plain", "text/html"):
                parts.append(value if isinstance(value, str) else "".join(value))
    return "\n".join(parts)


@pytest.fixture
def jupyter_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private Jupyter/IPython home whose `python3` kernel is this interpreter."""
    install_kernelspec(kernel_name="python3", prefix=str(tmp_path))  # argv: sys.executable -m ipykernel_launcher
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "share" / "jupyter"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    for name in ("SINCH_APPLICATION_KEY", "SINCH_APPLICATION_SECRET", "SINCH_PROFILE", "SINCH_REGION"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_notebook_example_runs_top_to_bottom_against_the_sandbox(jupyter_home: Path) -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    # Any error output raises CellExecutionError (allow_errors is False), naming the cell and the traceback;
    # the 120 s a cell bounds a hung kernel (nothing asserts how long the run took: loaded machines vary).
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()

    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code)  # every cell ran
    errors = [out for cell in code for out in cell.outputs if out.output_type == "error"]
    assert errors == []
    stderr = [out["text"] for cell in code for out in cell.outputs if out.get("name") == "stderr"]
    assert not any("Traceback" in text or "Error" in text for text in stderr), stderr

    text = "\n".join(outputs_text(cell) for cell in code)
    assert "sandbox on http://127.0.0.1:" in text
    assert '<table class="sinch-table"' in text  # the room renders as an HTML table
    assert "muted: True" in text
    assert "still in the room: False" in text
    assert "CallResult" in text or "callId" in text
    assert "recordings" in text and ".wav" in text
    assert "downloaded " in text and " bytes" in text


def test_notebook_example_mentions_the_console_in_the_notebook() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    markdown = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    assert "notebook.show()" in markdown and "sinch-console serve" in markdown
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    assert "notebook.show" not in code  # executing it needs no browser and no second server
    assert not any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")  # stored clean
