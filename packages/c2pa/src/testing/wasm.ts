/**
 * Test-only bridge to the reference implementation: c2pa-rs compiled to WASM
 * (`@contentauth/c2pa-wasm`, a devDependency). It runs in Node 20 once two browser pieces are
 * stood in: `FileReaderSync` (the WASM reads Blobs synchronously) over our own Blob-like
 * objects, and a JS signer that returns a whole COSE_Sign1 (c2pa-wasm's signer uses "direct
 * COSE handling": it hands us the claim bytes and embeds what we return, which must fill the
 * reserved size exactly). Product code never imports this file.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { initSync, WasmBuilder, WasmReader } from '@contentauth/c2pa-wasm';
import type { C2paSigner } from '../cose/signer.js';
import { signClaim } from '../cose/signer.js';

/** A Blob stand-in whose bytes can be read synchronously; c2pa-wasm only uses size and slice. */
class SyncBlob {
  constructor(readonly bytes: Uint8Array) {}
  get size(): number {
    return this.bytes.length;
  }
  slice(start = 0, end = this.bytes.length): SyncBlob {
    return new SyncBlob(this.bytes.subarray(start, end));
  }
}

class FileReaderSyncStandIn {
  readAsArrayBuffer(blob: unknown): ArrayBuffer {
    if (!(blob instanceof SyncBlob)) throw new TypeError('FileReaderSync stand-in reads SyncBlob only');
    return blob.bytes.slice().buffer;
  }
}

let ready = false;

export function initC2paWasm(): void {
  if (ready) return;
  (globalThis as Record<string, unknown>).FileReaderSync = FileReaderSyncStandIn;
  const require = createRequire(import.meta.url);
  const wasmPath = require.resolve('@contentauth/c2pa-wasm/c2pa.wasm');
  initSync({ module: readFileSync(wasmPath) });
  ready = true;
}

/** MIME type c2pa-rs expects for each container. */
export const WASM_FORMAT = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  mp4: 'video/mp4',
} as const;

const ACCEPTED_EKUS = [
  '1.3.6.1.5.5.7.3.4', // id-kp-emailProtection
  '1.3.6.1.5.5.7.3.36', // id-kp-documentSigning
  '1.3.6.1.5.5.7.3.8', // id-kp-timeStamping
  '1.3.6.1.5.5.7.3.9', // id-kp-OCSPSigning
  '1.3.6.1.4.1.311.76.59.1.9', // MS C2PA signing
  '1.3.6.1.4.1.62558.2.1', // id-kp-c2pa-claimSigning
];

/** c2pa-rs settings that trust `rootPem` (and nothing else). */
export function trustSettings(rootPem: string): string {
  return JSON.stringify({
    // trust_config lists the extended key usages c2pa-rs accepts (its valid_eku_oids.cfg);
    // with trust anchors but no list, every leaf fails "certificate missing required EKU".
    trust: { trust_anchors: rootPem, trust_config: ACCEPTED_EKUS.join('\n') },
    verify: { verify_trust: true, verify_after_reading: true },
  });
}

export interface WasmReadResult {
  readonly manifestStore: unknown;
  readonly activeManifest: unknown;
  readonly validationState: string | undefined;
  readonly statusCodes: readonly string[];
  readonly json: string;
}

/** Reads and validates with c2pa-rs; throws what c2pa-rs throws when there is no manifest. */
export async function wasmRead(format: string, file: Uint8Array, rootPem: string): Promise<WasmReadResult> {
  initC2paWasm();
  const reader = await WasmReader.fromBytes(format, file, trustSettings(rootPem));
  try {
    const json = reader.json();
    const parsed = JSON.parse(json) as {
      validation_state?: string;
      validation_results?: { activeManifest?: Record<string, { code: string }[]> };
    };
    const codes: string[] = [];
    for (const list of Object.values(parsed.validation_results?.activeManifest ?? {})) {
      for (const s of list) codes.push(s.code);
    }
    return {
      manifestStore: reader.manifestStore() as unknown,
      activeManifest: reader.activeManifest() as unknown,
      validationState: parsed.validation_state,
      statusCodes: codes,
      json,
    };
  } finally {
    reader.free();
  }
}

/** Signs `file` with c2pa-rs, our key and chain doing the COSE part. */
export async function wasmSign(
  format: string,
  file: Uint8Array,
  definition: Record<string, unknown>,
  signer: C2paSigner,
  rootPem: string,
): Promise<Uint8Array> {
  initC2paWasm();
  const builder = WasmBuilder.fromJson(JSON.stringify(definition), trustSettings(rootPem));
  try {
    const reserveSize = signer.reserveSize;
    const out = await builder.sign(
      {
        alg: signer.alg.toLowerCase(),
        reserveSize,
        sign: (claim: Uint8Array) => Promise.resolve(new Uint8Array(signClaim(signer, claim, reserveSize))),
      },
      [],
      format,
      new SyncBlob(file) as unknown as Blob,
    );
    return new Uint8Array(out);
  } finally {
    builder.free();
  }
}
