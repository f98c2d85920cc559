//! Parallel feature extraction over a corpus.
