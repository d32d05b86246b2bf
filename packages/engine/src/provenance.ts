/**
 * C2PA next to the GB 45438 label (EU AI Act Art. 50 practice): for the formats the C2PA package
 * embeds in (JPEG, PNG, WebP, WAV, MP3, MP4), labeling also writes a signed manifest with a
 * `c2pa.created` action, digitalSourceType `trainedAlgorithmicMedia` and the label bound into the
 * claim. Order matters: the label (and its SecurityData) is written first, the manifest last, so
 * the manifest's hard binding covers the label; the label's content digest is taken on the file
 * without the manifest store (`stripForeign`), on signing and on verifying alike.
 *
 * The signing identity is the installation's: a development chain (root CA + leaf, Ed25519)
 * created on first run in `<data>/c2pa/` (key 0600), or a real chain by configuration.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type C2paSigner,
  type ReadResult,
  TRAINED_ALGORITHMIC_MEDIA,
  c2paFormats,
  createDevelopmentChain,
  createSigner,
  readManifest,
  removeManifest,
  signManifest,
} from '@synthguard/c2pa';
import type { IntegrityOptions } from '@synthguard/labels';
import { EngineError } from './errors.js';
import { writeSecretFile } from './runtime/data-dir.js';

export interface C2paIdentity {
  readonly signer: C2paSigner;
  /** Leaf first, then intermediates (PEM); with the key, what batch workers rebuild the signer from. */
  readonly certificateChainPem: string;
  readonly privateKeyPem: string;
  /** Roots a verifier of this installation's manifests trusts (PEM, concatenated). */
  readonly trustAnchorsPem: string;
  /** True for the generated development chain (not trusted outside this installation). */
  readonly development: boolean;
}

export const C2PA_DIR = 'c2pa';

export function isC2paFormat(formatId: string): boolean {
  return (c2paFormats as readonly string[]).includes(formatId);
}

/** Integrity options that make a label's content digest ignore a C2PA store in `formatId` files. */
export function integrityOptionsFor(formatId: string): IntegrityOptions {
  return isC2paFormat(formatId) ? { stripForeign: (file) => removeManifest(file, formatId) } : {};
}

export function identityFromPem(
  chainPem: string,
  keyPem: string,
  anchorsPem: string,
  development: boolean,
): C2paIdentity {
  return {
    signer: createSigner({ certificateChainPem: chainPem, privateKeyPem: keyPem }),
    certificateChainPem: chainPem,
    privateKeyPem: keyPem,
    trustAnchorsPem: anchorsPem,
    development,
  };
}

export interface C2paConfig {
  /** PEM files of a real chain (leaf first) and its key; both or neither. */
  readonly certificateChainFile?: string | undefined;
  readonly privateKeyFile?: string | undefined;
  /** Extra trust anchors (PEM file) for manifests others wrote. */
  readonly trustAnchorsFile?: string | undefined;
}

/** A configured PEM file; a missing or unreadable one is a clear start-up error, not a raw errno. */
async function readPem(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new EngineError(
      'runtime.c2pa_unusable',
      `Cannot read the C2PA file ${path} (check SYNTHGUARD_C2PA_*).`,
      {
        cause: err,
        details: { path },
      },
    );
  }
}

/**
 * The configured chain, or the development chain in `<dataDir>/c2pa/` (created on first use:
 * root.pem, chain.pem, key.pem with mode 0600).
 */
