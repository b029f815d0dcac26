// %NAME% expansion, as ConfigMgr does it in every step field.
//
//   "%OSDStateStorePath%\USMT"  ->  value of OSDStateStorePath + "\USMT"
//   "100%% done"                ->  "100% done"
//   "%NotSet%"                  ->  "%NotSet%" (unknown names are left as written)
//
// A '%' that does not start a valid reference (no closing '%', or not a valid variable name
// between the two) is copied literally and scanning resumes after it. Expansion is one pass:
// values are not expanded again. Pure functions; thread-safe for a const store.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "variables/variable_store.h"

namespace tseq {

enum class SecretDisplay { kReveal, kMask };

// Expands `text`. With kMask, secret values come out as "********" (for logs and plan output).
std::string ExpandVariables(std::string_view text, const VariableStore& store,
                            SecretDisplay display = SecretDisplay::kReveal);

struct VariableReference {
  std::string name;
  size_t offset = 0;  // byte offset of the opening '%'
};

// The %NAME% references in `text`, in order, with the same scanning rules as ExpandVariables.
std::vector<VariableReference> FindVariableReferences(std::string_view text);

}  // namespace tseq
