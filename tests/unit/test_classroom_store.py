"""The class board on SQLite: codes, hashed keys, caps, close and clear, and messages."""

import pytest

from playground.classroom.store import MAX_WEIGHT_BYTES, Board, BoardError, default_path


@pytest.fixture
def board(tmp_path):
    b = Board(tmp_path / "c.sqlite3")
    yield b
    b.close()


def test_hand_in_appears_on_its_board_only(board):
    code, key = board.open_class()
    other, _ = board.open_class()
    board.hand_in(code.lower(), "Ada <b>", {"version": 1}, {"epochs": [{"test_accuracy": .9}]},
                  b"weights")
    [row] = board.handins(code)
    assert row.name == "Ada <b>" and row.metrics["epochs"][0]["test_accuracy"] == .9
    assert row.weights == b"weights" and board.handins(other) == []


def test_key_is_stored_hashed_and_checked(board, tmp_path):
    code, key = board.open_class()
    assert key.encode() not in (tmp_path / "c.sqlite3").read_bytes()
    with pytest.raises(BoardError, match="Wrong teacher key"):
        board.clear_class(code, "guess")
    board.hand_in(code, "a", {}, {})
    assert board.clear_class(code, key) == 1
    board.close_class(code, key)
    with pytest.raises(BoardError, match="closed"):
        board.hand_in(code, "b", {}, {})


def test_bad_codes_names_and_oversized_hand_ins_get_messages(board):
    code, _ = board.open_class()
    with pytest.raises(BoardError, match="No class"):
        board.handins("ZZZZZZ")
    with pytest.raises(BoardError, match="name"):
        board.hand_in(code, " ", {}, {})
    with pytest.raises(BoardError, match="KiB"):
        board.hand_in(code, "big", {}, {}, b"x" * (MAX_WEIGHT_BYTES + 1))


def test_default_path_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_CLASS_DB", str(tmp_path / "db"))
    assert default_path() == tmp_path / "db" / "classes.sqlite3"
