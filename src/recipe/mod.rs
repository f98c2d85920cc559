//! Feature recipes: the named features, above both [`feature`](crate::feature) and
//! [`prosody`](crate::prosody). The utterance-level sets ([`ser162`], the common SER vector of
//! spectral means, and [`egemaps_like`], an interpretable set after eGeMAPS that combines
//! spectral balance with pitch and voice quality) and [`FeatureConfig`], a named feature with all
//! of its settings: the one route by which single calls and corpus-wide batches compute any
//! feature, frame-level or utterance-level.

pub mod config;
pub mod egemaps;
pub mod ser162;

pub use config::{FeatureConfig, FeatureKind, FeatureOutput};
pub use egemaps::{egemaps_like, egemaps_like_columns};
pub use ser162::{ser162, ser162_columns, SER162_LEN};
