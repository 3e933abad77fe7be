#include "auth/password.h"

#include <gtest/gtest.h>

#include "auth/token.h"

namespace qunying::auth {
namespace {

TEST(PasswordTest, HashIsArgon2idAndVerifies) {
  auto hash = HashPassword("correct horse 9", HashStrength::kTestOnly);
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u) << *hash;
  EXPECT_TRUE(VerifyPassword(*hash, "correct horse 9"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horse 8"));
  EXPECT_FALSE(VerifyPassword("not a hash", "correct horse 9"));
}

TEST(PasswordTest, SamePasswordHashesDifferently) {
  auto a = HashPassword("same-password-1", HashStrength::kTestOnly);
  auto b = HashPassword("same-password-1", HashStrength::kTestOnly);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);  // Salted.
}

TEST(PasswordTest, PolicyRefusesShortOrSingleClassPasswords) {
  EXPECT_FALSE(CheckPasswordPolicy("short1!").ok());
  EXPECT_FALSE(CheckPasswordPolicy("onlyletterslong").ok());
  EXPECT_FALSE(CheckPasswordPolicy(std::string(200, 'a') + "1").ok());
  EXPECT_EQ(CheckPasswordPolicy("short").field(), "password");
  EXPECT_TRUE(CheckPasswordPolicy("letters-and-1").ok());
}

TEST(TokenTest, TokensAreLongRandomAndHashStably) {
  std::string a = NewToken(), b = NewToken();
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, b);
  EXPECT_EQ(TokenHash(a), TokenHash(a));
  EXPECT_NE(TokenHash(a), TokenHash(b));
  EXPECT_EQ(TokenHash(a).size(), 64u);
  // SHA-256 of "abc", a published test vector.
  EXPECT_EQ(TokenHash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace qunying::auth
