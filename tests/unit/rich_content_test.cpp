// Unit tests for src/notify/rich_content: the encryption certificate checks
// (change-notifications.md §7.1, C18, D48) and encryptedContent (§7.2, C19,
// D49) against the worked example of §12. Certificates are made here with
// OpenSSL; nothing is read from disk.
#include "notify/rich_content.h"

#include <doctest/doctest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <vector>

namespace {

using namespace gpm::notify;

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Cert = std::unique_ptr<X509, X509Free>;

// One real 2,048-bit key for the whole program: it signs every test
// certificate and is the receiver's key of the encryption tests.
EVP_PKEY* receiver_key() {
  static Pkey key(EVP_RSA_gen(2048));
  REQUIRE(key != nullptr);
  return key.get();
}

// An RSA (or RSA-PSS) public key of exactly `bits` bits without generating
// primes: n = 2^(bits-1) + 1, e = 65537. Only its size matters to the
// checks under test.
Pkey rsa_public_key_of_size(int bits, const char* type = "RSA") {
  std::unique_ptr<BIGNUM, decltype(&BN_free)> n(BN_new(), BN_free);
  std::unique_ptr<BIGNUM, decltype(&BN_free)> e(BN_new(), BN_free);
  REQUIRE((BN_set_bit(n.get(), bits - 1) == 1 && BN_set_bit(n.get(), 0) == 1 &&
           BN_set_word(e.get(), 65537) == 1));
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  REQUIRE(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n.get()) == 1);
  REQUIRE(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e.get()) == 1);
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  EVP_PKEY* key = nullptr;
  REQUIRE(EVP_PKEY_fromdata_init(ctx) == 1);
  REQUIRE(EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) == 1);
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  return Pkey(key);
}

// A certificate for `subject_key`, signed by the receiver key, valid from
// `not_before_days` to `not_after_days` relative to now.
Cert make_cert(EVP_PKEY* subject_key, long not_before_days = -1,
               long not_after_days = 365) {
  Cert x(X509_new());
  REQUIRE(x != nullptr);
  X509_set_version(x.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x.get()), 7);
  X509_gmtime_adj(X509_getm_notBefore(x.get()), not_before_days * 86400);
  X509_gmtime_adj(X509_getm_notAfter(x.get()), not_after_days * 86400);
  X509_NAME* name = X509_get_subject_name(x.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("rx"), -1,
                             -1, 0);
  X509_set_issuer_name(x.get(), name);
  REQUIRE(X509_set_pubkey(x.get(), subject_key) == 1);
  REQUIRE(X509_sign(x.get(), receiver_key(), EVP_sha256()) > 0);
  return x;
}

std::string der_of(X509* x) {
  unsigned char* buf = nullptr;
  int len = i2d_X509(x, &buf);
  REQUIRE(len > 0);
  std::string out(reinterpret_cast<char*>(buf), static_cast<size_t>(len));
  OPENSSL_free(buf);
  return out;
}

std::string b64_cert(X509* x) { return base64_encode(der_of(x)); }

CertificateError error_of(std::string_view text) {
  return parse_encryption_certificate(text).error;
}

std::string rsa_oaep_sha1_decrypt(EVP_PKEY* key, const std::string& c) {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key, nullptr);
  REQUIRE(EVP_PKEY_decrypt_init(ctx) == 1);
  REQUIRE(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1);
  REQUIRE(EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha1()) == 1);
  REQUIRE(EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha1()) == 1);
  std::string out(512, '\0');
  size_t len = out.size();
  REQUIRE(EVP_PKEY_decrypt(
              ctx, reinterpret_cast<unsigned char*>(out.data()), &len,
              reinterpret_cast<const unsigned char*>(c.data()), c.size()) == 1);
  EVP_PKEY_CTX_free(ctx);
  out.resize(len);
  return out;
}

