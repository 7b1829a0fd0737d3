#include "harness/config/truncation_kinds.hpp"

#include <sstream>

namespace tbptt {

const std::vector<TruncationKindDoc>& truncation_kind_docs() {
  static const std::vector<TruncationKindDoc> docs = {
      {"fixed", "k1, k2, recompute, loss_reduction",
       "TBPTT(k1, k2): an update every k1 steps, back-propagated through the last k2 steps (full: the "
       "episode); stored activations, or recomputed with the current weights",
       "Williams & Peng 1990; DESIGN.md section 1"},
      {"variable", "k1 (the base length), p, sd, min, max, scale_lr",
       "each chunk's length is drawn: base k1 with probability p, else k1/2, then normal(base, sd) truncated "
       "to an integer in [min, max]; k2 = the chunk; the update's learning rate times length / k1",
       "Merity, Keskar & Socher 2018 (AWD-LSTM), main.py: seq_len = max(5, int(np.random.normal(bptt, 5)))"},
      {"randomized", "mean or distribution, max, loss_reduction: sum",
       "truncation points drawn with hazard c_j (geometric: 1/mean); a chunk back-propagates to its own "
       "start and the gradient crossing the boundary into chunk step j is multiplied by 1/(1 - c_j): "
       "unbiased for the full-BPTT gradient of the summed losses (cut only at max)",
       "Tallec & Ollivier 2017 (ARTBP), section 3, the compensation factors"},
      {"adaptive", "k1, delta, every, min, max",
       "chunks of k1 steps; every `every` updates the per-lag gradient norms are measured and fitted by a "
       "geometric decay, and k2 = the shortest window whose estimated relative bias is below delta",
       "Aicher, Foti & Fox 2019, section 3 (the bias bound of a geometric decay)"},
      {"rnnlm", "bptt, bptt_block",
       "`-bptt B -bptt-block K`: an update every K words through the last B + K - 2 stored steps (B <= 1: "
       "plain backpropagation at every word) = fixed TBPTT(K, B + K - 2), stored, summed losses; the output "
       "layer takes an SGD step after every word, the next word's error using the updated layer (plain SGD "
       "only)",
       "Mikolov's rnnlm 0.4b, CRnnLM::learnNet (the output update per word, the BPTT pass every "
       "bptt_block words)"},
      {"faster_rnnlm", "bptt, bptt_skip",
       "`--bptt B --bptt-skip K`: one update per sentence (episode); going back from its last step, B step "
       "boundaries pass the gradient, then K block it, periodically, from a random phase per sentence; "
       "summed losses with the output layer updated after every word (plain SGD only); the recurrent "
       "matrices' gradients divided by n (the sentence's steps), the input matrices' by n + 1, biases' by "
       "n - 1, embeddings' (layer 0 on tokens) not",
       "yandex/faster-rnnlm: TruncatedBPTTMixin::BackwardSequenceTruncated (layers/util.h), "
       "UpdateWeights (layers/simple_layer.cc, layers/gru_layer.cc), RunThread (rnnlm.cc)"},
      {"dl4j", "forward_length, backward_length",
       "tBPTTForwardLength F, tBPTTBackwardLength B: an update every F steps through the last min(B, F) "
       "= fixed TBPTT(F, min(B, F))",
       "Deeplearning4j LSTMHelpers.backpropGradientHelper (endIdx = max(0, T - B))"},
      {"keras", "timesteps",
       "a stateful RNN fit on batches of `timesteps` steps: the state is carried to the next batch as a "
       "variable (no gradient crosses it), one optimizer step per batch = fixed TBPTT(timesteps, timesteps)",
       "keras/layers/recurrent.py (Keras 2): RNN.call takes initial_state = self.states when stateful and "
       "adds the update self.states[i] <- states[i] after K.rnn"},
      {"lightning", "truncated_bptt_steps",
       "each split of truncated_bptt_steps steps is one training_step and optimizer step, the hidden state "
       "detached between splits = fixed TBPTT(steps, steps)",
       "PyTorch Lightning 1.x, Trainer(truncated_bptt_steps) / LightningModule.tbptt_split_batch"},
  };
  return docs;
}

std::string truncation_kinds_markdown() {
  std::ostringstream out;
  out << "\n## Truncation schemes\n\n`train.tbptt.kind` selects the truncation policy "
         "(harness/train/truncation.hpp). The last five reproduce other toolkits' flags exactly, read from "
         "their source.\n\n| kind | keys | one update | source |\n|---|---|---|---|\n";
  for (const auto& d : truncation_kind_docs())
    out << "| `" << d.kind << "` | " << d.keys << " | " << d.semantics << " | " << d.source << " |\n";
  return out.str();
}

}  // namespace tbptt
