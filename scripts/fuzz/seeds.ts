/**
 * Seeds: valid files per fuzz target, built by the same test-only fixture builders the
 * conformance suites use (`packages/formats/src/testing/*-fixtures.ts`, the C2PA and labels
 * test builders; some use sharp), and for the ledger parsers valid inputs the ledger library
 * itself builds (`ledgerSeeds`, keyed by target like `FORMAT_SEEDS`). Main thread only.
 *
 * Every registered format handler must have a builder here (`FORMAT_SEEDS` is keyed by
 * `FormatId`, so a new id fails type-checking, and `buildSeeds` fails the run for a handler
 * without one), and every target needs at least two seeds, labeled and unlabeled (ledger
 * targets: at least two).
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
  buildProofBundle,
  type Checkpoint,
  canonicalJson,
  consistencyProof,
  emptyTreeHash,
  encodeEntryBundle,
  entriesPath,
  formatCheckpoint,
  inclusionProof,
  newTiles,
  parseSignerKey,
  signCheckpoint,
  signNote,
  type Tile,
  tilePath,
  tilesForTreeSize,
  treeHash,
} from '@synthguard/ledger';
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
import { buildLeafData, buildLogOfSize } from '../../packages/ledger/src/testing/merkle-reference.js';
import { buildRecordEntry, buildTileLog } from '../../packages/ledger/src/testing/tile-log.js';
import {
  encodeProofCall,
  FUZZ_LOG_ORIGIN,
  FUZZ_LOG_SIGNER_KEY,
  FUZZ_WITNESS_SIGNER_KEY,
  type ProofCall,
} from './ledger.js';
import { resealOgg } from './reseal.js';
import { FUZZ_LABEL, type LedgerTarget } from './targets.js';

export interface Seed {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** Carries a label (XMP packet, AIGC field, C2PA manifest, SecurityData ...); ledger seeds: false. */
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

