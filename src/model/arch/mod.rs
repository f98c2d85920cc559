//! The architectures, one file each, behind one trait. An architecture maps a zero-padded batch
//! `(B, T, F)` with its lengths `(B,)` and mask `(B, T)` to frame features `(B, T, D)`; the
//! network around it ([`super::net::Net`]) pools them over time and classifies. Padding never
//! changes a sequence's result:
//! - recurrent layers run forward over the real frames first (padding comes after them), and the
//!   backward direction reads each sequence reversed within its own length (a gather with per-row
//!   indices), so neither direction ever consumes padding before a real frame;
//! - convolutions use "same" padding and their outputs are re-zeroed on padded frames, so a frame
//!   near the end sees zeros exactly as it would with no padding at all;
//! - pooling ([`pooling`]: masked mean, masked softmax attention, masked mean and std) only weighs
//!   real frames, so what an architecture leaves on padded frames never counts.
//!
//! Each architecture names the VarStore scopes of its variables itself (`rnn`, `cnn`, ...): those
//! names are the checkpoint format, and the test at the end of this file pins them.
//!
//! The list of architectures, with the names configs, checkpoints and the Python layer use, is
//! the one `architectures!` invocation below; everything else (parsing, error messages,
//! [`architecture_names`]) derives from it.

pub mod cnn1d;
pub mod cnn2d;
pub mod crnn;
pub mod mlp;
pub mod pooling;
pub mod rnn;

use super::config::ModelConfig;
use crate::error::SerError;
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use tch::{nn, Tensor};

/// A network body: what turns a padded batch of frames into frame features, in the style of
/// tch's `nn::ModuleT` with the lengths and mask a padded batch needs.
pub trait Architecture: Send {
    /// Builds the architecture's variables under `root` (drawing their initial values from
    /// libtorch's generator, in a fixed order) for a validated config.
    fn new(root: &nn::Path, c: &ModelConfig) -> Self
    where
        Self: Sized;

    /// Frame features `(B, T, out_dim)` of a zero-padded batch `x` `(B, T, F)` whose row `b` has
    /// `lengths[b]` real frames, marked by `mask` `(B, T)` (1.0 on real frames). Values on padded
    /// frames are unspecified: pooling masks them. `train` turns dropout on.
    fn forward_t(&self, x: &Tensor, lengths: &Tensor, mask: &Tensor, train: bool) -> Tensor;

    /// The width `D` of each output frame.
    fn out_dim(&self) -> i64;

    /// The recurrent network that can read this architecture's input chunk by chunk, carrying
    /// its state ([`rnn::Rnn::step`]); None when the architecture needs whole utterances.
    fn streaming(&self) -> Option<&rnn::Rnn> {
        None
    }
}

/// Defines [`Arch`] from one list of `Variant = "name" => Type` rows: the enum, its names and
/// the dispatch to each type's [`Architecture::new`].
macro_rules! architectures {
    ($($(#[$doc:meta])* $variant:ident = $name:literal => $ty:ty,)+) => {
        /// Which network reads the features (`model` in Python, `arch` in a config or checkpoint).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Arch {
            $($(#[$doc])* $variant,)+
        }

        impl Arch {
            /// Every architecture, in the order of [`architecture_names`].
            pub const ALL: &'static [Arch] = &[$(Arch::$variant,)+];
            const NAMES: &'static [&'static str] = &[$($name,)+];

            /// A freshly initialised body of this architecture under `root`.
            pub fn build(self, root: &nn::Path, c: &ModelConfig) -> Box<dyn Architecture> {
                match self {
                    $(Arch::$variant => Box::new(<$ty as Architecture>::new(root, c)),)+
                }
            }
        }
    };
}

architectures! {
    /// A recurrent network over frame sequences `(T, F)`.
    Rnn = "rnn" => rnn::Rnn,
    /// A multilayer perceptron applied to each row (an utterance vector, `T = 1`), then pooled.
    Mlp = "mlp" => mlp::Mlp,
    /// 1-D convolutions over time, features as channels.
    Cnn1d = "cnn1d" => cnn1d::Cnn1d,
    /// 2-D convolutions over the `(T, F)` plane as an image (e.g. a log-mel spectrogram).
    Cnn2d = "cnn2d" => cnn2d::Cnn2d,
    /// A 1-D convolutional front followed by a recurrent back.
    Crnn = "crnn" => crnn::Crnn,
}

/// The architecture names a config (or the Python layer's `model=`) accepts, in a fixed order.
pub fn architecture_names() -> &'static [&'static str] {
    Arch::NAMES
}

impl Arch {
    /// The name configs, checkpoints and the Python layer use.
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    fn named(name: &str) -> Option<Arch> {
        Self::ALL.iter().copied().find(|a| a.name() == name)
    }
}

fn quoted_names() -> String {
    Arch::NAMES.iter().map(|n| format!("'{n}'")).collect::<Vec<_>>().join(", ")
}

impl std::fmt::Display for Arch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Arch {
    type Err = SerError;

    /// An architecture by name; an unknown name is a ParameterError listing the valid ones.
    fn from_str(name: &str) -> Result<Arch, SerError> {
        Arch::named(name).ok_or_else(|| SerError::parameter(format!("model='{name}' is not an architecture: use one of {}", quoted_names())))
    }
}

impl Serialize for Arch {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Arch {
    /// Reads the name a checkpoint or the Python layer wrote, as the derived lowercase enum did.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Arch, D::Error> {
        struct Name;
        impl de::Visitor<'_> for Name {
            type Value = Arch;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                write!(f, "an architecture name, one of {}", quoted_names())
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Arch, E> {
                Arch::named(v).ok_or_else(|| E::unknown_variant(v, Arch::NAMES))
            }
        }
        d.deserialize_str(Name)
    }
}

