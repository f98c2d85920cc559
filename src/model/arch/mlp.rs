//! A multilayer perceptron applied to each frame (for per-utterance vectors `T = 1`).
//! Variables: `mlp.fc{i}`.

use super::super::config::ModelConfig;
use super::Architecture;
use tch::nn::{self, Module};
use tch::Tensor;

/// The VarStore scope of the hidden layers.
pub const SCOPE: &str = "mlp";

/// Hidden layers with ReLU and dropout; with none, the frames pass through unchanged.
pub struct Mlp {
    layers: Vec<nn::Linear>,
    dropout: f64,
    out_dim: i64,
}

impl Architecture for Mlp {
    fn new(root: &nn::Path, c: &ModelConfig) -> Mlp {
        let p = root / SCOPE;
        let mut inp = c.n_features as i64;
        let layers = (0..c.num_layers)
            .map(|i| {
                let l = nn::linear(&p / format!("fc{i}"), inp, c.hidden_size as i64, Default::default());
                inp = c.hidden_size as i64;
                l
            })
            .collect();
        Mlp { layers, dropout: c.dropout, out_dim: inp }
    }

    fn forward_t(&self, x: &Tensor, _lengths: &Tensor, _mask: &Tensor, train: bool) -> Tensor {
        self.layers.iter().fold(x.shallow_clone(), |h, l| l.forward(&h).relu().dropout(self.dropout, train))
    }

    fn out_dim(&self) -> i64 {
        self.out_dim
    }
}
