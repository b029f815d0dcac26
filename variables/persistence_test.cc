#include "variables/persistence.h"

#include <memory>
#include <string>

#include <doctest/doctest.h>

#include "variables/text_encoding.h"

namespace tseq {
namespace {

std::unique_ptr<SecretSealer> MakeSealer(char fill = 'k') {
  Result<std::unique_ptr<SecretSealer>> sealer = NewAesGcmSecretSealer(std::string(32, fill));
  REQUIRE(sealer.ok());
  return std::move(sealer).value();
}

void MustSet(VariableStore& store, std::string_view name, std::string_view value,
             SetOptions options = {}) {
  REQUIRE(store.Set(name, value, options).ok());
}

std::string MustSerialize(const VariableStore& store, const SecretSealer& sealer) {
  Result<std::string> text = SerializeVariables(store, sealer);
  REQUIRE(text.ok());
  return *text;
}

// The error DeserializeVariables gives for `text`; fails the test if it loads.
Status LoadError(std::string_view text, const SecretSealer& sealer) {
  Result<VariableStore> store = DeserializeVariables(text, sealer);
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == StatusCode::kCorruption);
  return store.status();
}

// A state file with `entries` as the contents of its "variables" array.
std::string Document(std::string_view entries) {
  return R"({"format": "tseq-variables", "version": 1, "variables": [)" + std::string(entries) +
         "]}";
}

// The base64 text of the first "sealed" field in `text`.
std::string SealedField(const std::string& text) {
  const std::string marker = "\"sealed\": \"";
  const size_t begin = text.find(marker);
  REQUIRE(begin != std::string::npos);
  const size_t value_begin = begin + marker.size();
  return text.substr(value_begin, text.find('"', value_begin) - value_begin);
}

TEST_SUITE("SerializeVariables") {
  TEST_CASE("a store survives a round trip with names, values, sources and secrecy") {
    VariableStore store;
    MustSet(store, "OSDStateStorePath", "/var/lib/tseq", {.source = VariableSource::kSequence});
    MustSet(store, "Site-Code", "P01", {.source = VariableSource::kVarsFile});
    MustSet(store, "Token", "t0k3n",
            {.source = VariableSource::kCommandLine, .secrecy = Secrecy::kSecret});
    MustSet(store, "AdminPassword", "hunter2", {.source = VariableSource::kRuntime});
    MustSet(store, "_SMSTSLogPath", "/var/log/SMSTSLog", {.access = VariableAccess::kEngine});
    MustSet(store, "Unicode", "caf\xc3\xa9 \"quoted\" \\ \n tab\t");
    const std::unique_ptr<SecretSealer> sealer = MakeSealer();

    Result<VariableStore> loaded = DeserializeVariables(MustSerialize(store, *sealer), *sealer);
    REQUIRE(loaded.ok());
    REQUIRE(loaded->size() == store.size());
    for (const Variable* original : store.List()) {
      CAPTURE(original->name);
      const Variable* restored = loaded->Find(original->name);
      REQUIRE(restored != nullptr);
      CHECK(restored->name == original->name);
      CHECK(restored->value == original->value);
      CHECK(restored->secret == original->secret);
      CHECK(restored->source == original->source);
    }
    CHECK(loaded->IsSecret("Token"));
    CHECK(loaded->IsSecret("AdminPassword"));
    CHECK_FALSE(loaded->IsSecret("Site-Code"));
  }

  TEST_CASE("an empty store survives a round trip") {
    const std::unique_ptr<SecretSealer> sealer = MakeSealer();
    Result<VariableStore> loaded = DeserializeVariables(MustSerialize({}, *sealer), *sealer);
    REQUIRE(loaded.ok());
    CHECK(loaded->size() == 0);
  }

  TEST_CASE("plain variables are written in the documented layout") {
    VariableStore store;
    MustSet(store, "b", "2", {.source = VariableSource::kVarsFile});
    MustSet(store, "A", "1", {.source = VariableSource::kSequence});
    CHECK(MustSerialize(store, *MakeSealer()) == R"({
  "format": "tseq-variables",
  "version": 1,
  "variables": [
    {
      "name": "A",
      "source": "sequence",
      "value": "1"
    },
    {
      "name": "b",
      "source": "vars-file",
      "value": "2"
    }
  ]
}
)");
  }