#[cfg(test)]
mod tests {
    use super::super::config::tests::small;
    use super::super::config::{Cell, Pooling};
    use super::super::net::Net;
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn names_round_trip_and_unknown_names_list_the_valid_ones() {
        assert_eq!(Arch::ALL.len(), architecture_names().len());
        for &a in Arch::ALL {
            assert_eq!(a.name().parse::<Arch>().unwrap(), a);
            let json = serde_json::to_string(&a).unwrap();
            assert_eq!(json, format!("\"{}\"", a.name()));
            assert_eq!(serde_json::from_str::<Arch>(&json).unwrap(), a);
        }
        let err = "lstm".parse::<Arch>().unwrap_err();
        assert_eq!(err.type_name(), "ParameterError");
        assert!(architecture_names().iter().all(|n| err.message().contains(&format!("'{n}'"))), "{}", err.message());
        let err = serde_json::from_str::<Arch>("\"lstm\"").unwrap_err().to_string();
        assert!(err.contains("unknown variant `lstm`") && err.contains("`cnn2d`"), "{err}");
        assert!(serde_json::from_str::<Arch>("3").unwrap_err().to_string().contains("an architecture name, one of 'rnn'"));
    }

    /// Variable names and shapes of a network built from `c`.
    fn variables(arch: Arch, configure: impl Fn(&mut ModelConfig)) -> BTreeMap<String, Vec<i64>> {
        let mut c = small(arch, 6, 3).model;
        c.channels = vec![4, 5];
        configure(&mut c);
        let vs = nn::VarStore::new(tch::Device::Cpu);
        Net::new(&vs.root(), &c).unwrap();
        vs.variables().into_iter().map(|(k, v)| (k, v.size())).collect()
    }

    fn expect(rows: &[(&str, &[i64])]) -> BTreeMap<String, Vec<i64>> {
        rows.iter().map(|(k, s)| (k.to_string(), s.to_vec())).collect()
    }

    /// The names (and shapes) of every architecture's variables are the checkpoint format:
    /// checkpoints saved by earlier versions load only while these stay as they are.
    #[test]
    fn variable_names_are_the_checkpoint_format() {
        let _rng = crate::model::torch_rng_lock();
        let head: &[(&str, &[i64])] = &[("head.weight", &[3, 16]), ("head.bias", &[3])];
        let lstm = |scope: &str, input: i64| -> Vec<(String, Vec<i64>)> {
            ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
                .iter()
                .zip([vec![32, input], vec![32, 8], vec![32], vec![32]])
                .map(|(n, s)| (format!("rnn.{scope}.{n}"), s))
                .collect()
        };
        let mut rnn: BTreeMap<String, Vec<i64>> =
            [lstm("l0", 6), lstm("l0_reverse", 6), lstm("l1", 16), lstm("l1_reverse", 16)].into_iter().flatten().collect();
        rnn.extend(expect(head));
        assert_eq!(variables(Arch::Rnn, |c| c.num_layers = 2), rnn);

        let gru = variables(Arch::Rnn, |c| {
            (c.cell, c.bidirectional) = (Cell::Gru, false);
        });
        let mut want = expect(&[
            ("rnn.l0.weight_ih_l0", &[24, 6]),
            ("rnn.l0.weight_hh_l0", &[24, 8]),
            ("rnn.l0.bias_ih_l0", &[24]),
            ("rnn.l0.bias_hh_l0", &[24]),
            ("head.weight", &[3, 8]),
            ("head.bias", &[3]),
        ]);
        assert_eq!(gru, want);

        want = expect(&[("mlp.fc0.weight", &[8, 6]), ("mlp.fc0.bias", &[8]), ("mlp.fc1.weight", &[8, 8]), ("mlp.fc1.bias", &[8])]);
        want.extend(expect(&[("head.weight", &[3, 8]), ("head.bias", &[3])]));
        assert_eq!(variables(Arch::Mlp, |c| c.num_layers = 2), want);

        let convs = |scope: &str, first: &[i64], second: &[i64]| {
            expect(&[
                (&format!("{scope}.conv0.weight"), first),
                (&format!("{scope}.conv0.bias"), &[4]),
                (&format!("{scope}.conv1.weight"), second),
                (&format!("{scope}.conv1.bias"), &[5]),
                ("head.weight", &[3, 5]),
                ("head.bias", &[3]),
            ])
        };
        assert_eq!(variables(Arch::Cnn1d, |_| {}), convs("cnn", &[4, 6, 3], &[5, 4, 3]));
        assert_eq!(variables(Arch::Cnn2d, |_| {}), convs("cnn2d", &[4, 1, 3, 3], &[5, 4, 3, 3]));

        let mut crnn = convs("cnn", &[4, 6, 3], &[5, 4, 3]);
        crnn.extend([lstm("l0", 5), lstm("l0_reverse", 5)].into_iter().flatten());
        crnn.extend(expect(head));
        crnn.extend(expect(&[("att_proj.weight", &[16, 16]), ("att_proj.bias", &[16]), ("att_score.weight", &[1, 16])]));
        assert_eq!(variables(Arch::Crnn, |c| c.pooling = Pooling::Attention), crnn);

        let stats = variables(Arch::Cnn1d, |c| c.pooling = Pooling::Stats);
        assert_eq!(stats["head.weight"], vec![3, 10], "statistics pooling doubles the head's input");
    }
}
