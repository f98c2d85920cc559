//! One error type for every stage. Each variant names the class of `ser_rs.exceptions` it becomes
//! in Python ([`SerError::type_name`], the only table of that mapping); messages are written for
//! the user: say what is wrong and what to do.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SerError {
    /// The path does not exist (Python: MissingFileError, a FileNotFoundError).
    FileNotFound(String),
    /// Any other operating-system failure while reading or writing (Python: FileAccessError, an OSError).
    Io(String),
    /// The bytes are not decodable audio: unknown format, corrupt or truncated (Python: AudioDecodeError).
    Decode(String),
    /// An argument or the audio itself is unusable: absurd parameters, empty or non-finite
    /// signals (Python: ParameterError, a ValueError).
    Parameter(String),
    /// An argument of the wrong type (Python: InputTypeError, a TypeError).
    Type(String),
    /// A failure inside libtorch (Python: TorchError, a RuntimeError).
    Torch(String),
    /// A bug in ser_rs caught before it could abort the process (Python: InternalError, a RuntimeError).
    Internal(String),
}

pub type Result<T> = std::result::Result<T, SerError>;

impl SerError {
    /// The class of `ser_rs.exceptions` this error becomes; batch error lists report it.
    pub fn type_name(&self) -> &'static str {
        match self {
            SerError::FileNotFound(_) => "MissingFileError",
            SerError::Io(_) => "FileAccessError",
            SerError::Decode(_) => "AudioDecodeError",
            SerError::Parameter(_) => "ParameterError",
            SerError::Type(_) => "InputTypeError",
            SerError::Torch(_) => "TorchError",
            SerError::Internal(_) => "InternalError",
        }
    }

    pub fn message(&self) -> &str {
        match self {
            SerError::FileNotFound(m)
            | SerError::Io(m)
            | SerError::Decode(m)
            | SerError::Parameter(m)
            | SerError::Type(m)
            | SerError::Torch(m)
            | SerError::Internal(m) => m,
        }
    }

    pub fn parameter(msg: impl Into<String>) -> Self {
        SerError::Parameter(msg.into())
    }

    pub fn decode(msg: impl Into<String>) -> Self {
        SerError::Decode(msg.into())
    }
}

impl fmt::Display for SerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for SerError {}

/// Fails with a ParameterError naming `name` unless `cond` holds.
pub fn ensure(cond: bool, msg: impl FnOnce() -> String) -> Result<()> {
    if cond {
        Ok(())
    } else {
        Err(SerError::Parameter(msg()))
    }
}

fn panic_detail(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

/// Runs `f`, turning a panic inside it (e.g. in a third-party decoder) into a decode error, so
/// one malformed file can never abort the Python process or lose the rest of a batch.
pub fn catch_panic<T>(what: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .unwrap_or_else(|payload| Err(SerError::Decode(format!("{what} failed on malformed input: {}", panic_detail(payload)))))
}

/// Runs `f`, turning a panic (a bug in ser_rs) into an `Internal` error instead of an abort or
/// a Python `PanicException`.
pub fn contain_bug<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        Err(SerError::Internal(format!("internal error in ser_rs, please report it: {}", panic_detail(payload))))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_errors_of_the_right_kind() {
        let bug = contain_bug(|| -> Result<()> { panic!("boom") }).unwrap_err();
        assert_eq!(bug.type_name(), "InternalError");
        assert!(bug.message().contains("please report") && bug.message().contains("boom"));
        let bad_file = catch_panic("decoding x.wav", || -> Result<()> { panic!("bad header") }).unwrap_err();
        assert_eq!(bad_file.type_name(), "AudioDecodeError");
        assert_eq!(contain_bug(|| Ok(3)).unwrap(), 3);
    }
}
