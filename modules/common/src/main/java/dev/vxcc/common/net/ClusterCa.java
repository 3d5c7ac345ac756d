package dev.vxcc.common.net;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A cluster certificate authority: an EC P-256 key and a self-signed CA certificate that signs one
 * certificate per node. Every node trusts only this CA, so holding a certificate it signed is what
 * makes a process a member of the cluster (the cluster name alone is not).
 */
public final class ClusterCa {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final PrivateKey key;
  private final X509Certificate cert;

  private ClusterCa(PrivateKey key, X509Certificate cert) {
    this.key = key;
    this.cert = cert;
  }

  /** A node's certificate and key, PEM encoded (the key unencrypted PKCS#8: keep its file private). */
  public record NodeCert(String certPem, String keyPem) {}

  public static ClusterCa create(String name, Duration validity) {
    try {
      KeyPair kp = newKeyPair();
      Instant now = Instant.now();
      X500Name subject = new X500Name("CN=" + name);
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), subject, kp.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
      return new ClusterCa(kp.getPrivate(), sign(b, kp.getPrivate()));
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot create a CA: " + e.getMessage(), e);
    }
  }

  /** Loads a CA written by {@link #certPem()} and {@link #keyPem()}. */
  public static ClusterCa load(String certPem, String keyPem) {
    try (PEMParser certs = new PEMParser(new StringReader(certPem)); PEMParser keys = new PEMParser(new StringReader(keyPem))) {
      Object c = certs.readObject();
      Object k = keys.readObject();
      if (!(c instanceof X509CertificateHolder holder)) {
        throw new IllegalArgumentException("the CA certificate file holds no PEM certificate");
      }
      PrivateKey pk = switch (k) {
        case PrivateKeyInfo info -> new JcaPEMKeyConverter().getPrivateKey(info);
        case PEMKeyPair pair -> new JcaPEMKeyConverter().getKeyPair(pair).getPrivate();
        case null, default -> throw new IllegalArgumentException("the CA key file holds no unencrypted PEM private key");
      };
      return new ClusterCa(pk, new JcaX509CertificateConverter().getCertificate(holder));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot read the CA: " + e.getMessage(), e);
    }
  }

  /**
   * A node certificate usable both as TLS server and client (nodes are both), with the given
   * host names and IP addresses as subject alternative names.
   */
  public NodeCert issue(String name, List<String> hostsAndIps, Duration validity) {
    try {
      KeyPair kp = newKeyPair();
      Instant now = Instant.now();
      List<GeneralName> sans = new ArrayList<>();
      for (String h : hostsAndIps) {
        sans.add(isIp(h) ? new GeneralName(GeneralName.iPAddress, h) : new GeneralName(GeneralName.dNSName, h));
      }
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(cert, serial(),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), new X500Name("CN=" + name), kp.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
          .addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(cert))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
      if (!sans.isEmpty()) {
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
      }
      return new NodeCert(pem(sign(b, key)), pem(kp.getPrivate()));
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue a node certificate: " + e.getMessage(), e);
    }
  }

  public String certPem() {
    return pem(cert);
  }

  public String keyPem() {
    return pem(key);
  }

  private static boolean isIp(String h) {
    // Literal addresses only: a name is never resolved here.
    return h.matches("\\d{1,3}(\\.\\d{1,3}){3}") || h.contains(":");
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return g.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer)
      throws OperatorCreationException, GeneralSecurityException {
    ContentSigner s = new JcaContentSignerBuilder("SHA256withECDSA").build(signer);
    return new JcaX509CertificateConverter().getCertificate(b.build(s));
  }

  private static String pem(Object o) {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
      // PKCS#8 for keys: what Vert.x's PEM key loader reads for every algorithm.
      pw.writeObject(o instanceof PrivateKey pk ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(pk, null) : o);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return w.toString();
  }
}