  TEST_CASE("secret values never appear in the text") {
    VariableStore store;
    MustSet(store, "AdminPassword", "correct-horse-battery");
    MustSet(store, "Token", "staple-token-value", {.secrecy = Secrecy::kSecret});
    const std::string text = MustSerialize(store, *MakeSealer());
    CHECK(text.find("correct-horse-battery") == std::string::npos);
    CHECK(text.find("staple-token-value") == std::string::npos);
    CHECK(text.find(text_encoding::Base64Encode("staple-token-value")) == std::string::npos);
    CHECK(text.find("\"sealed\"") != std::string::npos);
    CHECK(text.find("\"value\"") == std::string::npos);
  }

  TEST_CASE("each save seals a secret with a fresh nonce") {
    VariableStore store;
    MustSet(store, "AdminPassword", "hunter2");
    const std::unique_ptr<SecretSealer> sealer = MakeSealer();
    CHECK(SealedField(MustSerialize(store, *sealer)) != SealedField(MustSerialize(store, *sealer)));
  }

  TEST_CASE("a value that is not UTF-8 survives a round trip") {
    VariableStore store;
    MustSet(store, "Output", "cut \xe2\x82");
    const std::unique_ptr<SecretSealer> sealer = MakeSealer();
    const std::string text = MustSerialize(store, *sealer);
    CHECK(text.find("\"valueBase64\"") != std::string::npos);
    Result<VariableStore> loaded = DeserializeVariables(text, *sealer);
    REQUIRE(loaded.ok());
    CHECK(loaded->Get("Output") == "cut \xe2\x82");
  }
}