/** Valid inputs of the ledger parsers, built with the library itself (fixed keys: see ledger.ts). */
async function ledgerSeeds(): Promise<Map<string, Seed[]>> {
  const seed = (name: string, bytes: Uint8Array): Seed => ({ name, bytes, labeled: false });
  const str = (name: string, value: string): Seed => seed(name, utf8Encode(value));

  // Tiles: the partial ones and the first and last full tile of each level of a 70,000-leaf
  // tree, and the last tiles of the largest tree (six-element indexes).
  const sample = (tiles: readonly Tile[]): Tile[] =>
    tiles.filter(
      (t, i) =>
        t.width < 256 ||
        tiles[i - 1]?.level !== t.level ||
        tiles[i + 1]?.level !== t.level ||
        tiles[i + 1]?.width !== 256,
    );
  const tiles = [...sample(tilesForTreeSize(70_000)), ...sample(newTiles(2 ** 52 - 70_000, 2 ** 52))];
  const level0 = tiles.filter((t) => t.level === 0);

  // A 13-leaf tree grown through storedHashes (merkle-reference.ts); roots by size.
  const N = 13;
  const log = await buildLogOfSize(N);
  const root = (size: number): Uint8Array => treeHash(log.leaves.slice(0, size));
  const inclusion = async (index: number, size: number): Promise<ProofCall> => ({
    a: index,
    b: size,
    first: log.leaves[index]!,
    second: root(size),
    proof: await inclusionProof(index, size, log.reader),
  });
  const consistency = async (size1: number, size2: number): Promise<ProofCall> => ({
    a: size1,
    b: size2,
    first: root(size1),
    second: root(size2),
    proof: await consistencyProof(size1, size2, log.reader),
  });
  const call = (c: ProofCall): Seed => seed(`${c.a}, ${c.b}, ${c.proof.length} hashes`, encodeProofCall(c));
  const wrongLeaf = { ...(await inclusion(5, N)), first: log.leaves[6]! };

  // Checkpoints and signed notes of the log (and a witness the targets do not know).
  const logSigner = parseSignerKey(FUZZ_LOG_SIGNER_KEY);
  const witness = parseSignerKey(FUZZ_WITNESS_SIGNER_KEY);
  const checkpoint = (size: number, extensions: string[] = []): Checkpoint => ({
    origin: FUZZ_LOG_ORIGIN,
    size,
    rootHash: root(size),
    extensions,
  });
  const head = checkpoint(N);
  const withExtensions = checkpoint(7, ['extension one', 'ext+2']);
  const otherLog = { ...head, origin: 'other.synthguard.example/log' };
  const spacedOrigin = `${FUZZ_LOG_ORIGIN} v2\n${N}\n${formatCheckpoint(head).split('\n')[2]!}\n`;

  const jsonDocs: [string, unknown][] = [
    ['RFC 8785 example', { b: [1e30, -0], a: 'é' }],
    [
      'ledger record',
      {
        v: 1,
        kind: 'label',
        produceId: FUZZ_LABEL.ProduceID,
        producer: FUZZ_LABEL.ContentProducer,
        digest: { alg: 'sha256', hex: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
        at: '2026-11-22T02:00:00Z',
        tags: ['a', 'b'],
        extra: null,
      },
    ],
    ['escapes and non-ASCII', { '\u0001\n"\\': 'tab\there \u001f \u007f 中文 😀', '': [true, false] }],
    ['numbers', [0, -5, 0.1, 1e-7, 1e21, 123456789012345680000, 5e-324, 1.7976931348623157e308]],
    ['sorted names', { '\u20ac': 1, '\r': 2, '1': 3, '\u0080': 4, '\ud83d\ude00': 5, '\ufb33': 6 }],
    ['nested', [[[[[[[[[[{ a: [[]] }]]]]]]]]]]],
    ['string', 'plain'],
  ];

  // Offline proof bundles (C2SP tlog-proof) of a 300-entry log of the fuzzed origin.
  const tileLog = await buildTileLog(
    Array.from({ length: 300 }, (_, i) => buildRecordEntry(i)),
    { origin: FUZZ_LOG_ORIGIN, signer: logSigner },
  );
  const cosigned = signCheckpoint({ ...checkpoint(0), size: 300, rootHash: tileLog.root }, [
    logSigner,
    witness,
  ]);
  const proofBundle = (index: number, note = tileLog.checkpoint): Promise<string> =>
    buildProofBundle(index, { read: tileLog.read, checkpoint: note, verifierKeys: [logSigner.verifier] });

  const seeds: Readonly<Record<LedgerTarget, Seed[]>> = {
    parseTilePath: tiles.map((t) => str(`tile ${t.level}/${t.index}/${t.width}`, tilePath(t))),
    parseEntriesPath: level0.map((t) => str(`bundle ${t.index}/${t.width}`, entriesPath(t))),
    parseEntryBundle: [
      seed('13 leaves', encodeEntryBundle(Array.from({ length: N }, (_, i) => buildLeafData(i)))),
      seed('256 leaves', encodeEntryBundle(Array.from({ length: 256 }, (_, i) => buildLeafData(i)))),
      seed('one empty entry', encodeEntryBundle([new Uint8Array(0)])),
      seed('JSON records', encodeEntryBundle(jsonDocs.map(([, v]) => utf8Encode(canonicalJson(v))))),
      seed('a 1,000-byte entry', encodeEntryBundle([new Uint8Array(1000).fill(0xa5), buildLeafData(1)])),
    ],
    parseCheckpoint: [
      str('13 leaves', formatCheckpoint(head)),
      str('empty tree', formatCheckpoint(checkpoint(0))),
      str('extension lines', formatCheckpoint(withExtensions)),
      str('origin with a space (parsed, not written)', spacedOrigin),
    ],
    openCheckpoint: [
      str('signed', signCheckpoint(head, [logSigner])),
      str('empty tree', signCheckpoint(checkpoint(0), [logSigner])),
      str('cosigned by a witness', signCheckpoint(head, [witness, logSigner])),
      str('extension lines', signCheckpoint(withExtensions, [logSigner])),
      str('another log', signCheckpoint(otherLog, [logSigner])),
      str('by the witness only', signCheckpoint(head, [witness])),
      str('not a checkpoint', signNote('hello\n\nworld\n', [logSigner])),
    ],
    parseVerifierKey: [
      str('log', logSigner.verifier.verifierKey),
      str('witness', witness.verifier.verifierKey),
      str(
        'upper-case key ID',
        logSigner.verifier.verifierKey.replace(/\+[0-9a-f]{8}\+/, (m) => m.toUpperCase()),
      ),
    ],
    parseSignerKey: [str('log', FUZZ_LOG_SIGNER_KEY), str('witness', FUZZ_WITNESS_SIGNER_KEY)],
    parseCanonicalJson: jsonDocs.map(([name, v]) => str(name, canonicalJson(v))),
    verifyInclusion: [
      call(await inclusion(0, 1)),
      call(await inclusion(0, N)),
      call(await inclusion(5, N)),
      call(await inclusion(N - 1, N)),
      call(await inclusion(7, 8)),
      call(await inclusion(3, 7)),
      seed('wrong leaf (false)', encodeProofCall(wrongLeaf)),
    ],
    verifyConsistency: [
      call(await consistency(0, N)),
      call(await consistency(N, N)),
      call(await consistency(1, N)),
      call(await consistency(4, N)),
      call(await consistency(5, N)),
      call(await consistency(6, N)),
      call(await consistency(7, 8)),
      call(await consistency(3, 7)),
      call({ a: 0, b: 0, first: emptyTreeHash(), second: emptyTreeHash(), proof: [] }),
    ],
    parseProofBundle: [
      str('index 0', await proofBundle(0)),
      str('index 257', await proofBundle(257)),
      str('last entry', await proofBundle(299)),
      str('cosigned checkpoint', await proofBundle(100, cosigned)),
    ],
  };
  return new Map(Object.entries(seeds).map(([name, list]) => [`ledger.${name}`, list]));
}

/**
 * Seeds of every target in `names`. Throws (failing the run) when a registered handler has no
 * builder, or a target has fewer than two seeds or (but the ledger's, which carry no label)
 * lacks a labeled or an unlabeled one.
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
  if (names.some((n) => n.startsWith('ledger.'))) for (const [k, v] of await ledgerSeeds()) all.set(k, v);
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
    if (name.startsWith('ledger.')) continue;
    if (!seeds.some((s) => s.labeled)) problems.push(`${name}: no labeled seed`);
    if (!seeds.some((s) => !s.labeled)) problems.push(`${name}: no unlabeled seed`);
  }
  if (problems.length > 0) throw new Error(`fuzz seeds incomplete:\n  ${problems.join('\n  ')}`);
  return new Map([...all].filter(([k]) => wanted.has(k)));
}
