//! 1-D convolutions over time with the features as channels, also the front of the CRNN.
//! Variables: `cnn.conv{i}`.

use super::super::config::ModelConfig;
use super::Architecture;
use tch::nn::{self, Module};
use tch::Tensor;

/// The VarStore scope of the convolutions.
pub const SCOPE: &str = "cnn";

/// Convolutions with "same" padding and ReLU, zeroed on padded frames after each layer.
pub struct Cnn1d {
    convs: Vec<nn::Conv1D>,
    dropout: f64,
    out_dim: i64,
}

impl Cnn1d {
    /// Layers under `p` reading `input` channels.
    pub fn stack(p: &nn::Path, c: &ModelConfig, input: i64) -> Cnn1d {
        let cfg = nn::ConvConfig { padding: (c.kernel_size / 2) as i64, ..Default::default() };
        let mut inp = input;
        let convs = c
            .channels
            .iter()
            .enumerate()
            .map(|(i, &ch)| {
                let conv = nn::conv1d(p / format!("conv{i}"), inp, ch as i64, c.kernel_size as i64, cfg);
                inp = ch as i64;
                conv
            })
            .collect();
        Cnn1d { convs, dropout: c.dropout, out_dim: inp }
    }
}

impl Architecture for Cnn1d {
    fn new(root: &nn::Path, c: &ModelConfig) -> Cnn1d {
        Cnn1d::stack(&(root / SCOPE), c, c.n_features as i64)
    }

    /// `(B, T, F)` -> `(B, T, C)`.
    fn forward_t(&self, x: &Tensor, _lengths: &Tensor, mask: &Tensor, train: bool) -> Tensor {
        let m = mask.unsqueeze(1);
        let mut h = x.transpose(1, 2);
        for conv in &self.convs {
            h = (conv.forward(&h).relu() * &m).dropout(self.dropout, train);
        }
        h.transpose(1, 2)
    }

    fn out_dim(&self) -> i64 {
        self.out_dim
    }
}
