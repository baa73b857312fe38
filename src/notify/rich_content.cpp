// Rich notifications: certificate checks (§7.1) and encryptedContent (§7.2).
#include "notify/rich_content.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <climits>

namespace gpm::notify {

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
         c == '\v';
}

// Unicode code points of a UTF-8 text (bytes that do not start a sequence
// are not counted; a malformed text is counted leniently).
std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};

std::string_view as_chars(const unsigned char* p, std::size_t n) {
  return {reinterpret_cast<const char*>(p), n};
}

}  // namespace

// Friend of EncryptionCertificate: fills it from a decoded DER.
struct CertificateParser {
  static CertificateCheck parse(std::string der) {
    CertificateCheck out;
    if (der.empty() || der.size() > static_cast<std::size_t>(LONG_MAX)) {
      out.error = CertificateError::NotACertificate;
      return out;
    }
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    const unsigned char* start = p;
    std::unique_ptr<X509, X509Free> cert(
        d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    if (!cert || static_cast<std::size_t>(p - start) != der.size()) {
      out.error = CertificateError::NotACertificate;  // junk or a chain
      return out;
    }
    EVP_PKEY* key = X509_get_pubkey(cert.get());  // new reference
    if (key == nullptr) {
      out.error = CertificateError::WrongKey;
      return out;
    }
    std::shared_ptr<EVP_PKEY> owned(key, EVP_PKEY_free);
    int bits = EVP_PKEY_get_bits(key);
    if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA ||
        bits < kMinCertificateKeyBits || bits > kMaxCertificateKeyBits) {
      out.error = CertificateError::WrongKey;
      return out;
    }
    EncryptionCertificate c;
    c.thumbprint_ = upper_hex_sha1(der);
    c.der_ = std::move(der);
    c.key_bits_ = bits;
    c.key_ = std::move(owned);
    out.certificate = std::move(c);
    return out;
  }
};

std::string_view certificate_error_message(CertificateError e) {
  switch (e) {
    case CertificateError::None:
      return "";
    case CertificateError::CertificateMissing:
      return "encryptionCertificate is required when includeResourceData is "
             "true.";
    case CertificateError::NotACertificate:
      return "Certificate validation error: Cannot find the requested object.";
    case CertificateError::WrongKey:
      return "The encryption certificate must hold an RSA key of 2048 to 4096 "
             "bits.";
    case CertificateError::IdMissing:
      return "encryptionCertificateId is required when includeResourceData "
             "is true.";
    case CertificateError::IdTooLong:
      return "encryptionCertificateId must be at most 128 characters.";
  }
  return "";
}

CertificateCheck parse_encryption_certificate(std::string_view base64_text) {
  CertificateCheck out;
  if (base64_text.size() > kMaxCertificateTextBytes) {
    out.error = CertificateError::NotACertificate;
    return out;
  }
  auto der = base64_decode(base64_text);
  if (!der) {
    out.error = CertificateError::NotACertificate;
    return out;
  }
  return CertificateParser::parse(std::move(*der));
}

CertificateCheck check_rich_properties(
    bool include_resource_data, std::optional<std::string_view> certificate,
    std::optional<std::string_view> certificate_id) {
  CertificateCheck out;
  bool has_certificate = certificate && !certificate->empty();
  if (include_resource_data && !has_certificate) {
    out.error = CertificateError::CertificateMissing;
    return out;
  }
  if (has_certificate) {
    out = parse_encryption_certificate(*certificate);
    if (out.error != CertificateError::None) return out;
  }
  bool has_id = certificate_id && !certificate_id->empty();
  if (include_resource_data && !has_id) {
    out.error = CertificateError::IdMissing;
    out.certificate.reset();
    return out;
  }
  if (has_id && code_points(*certificate_id) > kMaxCertificateIdChars) {
    out.error = CertificateError::IdTooLong;
    out.certificate.reset();
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto byte = [&](std::size_t k) {
    return static_cast<unsigned>(static_cast<unsigned char>(bytes[k]));
  };
  for (; i + 3 <= bytes.size(); i += 3) {
    unsigned v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(v >> s) & 63]);
  }
  std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    unsigned v = byte(i) << 16 | (rest == 2 ? byte(i + 1) << 8 : 0);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size() / 4 * 3 + 3);
  unsigned acc = 0;
  std::size_t digits = 0, pads = 0;
  for (char c : text) {
    if (is_space(c)) continue;
    if (c == '=') {
      ++pads;
      continue;
    }
    int v = base64_value(c);
    if (v < 0 || pads > 0) return std::nullopt;  // bad char, data after '='
    acc = (acc << 6) | static_cast<unsigned>(v);
    if (++digits % 4 == 0) {
      out.push_back(static_cast<char>((acc >> 16) & 0xFF));
      out.push_back(static_cast<char>((acc >> 8) & 0xFF));
      out.push_back(static_cast<char>(acc & 0xFF));
      acc = 0;
    }
  }
  std::size_t tail = digits % 4;
  if (tail == 1 || pads > 2) return std::nullopt;
  if (pads > 0 && (digits + pads) % 4 != 0) return std::nullopt;
  if (tail == 2) {
    out.push_back(static_cast<char>((acc >> 4) & 0xFF));
  } else if (tail == 3) {
    out.push_back(static_cast<char>((acc >> 10) & 0xFF));
    out.push_back(static_cast<char>((acc >> 2) & 0xFF));
  }
  return out;
}

