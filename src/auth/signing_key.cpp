#include "auth/signing_key.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#include <fstream>
#include <sstream>

namespace gpm::auth {

struct SigningKey::Impl {
  EVP_PKEY* key = nullptr;
  ~Impl() { EVP_PKEY_free(key); }
};

namespace {

struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};

std::string bignum_bytes(const BIGNUM* n) {
  std::string out(static_cast<size_t>(BN_num_bytes(n)), '\0');
  BN_bn2bin(n, reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

std::string rsa_param(EVP_PKEY* key, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) {
    throw SigningKeyError("cannot read the RSA key's parameters");
  }
  std::unique_ptr<BIGNUM, BnFree> n(raw);
  return bignum_bytes(n.get());
}

}  // namespace

std::string base64url_encode(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<unsigned char>(in[k]); };
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == in.size()) {
    unsigned v = byte(i) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (i + 2 == in.size()) {
    unsigned v = (byte(i) << 16) | (byte(i + 1) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

SigningKey::SigningKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  n_ = base64url_encode(rsa_param(impl_->key, OSSL_PKEY_PARAM_RSA_N));
  e_ = base64url_encode(rsa_param(impl_->key, OSSL_PKEY_PARAM_RSA_E));
  // RFC 7638: the required members in lexicographic order, no whitespace.
  std::string canonical =
      R"({"e":")" + e_ + R"(","kty":"RSA","n":")" + n_ + R"("})";
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(canonical.data()),
         canonical.size(), digest);
  kid_ = base64url_encode(
      std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

SigningKey::~SigningKey() = default;

std::shared_ptr<const SigningKey> SigningKey::generate() {
  auto impl = std::make_unique<Impl>();
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(
      EVP_PKEY_CTX_new_id(EVP_PKEY_RSA, nullptr));
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), 2048) != 1 ||
      EVP_PKEY_keygen(ctx.get(), &impl->key) != 1) {
    throw SigningKeyError("cannot generate an RSA-2048 signing key");
  }
  return std::shared_ptr<const SigningKey>(new SigningKey(std::move(impl)));
}

std::shared_ptr<const SigningKey> SigningKey::from_pem(
    std::string_view pem, std::string_view source) {
  std::unique_ptr<BIO, BioFree> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  auto impl = std::make_unique<Impl>();
  if (bio) {
    impl->key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  }
  if (impl->key == nullptr) {
    throw SigningKeyError(std::string(source) +
                          ": not a PEM private key without a passphrase");
  }
  if (EVP_PKEY_get_base_id(impl->key) != EVP_PKEY_RSA ||
      EVP_PKEY_get_bits(impl->key) < 2048) {
    throw SigningKeyError(std::string(source) +
                          ": must be an RSA key of 2048 bits or more (RS256)");
  }
  return std::shared_ptr<const SigningKey>(new SigningKey(std::move(impl)));
}

std::shared_ptr<const SigningKey> SigningKey::load_pem_file(
    const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SigningKeyError(path + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return from_pem(text.str(), path);
}

std::string SigningKey::sign(std::string_view data) const {
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> md(EVP_MD_CTX_new());
  size_t size = 0;
  if (!md ||
      EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr,
                         impl_->key) != 1 ||
      EVP_DigestSign(md.get(), nullptr, &size,
                     reinterpret_cast<const unsigned char*>(data.data()),
                     data.size()) != 1) {
    throw SigningKeyError("RS256 signing failed");
  }
  std::string sig(size, '\0');
  if (EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(sig.data()),
                     &size, reinterpret_cast<const unsigned char*>(data.data()),
                     data.size()) != 1) {
    throw SigningKeyError("RS256 signing failed");
  }
  sig.resize(size);
  return sig;
}

bool SigningKey::verify(std::string_view data,
                        std::string_view signature) const {
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> md(EVP_MD_CTX_new());
  if (!md || EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr,
                                  impl_->key) != 1) {
    return false;
  }
  return EVP_DigestVerify(
             md.get(), reinterpret_cast<const unsigned char*>(signature.data()),
             signature.size(),
             reinterpret_cast<const unsigned char*>(data.data()),
             data.size()) == 1;
}

nlohmann::ordered_json SigningKey::public_jwk() const {
  nlohmann::ordered_json j;
  j["kty"] = "RSA";
  j["use"] = "sig";
  j["alg"] = "RS256";
  j["kid"] = kid_;
  j["n"] = n_;
  j["e"] = e_;
  return j;
}

LazySigningKey::LazySigningKey(std::shared_ptr<const SigningKey> loaded) {
  if (loaded) {
    key_ = std::move(loaded);
    std::call_once(once_, [] {});
    ready_ = true;
  }
}

const SigningKey& LazySigningKey::get() const {
  std::call_once(once_, [this] {
    key_ = SigningKey::generate();
    ready_ = true;
  });
  return *key_;
}

bool LazySigningKey::ready() const { return ready_; }

}  // namespace gpm::auth
