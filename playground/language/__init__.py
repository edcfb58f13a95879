"""Character-level language modelling: the shipped texts, the learner's own text, baselines
to beat, sampling with temperature, top-k and top-p, and the grammar's measures of samples."""
