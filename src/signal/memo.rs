//! Process-wide caches of values that depend only on their settings (windows, filter banks).

use crate::error::Result;
use std::sync::{Arc, Mutex};

/// Windows and filter banks depend only on their settings, and a corpus uses a few (chroma: one
/// per estimated tuning, at most 100 at librosa's resolution): keep them for the whole process,
/// so they outlive each batch's worker threads. Looked up once per signal, not per frame.
pub(crate) type Memo<K, V> = Mutex<Vec<(K, Arc<V>)>>;
const MEMO_SIZE: usize = 128;

pub(crate) fn memoized<K: PartialEq, V>(memo: &Memo<K, V>, key: K, build: impl FnOnce() -> Result<V>) -> Result<Arc<V>> {
    let lock = || memo.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(hit) = lock().iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone()) {
        return Ok(hit);
    }
    let value = Arc::new(build()?);
    let mut entries = lock();
    if entries.len() == MEMO_SIZE {
        entries.remove(0);
    }
    entries.push((key, value.clone()));
    Ok(value)
}