// Independent AES-256-CBC decryption (IV = key[0..16)), as receivers do.
std::string aes_decrypt(const ContentKey& k, const std::string& c) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  REQUIRE(EVP_DecryptInit_ex(ctx, EVP_aes_256_cbc(), nullptr, k.data(),
                             k.data()) == 1);
  std::string out(c.size() + 16, '\0');
  int n1 = 0, n2 = 0;
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  REQUIRE(EVP_DecryptUpdate(ctx, o, &n1,
                            reinterpret_cast<const unsigned char*>(c.data()),
                            static_cast<int>(c.size())) == 1);
  REQUIRE(EVP_DecryptFinal_ex(ctx, o + n1, &n2) == 1);
  EVP_CIPHER_CTX_free(ctx);
  out.resize(static_cast<size_t>(n1 + n2));
  return out;
}

ContentKey key_from(std::string_view bytes) {
  REQUIRE(bytes.size() == 32);
  ContentKey k{};
  for (size_t i = 0; i < 32; ++i) k[i] = static_cast<unsigned char>(bytes[i]);
  return k;
}

// §12's vector.
const ContentKey kVectorKey = [] {
  ContentKey k{};
  for (size_t i = 0; i < k.size(); ++i) k[i] = static_cast<unsigned char>(i);
  return k;
}();
constexpr std::string_view kVectorPlaintext =
    R"({"@odata.type":"#microsoft.graph.presence","@odata.id":"users/fa8bf3dc-eca7-46b7-bad1-db199b62afc3/presence","id":"fa8bf3dc-eca7-46b7-bad1-db199b62afc3","availability":"Busy","activity":"InACall","statusMessage":null,"outOfOfficeSettings":{"message":null,"isOutOfOffice":false},"sequenceNumber":"A0000000001","workLocation":{"placeId":null,"source":"none","workLocationType":"unspecified"}})";
constexpr std::string_view kVectorData =
    "6qYyi6sfwX/0xv3ZSeeB3PuGaHu6q8FZsQpOIWJzb/hRCdF7cF5lrOI1qsQPcxHfHi8p/"
    "pCUScRfDAybOI7EAkebb9rdH6U7ZAny4D46EKg0UKCZbD1LoL6CllthsqTqxffzah2zIJ+"
    "7VmP6WqiLgJVG80n5sXjsEtkwXpF8CWqxEkGGwwG6vdJJNj5HCewNPkgDQs/"
    "b1YUUgntRxo2nQM/lZS+mRNxE/"
    "0xySkdRawLsGp2dXO16MqFKsJwLBus36t18KSCigSZPTGNYNARLXlHcMjWqdCUUcW4f3+"
    "7iwctPKPbRm6OFTIUY6WGeZdVQ2FaOdWu1/"
    "HYjb7B52DJOG5I4A46hzQQU39zGbP992HjzPdhI7/"
    "FQVMiYdqKZYtYCtQu3hqwd+"
    "L3hnpfZnCX0KbTiu2V3u8dvZCJ7hHYqTIzhIF0XAuyyTOyh9DGsLah/"
    "AT6UXDIcV1FA6xceVtVW61ss3zpnHk3CsTwiILBaQxQNwMhLhZbXKX+A7vH906BIXntx8ahtA/"
    "/HEdGUlDYMLg==";
constexpr std::string_view kVectorSignature =
    "IhAIlkVZ7kjM9+3WLPweYCEkg0/FVBUTif1JZyIu200=";

EncryptionCertificate receiver_certificate() {
  Cert x = make_cert(receiver_key());
  auto c = parse_encryption_certificate(b64_cert(x.get()));
  REQUIRE(c.error == CertificateError::None);
  REQUIRE(c.certificate.has_value());
  return *c.certificate;
}

}  // namespace

// --- §7.1 -------------------------------------------------------------------

