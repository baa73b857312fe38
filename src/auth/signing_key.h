// The mock's RS256 signing key (strict auth): an RSA-2048 key pair that
// signs the tokens /_mock/token and the OAuth endpoint mint, verifies them in
// strict auth mode, and is published as a JWK at the discovery document's
// jwks_uri. OpenSSL does the arithmetic.
// LazySigningKey generates the key on first use (std::call_once), so a
// start-up that never mints, verifies or serves keys pays nothing for it.
// Depends on OpenSSL and nlohmann_json. Thread-safe: a SigningKey is
// immutable once built; LazySigningKey::get() may race freely.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace gpm::auth {

// A key that cannot be read or made; what() names the file, never key bytes.
class SigningKeyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class SigningKey {
 public:
  // A fresh RSA-2048 key (0.1-0.25 s here). Throws SigningKeyError.
  static std::shared_ptr<const SigningKey> generate();
  // An RSA private key (2048 bits or more) from a PEM file (PKCS#1 or
  // PKCS#8). Throws SigningKeyError.
  static std::shared_ptr<const SigningKey> load_pem_file(
      const std::string& path);
  static std::shared_ptr<const SigningKey> from_pem(std::string_view pem,
                                                    std::string_view source);

  ~SigningKey();
  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;

  // The JWK thumbprint (RFC 7638, SHA-256, base64url): the `kid` of every
  // token this key signs and of its JWK.
  const std::string& kid() const { return kid_; }
  // RSASSA-PKCS1-v1_5 with SHA-256 over `data`: the raw signature bytes.
  std::string sign(std::string_view data) const;
  // True when `signature` is this key's RS256 signature of `data`.
  bool verify(std::string_view data, std::string_view signature) const;
  // {"kty":"RSA","use":"sig","alg":"RS256","kid","n","e"}.
  nlohmann::ordered_json public_jwk() const;

 private:
  struct Impl;
  explicit SigningKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::string kid_;
  std::string n_, e_;  // base64url modulus and exponent
};

// The key of one running mock: the --signing-key file (loaded at start, so
// a bad file fails start-up), else generated on the first get().
class LazySigningKey {
 public:
  LazySigningKey() = default;
  explicit LazySigningKey(std::shared_ptr<const SigningKey> loaded);
  // Never null. Throws SigningKeyError if generation fails.
  const SigningKey& get() const;
  // Whether the key exists yet (tests of the lazy start-up).
  bool ready() const;

 private:
  mutable std::once_flag once_;
  mutable std::shared_ptr<const SigningKey> key_;
  mutable std::atomic<bool> ready_{false};
};

// base64url without padding (RFC 4648 §5), as JWTs and JWKs use it.
std::string base64url_encode(std::string_view bytes);

}  // namespace gpm::auth
