//! Models and training with tch (libtorch).
