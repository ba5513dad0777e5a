import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isIP } from 'node:net';
import { createSecureContext, SecureContext } from 'node:tls';
import forge from 'node-forge';

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

/** A CA key this young without its certificate is another process's CA being created: waited for. */
const CREATING_MS = 30_000;
/** How long to wait for that process's certificate. */
const CREATION_WAIT_MS = 15_000;

/**
 * Loads the CA from `certPath`/`keyPath`, creating both when neither exists (key file mode 0600).
 * Never replaces a file: each is written under a temporary name and linked into place only if
 * nothing is there (two services starting at once for the first time each made a CA, and the later
 * rename replaced the CA the other one was serving with). A certificate without its key (a --cert
 * given without --key was overwritten by a new CA), a key without its certificate, files that do
 * not parse, or a key that is not the certificate's fail, naming the file and the fix.
 */
export async function loadOrCreateCa(certPath: string, keyPath: string): Promise<CertificateAuthority> {
  let [certPem, keyPem] = await Promise.all([readIfThere(certPath), readIfThere(keyPath)]);
  if (certPem === undefined && keyPem === undefined) {
    if (await createCaFiles(certPath, keyPath)) [certPem, keyPem] = await Promise.all([readIfThere(certPath), readIfThere(keyPath)]);
    else keyPem = await readIfThere(keyPath);
  }
  if (certPem === undefined && keyPem !== undefined) certPem = await certificateBeingCreated(certPath, keyPath);
  if (certPem === undefined) {
    throw new Error(
      `the CA key ${keyPath} has no certificate at ${certPath}: pass --cert with that key's certificate, or move the key away to have a new CA made (clients must then trust the new ${certPath})`,
    );
  }
  if (keyPem === undefined) {
    throw new Error(
      `the CA certificate ${certPath} has no key at ${keyPath}: pass --key with that certificate's private key, or move the certificate away to have a new CA made (clients must then trust the new one)`,
    );
  }
  return parseCa(certPath, certPem, keyPath, keyPem);
}

async function readIfThere(path: string): Promise<string | undefined> {
  return readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
}

/**
 * Makes a CA and puts its key, then its certificate, where nothing is (`link` fails on an existing
 * name, where `rename` replaces it). False when another process put a key there first.
 */
async function createCaFiles(certPath: string, keyPath: string): Promise<boolean> {
  const { certPem, keyPem } = createCa();
  const suffix = `.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  const keyTemp = `${keyPath}${suffix}`;
  const certTemp = `${certPath}${suffix}`;
  try {
    await mkdir(dirname(keyPath), { recursive: true });
    await mkdir(dirname(certPath), { recursive: true });
    await writeFile(keyTemp, keyPem, { mode: 0o600 });
    await writeFile(certTemp, certPem, { mode: 0o644 });
    try {
      await link(keyTemp, keyPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
    await link(certTemp, certPath);
    return true;
  } finally {
    await Promise.all([unlink(keyTemp).catch(() => undefined), unlink(certTemp).catch(() => undefined)]);
  }
}

/** The certificate of a key another process is creating right now (its key is young), once it is there. */
async function certificateBeingCreated(certPath: string, keyPath: string): Promise<string | undefined> {
  const key = await stat(keyPath).catch(() => undefined);
  if (!key || Date.now() - key.mtimeMs > CREATING_MS) return undefined;
  for (const started = Date.now(); Date.now() - started < CREATION_WAIT_MS;) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const pem = await readIfThere(certPath);
    if (pem !== undefined) return pem;
  }
  return undefined;
}

/** The CA's parsed forms; a file that is not what it should be, or a key of another certificate, is named. */
function parseCa(certPath: string, certPem: string, keyPath: string, keyPem: string): CertificateAuthority {
  let cert: forge.pki.Certificate;
  let key: forge.pki.rsa.PrivateKey;
  try {
    cert = forge.pki.certificateFromPem(certPem);
  } catch (err) {
    throw new Error(`the CA certificate ${certPath} is not a PEM certificate (${(err as Error).message})`, { cause: err });
  }
  try {
    key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  } catch (err) {
    throw new Error(`the CA key ${keyPath} is not a PEM RSA private key (${(err as Error).message})`, { cause: err });
  }
  const publicKey = cert.publicKey as forge.pki.rsa.PublicKey;
  if (!publicKey.n || publicKey.n.compareTo(key.n) !== 0) {
    throw new Error(`the CA key ${keyPath} is not the key of the certificate ${certPath}: pass the matching pair (--cert and --key)`);
  }
  return { certPem, keyPem, cert, key };
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
