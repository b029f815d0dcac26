#include "variables/expansion.h"

#include "variables/variable_name.h"

namespace tseq {
namespace {

// What starts at a '%'.
enum class TokenKind { kEscapedPercent, kReference, kLiteralPercent };

struct Token {
  TokenKind kind;
  size_t length;          // bytes consumed, including the '%' signs
  std::string_view name;  // for kReference
};

// Reads the token that starts at text[at] == '%'. The scan for a closing '%' stops at the first
// character that cannot be in a name, so each byte is looked at a bounded number of times and
// expansion stays linear in the length of the text.
Token ReadToken(std::string_view text, size_t at) {
  const size_t name_begin = at + 1;
  if (name_begin < text.size() && text[name_begin] == '%') {
    return Token{TokenKind::kEscapedPercent, 2, {}};
  }
  size_t name_end = name_begin;
  while (name_end < text.size() && name_end - name_begin <= variable_name::kMaxLength &&
         variable_name::IsCharacter(text[name_end])) {
    ++name_end;
  }
  const size_t length = name_end - name_begin;
  const bool closed = name_end < text.size() && text[name_end] == '%';
  if (!closed || length == 0 || length > variable_name::kMaxLength ||
      !variable_name::IsStart(text[name_begin])) {
    return Token{TokenKind::kLiteralPercent, 1, {}};
  }
  return Token{TokenKind::kReference, length + 2, text.substr(name_begin, length)};
}

}  // namespace

std::string ExpandVariables(std::string_view text, const VariableStore& store,
                            SecretDisplay display) {
  std::string expanded;
  expanded.reserve(text.size());
  size_t at = 0;
  while (at < text.size()) {
    const size_t percent = text.find('%', at);
    if (percent == std::string_view::npos) {
      expanded.append(text.substr(at));
      break;
    }
    expanded.append(text.substr(at, percent - at));
    const Token token = ReadToken(text, percent);
    switch (token.kind) {
      case TokenKind::kEscapedPercent:
      case TokenKind::kLiteralPercent:
        expanded.push_back('%');
        break;
      case TokenKind::kReference:
        if (const Variable* variable = store.Find(token.name); variable == nullptr) {
          expanded.append(text.substr(percent, token.length));
        } else if (variable->secret && display == SecretDisplay::kMask) {
          expanded.append(kMaskedValue);
        } else {
          expanded.append(variable->value);
        }
        break;
    }
    at = percent + token.length;
  }
  return expanded;
}

std::vector<VariableReference> FindVariableReferences(std::string_view text) {
  std::vector<VariableReference> references;
  size_t at = 0;
  while (at < text.size()) {
    const size_t percent = text.find('%', at);
    if (percent == std::string_view::npos) break;
    const Token token = ReadToken(text, percent);
    if (token.kind == TokenKind::kReference) {
      references.push_back(VariableReference{std::string(token.name), percent});
    }
    at = percent + token.length;
  }
  return references;
}

}  // namespace tseq