TEST_SUITE("DeserializeVariables") {
  TEST_CASE("secrets sealed with another key are refused") {
    VariableStore store;
    MustSet(store, "AdminPassword", "hunter2");
    const std::string text = MustSerialize(store, *MakeSealer('a'));
    CHECK(LoadError(text, *MakeSealer('b')).message() ==
          "state variables: entry 1: secret value could not be decrypted: wrong key or damaged "
          "state file");
  }

  TEST_CASE("a tampered secret is refused") {
    VariableStore store;
    MustSet(store, "Plain", "x");
    MustSet(store, "AdminPassword", "hunter2");
    const std::unique_ptr<SecretSealer> sealer = MakeSealer();
    std::string text = MustSerialize(store, *sealer);
    const size_t at = text.find(SealedField(text)) + 20;
    text[at] = text[at] == 'A' ? 'B' : 'A';
    CHECK(LoadError(text, *sealer).message() ==
          "state variables: entry 1: secret value could not be decrypted: wrong key or damaged "
          "state file");
  }

  TEST_CASE("text that is not JSON is refused with the parser's reason") {
    const std::string message = LoadError("{\"format\": ", *MakeSealer()).message();
    CHECK(message.rfind("state variables: not valid JSON: parse error at line 1, column 12", 0) ==
          0);
    CHECK(LoadError("", *MakeSealer()).message().rfind("state variables: not valid JSON: ", 0) ==
          0);
  }

  TEST_CASE("a wrong header is refused naming the problem") {
    const std::unique_ptr<SecretSealer> sealer = MakeSealer();
    const auto error = [&sealer](std::string_view text) {
      return LoadError(text, *sealer).message();
    };
    CHECK(error("[]") == "state variables: not a JSON object");
    CHECK(error(R"({"version": 1, "variables": []})") == "state variables: missing 'format'");
    CHECK(error(R"({"format": 7, "version": 1, "variables": []})") ==
          "state variables: 'format' is not a string");
    CHECK(error(R"({"format": "other", "version": 1, "variables": []})") ==
          "state variables: format is 'other', not 'tseq-variables'");
    CHECK(error(R"({"format": "tseq-variables", "variables": []})") ==
          "state variables: missing 'version'");
    CHECK(error(R"({"format": "tseq-variables", "version": "1", "variables": []})") ==
          "state variables: 'version' is not an integer");
    CHECK(error(R"({"format": "tseq-variables", "version": 1.5, "variables": []})") ==
          "state variables: 'version' is not an integer");
    CHECK(error(R"({"format": "tseq-variables", "version": 2, "variables": []})") ==
          "state variables: unsupported version 2 (this tseq reads version 1)");
    CHECK(error(R"({"format": "tseq-variables", "version": -1, "variables": []})") ==
          "state variables: unsupported version -1 (this tseq reads version 1)");
    CHECK(error(R"({"format": "tseq-variables", "version": 1})") ==
          "state variables: missing 'variables'");
    CHECK(error(R"({"format": "tseq-variables", "version": 1, "variables": {}})") ==
          "state variables: 'variables' is not an array");
    CHECK(error(R"({"format": "tseq-variables", "version": 1, "variables": [], "extra": 0})") ==
          "state variables: unknown field 'extra'");
  }

  TEST_CASE("a bad entry is refused naming the entry and the field") {
    const std::unique_ptr<SecretSealer> sealer = MakeSealer();
    const auto error = [&sealer](std::string_view entries) {
      return LoadError(Document(entries), *sealer).message();
    };
    const std::string good = R"({"name": "A", "source": "sequence", "value": "1"}, )"
                             R"({"name": "B", "source": "runtime", "value": "2"}, )";
    CHECK(error(good + R"({"source": "sequence", "value": "1"})") ==
          "state variables: entry 3: missing 'name'");
    CHECK(error(R"("A")") == "state variables: entry 1: not an object");
    CHECK(error(R"({"name": 5, "source": "sequence", "value": "1"})") ==
          "state variables: entry 1: 'name' is not a string");
    CHECK(error(R"({"name": "a b", "source": "sequence", "value": "1"})") ==
          "state variables: entry 1: invalid variable name 'a b': names are 1 to 256 letters, "
          "digits, '_' or '-', starting with a letter or '_'");
    CHECK(error(R"({"name": " A", "source": "sequence", "value": "1"})") ==
          "state variables: entry 1: name ' A' has surrounding whitespace");
    CHECK(error(good + R"({"name": "a", "source": "sequence", "value": "1"})") ==
          "state variables: entry 3: variable 'a' appears twice");
    CHECK(error(R"({"name": "A", "value": "1"})") == "state variables: entry 1: missing 'source'");
    CHECK(error(R"({"name": "A", "source": "Sequence", "value": "1"})") ==
          "state variables: entry 1: unknown source 'Sequence'");
    CHECK(error(R"({"name": "A", "source": "sequence", "value": 1})") ==
          "state variables: entry 1: 'value' is not a string");
    CHECK(error(R"({"name": "A", "source": "sequence"})") ==
          "state variables: entry 1: needs exactly one of 'value', 'valueBase64' or 'sealed'");
    CHECK(error(R"({"name": "A", "source": "sequence", "value": "1", "sealed": "AAAA"})") ==
          "state variables: entry 1: needs exactly one of 'value', 'valueBase64' or 'sealed'");
    CHECK(error(R"({"name": "A", "source": "sequence", "value": ""})") ==
          "state variables: entry 1: the value is empty");
    CHECK(error(R"({"name": "A", "source": "sequence", "valueBase64": "!!"})") ==
          "state variables: entry 1: 'valueBase64' is not valid base64");
    CHECK(error(R"({"name": "A", "source": "sequence", "sealed": "not base64"})") ==
          "state variables: entry 1: 'sealed' is not valid base64");
    CHECK(error(R"({"name": "A", "source": "sequence", "sealed": "AAAA"})") ==
          "state variables: entry 1: secret value could not be decrypted: wrong key or damaged "
          "state file");
    CHECK(error(R"({"name": "AdminPassword", "source": "sequence", "value": "hunter2"})") ==
          "state variables: entry 1: secret variable 'AdminPassword' is stored in clear text");
    CHECK(error(R"({"name": "A", "source": "sequence", "value": "1", "secret": true})") ==
          "state variables: entry 1: unknown field 'secret'");
  }

  TEST_CASE("a sealed value is restored as a secret under any name") {
    const std::unique_ptr<SecretSealer> sealer = MakeSealer();
    Result<std::string> sealed = sealer->Seal("value");
    REQUIRE(sealed.ok());
    const std::string entry = R"({"name": "_Hidden", "source": "vars-file", "sealed": ")" +
                              text_encoding::Base64Encode(*sealed) + R"("})";
    Result<VariableStore> loaded = DeserializeVariables(Document(entry), *sealer);
    REQUIRE(loaded.ok());
    CHECK(loaded->Get("_Hidden") == "value");
    CHECK(loaded->IsSecret("_Hidden"));
    CHECK(loaded->Find("_Hidden")->source == VariableSource::kVarsFile);
  }
}

