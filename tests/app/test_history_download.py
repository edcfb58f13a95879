"""The Train page's history download: disabled before the first epoch, then one row per
finished epoch (the CSV itself is tested in tests/unit/test_weights_in_and_history.py)."""

from __future__ import annotations

from tests.app.opening import open_page


def _history_button(at):
    (button,) = [d for d in at.get("download_button") if d.proto.id.endswith("export.history")]
    return button.proto


def test_the_history_download_counts_finished_epochs():
    at = open_page("views/train.py")
    assert _history_button(at).disabled
    assert _history_button(at).label == "History (CSV, 0 epochs)"
    runner = at.session_state["session"].runner()
    assert runner.step_epoch() is None
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = _history_button(at)
    assert not shown.disabled and shown.label == "History (CSV, 1 epoch)"
    assert shown.url.endswith(".csv")
