// Unit tests for src/net/tls_context (HTTPS): the start-up certificate is
// one clients can trust directly (self-signed, CA:TRUE, the localhost SANs,
// its key matches), user PEM files are checked with clear messages, and the
// TLS options of src/config parse as the README says.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "app/config.h"
#include "net/tls_context.h"

namespace {

using gpm::net::CertificatePem;
using gpm::net::TlsContext;

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PKeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Cert = std::unique_ptr<X509, X509Free>;
using PKey = std::unique_ptr<EVP_PKEY, PKeyFree>;

Cert parse_cert(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  Cert c(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return c;
}

PKey parse_key(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  PKey k(PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return k;
}

// The SANs as "DNS:name" / "IP:address" strings.
std::set<std::string> sans_of(X509* cert) {
  std::set<std::string> out;
  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    GENERAL_NAME* n = sk_GENERAL_NAME_value(names, i);
    if (n->type == GEN_DNS) {
      out.insert("DNS:" + std::string(reinterpret_cast<const char*>(
                                          ASN1_STRING_get0_data(n->d.dNSName)),
                                      ASN1_STRING_length(n->d.dNSName)));
    } else if (n->type == GEN_IPADD) {
      const unsigned char* ip = ASN1_STRING_get0_data(n->d.iPAddress);
      int len = ASN1_STRING_length(n->d.iPAddress);
      char text[INET6_ADDRSTRLEN] = {};
      if ((len == 4 || len == 16) &&
          ::inet_ntop(len == 4 ? AF_INET : AF_INET6, ip, text, sizeof text)) {
        out.insert("IP:" + std::string(text));
      }
    }
  }
  GENERAL_NAMES_free(names);
  return out;
}

// A temporary file holding `text`, removed at scope exit.
class TempFile {
 public:
  explicit TempFile(const std::string& text) {
    char name[] = "/tmp/gpm-tls-test-XXXXXX";
    int fd = ::mkstemp(name);
    REQUIRE(fd >= 0);
    ::close(fd);
    path_ = name;
    std::ofstream(path_, std::ios::binary) << text;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_SUITE("tls") {
  TEST_CASE(
      "TLS: the generated certificate names localhost, 127.0.0.1 "
      "and ::1 and is usable as its own CA") {
    std::string error;
    CertificatePem pem = gpm::net::generate_localhost_certificate(error);
    INFO(error);
    REQUIRE_FALSE(pem.certificate.empty());
    REQUIRE_FALSE(pem.private_key.empty());
    Cert cert = parse_cert(pem.certificate);
    REQUIRE(cert);

    CHECK(sans_of(cert.get()) ==
          std::set<std::string>{"DNS:localhost", "IP:127.0.0.1", "IP:::1"});
    // basicConstraints CA:TRUE (critical), and keyCertSign: a trust store
    // can hold it as a root.
    CHECK(X509_check_ca(cert.get()) == 1);
    int critical = -1;
    auto* bc = static_cast<BASIC_CONSTRAINTS*>(X509_get_ext_d2i(
        cert.get(), NID_basic_constraints, &critical, nullptr));
    REQUIRE(bc != nullptr);
    CHECK(bc->ca != 0);
    CHECK(critical == 1);
    BASIC_CONSTRAINTS_free(bc);
    CHECK((X509_get_key_usage(cert.get()) & KU_KEY_CERT_SIGN) != 0);
    CHECK((X509_get_key_usage(cert.get()) & KU_DIGITAL_SIGNATURE) != 0);
    CHECK((X509_get_extended_key_usage(cert.get()) & XKU_SSL_SERVER) != 0);
    CHECK(X509_get0_subject_key_id(cert.get()) != nullptr);
    CHECK(X509_get0_authority_key_id(cert.get()) != nullptr);
    // Self-signed: issuer == subject, and the signature verifies with the
    // certificate's own key.
    CHECK(X509_NAME_cmp(X509_get_subject_name(cert.get()),
                        X509_get_issuer_name(cert.get())) == 0);
    CHECK(X509_verify(cert.get(), X509_get0_pubkey(cert.get())) == 1);
    // EC P-256, and the private key is the certificate's.
    PKey key = parse_key(pem.private_key);
    REQUIRE(key);
    CHECK(EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_EC);
    CHECK(EVP_PKEY_get_bits(key.get()) == 256);
    CHECK(X509_check_private_key(cert.get(), key.get()) == 1);
    // Valid now.
    CHECK(X509_cmp_current_time(X509_get0_notBefore(cert.get())) < 0);
    CHECK(X509_cmp_current_time(X509_get0_notAfter(cert.get())) > 0);
  }

  TEST_CASE("TLS: each start generates a new key and serial") {
    std::string error;
    CertificatePem a = gpm::net::generate_localhost_certificate(error);
    CertificatePem b = gpm::net::generate_localhost_certificate(error);
    REQUIRE_FALSE(a.certificate.empty());
    CHECK(a.certificate != b.certificate);
    CHECK(a.private_key != b.private_key);
  }

  TEST_CASE(
      "TLS: a generated context serves the certificate it writes "
      "out") {
    std::string error;
    auto ctx = TlsContext::generated(error);
    INFO(error);
    REQUIRE(ctx != nullptr);
    Cert cert = parse_cert(ctx->certificate_pem());
    REQUIRE(cert);
    CHECK(X509_check_host(cert.get(), "localhost", 0, 0, nullptr) == 1);
    CHECK(X509_check_ip_asc(cert.get(), "127.0.0.1", 0) == 1);
    CHECK(X509_check_ip_asc(cert.get(), "::1", 0) == 1);
    CHECK(X509_check_host(cert.get(), "example.com", 0, 0, nullptr) != 1);
  }

  TEST_CASE(
      "TLS: --tls-cert/--tls-key PEM files load, and bad ones say "
      "which file and why") {
    std::string error;
    CertificatePem one = gpm::net::generate_localhost_certificate(error);
    CertificatePem two = gpm::net::generate_localhost_certificate(error);
    REQUIRE_FALSE(one.certificate.empty());
    TempFile cert(one.certificate), key(one.private_key),
        other_key(two.private_key), junk("not a PEM file\n");

    error.clear();
    auto ok = TlsContext::from_files(cert.path(), key.path(), error);
    CHECK(ok != nullptr);
    CHECK(error.empty());
    if (ok) CHECK(ok->certificate_pem() == one.certificate);

    struct Case {
      std::string cert, key, message;
    };
    for (const Case& c :
         {Case{"/nonexistent/cert.pem", key.path(), "cannot read --tls-cert"},
          Case{cert.path(), "/nonexistent/key.pem", "cannot read --tls-key"},
          Case{junk.path(), key.path(), "no usable PEM certificate"},
          Case{cert.path(), junk.path(), "no usable PEM private key"},
          Case{key.path(), key.path(), "no usable PEM certificate"},
          Case{cert.path(), other_key.path(), "does not match"}}) {
      CAPTURE(c.cert);
      CAPTURE(c.key);
      error.clear();
      CHECK(TlsContext::from_files(c.cert, c.key, error) == nullptr);
      CAPTURE(error);
      CHECK(contains(error, c.message));
    }
  }
}

TEST_SUITE("config") {
  using gpm::Config;
  using gpm::ExitRequest;

  std::variant<Config, ExitRequest> parse(
      const std::vector<std::string>& args) {
    return gpm::parse_args(args, [](const char*) -> std::optional<std::string> {
      return std::nullopt;
    });
  }

  TEST_CASE(
      "TLS options: off by default; --tls, --https-port, "
      "--tls-cert, --tls-key, --tls-cert-out") {
    auto d = parse({});
    REQUIRE(std::holds_alternative<Config>(d));
    CHECK_FALSE(std::get<Config>(d).tls);
    CHECK_FALSE(std::get<Config>(d).https_port.has_value());
    CHECK(std::get<Config>(d).tls_cert.empty());

    auto a = parse({"--tls", "--tls-cert-out", "/tmp/c.pem"});
    REQUIRE(std::holds_alternative<Config>(a));
    CHECK(std::get<Config>(a).tls);
    CHECK(std::get<Config>(a).tls_cert_out == "/tmp/c.pem");

    auto b =
        parse({"--https-port=0", "--tls-cert", "c.pem", "--tls-key", "k.pem"});
    REQUIRE(std::holds_alternative<Config>(b));
    CHECK(std::get<Config>(b).https_port == 0);
    CHECK(std::get<Config>(b).tls_cert == "c.pem");
    CHECK(std::get<Config>(b).tls_key == "k.pem");

    const std::string usage = gpm::usage_text();
    for (const char* option :
         {"--tls ", "--https-port", "--tls-cert ", "--tls-key",
          "--tls-cert-out", "GPM_TLS=", "GPM_HTTPS_PORT", "GPM_TLS_CERT)",
          "GPM_TLS_KEY", "GPM_TLS_CERT_OUT"}) {
      CAPTURE(option);
      CHECK(contains(usage, option));
    }
  }

  TEST_CASE("TLS options read their GPM_* variables") {
    auto r =
        gpm::parse_args({}, [](const char* name) -> std::optional<std::string> {
          std::string n = name;
          if (n == "GPM_HTTPS_PORT") return "8443";
          if (n == "GPM_TLS_CERT") return "c.pem";
          if (n == "GPM_TLS_KEY") return "k.pem";
          if (n == "GPM_TLS_CERT_OUT") return "out.pem";
          return std::nullopt;
        });
    REQUIRE(std::holds_alternative<Config>(r));
    const Config& c = std::get<Config>(r);
    CHECK(c.https_port == 8443);
    CHECK(c.tls_cert == "c.pem");
    CHECK(c.tls_key == "k.pem");
    CHECK(c.tls_cert_out == "out.pem");
    auto t =
        gpm::parse_args({}, [](const char* name) -> std::optional<std::string> {
          return std::string(name) == "GPM_TLS"
                     ? std::optional<std::string>("true")
                     : std::nullopt;
        });
    REQUIRE(std::holds_alternative<Config>(t));
    CHECK(std::get<Config>(t).tls);
  }

  TEST_CASE(
      "--max-connections: 10000 by default, flag and "
      "GPM_MAX_CONNECTIONS, 1..1000000") {
    auto d = parse({});
    REQUIRE(std::holds_alternative<Config>(d));
    CHECK(std::get<Config>(d).max_connections == 10000);
    auto f = parse({"--max-connections", "250"});
    REQUIRE(std::holds_alternative<Config>(f));
    CHECK(std::get<Config>(f).max_connections == 250);
    auto e =
        gpm::parse_args({}, [](const char* name) -> std::optional<std::string> {
          return std::string(name) == "GPM_MAX_CONNECTIONS"
                     ? std::optional<std::string>("77")
                     : std::nullopt;
        });
    REQUIRE(std::holds_alternative<Config>(e));
    CHECK(std::get<Config>(e).max_connections == 77);
    for (const char* bad : {"0", "1000001", "-1", "x"}) {
      CAPTURE(bad);
      auto r = parse({"--max-connections", bad});
      REQUIRE(std::holds_alternative<ExitRequest>(r));
      CHECK(std::get<ExitRequest>(r).code == 2);
    }
    CHECK(contains(gpm::usage_text(), "--max-connections"));
    CHECK(contains(gpm::usage_text(), "GPM_MAX_CONNECTIONS"));
  }

  TEST_CASE("TLS: inconsistent TLS options exit 2 with the reason") {
    struct Case {
      std::vector<std::string> args;
      std::string message;
    };
    for (const Case& c :
         {Case{{"--tls", "--tls-cert", "c.pem"}, "go together"},
          Case{{"--tls", "--tls-key", "k.pem"}, "go together"},
          Case{{"--tls-cert", "c.pem", "--tls-key", "k.pem"},
               "needs --tls or --https-port"},
          Case{{"--tls-cert-out", "o.pem"}, "needs --tls or --https-port"},
          Case{{"--tls", "--https-port", "0"}, "--https-port"},
          Case{{"--https-port", "70000"}, "--https-port"}}) {
      CAPTURE(c.args.front());
      auto r = parse(c.args);
      REQUIRE(std::holds_alternative<ExitRequest>(r));
      CHECK(std::get<ExitRequest>(r).code == 2);
      CHECK(contains(std::get<ExitRequest>(r).text, c.message));
    }
  }
}