TEST_CASE(
    "C18, D48: a self-signed RSA 2048 certificate is accepted with its "
    "thumbprint") {
  Cert x = make_cert(receiver_key());
  auto c = parse_encryption_certificate(b64_cert(x.get()));
  REQUIRE(c.error == CertificateError::None);
  CHECK(c.certificate->key_bits() == 2048);
  CHECK(c.certificate->der() == der_of(x.get()));
  // openssl x509 -fingerprint -sha1, without the colons.
  unsigned char md[20];
  unsigned int len = 0;
  REQUIRE(X509_digest(x.get(), EVP_sha1(), md, &len) == 1);
  std::string want;
  for (unsigned i = 0; i < len; ++i) {
    char buf[3];
    std::snprintf(buf, sizeof buf, "%02X", md[i]);
    want += buf;
  }
  CHECK(c.certificate->thumbprint() == want);
  CHECK(c.certificate->thumbprint().size() == 40);
}

TEST_CASE(
    "C18, D48: key sizes 2048 and 4096 are accepted; 2047, 4097 refused") {
  for (int bits : {2048, 3072, 4096}) {
    INFO(bits);
    Cert x = make_cert(rsa_public_key_of_size(bits).get());
    CHECK(error_of(b64_cert(x.get())) == CertificateError::None);
  }
  for (int bits : {2047, 4097}) {
    INFO(bits);
    Cert x = make_cert(rsa_public_key_of_size(bits).get());
    CHECK(error_of(b64_cert(x.get())) == CertificateError::WrongKey);
  }
}

TEST_CASE(
    "C18, D48: hostile keys: EC, RSA 1024, RSA 8192, RSA-PSS are refused") {
  Pkey ec(EVP_EC_gen("P-256"));
  REQUIRE(ec != nullptr);
  Pkey small = rsa_public_key_of_size(1024);
  Pkey big = rsa_public_key_of_size(8192);
  Pkey pss = rsa_public_key_of_size(2048, "RSA-PSS");
  for (EVP_PKEY* k : {ec.get(), small.get(), big.get(), pss.get()}) {
    Cert x = make_cert(k);
    CHECK(error_of(b64_cert(x.get())) == CertificateError::WrongKey);
  }
  CHECK(
      certificate_error_message(CertificateError::WrongKey) ==
      "The encryption certificate must hold an RSA key of 2048 to 4096 bits.");
}

TEST_CASE(
    "C18: texts that are not one DER certificate are 'Cannot find the "
    "requested object'") {
  Cert x = make_cert(receiver_key());
  std::string der = der_of(x.get());
  Cert second = make_cert(rsa_public_key_of_size(3072).get());

  // PEM armour (a certificate, but not base64 DER).
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, x.get());
  char* pem_data = nullptr;
  long pem_len = BIO_get_mem_data(bio, &pem_data);
  std::string pem(pem_data, static_cast<size_t>(pem_len));
  BIO_free(bio);

  std::string random_mb(768 * 1024, '\0');
  REQUIRE(RAND_bytes(reinterpret_cast<unsigned char*>(random_mb.data()),
                     static_cast<int>(random_mb.size())) == 1);
  std::string one_mb_base64 = base64_encode(random_mb);  // 1 MiB of text
  REQUIRE(one_mb_base64.size() == 1024 * 1024);
  // Refused by size before decoding; the decoder itself copes with it too.
  CHECK(base64_decode(one_mb_base64) == std::optional<std::string>(random_mb));

  std::string url_safe = base64_encode(der);
  for (char& c : url_safe) c = c == '+' ? '-' : c == '/' ? '_' : c;
  bool differs = url_safe != base64_encode(der);

  for (const std::string& text : std::vector<std::string>{
           std::string("hello"), base64_encode("hello, not a certificate"), pem,
           base64_encode(pem),
           base64_encode(der +
                         der_of(second.get())),  // a chain, DER concatenated
           base64_encode(der + std::string(1, '\0')),     // trailing byte
           base64_encode(der.substr(0, der.size() - 1)),  // truncated
           base64_encode(der).substr(1), one_mb_base64,
           std::string(kMaxCertificateTextBytes + 1, 'A'),
           base64_encode(der) + "!",
           base64_encode(std::string("\x30\x82\xff\xff", 4)),  // huge length
       }) {
    CHECK(error_of(text) == CertificateError::NotACertificate);
  }
  if (differs) CHECK(error_of(url_safe) == CertificateError::NotACertificate);
  CHECK(certificate_error_message(CertificateError::NotACertificate) ==
        "Certificate validation error: Cannot find the requested object.");
}

