// Rich presence notifications: the subscription's encryption certificate and
// the encryptedContent of each item.
//
// Implements change-notifications.md §7.1 and §7.2:
//   C18, D48: `encryptionCertificate` = standard base64 (whitespace ignored,
//     padding optional) of exactly one DER X.509 certificate whose key is
//     RSA of 2,048 to 4,096 bits; `encryptionCertificateId` required with
//     `includeResourceData`, at most 128 characters; the spec's texts, all
//     400 BadRequest. Validity dates and issuer are not checked (§7.1).
//   C19, D49: data = base64(AES-256-CBC(K, IV = K[0..16), PKCS7(P)));
//     dataSignature = base64(HMAC-SHA256(K, decoded data bytes));
//     dataKey = base64(RSA-OAEP(SHA-1, MGF1-SHA-1, empty label)(cert key, K));
//     encryptionCertificateThumbprint = upper-case hex SHA-1 of the DER.
//     K comes from OpenSSL's CSPRNG (RAND_bytes), or is given (test vector
//     of §12).
// Decisions where the spec is silent (see the report of this work):
//   * an empty `encryptionCertificate` string counts as absent (GET shows
//     `""` for a basic subscription, so a client may send it back);
//   * trailing bytes after the DER (a concatenated chain), a PKCS#7 bundle
//     or PEM armour are "not a certificate"; so is a text over
//     kMaxCertificateTextBytes (checked before decoding);
//   * an RSA-PSS key, or a key OpenSSL cannot read, is "not an RSA key";
//   * `encryptionCertificateId` length counts Unicode code points of its
//     UTF-8 text.
// OpenSSL only: no HTTP, no JSON, no store. Thread-safe: an
// EncryptionCertificate may be shared by threads (OpenSSL keys are
// reference counted and used read-only here).
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

typedef struct evp_pkey_st EVP_PKEY;

namespace gpm::notify {

inline constexpr int kMinCertificateKeyBits = 2048;
inline constexpr int kMaxCertificateKeyBits = 4096;
inline constexpr std::size_t kMaxCertificateIdChars = 128;
// Far above any 4,096-bit certificate (about 2 KB of base64).
inline constexpr std::size_t kMaxCertificateTextBytes = 64 * 1024;
inline constexpr std::size_t kContentKeyBytes = 32;

using ContentKey = std::array<unsigned char, kContentKeyBytes>;

enum class CertificateError {
  None,
  CertificateMissing,  // includeResourceData without a certificate
  NotACertificate,     // not base64 of one DER X.509 certificate
  WrongKey,            // not RSA, or outside 2,048-4,096 bits
  IdMissing,           // includeResourceData without an id
  IdTooLong,           // id over 128 characters
};

// The spec's text of each refusal (all 400 BadRequest).
std::string_view certificate_error_message(CertificateError e);

// A validated certificate: its DER bytes as sent, its public key, its
// thumbprint.
class EncryptionCertificate {
 public:
  const std::string& der() const { return der_; }
  // Upper-case hex SHA-1 of der() (40 characters).
  const std::string& thumbprint() const { return thumbprint_; }
  int key_bits() const { return key_bits_; }
  EVP_PKEY* public_key() const { return key_.get(); }

 private:
  friend struct CertificateParser;
  std::string der_;
  std::string thumbprint_;
  int key_bits_ = 0;
  std::shared_ptr<EVP_PKEY> key_;
};

struct CertificateCheck {
  CertificateError error = CertificateError::None;
  std::optional<EncryptionCertificate> certificate;  // when None
};

// Validates the `encryptionCertificate` text alone (present, non-empty).
CertificateCheck parse_encryption_certificate(std::string_view base64_text);

// The whole of §3 step 10: `certificate` / `certificate_id` are nullopt when
// the property is absent (or null). Order: certificate missing, certificate
// invalid, id missing, id too long. A certificate is validated whenever
// present; with includeResourceData false an absent id is fine.
CertificateCheck check_rich_properties(
    bool include_resource_data, std::optional<std::string_view> certificate,
    std::optional<std::string_view> certificate_id);

// --- §7.2 ------------------------------------------------------------------

struct EncryptedContent {
  std::string data;            // base64
  std::string data_signature;  // base64
  std::string data_key;        // base64
  std::string encryption_certificate_id;
  std::string encryption_certificate_thumbprint;
};

// encryptedContent of `plaintext` (D49's P) under `certificate` with the
// given key K. nullopt only if OpenSSL fails.
std::optional<EncryptedContent> encrypt_with_key(
    const EncryptionCertificate& certificate, std::string_view certificate_id,
    std::string_view plaintext, const ContentKey& key);

// The same with a fresh K from RAND_bytes (the production path).
std::optional<EncryptedContent> encrypt_resource_data(
    const EncryptionCertificate& certificate, std::string_view certificate_id,
    std::string_view plaintext);

// Building blocks, exposed for the unit tests.
std::string base64_encode(std::string_view bytes);  // standard, padded
// Standard alphabet; ASCII whitespace ignored; padding optional but, when
// present, only at the end and consistent; nullopt otherwise.
std::optional<std::string> base64_decode(std::string_view text);
std::optional<std::string> aes256_cbc_encrypt(const ContentKey& key,
                                              std::string_view plaintext);
std::optional<std::string> hmac_sha256(const ContentKey& key,
                                       std::string_view bytes);
std::optional<std::string> rsa_oaep_sha1_encrypt(EVP_PKEY* key,
                                                 std::string_view bytes);
std::string upper_hex_sha1(std::string_view bytes);

}  // namespace gpm::notify
