"""A language model small enough to build and step in a test: the grammar's text and an LSTM."""

SMALL_LM = {
    "version": 1,
    "dataset": {"name": "grammar_text", "params": {"sentences": 200, "context": 16},
                "test_fraction": 0.1, "seed": 0},
    "layers": [{"type": "embedding", "dim": 16},
               {"type": "lstm", "hidden": 32, "layers": 1, "bidirectional": False},
               {"type": "readout", "mode": "tokens"}],
    "train": {"optimizer": "adam", "lr": 0.01, "batch_size": 16, "epochs": 2,
              "loss": "cross_entropy", "seed": 0, "device": "cpu"},
}
