#!/usr/bin/env python3
"""kvota-verify: check Kvota's audit log independently of Kvota's own code.

An implementation of schema/canonical-encoding.md (RFC 8785 canonical JSON of the event envelope)
and of RFC 6962 / RFC 9162 Merkle trees, written from the specifications in the Python 3 standard
library alone, so that an auditor can recompute every leaf hash and the tree head from what the
server hands out.

  kvota-verify.py --vectors                      check schema/test-vectors/*.json
  kvota-verify.py --server URL --token TOKEN     pull the whole log and recompute it
  kvota-verify.py --bundle DIR                   an export bundle (`kvota audit export DIR`): every line
                                                 of DIR/events.ndjson must be its event's canonical bytes;
                                                 leaves and root recomputed and compared with DIR/checkpoint

Exit status 0 only when every check agrees; 1 on a mismatch; 2 on bad usage or unreadable input.
Signatures (Ed25519 checkpoints) are not checked here.
"""

import argparse
import base64
import hashlib
import json
import os
import sys
import urllib.parse
import urllib.request

MAX_SAFE_INTEGER = 2**53 - 1


class VerifyError(Exception):
    """A check that did not hold."""


# ---- canonical encoding (schema/canonical-encoding.md, RFC 8785) ---------------------------------

def _reject_duplicates(pairs):
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise VerifyError(f"duplicate key {key!r}")
        obj[key] = value
    return obj


def parse_json(text):
    """Parses JSON text, refusing duplicate keys and non-finite numbers (RFC 8785 forbids both)."""
    def bad_constant(name):
        raise VerifyError(f"{name} is not JSON")
    return json.loads(text, object_pairs_hook=_reject_duplicates, parse_constant=bad_constant)


def format_number(x):
    """ECMAScript Number.prototype.toString of a finite double (RFC 8785 section 3.2.2.3).

    Python's repr gives the same shortest round-trip digits as ECMAScript; only the layout differs
    (repr writes 1e-07 and 1e+16 where ECMAScript writes 1e-7 and 10000000000000000), so take the
    digits and exponent from repr and lay them out by the ECMAScript rules.
    """
    if x != x or x in (float("inf"), float("-inf")):
        raise VerifyError("non-finite number")
    if x == 0:
        return "0"  # also -0
    sign = "-" if x < 0 else ""
    text = repr(abs(x))
    mantissa, _, exponent = text.partition("e")
    integer, _, fraction = mantissa.partition(".")
    digits = integer + fraction
    n = len(integer) + (int(exponent) if exponent else 0)  # value = 0.digits * 10^n
    stripped = digits.lstrip("0")
    n -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    k = len(digits)
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    e = n - 1
    exp = ("+" if e >= 0 else "-") + str(abs(e))
    return sign + digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + exp