TEST_CASE("C18: base64 with line breaks, spaces and no padding is accepted") {
  Cert x = make_cert(receiver_key());
  std::string b64 = base64_encode(der_of(x.get()));
  std::string wrapped;
  for (size_t i = 0; i < b64.size(); i += 64)
    wrapped += b64.substr(i, 64) + "\r\n ";
  CHECK(error_of(wrapped) == CertificateError::None);
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  CHECK(error_of(b64) == CertificateError::None);
}

TEST_CASE(
    "C18, D48: an expired or not yet valid certificate is accepted (dates not "
    "checked)") {
  Cert expired = make_cert(receiver_key(), -400, -30);
  CHECK(error_of(b64_cert(expired.get())) == CertificateError::None);
  Cert future = make_cert(receiver_key(), 30, 400);
  CHECK(error_of(b64_cert(future.get())) == CertificateError::None);
}

TEST_CASE(
    "C18, §3 step 10: the rich properties are checked in the spec's order") {
  Cert x = make_cert(receiver_key());
  std::string good = b64_cert(x.get());
  std::string id128(128, 'c');
  std::string id129(129, 'c');
  std::string accents;  // 128 code points, 256 bytes
  for (int i = 0; i < 128; ++i) accents += "\xC3\xA9";

  struct Case {
    bool include;
    std::optional<std::string> cert, id;
    CertificateError want;
  };
  for (const Case& c : std::initializer_list<Case>{
           {true, std::nullopt, std::nullopt,
            CertificateError::CertificateMissing},
           {true, std::string(""), std::string("cert-1"),
            CertificateError::CertificateMissing},
           {true, std::string("junk"), std::nullopt,
            CertificateError::NotACertificate},
           {true, good, std::nullopt, CertificateError::IdMissing},
           {true, good, std::string(""), CertificateError::IdMissing},
           {true, good, id129, CertificateError::IdTooLong},
           {true, good, id128, CertificateError::None},
           {true, good, accents, CertificateError::None},
           {false, std::nullopt, std::nullopt, CertificateError::None},
           {false, std::string("junk"), std::nullopt,
            CertificateError::NotACertificate},
           {false, good, std::nullopt, CertificateError::None},
           {false, std::nullopt, id129, CertificateError::IdTooLong},
       }) {
    std::optional<std::string_view> cert, id;
    if (c.cert) cert = *c.cert;
    if (c.id) id = *c.id;
    auto r = check_rich_properties(c.include, cert, id);
    CHECK(r.error == c.want);
    CHECK(r.certificate.has_value() ==
          (c.want == CertificateError::None && c.cert && !c.cert->empty()));
  }
  CHECK(certificate_error_message(CertificateError::CertificateMissing) ==
        "encryptionCertificate is required when includeResourceData is true.");
  CHECK(
      certificate_error_message(CertificateError::IdMissing) ==
      "encryptionCertificateId is required when includeResourceData is true.");
  CHECK(certificate_error_message(CertificateError::IdTooLong) ==
        "encryptionCertificateId must be at most 128 characters.");
}

// --- §7.2 -------------------------------------------------------------------