std::optional<std::string> aes256_cbc_encrypt(const ContentKey& key,
                                              std::string_view plaintext) {
  if (plaintext.size() > static_cast<std::size_t>(INT_MAX - 32))
    return std::nullopt;
  std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return std::nullopt;
  // IV = the key's first 16 bytes (C19); PKCS7 padding is the default.
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, key.data(),
                         key.data()) != 1)
    return std::nullopt;
  std::string out(plaintext.size() + 16, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  int n1 = 0, n2 = 0;
  if (EVP_EncryptUpdate(
          ctx.get(), o, &n1,
          reinterpret_cast<const unsigned char*>(plaintext.data()),
          static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), o + n1, &n2) != 1)
    return std::nullopt;
  out.resize(static_cast<std::size_t>(n1 + n2));
  return out;
}

std::optional<std::string> hmac_sha256(const ContentKey& key,
                                       std::string_view bytes) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
           mac, &len) == nullptr)
    return std::nullopt;
  return std::string(as_chars(mac, len));
}

std::optional<std::string> rsa_oaep_sha1_encrypt(EVP_PKEY* key,
                                                 std::string_view bytes) {
  if (key == nullptr) return std::nullopt;
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(
      EVP_PKEY_CTX_new(key, nullptr));
  if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) != 1 ||
      EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), EVP_sha1()) != 1 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), EVP_sha1()) != 1)
    return std::nullopt;
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t len = 0;
  if (EVP_PKEY_encrypt(ctx.get(), nullptr, &len, in, bytes.size()) != 1)
    return std::nullopt;
  std::string out(len, '\0');
  if (EVP_PKEY_encrypt(ctx.get(), reinterpret_cast<unsigned char*>(out.data()),
                       &len, in, bytes.size()) != 1)
    return std::nullopt;
  out.resize(len);
  return out;
}

std::string upper_hex_sha1(std::string_view bytes) {
  unsigned char md[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), md);
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char b : md) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

std::optional<EncryptedContent> encrypt_with_key(
    const EncryptionCertificate& certificate, std::string_view certificate_id,
    std::string_view plaintext, const ContentKey& key) {
  auto cipher = aes256_cbc_encrypt(key, plaintext);
  if (!cipher) return std::nullopt;
  // The signature covers the decoded data bytes, i.e. the ciphertext (B30).
  auto mac = hmac_sha256(key, *cipher);
  auto wrapped = rsa_oaep_sha1_encrypt(certificate.public_key(),
                                       as_chars(key.data(), key.size()));
  if (!mac || !wrapped) return std::nullopt;
  EncryptedContent c;
  c.data = base64_encode(*cipher);
  c.data_signature = base64_encode(*mac);
  c.data_key = base64_encode(*wrapped);
  c.encryption_certificate_id = std::string(certificate_id);
  c.encryption_certificate_thumbprint = certificate.thumbprint();
  return c;
}

std::optional<EncryptedContent> encrypt_resource_data(
    const EncryptionCertificate& certificate, std::string_view certificate_id,
    std::string_view plaintext) {
  ContentKey key{};
  if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1)
    return std::nullopt;
  auto out = encrypt_with_key(certificate, certificate_id, plaintext, key);
  OPENSSL_cleanse(key.data(), key.size());
  return out;
}

}  // namespace gpm::notify