_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def format_string(s):
    out = ['"']
    for ch in s:
        if ch in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[ch])
        elif ord(ch) < 0x20:
            out.append("\\u%04x" % ord(ch))
        elif 0xD800 <= ord(ch) <= 0xDFFF:
            raise VerifyError("lone surrogate in string")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def canonical(value):
    """The canonical JSON text of a parsed value."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise VerifyError(f"integer {value} outside ±(2^53−1)")
        return str(value)
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, str):
        return format_string(value)
    if isinstance(value, list):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: k.encode("utf-16-be", "surrogatepass"))
        return "{" + ",".join(format_string(k) + ":" + canonical(value[k]) for k in keys) + "}"
    raise VerifyError(f"not a JSON value: {type(value).__name__}")


def canonical_bytes(value):
    return canonical(value).encode("utf-8")


# ---- RFC 6962 / RFC 9162 Merkle trees -------------------------------------------------------------

def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


EMPTY_ROOT = hashlib.sha256(b"").digest()


class Frontier:
    """The roots of the perfect subtrees on the right edge: O(log n) memory for any number of leaves."""

    def __init__(self):
        self.size = 0
        self.roots = []

    def append(self, leaf):
        h, index = leaf, self.size
        while index & 1:
            h = node_hash(self.roots.pop(), h)
            index >>= 1
        self.roots.append(h)
        self.size += 1

    def root(self):
        if not self.roots:
            return EMPTY_ROOT
        h = self.roots[-1]
        for left in reversed(self.roots[:-1]):
            h = node_hash(left, h)
        return h


def mth(leaves):
    """RFC 9162 2.1.1 MTH, the recursive definition (for the vectors; Frontier for large logs)."""
    n = len(leaves)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def verify_inclusion(leaf, index, size, proof, root):
    """RFC 9162 2.1.3.2."""
    if index >= size:
        raise VerifyError("leaf index beyond the tree")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise VerifyError("inclusion proof too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise VerifyError("inclusion proof too short")
    if r != root:
        raise VerifyError("inclusion proof does not lead to the root")


def verify_consistency(first, second, first_root, second_root, proof):
    """RFC 9162 2.1.4.2 (with the trivial cases: equal sizes and the empty first tree)."""
    if first > second:
        raise VerifyError("first tree larger than the second")
    if first == second or first == 0:
        if proof:
            raise VerifyError("consistency proof must be empty")
        if first == second and first_root != second_root:
            raise VerifyError("equal sizes, different roots")
        return
    if not proof:
        raise VerifyError("empty consistency proof")
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise VerifyError("consistency proof too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise VerifyError("consistency proof too short")
    if fr != first_root or sr != second_root:
        raise VerifyError("consistency proof does not lead to the roots")


# ---- checks -----------------------------------------------------------------------------------------

def check_vectors(directory):
    failures = []
    passed = 0

    def check(name, condition):
        nonlocal passed
        if condition:
            passed += 1
        else:
            failures.append(name)

    with open(os.path.join(directory, "canonical-events.json"), encoding="utf-8") as f:
        events = parse_json(f.read())
    for case in events["cases"]:
        name = "canonical: " + case["description"]
        try:
            want = case["canonical"].encode("utf-8")
            got_event = canonical_bytes(case["event"])
            got_input = canonical_bytes(parse_json(case["input"])) if "input" in case else want
            check(name, got_event == want and got_input == want
                  and leaf_hash(want).hex() == case["leafHash"] and "leafHash" not in case["event"])
        except VerifyError as error:
            failures.append(f"{name}: {error}")

    with open(os.path.join(directory, "merkle.json"), encoding="utf-8") as f:
        merkle = parse_json(f.read())
    h = bytes.fromhex
    for section in ("rfc6962", "generated"):
        tree = merkle[section]
        leaves = [leaf_hash(h(x)) for x in tree["leafInputs"]]
        check(f"{section}: leaf hashes", [x.hex() for x in leaves] == tree["leafHashes"])
        frontier = Frontier()
        for size in range(len(leaves) + 1):
            want = tree["roots"][size]
            check(f"{section}: root {size}", mth(leaves[:size]).hex() == want and frontier.root().hex() == want)
            if size < len(leaves):
                frontier.append(leaves[size])
        for item in tree["inclusion"]:
            name = f"{section}: inclusion {item['index']} in {item['size']}"
            proof = [h(x) for x in item["proof"]]
            root = h(tree["roots"][item["size"]])
            try:
                verify_inclusion(leaves[item["index"]], item["index"], item["size"], proof, root)
                check(name, item["root"] == root.hex() and item["leafHash"] == leaves[item["index"]].hex())
            except VerifyError as error:
                failures.append(f"{name}: {error}")
            # A flipped bit or another index must not verify.
            for bad_index, bad_proof in [(item["index"] ^ 1, proof),
                                         (item["index"], [bytes([p[0] ^ 1]) + p[1:] for p in proof])]:
                if bad_index == item["index"] and not proof or bad_index >= item["size"]:
                    continue
                try:
                    verify_inclusion(leaves[item["index"]], bad_index, item["size"], bad_proof, root)
                    failures.append(f"{name}: a tampered proof verified")
                except VerifyError:
                    passed += 1
        for item in tree["consistency"]:
            name = f"{section}: consistency {item['from']} to {item['to']}"
            proof = [h(x) for x in item["proof"]]
            r1, r2 = h(tree["roots"][item["from"]]), h(tree["roots"][item["to"]])
            try:
                verify_consistency(item["from"], item["to"], r1, r2, proof)
                check(name, item["fromRoot"] == r1.hex() and item["toRoot"] == r2.hex())
            except VerifyError as error:
                failures.append(f"{name}: {error}")
            if proof:
                try:
                    verify_consistency(item["from"], item["to"], r1, r2, [bytes([proof[0][0] ^ 1]) + proof[0][1:]] + proof[1:])
                    failures.append(f"{name}: a tampered proof verified")
                except VerifyError:
                    passed += 1

    for failure in failures:
        print("FAIL", failure)
    print(f"vectors: {passed} passed, {len(failures)} failed")
    return not failures


class LogCheck:
    """Recomputes each envelope's leaf hash and the tree over all of them, in position order."""

    def __init__(self):
        self.frontier = Frontier()
        self.problems = []

    def add(self, envelope):
        position = envelope.get("position")
        expected = self.frontier.size
        if position != expected:
            raise VerifyError(f"position {position} where {expected} was due: positions must be dense from 0")
        stated = envelope.get("leafHash")
        body = {k: v for k, v in envelope.items() if k != "leafHash"}
        leaf = leaf_hash(canonical_bytes(body))
        if stated is None:
            self.problems.append(f"position {position}: no leafHash")
        elif stated != leaf.hex():
            self.problems.append(f"position {position}: leafHash {stated}, recomputed {leaf.hex()}")
        self.frontier.append(leaf)

    def report(self):
        for problem in self.problems[:50]:
            print("FAIL", problem)
        if len(self.problems) > 50:
            print(f"... and {len(self.problems) - 50} more")
        root = self.frontier.root()
        print(f"size: {self.frontier.size}")
        print(f"root (hex): {root.hex()}")
        print(f"root (base64): {base64.b64encode(root).decode()}")
        print(f"leaves: {self.frontier.size - len(self.problems)} passed, {len(self.problems)} failed")
        return not self.problems


