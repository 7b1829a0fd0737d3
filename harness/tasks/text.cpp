// text: character-level language modelling of a UTF-8 text file (Mikolov 2012; Sutskever,
// Martens & Hinton 2011; Graves 2013), by default the King James Bible (scripts/get_corpus.sh).
// Input the id of character t, target the id of character t+1 (next-character prediction).
//
// A part of the file (training, validation or test, see text_corpus.hpp) is read as B contiguous
// lanes: with P = (part length - 1) prediction pairs, lane b covers pairs [b*S, (b+1)*S) for
// S = floor(P / B) (fewer than B pairs at the end are left out). Lanes carry their state across
// chunks; after its S-th step a lane wraps to its start with a reset (all lanes wrap together).
// The evaluator runs the validation part split into min(eval_lanes, P) lanes of S steps: the
// whole part but fewer than `lanes` characters. The seed plays no role: the data is the file.
#include <algorithm>
#include <cmath>

#include "harness/tasks/kinds.hpp"
#include "harness/tasks/text_corpus.hpp"

namespace tbptt {
namespace {

const char* split_name(Split split) {
  return split == Split::train ? "training" : split == Split::valid ? "validation" : "test";
}

class TextStream final : public Stream {
 public:
  TextStream(const TaskInfo& info, std::shared_ptr<const TextCorpus> corpus, Split split,
             Index lanes)
      : Stream(lanes), info_(info), corpus_(std::move(corpus)) {
    const auto [begin, end] = corpus_->part(split);
    begin_ = begin;
    span_ = (end - begin - 1) / lanes;
    if (lanes < 1 || span_ < 1)
      throw std::invalid_argument("text: the " + std::string(split_name(split)) + " part of '" +
                                  corpus_->path + "' (" + std::to_string(end - begin) +
                                  " characters) is too short for " + std::to_string(lanes) +
                                  " lanes");
  }

  void next(Index steps, StepBlock& out) override {
    resize_block(out, steps, lanes_, info_);
    const int32_t* ids = corpus_->ids.data() + begin_;
    for (Index t = 0; t < steps; ++t) {
      for (Index b = 0; b < lanes_; ++b) {
        const auto j = static_cast<size_t>(t * lanes_ + b);
        const Index i = b * span_ + offset_;
        out.tokens[j] = ids[i];
        out.classes[j] = ids[i + 1];
        out.mask[j] = 1;
        out.score[j] = 1;
        out.reset[j] = offset_ == 0 ? 1 : 0;
      }
      offset_ = offset_ + 1 == span_ ? 0 : offset_ + 1;
    }
  }

 private:
  TaskInfo info_;
  std::shared_ptr<const TextCorpus> corpus_;
  Index begin_ = 0, span_ = 0;  // first id of the part; steps per lane before it wraps
  Index offset_ = 0;            // next pair of every lane, relative to the lane's start
};

class TextTask final : public TaskBase {
 public:
  explicit TextTask(const TaskParams& p)
      : corpus_(load_text_corpus(p.string("path"), p.number("valid_fraction"),
                                 p.number("test_fraction"))),
        eval_lanes_(p.integer("eval_lanes")) {
    const Index v = corpus_->vocab_size();
    set_io(info_, InputKind::tokens, v, HeadKind::softmax_xent, v);
    // Without memory the best a model can do is the unigram distribution of the training text.
    std::vector<double> count(static_cast<size_t>(v), 0.0);
    for (Index i = 0; i < corpus_->valid_begin; ++i)
      count[static_cast<size_t>(corpus_->ids[static_cast<size_t>(i)])] += 1;
    double unigram = 0;
    const auto n = static_cast<double>(corpus_->valid_begin);
    for (double c : count)
      if (c > 0) unigram -= c / n * std::log(c / n);
    info_.chance_loss = unigram;
    info_.chance_note = "unigram entropy of the training text (no memory); bpc = loss / ln 2";
    info_.reference_levels = {{"uniform", std::log(static_cast<double>(v))}, {"unigram", unigram}};
  }

  std::unique_ptr<Stream> stream(Split split, Index lanes, uint64_t) const override {
    return std::make_unique<TextStream>(info_, corpus_, split, lanes);
  }

  EvalPlan eval_plan(Index sequences) const override {
    return eval_plan_for(Split::valid, sequences);
  }

  EvalPlan eval_plan_for(Split split, Index) const override {
    const auto [begin, end] = corpus_->part(split);
    const Index pairs = std::max<Index>(0, end - begin - 1);
    const Index lanes = std::max<Index>(1, std::min(eval_lanes_, pairs));
    return {lanes, pairs / lanes};
  }

 private:
  std::shared_ptr<const TextCorpus> corpus_;
  Index eval_lanes_;
};

}  // namespace

TaskKindEntry text_kind() {
  return {{"text",
           "character-level language modelling of a UTF-8 file (default: the King James Bible)",
           {str_param("path", "data/kjv.txt", {},
                      "UTF-8 text file, relative to the working directory"),
            num_param("valid_fraction", 0.05, 0, 0.5, "validation part, before the test part"),
            num_param("test_fraction", 0.05, 0, 0.5, "test part, at the end of the file"),
            int_param("eval_lanes", 16, 1, 4096, "lanes the held-out part is split into")}},
          make_of<TextTask>};
}

}  // namespace tbptt
