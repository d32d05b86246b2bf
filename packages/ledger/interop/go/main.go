// Command ledger-interop checks synthguard's signed notes and checkpoints with Go's reference
// packages golang.org/x/mod/sumdb/note and golang.org/x/mod/sumdb/tlog (Debian
// golang-golang-x-mod-dev 0.7.0), and signs notes for synthguard to verify.
//
// Build offline from the Debian GOPATH, without modules:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o ledger-interop .
//
// Usage:
//
//	ledger-interop verify <verifier-key-file> <signed-note-file>
//	    note.Open with the one verifier key; then the checkpoint body: the origin line, and the
//	    rest through tlog.ParseTree (0.7.0 has no C2SP checkpoint parser, so the origin line is
//	    replaced by ParseTree's fixed "go.sum database tree" line). Prints one JSON object;
//	    exits 0 even when verification fails ("ok": false, "error": ...).
//	ledger-interop sign <signer-key-file> <text-file>
//	    note.Sign of the text with the signer key; prints the signed note.
//	ledger-interop tiles <verifier-key-file> <signed-note-file> <tile-dir>
//	    verify, then read every leaf hash of the checkpoint's tree through tlog.TileHashReader
//	    from C2SP tlog-tiles files under tile-dir (tile/<L>/<N>[.p/<W>], height 8: Go's own
//	    path minus its "8/" height element), which authenticates each tile against the root
//	    hash, and recompute the root with tlog.TreeHash. Prints the verify JSON plus
//	    "leafHashes" (base64, in order) and "tilesRead" (paths, in read order).
package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type signature struct {
	Name string `json:"name"`
	Hash string `json:"hash"`
}

type result struct {
	OK         bool        `json:"ok"`
	Error      string      `json:"error,omitempty"`
	Text       string      `json:"text,omitempty"`
	Signatures []signature `json:"signatures,omitempty"`
	Unverified []signature `json:"unverified,omitempty"`
	Origin     string      `json:"origin,omitempty"`
	Size       int64       `json:"size"`
	RootHash   string      `json:"rootHash,omitempty"`
	LeafHashes []string    `json:"leafHashes,omitempty"`
	TilesRead  []string    `json:"tilesRead,omitempty"`
}

func sigs(list []note.Signature) []signature {
	out := []signature{}
	for _, s := range list {
		out = append(out, signature{Name: s.Name, Hash: fmt.Sprintf("%08x", s.Hash)})
	}
	return out
}

func verify(vkeyFile, noteFile string) result {
	vkey, err := os.ReadFile(vkeyFile)
	if err != nil {
		return result{Error: err.Error()}
	}
	msg, err := os.ReadFile(noteFile)
	if err != nil {
		return result{Error: err.Error()}
	}
	v, err := note.NewVerifier(strings.TrimSpace(string(vkey)))
	if err != nil {
		return result{Error: "verifier key: " + err.Error()}
	}
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		return result{Error: "note: " + err.Error()}
	}
	r := result{Text: n.Text, Signatures: sigs(n.Sigs), Unverified: sigs(n.UnverifiedSigs)}
	origin, rest, found := strings.Cut(n.Text, "\n")
	if !found || origin == "" {
		r.Error = "checkpoint: no origin line"
		return r
	}
	tree, err := tlog.ParseTree([]byte("go.sum database tree\n" + rest))
	if err != nil {
		r.Error = "checkpoint: " + err.Error()
		return r
	}
	r.OK = true
	r.Origin = origin
	r.Size = tree.N
	r.RootHash = base64.StdEncoding.EncodeToString(tree.Hash[:])
	return r
}

// dirTiles reads C2SP tlog-tiles files (tile height 8) from a directory.
type dirTiles struct {
	dir  string
	read []string
}

func (d *dirTiles) Height() int { return 8 }

func (d *dirTiles) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		// Go: tile/8/<L>/<N>[.p/<W>]; C2SP tlog-tiles: tile/<L>/<N>[.p/<W>].
		p := "tile/" + strings.TrimPrefix(t.Path(), "tile/8/")
		data, err := os.ReadFile(filepath.Join(d.dir, filepath.FromSlash(p)))
		if err != nil {
			return nil, err
		}
		d.read = append(d.read, p)
		out[i] = data
	}
	return out, nil
}