export async function loadC2paIdentity(dataDir: string, config: C2paConfig = {}): Promise<C2paIdentity> {
  const extra = config.trustAnchorsFile === undefined ? '' : await readPem(config.trustAnchorsFile);
  if (config.certificateChainFile !== undefined && config.privateKeyFile !== undefined) {
    const [chain, key] = await Promise.all([
      readPem(config.certificateChainFile),
      readPem(config.privateKeyFile),
    ]);
    return identityFromPem(chain, key, extra, false);
  }
  const dir = join(dataDir, C2PA_DIR);
  const paths = { root: join(dir, 'root.pem'), chain: join(dir, 'chain.pem'), key: join(dir, 'key.pem') };
  if (!existsSync(paths.key)) {
    const dev = createDevelopmentChain({ organization: 'synthguard development CA (not trusted elsewhere)' });
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(paths.root, dev.rootCertificatePem, { mode: 0o644 });
    await writeFile(paths.chain, dev.leafCertificatePem, { mode: 0o644 });
    // The key last: its presence marks a complete chain.
    await writeSecretFile(paths.key, dev.leafPrivateKeyPem);
  }
  const [root, chain, key] = await Promise.all([
    readFile(paths.root, 'utf8'),
    readFile(paths.chain, 'utf8'),
    readFile(paths.key, 'utf8'),
  ]);
  return identityFromPem(chain, key, root + extra, true);
}

/**
 * Removes a manifest this installation wrote for `produceId` (its `cn.gb45438.aigc` assertion
 * names that ProduceID), before the label it covers is rewritten (relabel, propagation): the
 * rewrite would break its hard binding, and a fresh manifest is added afterwards. Any other
 * manifest is left alone.
 */
export function dropOwnManifest(file: Uint8Array, formatId: string, produceId: string): Uint8Array {
  if (!isC2paFormat(formatId)) return file;
  const found = readManifest(file, formatId);
  const active = found.manifests.at(-1);
  if (!found.present || active?.aigc?.produceId !== produceId) return file;
  return removeManifest(file, formatId);
}

/** Adds our manifest unless the format has no C2PA embedding or the file already has a store. */
export function addManifest(
  file: Uint8Array,
  formatId: string,
  identity: C2paIdentity | undefined,
  produceId: string,
  labelText: string,
): { file: Uint8Array; written: boolean } {
  if (identity === undefined || !isC2paFormat(formatId)) return { file, written: false };
  // Someone else's provenance is kept, never replaced (an ingredient-aware update manifest is
  // future work); our label's signature ignores it either way.
  if (readManifest(file, formatId).present) return { file, written: false };
  return {
    file: signManifest(file, formatId, { signer: identity.signer, produceId, label: labelText }),
    written: true,
  };
}

/** What verification and detection report about a file's C2PA manifest. */
export interface C2paReport {
  readonly present: boolean;
  /** `trusted` (chain to a trust anchor), `valid` (sound but unanchored) or `invalid`. */
  readonly state?: 'trusted' | 'valid' | 'invalid';
  readonly failures: readonly string[];
  /** The digitalSourceType of the active manifest's first action. */
  readonly digitalSourceType?: string;
  /** The GB 45438 ProduceID bound into the manifest (ours). */
  readonly produceId?: string;
  readonly claimGenerator?: string;
}

export function c2paReport(
  file: Uint8Array,
  formatId: string,
  trustAnchorsPem: string | undefined,
): C2paReport | undefined {
  if (!isC2paFormat(formatId)) return undefined;
  const r: ReadResult = readManifest(file, formatId, trustAnchorsPem ? { trustAnchorsPem } : {});
  if (!r.present) return { present: false, failures: [] };
  const active = r.manifests.at(-1);
  const dst = active?.actions.find((a) => a.digitalSourceType !== undefined)?.digitalSourceType;
  return {
    present: true,
    ...(r.validation ? { state: r.validation.state } : {}),
    failures: r.validation?.failure.map((s) => s.code) ?? [],
    ...(dst === undefined ? {} : { digitalSourceType: dst }),
    ...(active?.aigc?.produceId === undefined ? {} : { produceId: active.aigc.produceId }),
    ...(active?.claimGenerator === undefined ? {} : { claimGenerator: active.claimGenerator }),
  };
}

export function isAiSourceType(value: string | undefined): boolean {
  return (
    value !== undefined &&
    (value === TRAINED_ALGORITHMIC_MEDIA ||
      value.endsWith('/trainedAlgorithmicMedia') ||
      value.endsWith('/compositeWithTrainedAlgorithmicMedia'))
  );
}
