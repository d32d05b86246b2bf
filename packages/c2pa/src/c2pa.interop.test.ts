/**
 * Interop on real files made by Debian's ffmpeg: each gets a manifest from us, which c2pa-rs
 * (WASM) and our reader validate as trusted under the development root; ffmpeg decodes every
 * frame / sample identically before and after; exiftool shows the C2PA JUMBF and our action
 * where it reads JUMBF (JPEG, PNG); removal gives back the exact original bytes; one flipped
 * media byte is a hash mismatch in both validators. Skipped with a notice when ffmpeg or
 * exiftool is missing (required under SYNTHGUARD_REQUIRE_INTEROP=1).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigner, type C2paSigner } from './cose/signer.js';
import type { C2paFormat } from './embed/registry.js';
import { TRAINED_ALGORITHMIC_MEDIA } from './manifest/labels.js';
import { readManifest, removeManifest } from './manifest/read.js';
import { signManifest } from './manifest/sign.js';
import { contentOffset, flipByte } from './testing/fixtures.js';
import { WASM_FORMAT, wasmRead } from './testing/wasm.js';
import { createDevelopmentChain, type DevelopmentChain } from './x509/dev-chain.js';

function toolVersion(command: string, args: readonly string[], pkg: string): string | undefined {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split(
      '\n',
    )[0];
  } catch {
    if (process.env.SYNTHGUARD_REQUIRE_INTEROP === '1')
      throw new Error(`${command} is required: apt-get install ${pkg}`);
    console.warn(`${command} not installed: skipping c2pa.interop.test.ts; apt-get install ${pkg}`);
    return undefined;
  }
}

const enabled =
  toolVersion('ffmpeg', ['-version'], 'ffmpeg') !== undefined &&
  toolVersion('exiftool', ['-ver'], 'libimage-exiftool-perl') !== undefined;

const video = ['-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10'];
const audio = ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1'];

/** How ffmpeg makes each fixture and how we fingerprint the decoded media. */
const cases: { name: string; format: C2paFormat; ext: string; make: string[]; decode: string[] }[] = [
  {
    name: 'jpeg',
    format: 'jpeg',
    ext: 'jpg',
    make: [...video, '-frames:v', '1'],
    decode: ['-f', 'framemd5'],
  },
  { name: 'png', format: 'png', ext: 'png', make: [...video, '-frames:v', '1'], decode: ['-f', 'framemd5'] },
  {
    name: 'webp',
    format: 'webp',
    ext: 'webp',
    make: [...video, '-frames:v', '1'],
    decode: ['-f', 'framemd5'],
  },
  { name: 'wav', format: 'wav', ext: 'wav', make: [...audio, '-c:a', 'pcm_s16le'], decode: ['-f', 'md5'] },
  { name: 'mp3', format: 'mp3', ext: 'mp3', make: [...audio, '-c:a', 'libmp3lame'], decode: ['-f', 'md5'] },
  {
    name: 'mp4 (moov last)',
    format: 'mp4',
    ext: 'mp4',
    make: [...video, ...audio, '-t', '1', '-c:v', 'libx264', '-c:a', 'aac'],
    decode: ['-f', 'framemd5'],
  },
  {
    name: 'mp4 (faststart)',
    format: 'mp4',
    ext: 'mp4',
    make: [...video, ...audio, '-t', '1', '-c:v', 'libx264', '-c:a', 'aac', '-movflags', '+faststart'],
    decode: ['-f', 'framemd5'],
  },
];

describe.skipIf(!enabled)('C2PA on ffmpeg-made files', () => {
  let dir: string;
  let chain: DevelopmentChain;
  let signer: C2paSigner;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'c2pa-interop-'));
    chain = createDevelopmentChain();
    signer = createSigner({
      certificateChainPem: chain.leafCertificatePem,
      privateKeyPem: chain.leafPrivateKeyPem,
    });
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const ffmpeg = (args: string[]): string =>
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { encoding: 'utf8' });
  const decoded = (path: string, how: string[]): string =>
    ffmpeg(['-i', path, '-map', '0', ...how, '-'])
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .join('\n');

  it.each(cases)('$name', async ({ name, format, ext, make, decode }) => {
    const input = join(dir, `${name.replace(/\W+/g, '-')}.${ext}`);
    ffmpeg([...make, input]);
    const original = new Uint8Array(readFileSync(input));
    const signed = signManifest(original, format, {
      signer,
      produceId: 'PRODUCE-7',
      label: '{"AIGC":{"Label":"1"}}',
    });
    const output = join(dir, `signed-${name.replace(/\W+/g, '-')}.${ext}`);
    writeFileSync(output, signed);

    const theirs = await wasmRead(WASM_FORMAT[format], signed, chain.rootCertificatePem);
    expect(theirs.validationState).toBe('Trusted');
    expect(theirs.json).toContain(TRAINED_ALGORITHMIC_MEDIA);
    const ours = readManifest(signed, format, { trustAnchorsPem: chain.rootCertificatePem });
    expect(ours.validation?.state).toBe('trusted');
    expect(ours.manifests[0]?.aigc).toEqual({ produceId: 'PRODUCE-7', label: '{"AIGC":{"Label":"1"}}' });

    expect(decoded(output, decode)).toBe(decoded(input, decode));
    expect(removeManifest(signed, format)).toEqual(original);

    if (format === 'jpeg' || format === 'png') {
      const tags = execFileSync('exiftool', ['-a', '-G1', output], { encoding: 'utf8' });
      expect(tags).toMatch(/JUMD Label\s+: c2pa\.claim\.v2/);
      expect(tags).toMatch(
        /Digital Source Type\s+: http:\/\/cv\.iptc\.org\/newscodes\/digitalsourcetype\/trainedAlgorithmicMedia/,
      );
    }

    // RIFF stores sit at the end of the file: flip a byte of the media chunk there instead.
    const riff = format === 'wav' || format === 'webp';
    const tampered = flipByte(signed, riff ? contentOffset(signed, format) : signed.length - 64);
    const hashCode = format === 'mp4' ? 'assertion.bmffHash.mismatch' : 'assertion.dataHash.mismatch';
    expect(
      readManifest(tampered, format, { trustAnchorsPem: chain.rootCertificatePem }).validation?.failure.map(
        (s) => s.code,
      ),
    ).toContain(hashCode);
    const theirTampered = await wasmRead(WASM_FORMAT[format], tampered, chain.rootCertificatePem).then(
      (r) => r.json,
      (e: unknown) => String(e),
    );
    expect(theirTampered).toContain(hashCode);
  });
});
