//! Audio I/O: decoding (symphonia) and resampling (rubato).
