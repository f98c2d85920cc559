//! The recurrent network (LSTM or GRU layers, optionally bidirectional), which also serves as the
//! back of the CRNN. Variables: `rnn.l{i}` and, when bidirectional, `rnn.l{i}_reverse`.

use super::super::config::{Cell, ModelConfig};
use super::Architecture;
use tch::nn::{self, RNN};
use tch::{Kind, Tensor};

/// The VarStore scope of the recurrent layers.
pub const SCOPE: &str = "rnn";

/// One single-direction recurrent layer. The op's `train` flag is always on: dropout is applied
/// here between layers, and cuDNN needs training mode for the backward pass that adversarial
/// examples take through an RNN even in evaluation.
enum Recurrent {
    Lstm(nn::LSTM),
    Gru(nn::GRU),
}

impl Recurrent {
    fn new(p: nn::Path, cell: Cell, input: i64, hidden: i64) -> Recurrent {
        let c = nn::RNNConfig { batch_first: true, train: true, ..Default::default() };
        match cell {
            Cell::Lstm => Recurrent::Lstm(nn::lstm(p, input, hidden, c)),
            Cell::Gru => Recurrent::Gru(nn::gru(p, input, hidden, c)),
        }
    }

    fn run(&self, x: &Tensor) -> Tensor {
        match self {
            Recurrent::Lstm(l) => l.seq(x).0,
            Recurrent::Gru(g) => g.seq(x).0,
        }
    }
}

/// For row `b` of length `L`: `t -> L - 1 - t` on real frames, padding left in place. Applying
/// it twice is the identity.
fn reversal_index(lengths: &Tensor, t_max: i64) -> Tensor {
    let t = Tensor::arange(t_max, (Kind::Int64, lengths.device())).unsqueeze(0);
    let l = lengths.unsqueeze(1);
    let reversed = &l - 1 - &t;
    reversed.where_self(&t.lt_tensor(&l), &t)
}

fn reverse_within(x: &Tensor, index: &Tensor) -> Tensor {
    let size = x.size();
    x.gather(1, &index.unsqueeze(-1).expand([size[0], size[1], size[2]], false), false)
}

/// Stacked recurrent layers, each a forward layer and, when bidirectional, a backward one whose
/// outputs are concatenated; dropout between layers.
pub struct Rnn {
    layers: Vec<(Recurrent, Option<Recurrent>)>,
    dropout: f64,
    out_dim: i64,
}

impl Rnn {
    /// Layers under `p` reading `input` values per frame.
    pub fn stack(p: &nn::Path, c: &ModelConfig, input: i64) -> Rnn {
        let hidden = c.hidden_size as i64;
        let dirs = if c.bidirectional { 2 } else { 1 };
        let layers = (0..c.num_layers)
            .map(|i| {
                let inp = if i == 0 { input } else { hidden * dirs };
                let fwd = Recurrent::new(p / format!("l{i}"), c.cell, inp, hidden);
                let bwd = c.bidirectional.then(|| Recurrent::new(p / format!("l{i}_reverse"), c.cell, inp, hidden));
                (fwd, bwd)
            })
            .collect();
        Rnn { layers, dropout: c.dropout, out_dim: hidden * dirs }
    }

    fn is_bidirectional(&self) -> bool {
        self.layers.iter().any(|l| l.1.is_some())
    }

    /// `(B, T, D)` -> `(B, T, out_dim)`; values on padded frames are meaningless (masked later).
    fn run(&self, x: &Tensor, lengths: &Tensor, train: bool) -> Tensor {
        let index = self.is_bidirectional().then(|| reversal_index(lengths, x.size()[1]));
        let mut h = x.shallow_clone();
        for (i, (fwd, bwd)) in self.layers.iter().enumerate() {
            if i > 0 {
                h = h.dropout(self.dropout, train);
            }
            let f = fwd.run(&h);
            h = match (bwd, &index) {
                (Some(b), Some(idx)) => Tensor::cat(&[f, reverse_within(&b.run(&reverse_within(&h, idx)), idx)], 2),
                _ => f,
            };
        }
        h
    }
}

impl Architecture for Rnn {
    fn new(root: &nn::Path, c: &ModelConfig) -> Rnn {
        Rnn::stack(&(root / SCOPE), c, c.n_features as i64)
    }

    fn forward_t(&self, x: &Tensor, lengths: &Tensor, _mask: &Tensor, train: bool) -> Tensor {
        self.run(x, lengths, train)
    }

    fn out_dim(&self) -> i64 {
        self.out_dim
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reversal_stays_within_each_length() {
        let idx = reversal_index(&Tensor::from_slice(&[3i64, 1]), 4);
        assert_eq!(Vec::<i64>::try_from(idx.flatten(0, -1)).unwrap(), vec![2, 1, 0, 3, 0, 1, 2, 3]);
    }
}