func (d *dirTiles) SaveTiles([]tlog.Tile, [][]byte) {}

func tiles(vkeyFile, noteFile, dir string) result {
	r := verify(vkeyFile, noteFile)
	if !r.OK {
		return r
	}
	r.OK = false
	h, _ := base64.StdEncoding.DecodeString(r.RootHash)
	var tree tlog.Tree
	tree.N = r.Size
	copy(tree.Hash[:], h)
	tr := &dirTiles{dir: dir}
	thr := tlog.TileHashReader(tree, tr)
	indexes := make([]int64, tree.N)
	for i := range indexes {
		indexes[i] = tlog.StoredHashIndex(0, int64(i))
	}
	if tree.N > 0 {
		hashes, err := thr.ReadHashes(indexes)
		if err != nil {
			r.Error = "tiles: " + err.Error()
			return r
		}
		for _, x := range hashes {
			r.LeafHashes = append(r.LeafHashes, base64.StdEncoding.EncodeToString(x[:]))
		}
		// x/mod 0.7.0's tileHashReader skips authenticating some tiles when the tree's
		// subtrees share a tile (its loop starts at len(stx), a count of hashes, not of
		// tiles), so rebuild the tree from the leaf hashes with tlog.StoredHashesForRecordHash
		// and check its root too: every leaf hash is then authenticated.
		var stored []tlog.Hash
		mem := tlog.HashReaderFunc(func(ix []int64) ([]tlog.Hash, error) {
			out := make([]tlog.Hash, len(ix))
			for i, x := range ix {
				out[i] = stored[x]
			}
			return out, nil
		})
		for i, h := range hashes {
			hs, err := tlog.StoredHashesForRecordHash(int64(i), h, mem)
			if err != nil {
				r.Error = "rebuild: " + err.Error()
				return r
			}
			stored = append(stored, hs...)
		}
		if root, err := tlog.TreeHash(tree.N, mem); err != nil || root != tree.Hash {
			r.Error = "rebuild: the leaf hashes read from the tiles do not give the root hash"
			return r
		}
	}
	root, err := tlog.TreeHash(tree.N, thr)
	if err != nil {
		r.Error = "tree hash: " + err.Error()
		return r
	}
	if tree.N > 0 && root != tree.Hash {
		r.Error = "tree hash: mismatch"
		return r
	}
	r.TilesRead = tr.read
	r.OK = true
	return r
}

func sign(skeyFile, textFile string) ([]byte, error) {
	skey, err := os.ReadFile(skeyFile)
	if err != nil {
		return nil, err
	}
	text, err := os.ReadFile(textFile)
	if err != nil {
		return nil, err
	}
	s, err := note.NewSigner(strings.TrimSpace(string(skey)))
	if err != nil {
		return nil, err
	}
	return note.Sign(&note.Note{Text: string(text)}, s)
}

func main() {
	if len(os.Args) < 4 || (os.Args[1] == "tiles") != (len(os.Args) == 5) || len(os.Args) > 5 {
		fmt.Fprintln(os.Stderr, "usage: ledger-interop verify <vkey-file> <note-file> | sign <skey-file> <text-file> | tiles <vkey-file> <note-file> <tile-dir>")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "tiles":
		out, _ := json.Marshal(tiles(os.Args[2], os.Args[3], os.Args[4]))
		fmt.Println(string(out))
	case "verify":
		out, _ := json.Marshal(verify(os.Args[2], os.Args[3]))
		fmt.Println(string(out))
	case "sign":
		msg, err := sign(os.Args[2], os.Args[3])
		if err != nil {
			fmt.Fprintln(os.Stderr, "sign:", err)
			os.Exit(1)
		}
		os.Stdout.Write(msg)
	default:
		fmt.Fprintln(os.Stderr, "unknown command", os.Args[1])
		os.Exit(2)
	}
}
