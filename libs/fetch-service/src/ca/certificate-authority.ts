import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { createSecureContext, SecureContext } from 'node:tls';
import forge from 'node-forge';
import { writeAtomically } from '@hermetic/core';

/** The proxy's certificate authority: its PEMs and the parsed forms used to sign leaves. */
export interface CertificateAuthority {
  certPem: string;
  keyPem: string;
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
}

const DAY = 24 * 60 * 60 * 1000;

function serial(): string {
  // Positive 128-bit serial (leading bit cleared).
  const b = randomBytes(16);
  b[0] &= 0x7f;
  return b.toString('hex');
}

/** RSA keys come from Node's native generator (fast); forge only builds and signs the certificates. */
function rsaKeyPair(bits: number): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: bits,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privatePem: privateKey, publicPem: publicKey };
}

/** A self-signed CA like craft-application's (`/CN=root@localhost`, 20 years), named after Hermetic. */
function createCa(): { certPem: string; keyPem: string } {
  const keys = rsaKeyPair(3072);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicPem);
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - DAY);
  cert.validity.notAfter = new Date(Date.now() + 7300 * DAY);
  const subject = [
    { name: 'commonName', value: 'root@localhost' },
    { name: 'organizationName', value: 'Hermetic embedded Fetch Service' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keys.privatePem) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privatePem };
}

/**
 * Loads the CA from `certPath`/`keyPath`, creating both on first start (key file mode 0600,
 * written under temporary names and moved into place, so a crash never leaves half a CA).
 */
export async function loadOrCreateCa(certPath: string, keyPath: string): Promise<CertificateAuthority> {
  let certPem: string;
  let keyPem: string;
  try {
    [certPem, keyPem] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    ({ certPem, keyPem } = createCa());
    await writeAtomically(keyPath, keyPem, 0o600);
    await writeAtomically(certPath, certPem, 0o644);
  }
  return { certPem, keyPem, cert: forge.pki.certificateFromPem(certPem), key: forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey };
}

/**
 * Leaf certificates for intercepted hosts, minted on first use and cached: one RSA key shared by all
 * leaves (as mitmproxy does; generating a key per host would dominate the first request), a
 * certificate per host with the host as SAN (DNS name or IP address).
 */
export class LeafCertificates {
  private readonly contexts = new Map<string, SecureContext>();
  private readonly leafKey = rsaKeyPair(2048);

  constructor(private readonly ca: CertificateAuthority) {}

  /** The context for a host, with the client's SNI name (if different) as a second SAN. */
  contextFor(host: string, sniName?: string): SecureContext {
    // A loopback IP also answers as `localhost`: npm's agent checks IP hosts against that name.
    const loopback = /^(127\.\d+\.\d+\.\d+|::1)$/.test(host) ? ['localhost'] : [];
    const names = [...new Set([host, sniName, ...loopback].filter((n): n is string => !!n).map((n) => n.toLowerCase().replace(/\.$/, '')))];
    const key = names.join(' ');
    let context = this.contexts.get(key);
    if (!context) {
      context = createSecureContext({ key: this.leafKey.privatePem, cert: `${this.mint(names)}${this.ca.certPem}` });
      this.contexts.set(key, context);
    }
    return context;
  }

  private mint(names: string[]): string {
    const host = names[0];
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.publicKeyFromPem(this.leafKey.publicPem);
    cert.serialNumber = serial();
    // Backdated a day against clock skew; well under the 398-day limit clients enforce.
    cert.validity.notBefore = new Date(Date.now() - DAY);
    cert.validity.notAfter = new Date(Date.now() + 365 * DAY);
    cert.setSubject([{ name: 'commonName', value: host.slice(0, 64) }]);
    cert.setIssuer(this.ca.cert.subject.attributes);
    const altNames = names.map((n) => (isIP(n) ? { type: 7, ip: n } : { type: 2, value: n }));
    cert.setExtensions([
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ]);
    cert.sign(this.ca.key, forge.md.sha256.create());
    return forge.pki.certificateToPem(cert);
  }
}
