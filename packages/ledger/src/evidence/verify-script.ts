/**
 * `verify.mjs`, written into every evidence pack: a standalone Node.js script (node:crypto,
 * node:fs, node:path, node:url only; no npm package, no network) that an inspector runs to check
 * the whole pack independently of synthguard:
 *
 *  1. the log verifier key(s) (keys.txt, or --key): C2SP signed-note key text, key ID checked;
 *  2. `checkpoint`: C2SP signed note, Ed25519 signature by a given key over the note text, then
 *     the C2SP tlog-checkpoint body (origin, size, root);
 *  3. every `proofs/<index>.tlog-proof` (C2SP tlog-proof): against that same checkpoint, byte for
 *     byte; leaf hash SHA-256(0x00 || entry) (RFC 6962 §2.1); the inclusion proof walked as
 *     RFC 9162 §2.1.3.2 says, to the signed root;
 *  4. `records.jsonl`: one record per proof, same index, same entry bytes, same leaf hash.
 *
 * Exit 0 when everything verifies, 1 when anything does not (the first problem is printed),
 * 2 for a usage error. Kept as text here so the pack is self-contained; a test runs it.
 */
export const VERIFY_SCRIPT = String.raw`#!/usr/bin/env node
// verify.mjs: checks a synthguard evidence pack independently. Node.js 18 or newer; it uses only
// node:crypto, node:fs, node:path and node:url (no packages, no network).
//
//   node verify.mjs [--key '<log verifier key>']... [<pack directory>]
//
// Without --key it trusts the log key(s) listed in keys.txt: compare them with the key the
// provider published or filed before relying on the result. Exit status: 0 verified,
// 1 does not verify, 2 usage.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

class Failure extends Error {}
const fail = (message) => {
  throw new Failure(message);
};

function usage(message) {
  if (message) console.error('verify.mjs: ' + message);
  console.error("usage: node verify.mjs [--key '<name>+<hex>+<base64>']... [<pack directory>]");
  process.exit(2);
}

const args = process.argv.slice(2);
const givenKeys = [];
let dir = dirname(fileURLToPath(import.meta.url));
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--key') {
    if (i + 1 >= args.length) usage('--key needs a value');
    givenKeys.push(args[++i]);
  } else if (a === '-h' || a === '--help') {
    usage();
  } else if (a.startsWith('-')) {
    usage('unknown option ' + a);
  } else {
    dir = a;
  }
}

const sha256 = (...parts) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const LEAF = Buffer.from([0x00]);
const NODE = Buffer.from([0x01]);
const leafHash = (entry) => sha256(LEAF, entry); // RFC 6962 2.1: SHA-256(0x00 || entry)
const nodeHash = (l, r) => sha256(NODE, l, r); // RFC 6962 2.1: SHA-256(0x01 || left || right)

// Strict standard base64 (RFC 4648 section 4, padded): only the canonical encoding of its bytes.
function base64(text, what) {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) fail(what + ' is not base64');
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) fail(what + ' is not canonical base64');
  return bytes;
}

function readFile(name) {
  const path = join(dir, name);
  if (!existsSync(path)) fail(name + ' is missing from the pack');
  return readFileSync(path);
}

// C2SP signed-note verifier key: <name>+<8 hex key ID>+<base64(0x01 || 32-byte Ed25519 key)>,
// key ID = first 4 bytes of SHA-256(name || 0x0A || 0x01 || key).
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');
function parseKey(text) {
  const a = text.indexOf('+');
  const b = text.indexOf('+', a + 1);
  if (a <= 0 || b < 0) fail('the key ' + JSON.stringify(text) + ' is not <name>+<hex>+<base64>');
  const name = text.slice(0, a);
  const id = text.slice(a + 1, b);
  if (!/^[0-9a-fA-F]{8}$/.test(id)) fail('the key ID of ' + name + ' is not 8 hex digits');
  const key = base64(text.slice(b + 1), 'the key of ' + name);
  if (key.length !== 33 || key[0] !== 0x01) fail('the key of ' + name + ' is not an Ed25519 key');
  const keyId = sha256(Buffer.from(name + '\n', 'utf8'), key).readUInt32BE(0);
  if (keyId !== parseInt(id, 16)) fail('the key ID of ' + name + ' does not match its key');
  const publicKey = createPublicKey({
    key: Buffer.concat([SPKI_ED25519, key.subarray(1)]),
    format: 'der',
    type: 'spki',
  });
  return { name, keyId, publicKey, text };
}

// C2SP signed note: the text ends at the newline before the last blank line; then one line per
// signature, "\u2014 <key name> <base64(4-byte key ID || 64-byte Ed25519 signature)>".
function openNote(bytes, keys) {
  const split = bytes.lastIndexOf('\n\n');
  if (split < 0) fail('the checkpoint has no signature block');
  const text = bytes.subarray(0, split + 1);
  const block = bytes.subarray(split + 2).toString('utf8');
  if (!block.endsWith('\n')) fail('the checkpoint signature block does not end in a newline');
  const signedBy = [];
  for (const line of block.slice(0, -1).split('\n')) {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (m === null) fail('a checkpoint signature line is malformed');
    const sig = base64(m[2], 'a checkpoint signature');
    if (sig.length < 4) fail('a checkpoint signature is too short');
    const key = keys.find((k) => k.name === m[1] && k.keyId === sig.readUInt32BE(0));
    if (key === undefined) continue; // a witness cosignature or another key: not checked here
    if (sig.length !== 68 || !verify(null, text, key.publicKey, sig.subarray(4))) {
      fail('the checkpoint signature by ' + key.name + ' does NOT verify');
    }
    signedBy.push(key.name);
  }
  if (signedBy.length === 0) fail('no signature on the checkpoint is by a given log key');
  return { text: text.toString('utf8'), signedBy };
}

// C2SP tlog-checkpoint body: origin, tree size (decimal), root hash (base64), extension lines.
function parseCheckpoint(text) {
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) fail('the checkpoint body has fewer than three lines');
  if (!/^(0|[1-9][0-9]{0,15})$/.test(lines[1])) fail('the checkpoint tree size is not a decimal');
  const root = base64(lines[2], 'the checkpoint root hash');
  if (root.length !== 32) fail('the checkpoint root hash is not 32 bytes');
  return { origin: lines[0], size: Number(lines[1]), root };
}

// C2SP tlog-proof: header, optional "extra <base64>" (our bundles: the entry), "index <N>",
// proof hashes (one base64 per line), an empty line, then the checkpoint verbatim.
function parseProof(bytes, name) {
  const text = bytes.toString('utf8');
  const lines = text.split('\n');
  let i = 0;
  if (lines[i++] !== 'c2sp.org/tlog-proof@v1') fail(name + ': not a c2sp.org/tlog-proof@v1 file');
  let entry;
  if ((lines[i] ?? '').startsWith('extra ')) entry = base64(lines[i++].slice(6), name + ': the extra line');
  const m = /^index (0|[1-9][0-9]{0,15})$/.exec(lines[i++] ?? '');
  if (m === null) fail(name + ': no index line');
  const proof = [];
  while (i < lines.length && lines[i] !== '') {
    const h = base64(lines[i++], name + ': a proof line');
    if (h.length !== 32) fail(name + ': a proof hash is not 32 bytes');
    proof.push(h);
  }
  if (i >= lines.length) fail(name + ': no checkpoint after the proof');
  const checkpoint = lines.slice(i + 1).join('\n');
  if (entry === undefined) fail(name + ': the proof carries no entry (extra line)');
  return { index: Number(m[1]), entry, proof, checkpoint };
}

// RFC 9162 section 2.1.3.2: verifying an inclusion proof.
function verifyInclusion(index, size, leaf, proof, root) {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

function main() {
  // 1. The log key(s).
  let keyTexts = givenKeys;
  if (keyTexts.length === 0) {
    keyTexts = readFile('keys.txt')
      .toString('utf8')
      .split('\n')
      .filter((l) => l.startsWith('log '))
      .map((l) => l.slice(4).trim());
    if (keyTexts.length === 0) fail('keys.txt lists no "log <key>" line; pass --key');
  }
  const keys = keyTexts.map(parseKey);

  // 2. The checkpoint: signature, then body.
  const checkpointBytes = readFile('checkpoint');
  const note = openNote(checkpointBytes, keys);
  const cp = parseCheckpoint(note.text);

  // 3. Every proof, against that checkpoint.
  const proofsDir = join(dir, 'proofs');
  if (!existsSync(proofsDir)) fail('proofs/ is missing from the pack');
  const proven = new Map();
  for (const file of readdirSync(proofsDir).sort()) {
    const name = 'proofs/' + file;
    if (!/^(0|[1-9][0-9]*)\.tlog-proof$/.test(file)) fail(name + ': unexpected file in proofs/');
    const p = parseProof(readFileSync(join(proofsDir, file)), name);
    if (file !== p.index + '.tlog-proof') fail(name + ': the file name is not its index');
    if (p.checkpoint !== checkpointBytes.toString('utf8')) fail(name + ': made against another checkpoint');
    if (p.index >= cp.size) fail(name + ': index ' + p.index + ' is not in the tree of ' + cp.size);
    const leaf = leafHash(p.entry);
    if (!verifyInclusion(p.index, cp.size, leaf, p.proof, cp.root)) {
      fail(name + ': the inclusion proof does NOT lead from the entry to the signed root');
    }
    proven.set(p.index, { entry: p.entry, leaf });
  }

  // 4. records.jsonl: the same records, one per proof.
  const lines = readFile('records.jsonl').toString('utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const seen = new Set();
  lines.forEach((line, n) => {
    const where = 'records.jsonl line ' + (n + 1);
    let r;
    try {
      r = JSON.parse(line);
    } catch {
      fail(where + ' is not JSON');
    }
    if (r === null || typeof r !== 'object' || !Number.isSafeInteger(r.index)) fail(where + ': no index');
    if (seen.has(r.index)) fail(where + ': index ' + r.index + ' appears twice');
    seen.add(r.index);
    const p = proven.get(r.index);
    if (p === undefined) fail(where + ': no proof for index ' + r.index);
    const entry =
      typeof r.entry === 'string'
        ? Buffer.from(r.entry, 'utf8')
        : base64(String(r.entryBase64), where + ' entryBase64');
    if (!entry.equals(p.entry)) fail(where + ': the entry differs from the proven entry');
    if (r.leafHash !== p.leaf.toString('hex')) fail(where + ': the leaf hash is not SHA-256(0x00 || entry)');
  });
  if (seen.size !== proven.size) fail('proofs/ holds proofs of records not in records.jsonl');

  console.log(
    'OK: ' + seen.size + ' record(s) verified: each is leaf <index> of the log ' + cp.origin +
      ' at tree size ' + cp.size + ', root ' + cp.root.toString('base64') +
      ', checkpoint signed by ' + note.signedBy.join(', ') + '.',
  );
}

try {
  main();
} catch (err) {
  if (!(err instanceof Failure)) throw err;
  console.error('FAILED: ' + err.message);
  process.exit(1);
}
`;