def check_server(url, token, limit):
    log = LogCheck()
    after = -1
    while True:
        query = urllib.parse.urlencode({"after": after, "limit": limit})
        request = urllib.request.Request(f"{url.rstrip('/')}/v1/events?{query}",
                                         headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            page = parse_json(response.read().decode("utf-8"))
        for envelope in page["events"]:
            log.add(envelope)
        if not page["events"] or page["next"] >= page["head"]:
            break
        after = page["next"]
    return log.report()


def check_bundle(directory):
    """An export bundle: events.ndjson (each event's canonical bytes and a newline) and checkpoint (the
    C2SP note: origin, tree size, base64 root, then the signature, which is not checked here)."""
    log = LogCheck()
    with open(os.path.join(directory, "events.ndjson"), "rb") as f:
        for number, line in enumerate(f, 1):
            if not line.endswith(b"\n"):
                raise VerifyError(f"events.ndjson line {number}: the export ends inside an event")
            stored = line[:-1]
            try:
                envelope = parse_json(stored.decode("utf-8"))
            except ValueError as error:
                raise VerifyError(f"events.ndjson line {number}: {error}") from error
            if canonical_bytes(envelope) != stored:
                log.problems.append(f"position {number - 1}: the stored bytes are not the canonical encoding")
            envelope["leafHash"] = leaf_hash(stored).hex()
            try:
                log.add(envelope)
            except VerifyError as error:
                raise VerifyError(f"events.ndjson line {number}: {error}") from error
    with open(os.path.join(directory, "checkpoint"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    if len(lines) < 3:
        raise VerifyError("checkpoint: not a C2SP checkpoint (origin, size, root)")
    size, root = int(lines[1]), base64.b64decode(lines[2])
    ok = log.report()
    if size != log.frontier.size:
        print(f"FAIL checkpoint size {size}, events.ndjson has {log.frontier.size}")
        return False
    if root != log.frontier.root():
        print(f"FAIL checkpoint root {root.hex()}, recomputed {log.frontier.root().hex()}")
        return False
    print(f"checkpoint: size and root agree ({lines[0]})")
    return ok


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--vectors", nargs="?", const=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                                  "..", "schema", "test-vectors"),
                      metavar="DIR", help="check the test vector files (default: schema/test-vectors)")
    mode.add_argument("--server", metavar="URL", help="pull the log from a kvotad (needs --token)")
    mode.add_argument("--bundle", metavar="DIR", help="check an export bundle (kvota audit export DIR)")
    parser.add_argument("--token", help="bearer token (auditor or ministry: a region sees only part of the log)")
    parser.add_argument("--limit", type=int, default=10000, help="page size for --server (at most 10000)")
    args = parser.parse_args(argv)
    try:
        if args.vectors:
            ok = check_vectors(args.vectors)
        elif args.server:
            if not args.token:
                parser.error("--server needs --token")
            ok = check_server(args.server, args.token, args.limit)
        else:
            ok = check_bundle(args.bundle)
    except VerifyError as error:
        print("FAIL", error)
        return 1
    except (OSError, ValueError, KeyError) as error:
        print(f"kvota-verify: {error}", file=sys.stderr)
        return 2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
