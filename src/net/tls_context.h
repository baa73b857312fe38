// TLS material for the HTTPS listeners: an OpenSSL server context built
// either from a certificate generated at start (EC P-256, self-signed,
// usable as its own CA: basicConstraints CA:TRUE and SANs for localhost,
// 127.0.0.1 and ::1) or from PEM files the user gives. Nothing here runs
// unless TLS is asked for, so a plain-HTTP start-up pays nothing for it.
// Thread-safety: a TlsContext is built once, then only read; SSL objects
// made from it belong to one connection each.
#pragma once

#include <memory>
#include <string>

struct ssl_ctx_st;
struct ssl_st;

namespace gpm::net {

// A certificate and its private key, both PEM.
struct CertificatePem {
  std::string certificate;
  std::string private_key;
};

// Generates the start-up certificate: a fresh EC P-256 key, a self-signed
// X.509 v3 certificate valid from a day ago for a year, with
// basicConstraints critical CA:TRUE, keyUsage digitalSignature+keyCertSign,
// extendedKeyUsage serverAuth, subject/authority key identifiers and the
// SANs DNS:localhost, IP:127.0.0.1, IP:::1. Empty strings (and `error` set)
// if OpenSSL fails.
CertificatePem generate_localhost_certificate(std::string& error);

// Writes `pem` to `path` atomically for readers (a temporary file beside
// it, then rename) without fsync: the certificate is made anew at every
// start, so durability across a crash buys nothing and would cost a disk
// flush on the start-up path. False with `error` set on failure.
bool write_certificate_file(const std::string& path, const std::string& pem,
                            std::string& error);

class TlsContext {
 public:
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  // A server context for a generated certificate (see above). nullptr with
  // `error` set if OpenSSL fails.
  static std::unique_ptr<TlsContext> generated(std::string& error);
  // A server context from PEM files: `cert_path` holds the certificate
  // (optionally followed by its chain), `key_path` its private key.
  // nullptr with a message naming the file and the problem (unreadable,
  // no PEM certificate/key, key does not match).
  static std::unique_ptr<TlsContext> from_files(const std::string& cert_path,
                                                const std::string& key_path,
                                                std::string& error);

  // The leaf certificate, PEM (what --tls-cert-out writes).
  const std::string& certificate_pem() const { return certificate_pem_; }
  // A new SSL object for an accepted socket in server mode; nullptr on
  // failure. The caller owns it (SSL_free).
  ssl_st* new_ssl(int fd) const;

 private:
  TlsContext(ssl_ctx_st* ctx, std::string certificate_pem);

  ssl_ctx_st* ctx_;
  std::string certificate_pem_;
};

}  // namespace gpm::net
