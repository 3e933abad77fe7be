// Without libFuzzer: runs the fuzz target on seed inputs and on a fixed
// number of deterministic mutations of them (byte flips, truncations,
// splices, repeats), so CI exercises the parsers under ASan/UBSan.
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

// A string literal with embedded NULs, whole.
template <size_t N>
std::string Bytes(const char (&s)[N]) {
  return std::string(s, N - 1);
}

const std::vector<std::string>& Seeds() {
  static const std::vector<std::string> kSeeds = {
      "群昵称,微信号,入群时间\n王小明妈妈,wx_1,2026/3/1 "
      "20:15\n\"李,\"\"x\"\"\",,\n",
      "nickname,joined_at\r\nA王小明妈妈🌸,2026年3月1日 20:15\r\n",
      "\xEF\xBB\xBFnickname\n\xC8\xBA\n",
      "{\"username\":\"a\",\"password\":\"b\",\"n\":[1,2,{\"x\":null}]}",
      "{\"days\":1e400,\"p\":-1e-400}",
      "2026-03-01T20:15:00.123+08:00",
      Bytes("\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0\xFF\xC0\0"
            "\x11\x08\x01\xE0\x02\x80"),
      Bytes(
          "\x89PNG\r\n\x1A\n\0\0\0\x0DIHDR\0\0\x01\0\0\0\x01\0\x08\x02\0\0\0"),
      "RIFF\x24\0\0\0WEBPVP8X\x0A\0\0\0\0\0\0\0\xFF\0\0\xFF\0\0",
      "【北京】王小明妈妈（三年级）-海淀 ★",
      "想报下一期，电话 +86 138 1234 5678 或 13987654321，2026-12-06",
  };
  return kSeeds;
}

std::string Mutate(std::mt19937& rng, const std::string& a,
                   const std::string& b) {
  std::string s = a;
  int ops = 1 + rng() % 4;
  for (int i = 0; i < ops; ++i) {
    switch (rng() % 5) {
      case 0:
        if (!s.empty())
          s[rng() % s.size()] ^= static_cast<char>(1 << (rng() % 8));
        break;
      case 1:
        if (!s.empty()) s.resize(rng() % s.size());
        break;
      case 2:
        s.insert(rng() % (s.size() + 1), b.substr(0, rng() % (b.size() + 1)));
        break;
      case 3:
        s.insert(rng() % (s.size() + 1),
                 std::string(rng() % 64, "\"[{,\n\r\\"[rng() % 7]));
        break;
      case 4:
        if (!s.empty()) s.insert(rng() % s.size(), 1, static_cast<char>(rng()));
        break;
    }
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  int iterations = argc > 1 ? std::atoi(argv[1]) : 20000;
  std::mt19937 rng(12345);
  size_t runs = 0;
  for (const auto& s : Seeds()) {
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(s.data()),
                           s.size());
    ++runs;
  }
  for (int i = 0; i < iterations; ++i) {
    const auto& a = Seeds()[rng() % Seeds().size()];
    const auto& b = Seeds()[rng() % Seeds().size()];
    std::string m = Mutate(rng, a, b);
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(m.data()),
                           m.size());
    ++runs;
  }
  std::printf("%zu inputs, 0 crashes\n", runs);
  return 0;
}