TEST_CASE(
    "D49, §12: data and dataSignature reproduce the worked example byte for "
    "byte") {
  REQUIRE(kVectorPlaintext.size() == 390);
  auto cipher = aes256_cbc_encrypt(kVectorKey, kVectorPlaintext);
  REQUIRE(cipher.has_value());
  CHECK(cipher->size() == 400);
  CHECK(base64_encode(*cipher) == kVectorData);
  auto mac = hmac_sha256(kVectorKey, *cipher);
  REQUIRE(mac.has_value());
  CHECK(base64_encode(*mac) == kVectorSignature);

  EncryptionCertificate cert = receiver_certificate();
  auto content = encrypt_with_key(cert, "cert-1", kVectorPlaintext, kVectorKey);
  REQUIRE(content.has_value());
  CHECK(content->data == kVectorData);
  CHECK(content->data_signature == kVectorSignature);
  CHECK(content->encryption_certificate_id == "cert-1");
  CHECK(content->encryption_certificate_thumbprint == cert.thumbprint());
}

TEST_CASE(
    "C19, D49: dataKey is RSA-OAEP-SHA1 of K: randomised, decrypts to K") {
  // The example gives no RSA ciphertext (OAEP draws a fresh seed per call),
  // so dataKey is proven by decrypting it with the receiver's private key.
  EncryptionCertificate cert = receiver_certificate();
  auto a = encrypt_with_key(cert, "cert-1", kVectorPlaintext, kVectorKey);
  auto b = encrypt_with_key(cert, "cert-1", kVectorPlaintext, kVectorKey);
  REQUIRE((a && b));
  CHECK(a->data_key.size() == 344);  // 256 bytes for a 2,048-bit key
  CHECK(a->data_key != b->data_key);
  for (const auto* c : {&*a, &*b}) {
    auto wrapped = base64_decode(c->data_key);
    REQUIRE(wrapped.has_value());
    std::string k = rsa_oaep_sha1_decrypt(receiver_key(), *wrapped);
    CHECK(k ==
          std::string(reinterpret_cast<const char*>(kVectorKey.data()), 32));
  }
}

TEST_CASE(
    "C19, D49: a fresh random key per item; a receiver verifies and decrypts") {
  EncryptionCertificate cert = receiver_certificate();
  auto a = encrypt_resource_data(cert, "cert-1", kVectorPlaintext);
  auto b = encrypt_resource_data(cert, "cert-1", kVectorPlaintext);
  REQUIRE((a && b));
  CHECK(a->data != b->data);
  CHECK(a->data != kVectorData);
  for (const auto* c : {&*a, &*b}) {
    // What a receiver does: unwrap K, check the HMAC over the decoded data
    // bytes, then decrypt with IV = K[0..16).
    ContentKey k = key_from(
        rsa_oaep_sha1_decrypt(receiver_key(), *base64_decode(c->data_key)));
    std::string data = *base64_decode(c->data);
    CHECK(base64_encode(*hmac_sha256(k, data)) == c->data_signature);
    CHECK(aes_decrypt(k, data) == kVectorPlaintext);
  }
}

TEST_CASE("C19: an empty plaintext still gets one PKCS7 block") {
  auto c = aes256_cbc_encrypt(kVectorKey, "");
  REQUIRE(c.has_value());
  CHECK(c->size() == 16);
  CHECK(aes_decrypt(kVectorKey, *c).empty());
}

TEST_CASE("base64: RFC 4648 vectors, whitespace, optional padding, refusals") {
  const char* plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char* coded[] = {"",         "Zg==",     "Zm8=",    "Zm9v",
                         "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  for (int i = 0; i < 7; ++i) {
    CHECK(base64_encode(plain[i]) == coded[i]);
    CHECK(base64_decode(coded[i]) == std::optional<std::string>(plain[i]));
  }
  CHECK(base64_decode("Zg") == std::optional<std::string>("f"));
  CHECK(base64_decode(" Zm9v\nYmFy\t") == std::optional<std::string>("foobar"));
  for (const char* bad :
       {"Z", "Zg=", "Zg===", "Zg==Zg==", "Zm9v-_", "Zm9v!", "=Zg"}) {
    INFO(bad);
    CHECK_FALSE(base64_decode(bad).has_value());
  }
  CHECK(upper_hex_sha1("abc") == "A9993E364706816ABA3E25717850C26C9CD0D89D");
}
