/**
 * Seeds: valid files per fuzz target, built by the same test-only fixture builders the
 * conformance suites use (`packages/formats/src/testing/*-fixtures.ts`, the C2PA and labels
 * test builders; some use sharp). Main thread only.
 *
 * Every registered format handler must have a builder here (`FORMAT_SEEDS` is keyed by
 * `FormatId`, so a new id fails type-checking, and `buildSeeds` fails the run for a handler
 * without one), and every target needs at least two seeds, labeled and unlabeled.
 */
import { utf8Encode } from '@synthguard/core';
import {
  type C2paFormat,
  c2paFormats,
  createDevelopmentChain,
  createSigner,
  signManifest,
} from '@synthguard/c2pa';
import { type FormatId, formatHandlers } from '@synthguard/formats';
import {
  createSecurityData,
  encodeAigcLabel,
  generateSigningKey,
  PRODUCER_BINDINGS,
  PROPAGATOR_BINDINGS,
  setAigcInXmp,
} from '@synthguard/labels';
import {
  buildMp4 as buildC2paMp4,
  buildJpeg as buildC2paJpeg,
  buildMp3 as buildC2paMp3,
  buildPng as buildC2paPng,
  buildWav as buildC2paWav,
  buildWebp as buildC2paWebp,
} from '../../packages/c2pa/src/testing/fixtures.js';
import {
  buildFlacFixtures,
  buildMp3Fixtures,
  buildWavFixtures,
} from '../../packages/formats/src/testing/audio-fixtures.js';
import { buildXmpPacket } from '../../packages/formats/src/testing/conformance.js';
import { buildGifFixtures } from '../../packages/formats/src/testing/gif-fixtures.js';
import { buildHeifFixtures } from '../../packages/formats/src/testing/heif-fixtures.js';
import { buildJpegFixtures } from '../../packages/formats/src/testing/jpeg-fixtures.js';
import { buildMarkdownFixtures } from '../../packages/formats/src/testing/markdown-fixtures.js';
import { buildMkvFixtures } from '../../packages/formats/src/testing/mkv-fixtures.js';
import { buildMp4Fixtures } from '../../packages/formats/src/testing/mp4-fixtures.js';
import { buildOggFixtures } from '../../packages/formats/src/testing/ogg-fixtures.js';
import { buildOoxmlFixtures } from '../../packages/formats/src/testing/ooxml-fixtures.js';
import { buildPdfFixtures } from '../../packages/formats/src/testing/pdf-fixtures.js';
import { buildPngFixtures, resealPng } from '../../packages/formats/src/testing/png-fixtures.js';
import { buildTiffFixtures } from '../../packages/formats/src/testing/tiff-fixtures.js';
import { buildWebpFixtures, resealWebp } from '../../packages/formats/src/testing/webp-fixtures.js';
import { buildXmpFixtures } from '../../packages/labels/src/testing/xmp-fixtures.js';
import { resealOgg } from './reseal.js';
import { FUZZ_LABEL } from './targets.js';

export interface Seed {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** Carries a label (XMP packet, AIGC field, C2PA manifest, SecurityData ...). */
  readonly labeled: boolean;
}

/** Conformance fixtures of either kind: `xmp` or `aigc` says whether they carry a label. */
interface FixtureLike {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly xmp?: Uint8Array | undefined;
  readonly aigc?: string | undefined;
}

const fromFixtures = (build: () => Promise<readonly FixtureLike[]>) => async (): Promise<Seed[]> =>
  (await build()).map((f) => ({
    name: f.name,
    bytes: f.bytes,
    labeled: f.xmp !== undefined || f.aigc !== undefined,
  }));

/** One builder per format id: a new `FormatId` without seeds does not type-check. */
const FORMAT_SEEDS: Readonly<Record<FormatId, () => Promise<Seed[]>>> = {
  jpeg: fromFixtures(buildJpegFixtures),
  png: fromFixtures(buildPngFixtures),
  webp: fromFixtures(buildWebpFixtures),
  gif: fromFixtures(buildGifFixtures),
  tiff: fromFixtures(buildTiffFixtures),
  heif: fromFixtures(buildHeifFixtures),
  mp4: fromFixtures(buildMp4Fixtures),
  mkv: fromFixtures(buildMkvFixtures),
  wav: fromFixtures(buildWavFixtures),
  mp3: fromFixtures(buildMp3Fixtures),
  flac: fromFixtures(buildFlacFixtures),
  ogg: fromFixtures(buildOggFixtures),
  ooxml: fromFixtures(buildOoxmlFixtures),
  pdf: fromFixtures(buildPdfFixtures),
  markdown: fromFixtures(buildMarkdownFixtures),
};

/** The conformance suites' `reseal` functions (checksums, enclosing sizes), where a format has one. */
export const RESEAL: Readonly<Partial<Record<string, (file: Uint8Array) => Uint8Array>>> = {
  png: resealPng,
  webp: resealWebp,
  ogg: resealOgg,
  'c2pa.png': resealPng,
  'c2pa.webp': resealWebp,
};

