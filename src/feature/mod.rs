//! Features, librosa-exact.
