/**
 * The README.md of an evidence pack: what the files are, why they exist (the legal basis), and
 * how to verify them step by step without synthguard.
 */

export interface PackReadmeFacts {
  readonly tenant: string;
  readonly tenantName?: string;
  readonly from: string;
  readonly to: string;
  readonly origin: string;
  readonly size: number;
  readonly rootBase64: string;
  readonly records: number;
  readonly createdAt: string;
  /** An index present in the pack, for the worked example (undefined: no records). */
  readonly exampleIndex?: number;
  /** Name of the log key (the signature line to pick). */
  readonly keyName: string;
}

export function packReadme(f: PackReadmeFacts): string {
  const who = f.tenantName === undefined ? `\`${f.tenant}\`` : `${f.tenantName} (\`${f.tenant}\`)`;
  const i = f.exampleIndex ?? 0;
  return `# Evidence pack: log records of ${who}, ${f.from} to ${f.to}

Made ${f.createdAt} by synthguard. It holds ${f.records} record(s) of the provider's tamper-evident
log \`${f.origin}\`, each with a proof that it is in the log as the log's signed checkpoint of
${f.size} entries (root \`${f.rootBase64}\`) commits to. Everything here can be checked offline,
without synthguard and without trusting the provider's database.

## Why this exists

- Deep Synthesis Provisions (互联网信息服务深度合成管理规定) Art. 10 and 16, and the Cybersecurity
  Law (网络安全法) Art. 21: network logs of the service are kept for at least six months.
- Labeling Measures (人工智能生成合成内容标识办法) Art. 9: logs of content provided without an
  explicit label, and of its recipients, are kept for at least six months.
- Deep Synthesis Provisions Art. 21: providers support supervision and inspection with data.

The log is an append-only Merkle tree (RFC 6962 / RFC 9162, as Certificate Transparency uses);
the provider publishes signed checkpoints of it. A record cannot be changed, removed or
back-dated without every later checkpoint and proof failing to verify.

## Files

| file | what |
| --- | --- |
| \`records.jsonl\` | one JSON object per line: \`index\` (the leaf's position in the log), \`leafHash\` (hex SHA-256 of 0x00 followed by the entry) and \`entry\`: the exact text logged (RFC 8785 canonical JSON; holds digests and non-personal facts, no personal data) |
| \`proofs/<index>.tlog-proof\` | one C2SP tlog-proof per record (https://c2sp.org/tlog-proof): \`extra\` (base64 of the entry), \`index\`, the inclusion proof hashes (base64, one per line), an empty line, then the checkpoint |
| \`checkpoint\` | the signed checkpoint every proof is made against (C2SP tlog-checkpoint in a C2SP signed note, Ed25519); witness cosignatures, if any, follow the log's signature |
| \`keys.txt\` | \`log <key>\`: the log's note verifier key(s) (\`<name>+<key ID>+<base64(0x01 ‖ Ed25519 public key)>\`); \`label ...\`: the provider's label signing public keys, if included |
| \`pack.json\` | tenant, period, log origin, tree size and root, record count |
| \`verify.mjs\` | a standalone verifier (Node.js 18+, built-in modules only) |

## Verify it

**First, the key.** The keys in \`keys.txt\` came with the pack: compare the \`log\` key with the one
the provider published or filed with you (or that witnesses cosign) before relying on anything
below. Then:

\`\`\`sh
node verify.mjs                                  # trusts keys.txt
node verify.mjs --key '<the log key you hold>'   # trusts only that key
\`\`\`

It checks the checkpoint's Ed25519 signature, every inclusion proof against the signed root, and
that \`records.jsonl\` holds exactly the proven entries. Exit status 0 means verified; 1 prints the
first problem.

### By hand (record ${i})

1. **Leaf hash** (RFC 6962 §2.1): SHA-256 of a zero byte followed by the entry bytes.

   \`\`\`sh
   jq -j 'select(.index == ${i}) | .entry' records.jsonl > entry.txt
   (printf '\\000'; cat entry.txt) | sha256sum        # = leafHash of that line
   \`\`\`

2. **Inclusion proof** (RFC 9162 §2.1.3.2): with the tree size \`n\` and root from the checkpoint
   (lines 2 and 3) and the hashes of \`proofs/${i}.tlog-proof\` in order:

   \`\`\`text
   fn = index; sn = n - 1; r = leaf hash
   for each proof hash p:
     if sn == 0: fail
     if fn is odd or fn == sn:
       r = SHA-256(0x01 || p || r)
       if fn is even: repeat { fn = fn / 2; sn = sn / 2 } until fn is odd or fn == 0
     else:
       r = SHA-256(0x01 || r || p)
     fn = fn / 2; sn = sn / 2          (integer division)
   verified when sn == 0 and r == root
   \`\`\`

3. **Checkpoint signature** (C2SP signed-note): the signed message is the checkpoint's text up to
   and including the newline before the empty line (three lines: origin, size, root). A signature
   line is \`— <key name> <base64>\`; the base64 decodes to a 4-byte key ID and the 64-byte Ed25519
   signature. With OpenSSL 3:

   \`\`\`sh
   KEY='<the log key>'                      # from keys.txt, or the one you hold
   head -n 3 checkpoint > message.txt
   grep '^— ${f.keyName} ' checkpoint | head -n 1 | cut -d' ' -f3 | base64 -d | tail -c 64 > signature.bin
   (printf '\\060\\052\\060\\005\\006\\003\\053\\145\\160\\003\\041\\000'; \\
     printf '%s' "$KEY" | cut -d+ -f3- | base64 -d | tail -c 32) > public-key.der
   openssl pkeyutl -verify -pubin -keyform DER -inkey public-key.der -rawin \\
     -in message.txt -sigfile signature.bin        # "Signature Verified Successfully"
   \`\`\`

   Go's \`golang.org/x/mod/sumdb/note\` (\`note.Open\`) and \`golang.org/x/mod/sumdb/tlog\`
   (\`tlog.CheckRecord\`) verify the same checkpoint and proofs.

To show that the log was not rewritten since, ask the provider (or its witnesses) for a later
checkpoint and a consistency proof from tree size ${f.size} to it (RFC 9162 §2.1.4).
`;
}
