// The task interface: a data generator with known temporal structure, or a text corpus.
//
// A Stream yields B lanes that advance on one clock, a block of consecutive steps at a time.
// Every draw comes from the Rng the stream was created with, so a stream is a pure function of
// (task parameters, lanes, seed). Training and held-out streams use disjoint seeds (or, for text,
// disjoint parts of the file).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "models/network.hpp"
#include "models/rng.hpp"

namespace tbptt {

// Consecutive steps for B lanes; entry j = t*B + b is step t of lane b.
struct StepBlock {
  Index steps = 0, lanes = 0;
  Eigen::MatrixXf x;              // (input, steps*lanes) dense inputs; empty for token inputs
  std::vector<int32_t> tokens;    // (steps*lanes) token ids; empty for dense inputs
  std::vector<int32_t> classes;   // (steps*lanes) class targets (softmax_xent head)
  Eigen::MatrixXf values;         // (output, steps*lanes) regression targets (mse head)
  std::vector<uint8_t> mask;      // 1: the entry carries a loss
  std::vector<uint8_t> reset;     // 1: an episode starts at this entry (state zeroed before it)
  std::vector<uint8_t> score;     // 1: the entry counts for the task's score metric

  // Sizes every field for (steps, lanes) with zero contents; dense/token and class/value fields
  // are sized according to the kinds (the other stays empty).
  void resize(Index steps, Index lanes, InputKind in, Index input, HeadKind head, Index output);
};

// A typed task parameter value (parsed from YAML by the config layer).
using ParamValue = std::variant<int64_t, double, bool, std::string>;
using ParamMap = std::map<std::string, ParamValue>;

// Declares one parameter of a task, for validation, defaults and `tbptt list`.
struct TaskParamDef {
  enum class Type { integer, number, boolean, string } type;
  std::string name;
  ParamValue default_value;
  double min = -1e300, max = 1e300;  // inclusive bounds for integer / number
  std::vector<std::string> choices;  // allowed strings (empty: any)
  std::string doc;
};

struct TaskInfo {
  InputKind input_kind = InputKind::dense;
  Index input_size = 1;       // dense width or vocabulary size
  Index output_size = 1;      // classes or regression outputs
  HeadKind head = HeadKind::softmax_xent;
  Index max_episode_length = 0;  // 0: one endless stream with no resets
  bool aligned_episodes = false; // all lanes start episodes together (k1: full allowed)
  // Score metric over the `score` entries: "accuracy" (argmax == class) for softmax heads,
  // "error_rate" (fraction with squared error > score_threshold) for mse heads.
  std::string score_metric = "accuracy";
  double score_threshold = 0.04;
  // Chance level of the loss per masked entry (e.g. copy: length*ln(8)/(delay+2*length) per step).
  double chance_loss = 0.0;
  std::string chance_note;
  std::map<std::string, double> reference_levels;  // e.g. add_stream plateaus, by name
};

class Stream {
 public:
  virtual ~Stream() = default;
  Index lanes() const { return lanes_; }
  // Fills out with exactly `steps` further steps (out is resized).
  virtual void next(Index steps, StepBlock& out) = 0;
  // Aligned episodic streams: steps left in the current episode (the next chunk for k1: full),
  // counting from the next step. Others: 0.
  virtual Index aligned_episode_left() const { return 0; }

 protected:
  explicit Stream(Index lanes) : lanes_(lanes) {}
  Index lanes_;
};

enum class Split { train, valid, test };

// How to evaluate: `lanes` lanes of the held-out stream, run for `steps` steps from a zero state.
struct EvalPlan {
  Index lanes = 1;
  Index steps = 0;
};

class Task {
 public:
  virtual ~Task() = default;
  virtual const TaskInfo& info() const = 0;
  virtual std::unique_ptr<Stream> stream(Split split, Index lanes, uint64_t seed) const = 0;
  // Covers about `sequences` whole held-out sequences (episodic tasks) or the whole held-out part
  // (streams, text), never truncated.
  virtual EvalPlan eval_plan(Index sequences) const = 0;
  // The plan for one held-out split: text sizes it to that split's part of the file (valid and
  // test may differ in length); every other task returns eval_plan(sequences).
  virtual EvalPlan eval_plan_for(Split split, Index sequences) const {
    (void)split;
    return eval_plan(sequences);
  }
};

// The one check of a parameter value against its declaration, used by TaskParams (tasks/common.hpp,
// where it is implemented) and by the experiment validator: converts `v` to the declared type
// where that loses nothing, then checks bounds and choices. Returns the problem ("must be an
// integer in [1, 10000000], got 0"), empty when there is none. A kind's checks across parameters ("k must be <= l") stay
// in its constructor.
std::string check_task_param(const TaskParamDef& def, ParamValue& v);

// Registry: every task kind with its parameters, and the factory.
struct TaskKindInfo {
  std::string kind;
  std::string summary;
  std::vector<TaskParamDef> params;
};
const std::vector<TaskKindInfo>& task_kinds();
// Builds a task; params holds every declared parameter (defaults already filled). Throws
// std::invalid_argument with a readable message for bad values (e.g. "copy: delay must be an integer in [1, 10000000], got 0").
std::unique_ptr<Task> make_task(const std::string& kind, const ParamMap& params);

}  // namespace tbptt
