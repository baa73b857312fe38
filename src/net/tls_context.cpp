#include "net/tls_context.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace gpm::net {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using PKey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using Ctx = std::unique_ptr<SSL_CTX, Deleter<SSL_CTX, SSL_CTX_free>>;
using Bignum = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;

// The first OpenSSL error on this thread's queue, as text (queue cleared).
std::string openssl_error() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown OpenSSL error";
  const char* reason = ERR_reason_error_string(e);
  return reason != nullptr ? reason : "OpenSSL error " + std::to_string(e);
}

bool add_extension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, ctx, nid, value);
  if (ext == nullptr) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

std::string cert_pem(X509* cert) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return {};
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string();
}

std::string key_pem(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0,
                                       nullptr, nullptr) != 1) {
    return {};
  }
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string();
}

// A server context with the settings every listener shares: TLS 1.2+,
// no renegotiation, no session tickets, buffers released while a connection
// idles (parked keep-alive connections then cost little memory).
Ctx new_server_ctx() {
  Ctx ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) return ctx;
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  // SSL_OP_IGNORE_UNEXPECTED_EOF: a client that half-closes its socket
  // without close_notify (as plain-HTTP clients do after a request) ends
  // its input like a close_notify would, instead of failing the session,
  // so its answer (e.g. the 400 for a body cut short) can still be sent.
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_RENEGOTIATION |
                                     SSL_OP_CIPHER_SERVER_PREFERENCE |
                                     SSL_OP_IGNORE_UNEXPECTED_EOF);
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_RELEASE_BUFFERS |
                                  SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  // No TLS 1.3 session tickets: they cost a signature-free but real
  // encryption per connection, and arrive unasked after the handshake,
  // where a client polling its socket would mistake them for an answer.
  SSL_CTX_set_num_tickets(ctx.get(), 0);
  return ctx;
}

// A cert and key generated together, for the context and the PEM output.
struct Generated {
  PKey key;
  Cert cert;
};

Generated generate(std::string& error) {
  Generated g;
  g.key.reset(EVP_EC_gen("P-256"));
  if (!g.key) {
    error = "cannot generate an EC P-256 key: " + openssl_error();
    return {};
  }
  g.cert.reset(X509_new());
  X509* x = g.cert.get();
  bool ok = x != nullptr && X509_set_version(x, 2) == 1;
  // A random positive 127-bit serial, so each run's certificate differs.
  if (ok) {
    unsigned char bytes[16];
    ok = RAND_bytes(bytes, sizeof bytes) == 1;
    bytes[0] &= 0x7f;
    Bignum bn(ok ? BN_bin2bn(bytes, sizeof bytes, nullptr) : nullptr);
    ok =
        bn && BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(x)) != nullptr;
  }
  ok = ok && X509_gmtime_adj(X509_getm_notBefore(x), -24L * 3600) != nullptr &&
       X509_gmtime_adj(X509_getm_notAfter(x), 365L * 24 * 3600) != nullptr;
  if (ok) {
    X509_NAME* name = X509_get_subject_name(x);
    const auto* org =
        reinterpret_cast<const unsigned char*>("graph-presence-mock");
    const auto* cn =
        reinterpret_cast<const unsigned char*>("graph-presence-mock localhost");
    ok = X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, org, -1, -1, 0) ==
             1 &&
         X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, cn, -1, -1, 0) ==
             1 &&
         X509_set_issuer_name(x, name) == 1 &&
         X509_set_pubkey(x, g.key.get()) == 1;
  }
  if (ok) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
    // The subject key id first: the authority key id copies it.
    ok = add_extension(x, &ctx, NID_basic_constraints, "critical,CA:TRUE") &&
         add_extension(x, &ctx, NID_key_usage,
                       "critical,digitalSignature,keyCertSign,cRLSign") &&
         add_extension(x, &ctx, NID_ext_key_usage, "serverAuth") &&
         add_extension(x, &ctx, NID_subject_key_identifier, "hash") &&
         add_extension(x, &ctx, NID_authority_key_identifier, "keyid:always") &&
         add_extension(x, &ctx, NID_subject_alt_name,
                       "DNS:localhost,IP:127.0.0.1,IP:::1");
  }
  ok = ok && X509_sign(x, g.key.get(), EVP_sha256()) > 0;
  if (!ok) {
    error = "cannot generate the TLS certificate: " + openssl_error();
    return {};
  }
  return g;
}