TEST_SUITE("AesGcmSecretSealer") {
  TEST_CASE("a sealed value unseals to the same bytes") {
    const std::unique_ptr<SecretSealer> sealer = MakeSealer();
    for (const std::string& plaintext : {std::string(), std::string("hunter2"),
                                         std::string("\0binary\xff", 8), std::string(5000, 'x')}) {
      Result<std::string> sealed = sealer->Seal(plaintext);
      REQUIRE(sealed.ok());
      CHECK(sealed->size() == 12 + plaintext.size() + 16);
      CHECK(sealer->Unseal(*sealed).value() == plaintext);
    }
  }

  TEST_CASE("sealing the same value twice gives different bytes") {
    const std::unique_ptr<SecretSealer> sealer = MakeSealer();
    CHECK(sealer->Seal("same").value() != sealer->Seal("same").value());
  }

  TEST_CASE("changing any byte of sealed data makes it unreadable") {
    const std::unique_ptr<SecretSealer> sealer = MakeSealer();
    const std::string sealed = sealer->Seal("hunter2").value();
    for (size_t index = 0; index < sealed.size(); ++index) {
      CAPTURE(index);
      std::string tampered = sealed;
      tampered[index] = static_cast<char>(tampered[index] ^ 0x01);
      const Result<std::string> unsealed = sealer->Unseal(tampered);
      REQUIRE_FALSE(unsealed.ok());
      CHECK(unsealed.status().code() == StatusCode::kCorruption);
      CHECK(unsealed.status().message() ==
            "secret value could not be decrypted: wrong key or damaged state file");
    }
  }

  TEST_CASE("truncated or too short sealed data is refused") {
    const std::unique_ptr<SecretSealer> sealer = MakeSealer();
    const std::string sealed = sealer->Seal("hunter2").value();
    CHECK(sealer->Unseal(sealed.substr(0, sealed.size() - 1)).status().code() ==
          StatusCode::kCorruption);
    CHECK(sealer->Unseal("").status().code() == StatusCode::kCorruption);
    CHECK(sealer->Unseal(std::string(27, 'x')).status().code() == StatusCode::kCorruption);
  }

  TEST_CASE("data sealed with another key is refused") {
    const std::string sealed = MakeSealer('a')->Seal("hunter2").value();
    CHECK(MakeSealer('b')->Unseal(sealed).status().message() ==
          "secret value could not be decrypted: wrong key or damaged state file");
  }

  TEST_CASE("a key that is not 32 bytes is refused") {
    const Result<std::unique_ptr<SecretSealer>> sealer = NewAesGcmSecretSealer("short");
    REQUIRE_FALSE(sealer.ok());
    CHECK(sealer.status().code() == StatusCode::kInvalidArgument);
    CHECK(sealer.status().message() == "sealing key must be 32 bytes, not 5");
    CHECK_FALSE(NewAesGcmSecretSealer(std::string(33, 'k')).ok());
  }

  TEST_CASE("generated keys are 32 random bytes that work as sealing keys") {
    const Result<std::string> first = GenerateSealingKey();
    const Result<std::string> second = GenerateSealingKey();
    REQUIRE(first.ok());
    REQUIRE(second.ok());
    CHECK(first->size() == 32);
    CHECK(*first != *second);
    CHECK(NewAesGcmSecretSealer(*first).ok());
  }
}

}  // namespace
}  // namespace tseq