const C2PA_FILES: Readonly<Record<C2paFormat, () => Promise<Uint8Array[]>>> = {
  jpeg: async () => [await buildC2paJpeg()],
  png: async () => [await buildC2paPng()],
  webp: async () => [await buildC2paWebp(false), await buildC2paWebp(true)],
  wav: () => Promise.resolve([buildC2paWav()]),
  mp3: () => Promise.resolve([buildC2paMp3(false), buildC2paMp3(true)]),
  mp4: () => Promise.resolve([buildC2paMp4(false), buildC2paMp4(true)]),
};

/** Each container file unsigned and signed by a fresh development chain (fresh keys each run). */
async function c2paSeeds(): Promise<Map<string, Seed[]>> {
  const chain = createDevelopmentChain();
  const signer = createSigner({
    certificateChainPem: chain.leafCertificatePem,
    privateKeyPem: chain.leafPrivateKeyPem,
  });
  const label = encodeAigcLabel(FUZZ_LABEL);
  const out = new Map<string, Seed[]>();
  for (const format of c2paFormats) {
    const seeds: Seed[] = [];
    for (const [i, bytes] of (await C2PA_FILES[format]()).entries()) {
      seeds.push({ name: `${format} ${i}`, bytes, labeled: false });
      seeds.push({
        name: `${format} ${i} signed`,
        bytes: signManifest(bytes, format, { signer, label, produceId: FUZZ_LABEL.ProduceID }),
        labeled: true,
      });
    }
    out.set(`c2pa.${format}`, seeds);
  }
  return out;
}

const text = (name: string, value: string, labeled: boolean): Seed => ({
  name,
  bytes: utf8Encode(value),
  labeled,
});

/** Labels, packets and SecurityData objects as the engine writes them (signed with fresh keys). */
function labelSeeds(): Map<string, Seed[]> {
  const digest = new Uint8Array(32).map((_, i) => (i * 37) & 0xff);
  const ed = generateSigningKey('Ed25519');
  const sm2 = generateSigningKey('SM2-SM3');
  const producerSd = createSecurityData(ed, PRODUCER_BINDINGS, FUZZ_LABEL, digest);
  const propagated = { ...FUZZ_LABEL, ContentPropagator: '001191440300708461136T1XGW3', PropagateID: 'p-1' };
  const propagatorSd = createSecurityData(sm2, PROPAGATOR_BINDINGS, propagated, digest);
  const signed = { ...propagated, ReservedCode1: producerSd, ReservedCode2: propagatorSd };
  const bare = encodeAigcLabel(FUZZ_LABEL);
  return new Map([
    [
      'labels.decodeAigcLabel',
      [
        text('bare', bare, true),
        text('wrapped', `{"AIGC":${bare}}`, true),
        text('signed, propagated', encodeAigcLabel(signed), true),
        text('empty object', '{}', false),
      ],
    ],
    [
      'labels.readAigcFromXmp',
      [
        ...buildXmpFixtures().map((f) => text(f.name, f.text, f.aigc.length > 0)),
        {
          name: 'fresh labeled packet',
          bytes: setAigcInXmp(undefined, encodeAigcLabel(signed)),
          labeled: true,
        },
        { name: 'packet without a label', bytes: buildXmpPacket(), labeled: false },
      ],
    ],
    [
      'labels.decodeSecurityData',
      [
        text('producer Ed25519', producerSd, true),
        text('propagator SM2', propagatorSd, true),
        // Unlabeled: the empty ReservedCode of an unsigned label.
        text('empty', '', false),
      ],
    ],
  ]);
}

/**
 * Seeds of every target in `names`. Throws (failing the run) when a registered handler has no
 * builder, or a target has fewer than two seeds or lacks a labeled or an unlabeled one.
 */
export async function buildSeeds(names: readonly string[]): Promise<Map<string, Seed[]>> {
  const all = new Map<string, Seed[]>();
  const missing: string[] = [];
  const wanted = new Set(names);
  for (const h of formatHandlers) {
    if (!wanted.has(h.id)) continue;
    const build = (FORMAT_SEEDS as Partial<Record<string, () => Promise<Seed[]>>>)[h.id];
    if (build === undefined) missing.push(h.id);
    else all.set(h.id, await build());
  }
  if (names.some((n) => n.startsWith('c2pa.'))) for (const [k, v] of await c2paSeeds()) all.set(k, v);
  if (names.some((n) => n.startsWith('labels.'))) for (const [k, v] of labelSeeds()) all.set(k, v);
  const problems = missing.map(
    (id) => `${id}: registered handler without seeds (add it to scripts/fuzz/seeds.ts)`,
  );
  for (const name of names) {
    const seeds = all.get(name);
    if (seeds === undefined) {
      if (!missing.includes(name)) problems.push(`${name}: no seeds`);
      continue;
    }
    if (seeds.length < 2) problems.push(`${name}: ${seeds.length} seed(s), need at least 2`);
    if (!seeds.some((s) => s.labeled)) problems.push(`${name}: no labeled seed`);
    if (!seeds.some((s) => !s.labeled)) problems.push(`${name}: no unlabeled seed`);
  }
  if (problems.length > 0) throw new Error(`fuzz seeds incomplete:\n  ${problems.join('\n  ')}`);
  return new Map([...all].filter(([k]) => wanted.has(k)));
}