bool readable_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return static_cast<bool>(in);
}

}  // namespace

bool write_certificate_file(const std::string& path, const std::string& pem,
                            std::string& error) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << pem;
    out.close();
    if (!out) {
      std::remove(tmp.c_str());
      error = "cannot write " + tmp;
      return false;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    error = "cannot rename " + tmp + " to " + path;
    return false;
  }
  return true;
}

CertificatePem generate_localhost_certificate(std::string& error) {
  Generated g = generate(error);
  if (!g.cert) return {};
  return {cert_pem(g.cert.get()), key_pem(g.key.get())};
}

TlsContext::TlsContext(ssl_ctx_st* ctx, std::string certificate_pem)
    : ctx_(ctx), certificate_pem_(std::move(certificate_pem)) {}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

std::unique_ptr<TlsContext> TlsContext::generated(std::string& error) {
  Generated g = generate(error);
  if (!g.cert) return nullptr;
  Ctx ctx = new_server_ctx();
  if (!ctx || SSL_CTX_use_certificate(ctx.get(), g.cert.get()) != 1 ||
      SSL_CTX_use_PrivateKey(ctx.get(), g.key.get()) != 1) {
    error = "cannot set up TLS: " + openssl_error();
    return nullptr;
  }
  std::string pem = cert_pem(g.cert.get());
  return std::unique_ptr<TlsContext>(new TlsContext(ctx.release(), pem));
}

std::unique_ptr<TlsContext> TlsContext::from_files(const std::string& cert_path,
                                                   const std::string& key_path,
                                                   std::string& error) {
  ERR_clear_error();
  if (!readable_file(cert_path)) {
    error = "cannot read --tls-cert " + cert_path;
    return nullptr;
  }
  if (!readable_file(key_path)) {
    error = "cannot read --tls-key " + key_path;
    return nullptr;
  }
  Ctx ctx = new_server_ctx();
  if (!ctx) {
    error = "cannot set up TLS: " + openssl_error();
    return nullptr;
  }
  if (SSL_CTX_use_certificate_chain_file(ctx.get(), cert_path.c_str()) != 1) {
    error = "--tls-cert " + cert_path + ": no usable PEM certificate (" +
            openssl_error() + ")";
    return nullptr;
  }
  PKey key;
  if (Bio in{BIO_new_file(key_path.c_str(), "r")}) {
    key.reset(PEM_read_bio_PrivateKey(in.get(), nullptr, nullptr, nullptr));
  }
  if (!key) {
    error = "--tls-key " + key_path + ": no usable PEM private key (" +
            openssl_error() + ")";
    return nullptr;
  }
  if (X509_check_private_key(SSL_CTX_get0_certificate(ctx.get()), key.get()) !=
          1 ||
      SSL_CTX_use_PrivateKey(ctx.get(), key.get()) != 1) {
    ERR_clear_error();
    error = "--tls-key " + key_path + " does not match the certificate in " +
            "--tls-cert " + cert_path;
    return nullptr;
  }
  std::string pem = cert_pem(SSL_CTX_get0_certificate(ctx.get()));
  return std::unique_ptr<TlsContext>(new TlsContext(ctx.release(), pem));
}

ssl_st* TlsContext::new_ssl(int fd) const {
  SSL* ssl = SSL_new(ctx_);
  if (ssl == nullptr) return nullptr;
  if (SSL_set_fd(ssl, fd) != 1) {
    SSL_free(ssl);
    return nullptr;
  }
  SSL_set_accept_state(ssl);
  return ssl;
}

}  // namespace gpm::net
