//! A 1-D convolutional front ([`Cnn1d`]) followed by a recurrent back ([`Rnn`]).
//! Variables: `cnn.conv{i}`, then `rnn.l{i}` (and `rnn.l{i}_reverse`).

use super::super::config::ModelConfig;
use super::cnn1d::{self, Cnn1d};
use super::rnn::{self, Rnn};
use super::Architecture;
use tch::{nn, Tensor};

/// The convolutions find local patterns, the recurrent layers their order over the utterance.
/// It does not stream: a "same" convolution looks `kernel_size / 2` frames ahead.
pub struct Crnn {
    front: Cnn1d,
    back: Rnn,
}

impl Architecture for Crnn {
    fn new(root: &nn::Path, c: &ModelConfig) -> Crnn {
        let front = Cnn1d::stack(&(root / cnn1d::SCOPE), c, c.n_features as i64);
        let back = Rnn::stack(&(root / rnn::SCOPE), c, front.out_dim());
        Crnn { front, back }
    }

    fn forward_t(&self, x: &Tensor, lengths: &Tensor, mask: &Tensor, train: bool) -> Tensor {
        self.back.forward_t(&self.front.forward_t(x, lengths, mask, train), lengths, mask, train)
    }

    fn out_dim(&self) -> i64 {
        self.back.out_dim()
    }
}
