#include "variables/text_encoding.h"

#include <array>
#include <string>
#include <utility>

#include <doctest/doctest.h>

namespace tseq::text_encoding {
namespace {

TEST_SUITE("Base64") {
  TEST_CASE("encoding matches the RFC 4648 test vectors") {
    const std::array<std::pair<std::string_view, std::string_view>, 7> vectors = {{
        {"", ""},
        {"f", "Zg=="},
        {"fo", "Zm8="},
        {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="},
        {"fooba", "Zm9vYmE="},
        {"foobar", "Zm9vYmFy"},
    }};
    for (const auto& [bytes_binding, encoded] : vectors) {
      const auto& bytes = bytes_binding;  // clang 14 cannot capture a structured binding
      CAPTURE(bytes);
      CHECK(Base64Encode(bytes) == encoded);
      CHECK(Base64Decode(encoded) == std::string(bytes));
    }
  }

  TEST_CASE("every byte value survives a round trip") {
    std::string bytes;
    for (int value = 0; value < 256; ++value) bytes.push_back(static_cast<char>(value));
    for (size_t length = 0; length <= bytes.size(); length += 37) {
      CAPTURE(length);
      const std::string part = bytes.substr(bytes.size() - length);
      CHECK(Base64Decode(Base64Encode(part)) == part);
    }
    CHECK(Base64Encode("\xfb\xff") == "+/8=");
  }

  TEST_CASE("decoding refuses text that encoding would not produce") {
    const std::array<std::string_view, 9> invalid = {
        "Zg=", "Zh==", "Zm9=", "Z===", "====", "Zm9v\n", "Zm=v", "Zg==Zg==", "Zm9v Zm9v",
    };
    for (std::string_view text : invalid) {
      CAPTURE(text);
      CHECK(Base64Decode(text) == std::nullopt);
    }
  }
}

TEST_SUITE("IsValidUtf8") {
  TEST_CASE("well-formed text is accepted") {
    CHECK(IsValidUtf8(""));
    CHECK(IsValidUtf8("plain ASCII"));
    CHECK(IsValidUtf8("caf\xc3\xa9"));
    CHECK(IsValidUtf8("\xe2\x82\xac 5"));
    CHECK(IsValidUtf8("\xf0\x9f\x98\x80"));
    CHECK(IsValidUtf8("\xf4\x8f\xbf\xbf"));
  }

  TEST_CASE("malformed text is refused") {
    const std::array<std::string_view, 8> invalid = {
        "\xc3",              // cut short
        "\x80",              // stray continuation byte
        "\xc0\xaf",          // overlong '/'
        "\xe0\x80\xaf",      // overlong '/'
        "\xed\xa0\x80",      // surrogate
        "\xf4\x90\x80\x80",  // above U+10FFFF
        "\xff",              // never valid
        "ab\xe2\x82",        // cut short at the end
    };
    for (std::string_view text : invalid) {
      CAPTURE(text);
      CHECK_FALSE(IsValidUtf8(text));
    }
  }
}

}  // namespace
}  // namespace tseq::text_encoding
