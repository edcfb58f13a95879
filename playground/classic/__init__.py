"""Deep learning against traditional machine learning, on the learner's own split:
scikit-learn baselines, hand-made image features, learning curves, overfitting and its
remedies, and compute cost. Each experiment returns small dataclasses of numbers."""
