#include "steps/step.h"

namespace tseq {

void Step::Validate(const SequenceNode& /*node*/, Diagnostics& /*diagnostics*/) const {}

DryRunEffects Step::DescribeDryRun(const StepProperties& /*properties*/) const {
  DryRunEffects effects;
  for (const OutputSchema& output : schema().outputs) {
    effects.outputs.push_back({output.variable, "<set by " + schema().type + ">", output.secret});
  }
  return effects;
}

}  // namespace tseq
