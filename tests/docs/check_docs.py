#!/usr/bin/env python3
"""Checks README.md and docs/ against the repository and the real binary.

Usage: check_docs.py ROOT BUILD_DIR

Prints one "[docs] PASS name" / "[docs] FAIL name" line per check and, last,
"N passed, M failed". The checks:
  - README.md has at most 250 lines;
  - no reference that resolves only outside the repository (an issue
    number, a sibling folder's path, a section of an architecture document
    the repository lacks) in README.md or docs/;
  - every rule or decision tag (R4.5, D14, C3, ...) named in README.md or
    docs/ is defined in docs/spec/;
  - every fenced block quoted from a tested file (<!-- NAME --> ...
    <!-- /NAME -->, see QUOTES) is that file's marked block, verbatim;
  - every fenced JavaScript, Python or Go block is such a quote;
  - every fenced JSON block is marked with what it is (<!-- json: fixtures -->,
    <!-- json: faults -->, <!-- json: rule -->), conforms to the JSON Schema in
    docs/schemas/ and is accepted by the real binary;
  - fixtures/*.json conform to docs/schemas/fixtures.schema.json;
  - every fenced sh block runs against a fresh mock (one per page); a
    command followed by "# => TEXT" must print TEXT ("…" matches any run,
    white space is ignored);
  - docs/options.md lists every flag and variable of --help, and no other;
  - every relative link of README.md (outside the mkdocs site) names a file.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jsonschema

ROOT = Path(sys.argv[1]).resolve()
BUILD = Path(sys.argv[2]).resolve()
BIN = BUILD / "graph-presence-mock"
passed = 0
failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"[docs] PASS {name}")
    else:
        failed += 1
        print(f"[docs] FAIL {name}")
        if detail:
            print("       " + detail.replace("\n", "\n       "))


def pages():
    yield ROOT / "README.md"
    yield from sorted((ROOT / "docs").rglob("*.md"))


def rel(p):
    return str(Path(p).relative_to(ROOT))


# Blocks quoted from files the test command runs: NAME -> FILE. In FILE the
# block lies between the comment lines "// NAME" (or "# NAME") and
# "// /NAME"; in a page it is the fenced block between <!-- NAME --> and
# <!-- /NAME -->. A NAME of "file:" quotes the whole file.
QUOTES = {
    "ci-example": "tests/ci_example.sh",
    "kiota-js-config": "tests/interop/js/kiota.test.mjs",
    "kiota-js-beta-config": "tests/interop/js/kiota.test.mjs",
    "python-config": "tests/interop/python/recipe.py",
    "python-duration": "tests/interop/python/recipe.py",
    "go-config": "tests/interop/go/recipe_test.go",
    "js-graph-client": "tests/interop/js/strict.test.js",
    "js-app-client": "tests/interop/js/strict.test.js",
    "js-retry-recipe": "tests/interop/js/retry-recipe.mjs",
    "js-batch-recipe": "tests/interop/js/batch-recipe.mjs",
    "testcontainers-recipe": "examples/testcontainers/test.mjs",
}
WHOLE_FILE = {"ci-example", "js-retry-recipe", "js-batch-recipe", "testcontainers-recipe"}
# Blocks that are one top-level function of the file, "function NAME(" to "}".
FUNCTIONS = {"js-graph-client": "graphClient", "js-app-client": "appClient"}


def marked_block(path, name):
    lines = Path(path).read_text().split("\n")
    if name in WHOLE_FILE:
        return "\n".join(lines).rstrip("\n")
    if name in FUNCTIONS:
        m = re.search(r"^function " + FUNCTIONS[name] + r"\(.*?^}$", "\n".join(lines), re.M | re.S)
        return m.group(0) if m else None
    out, inside, indent = [], False, ""
    for line in lines:
        m = re.match(r"^([ \t]*)(//|#) (/?)" + re.escape(name) + r"$", line)
        if m and not inside and not m.group(3):
            inside, indent = True, m.group(1)
            continue
        if m and inside and m.group(3):
            return "\n".join(out)
        if inside:
            out.append(line[len(indent):] if line.startswith(indent) else line)
    return None


FENCE = re.compile(r"^([ \t]*)```(\w*)\s*$")


def blocks(page):
    """Yields (lang, text, first_line, markers) per fenced block (an
    indented fence loses its indentation); markers are the HTML comments on
    the lines just before the fence."""
    lines = page.read_text().split("\n")
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if m:
            indent, lang, start = m.group(1), m.group(2), i
            j = i + 1
            while j < len(lines) and lines[j].strip() != "```":
                j += 1
            markers = []
            k = start - 1
            while k >= 0 and re.match(r"^\s*<!-- .* -->$", lines[k]):
                markers.insert(0, lines[k].strip()[5:-4])
                k -= 1
            body = [l[len(indent):] if l.startswith(indent) else l for l in lines[start + 1:j]]
            yield lang, "\n".join(body), start + 1, markers
            i = j + 1
        else:
            i += 1


# ---------------------------------------------------------------- prose
readme_lines = (ROOT / "README.md").read_text().count("\n")
check(f"README.md has at most 250 lines ({readme_lines})", readme_lines <= 250)

outside = re.compile(r"\b[Ii]ssues? #?\d+\b|\.\./shared|\bshared/spec\b|ARCHITECTURE(\.md)?\s*§|ARCHITECTURE\.md")
hits = []
for p in pages():
    for n, line in enumerate(p.read_text().split("\n"), 1):
        if outside.search(line) and "github.com" not in line:
            hits.append(f"{rel(p)}:{n}: {line.strip()[:100]}")
check("README.md and docs/ cite nothing outside the repository (issue numbers, sibling folders, absent documents)",
      not hits, "\n".join(hits[:20]))

# README.md is outside the mkdocs site: its relative links are checked here.
broken = [t for t in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", (ROOT / "README.md").read_text())
          if not re.match(r"^[a-z]+:", t) and not (ROOT / t).exists()]
check("every relative link of README.md names a file of the repository", not broken, " ".join(broken))

spec_text = "\n".join(p.read_text() for p in sorted((ROOT / "docs/spec").glob("*.md")))
# Each rule and decision of the spec carries an anchor, <a id="R4.5"></a>,
# that the pages link to.
defined = set(re.findall(r'<a id="((?:R|D|C)\d+(?:\.\d+)*)"></a>', spec_text))
unresolved = []
for p in pages():
    if "spec" in p.parts:
        continue
    for n, line in enumerate(p.read_text().split("\n"), 1):
        for tag in re.findall(r"(?<![\w./-])((?:R\d+(?:\.\d+)*)|D\d+|C\d+)(?![\w-])", line):
            if tag not in defined and not (tag.startswith("R") and any(d.startswith(tag + ".") for d in defined)):
                unresolved.append(f"{rel(p)}:{n}: {tag}")
check("every R/D/C tag in README.md and docs/ is defined in docs/spec/", not unresolved,
      "\n".join(unresolved[:20]))

# --------------------------------------------------------------- quotes
seen_quotes = set()
for p in pages():
    text = p.read_text()
    for name, file in QUOTES.items():
        if f"<!-- {name} -->" not in text:
            continue
        seen_quotes.add(name)
        for lang, body, line, markers in blocks(p):
            if markers and markers[-1] == name:
                want = marked_block(ROOT / file, name)
                check(f"{rel(p)}:{line} quotes {file} ({name}) verbatim", want is not None and body == want,
                      "the block differs from the file's" if want is not None else f"no '{name}' block in {file}")
check("every quoted block appears in README.md or docs/", seen_quotes == set(QUOTES),
      "missing: " + ", ".join(sorted(set(QUOTES) - seen_quotes)))

# ------------------------------------------------- code blocks by language
schemas = {k: json.loads((ROOT / f"docs/schemas/{k}.schema.json").read_text()) for k in ("fixtures", "faults")}
for k, s in schemas.items():
    try:
        jsonschema.Draft202012Validator.check_schema(s)
        check(f"docs/schemas/{k}.schema.json is a valid JSON Schema (2020-12)", True)
    except jsonschema.SchemaError as e:
        check(f"docs/schemas/{k}.schema.json is a valid JSON Schema (2020-12)", False, str(e)[:300])


def validate(kind, doc):
    if kind == "rule":
        schema = dict(schemas["faults"])
        schema = {"$ref": "#/$defs/rule", "$defs": schema["$defs"]}
    else:
        schema = schemas[kind]
    errs = sorted(jsonschema.Draft202012Validator(schema).iter_errors(doc), key=str)
    return "; ".join(f"{list(e.absolute_path)}: {e.message}" for e in errs[:3])


for f in sorted((ROOT / "fixtures").glob("*.json")):
    err = validate("fixtures", json.loads(f.read_text()))
    check(f"{rel(f)} conforms to fixtures.schema.json", not err, err)


def mock_accepts(args, tmp):
    """Starts the binary with args; True when it prints 'listening on'."""
    proc = subprocess.Popen([str(BIN), "--port", "0", "--quiet", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    ok = line.startswith("listening on ")
    if ok:
        proc.send_signal(signal.SIGTERM)
    err = proc.communicate(timeout=20)[1]
    return ok and proc.returncode == 0, err.strip()


tmp = Path(tempfile.mkdtemp(prefix="gpm-docs-"))
sh_pages = []
for p in pages():
    if "spec" in p.relative_to(ROOT).parts:
        # The specification quotes Graph's own requests and answers (http,
        # json) as its sources show them: a contract, not examples to run.
        continue
    sh_blocks = []
    for lang, body, line, markers in blocks(p):
        where = f"{rel(p)}:{line}"
        quoted = bool(markers) and markers[-1] in QUOTES
        kind = next((m.split(":", 1)[1].strip() for m in markers if m.startswith("json:")), None)
        if lang in ("js", "javascript", "python", "go", "mjs"):
            check(f"{where} ({lang}) is quoted from a tested file", quoted)
        elif lang == "json":
            try:
                doc = json.loads(body)
            except ValueError as e:
                check(f"{where} is JSON", False, str(e))
                continue
            if kind not in ("fixtures", "faults", "rule"):
                check(f"{where} (json) says what it is (<!-- json: fixtures|faults|rule -->)", False)
                continue
            err = validate(kind, doc)
            check(f"{where} conforms to the {kind} schema", not err, err)
            f = tmp / "example.json"
            if kind == "rule":
                f.write_text(json.dumps({"rules": [doc]}))
            else:
                f.write_text(body)
            ok, err = mock_accepts(["--fixtures" if kind == "fixtures" else "--faults", str(f)], tmp)
            check(f"{where} is accepted by graph-presence-mock --{'fixtures' if kind == 'fixtures' else 'faults'}",
                  ok, err)
        elif lang in ("sh", "bash", "console", "shell"):
            if quoted:
                continue
            skip = next((m for m in markers if m.startswith("not-run")), None)
            server = next((m.split(":", 1)[1].strip() for m in markers if m.startswith("server:")), None)
            sh_blocks.append((line, body, skip, server))
        elif lang in ("", "text", "yaml", "toml"):
            pass
        else:
            check(f"{where}: a fenced block of a known language ({lang})", False)
    if sh_blocks:
        sh_pages.append((p, sh_blocks))

# --------------------------------------------------------- shell examples
DEFAULT_ARGS = "--clock manual --clock-start 2026-01-01T00:00:00Z --fixtures fixtures/default.json"


def complete(text):
    if text.rstrip().endswith("\\"):
        return False
    return subprocess.run(["bash", "-n"], input=text, text=True, capture_output=True).returncode == 0


def split_commands(body):
    """Returns [(command, expected or None)] in order."""
    out, cur, lines = [], [], body.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not cur and (not line.strip() or line.lstrip().startswith("#")):
            if line.lstrip().startswith("# =>") and out:
                # an expectation on its own line after the command
                exp = [line.lstrip()[4:].strip()]
                while i < len(lines) and re.match(r"^#\s{3,}", lines[i]):
                    exp.append(lines[i][1:].strip())
                    i += 1
                cmd, _ = out[-1]
                out[-1] = (cmd, " ".join(exp))
            continue
        cur.append(line)
        text = "\n".join(cur)
        m = re.search(r"\s# => (.*)$", line)
        probe = text[: len(text) - len(line) + m.start()] if m else text
        if complete(probe):
            exp = None
            if m:
                exp = [m.group(1).strip()]
                while i < len(lines) and re.match(r"^#\s{3,}", lines[i]):
                    exp.append(lines[i][1:].strip())
                    i += 1
                exp = " ".join(exp)
            out.append((probe.rstrip(), exp))
            cur = []
    if cur:
        out.append(("\n".join(cur), None))
    return out


def matches(expected, actual):
    e = re.sub(r"\s+", "", expected)
    a = re.sub(r"\s+", "", actual)
    pattern = ".*?".join(re.escape(part) for part in e.split("…"))
    return re.fullmatch(pattern, a, re.S) is not None


def start_mock(args, workdir):
    proc = subprocess.Popen(f'exec "{BIN}" --port 0 --quiet {args}', shell=True, cwd=workdir,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    if not line.startswith("listening on "):
        proc.kill()
        return None, proc.communicate()[1]
    return proc, line[len("listening on "):]


def stop_mock(proc):
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=20)
    return proc.returncode


skipped = []
for p, sh_blocks in sh_pages:
    work = Path(tempfile.mkdtemp(prefix="page-", dir=tmp))
    for d in ("fixtures", "scripts", "tests"):
        os.symlink(ROOT / d, work / d)
    os.symlink(BUILD, work / "build")
    env = dict(os.environ, PATH=f"{BUILD}:{os.environ['PATH']}", J="Content-Type: application/json")
    proc = None
    script_parts, expectations = [], []
    runs = []  # (server args, [(line, block)])
    for line, body, skip, server in sh_blocks:
        if skip:
            skipped.append(f"{rel(p)}:{line} ({skip})")
            continue
        if server is not None or not runs:
            runs.append((server if server is not None else DEFAULT_ARGS, []))
        runs[-1][1].append((line, body))
    for args, run_blocks in runs:
        proc, url = start_mock(args, work)
        if proc is None:
            check(f"{rel(p)}: the mock starts with {args}", False, url)
            continue
        env["M"] = url
        script = ["cd " + str(work)]
        checks = []
        for line, body in run_blocks:
            body = body.replace("http://127.0.0.1:8080", url)
            for n, (cmd, exp) in enumerate(split_commands(body)):
                idx = len(checks)
                background = cmd.rstrip().endswith("&")
                if exp is not None:
                    script.append(f"{{ {cmd}\n}} > {work}/out.{idx} 2>&1; echo $? > {work}/rc.{idx}")
                elif background:
                    script.append(cmd)
                else:
                    script.append(f"{{ {cmd}\n}}; echo $? > {work}/rc.{idx}")
                checks.append((line, cmd, exp, background))
        # Output to a file, not a pipe: a server an example leaves running
        # cannot hold the run open.
        with open(work / "script.log", "w") as log:
            try:
                subprocess.run(["bash", "-c", "\n".join(script)], cwd=work, env=env, text=True,
                               stdout=log, stderr=subprocess.STDOUT, timeout=300)
            except subprocess.TimeoutExpired:
                log.write("\nthe examples ran for more than 300 s\n")
        res = type("R", (), {"stderr": (work / "script.log").read_text()})
        for idx, (line, cmd, exp, background) in enumerate(checks):
            first = cmd.split("\n")[0][:70]
            if background:
                continue
            rc_file = work / f"rc.{idx}"
            rc = rc_file.read_text().strip() if rc_file.exists() else "not run"
            if exp is None:
                check(f"{rel(p)}:{line} `{first}` exits 0", rc == "0",
                      f"exit {rc}; stderr: {res.stderr[-400:]}")
            else:
                out = (work / f"out.{idx}").read_text() if (work / f"out.{idx}").exists() else ""
                check(f"{rel(p)}:{line} `{first}` prints what the page says", matches(exp, out) and rc == "0",
                      f"exit {rc}\nexpected: {exp}\nactual:   {out.strip()[:600]}")
        code = stop_mock(proc)
        check(f"{rel(p)}: the mock ({args}) stops cleanly after the examples", code == 0, f"exit {code}")

for s in skipped:
    print(f"[docs] not run: {s}")

# -------------------------------------------------------------- options
help_text = subprocess.run([str(BIN), "--help"], capture_output=True, text=True).stdout
flags = set(re.findall(r"^\s{2}(--[a-z-]+)", help_text, re.M))
envs = set(re.findall(r"\b(GPM_[A-Z_]+)", help_text))
opt_page = (ROOT / "docs/options.md").read_text()
doc_flags = set(re.findall(r"^\| `(--[a-z-]+)", opt_page, re.M)) | set(re.findall(r"`(--(?:help|version))`", opt_page))
doc_envs = set(re.findall(r"^\|(?:[^|\\]|\\\|)*\| `(GPM_[A-Z_]+)", opt_page, re.M))
check("docs/options.md lists every flag of --help", not (flags - doc_flags), "missing: " + " ".join(sorted(flags - doc_flags)))
check("docs/options.md lists no flag --help lacks", not (doc_flags - flags), "stale: " + " ".join(sorted(doc_flags - flags)))
check("docs/options.md lists every variable of --help", not (envs - doc_envs), "missing: " + " ".join(sorted(envs - doc_envs)))
check("docs/options.md lists no variable --help lacks", not (doc_envs - envs), "stale: " + " ".join(sorted(doc_envs - envs)))

shutil.rmtree(tmp, ignore_errors=True)
print(f"{passed} passed, {failed} failed")
sys.exit(0 if failed == 0 else 1)
