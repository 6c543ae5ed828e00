#!/bin/sh
# Checks that every conformance case's quote appears word for word in the
# RFC texts under shared/rfc/ (STYLE.md: "CI checks every quote against
# shared/rfc/"). Whitespace is normalised on both sides, so a quote matches
# across line breaks, page breaks (footer, form feed, running header) and
# hyphens the RFC broke at a line end.
#
# Protocols without an RFC (rmbt, udping) quote the notes that stand in
# for one: a case whose section reads "<name> notes §N" is checked against
# notes/<name>.md next to RFC_DIR instead (IPPM_NOTES_DIR), with Markdown's
# emphasis and code marks (** and `) dropped on both sides.
#
# usage: ci/check-quotes.sh [RFC_DIR]   (default: ../shared/rfc next to the repo)
# Exits 0 when every quote is found, 1 otherwise; skips (exit 0, with a
# message) when the RFC directory is absent.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
rfc_dir=${1:-${IPPM_RFC_DIR:-$here/../shared/rfc}}

if [ ! -d "$rfc_dir" ]; then
    echo "check-quotes: $rfc_dir not found; skipping the quote check" >&2
    exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
    echo "check-quotes: python3 not found; skipping the quote check" >&2
    exit 0
fi

notes_dir=${IPPM_NOTES_DIR:-$(dirname "$rfc_dir")/notes}

exec python3 - "$here/conformance/cases" "$rfc_dir" "$notes_dir" <<'PY'
import glob, os, re, sys

cases_dir, rfc_dir, notes_dir = sys.argv[1], sys.argv[2], sys.argv[3]

def norm(s):
    s = s.replace('\ufeff', '')
    s = re.sub(r'-\s*\n\s*', '-', s)      # a hyphen broken at the line end
    s = re.sub(r'\s+', ' ', s)
    return s.strip()

def rfc_text(path):
    out = []
    for line in open(path, encoding='utf-8', errors='replace'):
        line = line.replace('\f', '')
        if re.search(r'\[Page \d+\]\s*$', line):
            continue                       # page footer
        if re.match(r'^RFC \d+\s{2,}.*\s{2,}\S.*\d{4}\s*$', line):
            continue                       # running header
        out.append(line)
    return norm(''.join(out))

corpus = {os.path.basename(p): rfc_text(p)
          for p in sorted(glob.glob(os.path.join(rfc_dir, 'rfc*.txt')))}
if not corpus:
    print('check-quotes: no rfc*.txt in %s; skipping' % rfc_dir, file=sys.stderr)
    sys.exit(0)

TOK = re.compile(r'"((?:[^"\\]|\\.)*)"|([A-Za-z_][A-Za-z_0-9]*)|(\S)', re.S)

def tokens(src):
    src = re.sub(r'/\*.*?\*/', ' ', src, flags=re.S)
    src = re.sub(r'//[^\n]*', ' ', src)
    src = re.sub(r'^\s*#[^\n]*', ' ', src, flags=re.M)
    toks = []
    for m in TOK.finditer(src):
        if m.group(1) is not None:
            s = bytes(m.group(1), 'utf-8').decode('unicode_escape').encode(
                'latin-1').decode('utf-8')
            if toks and toks[-1][0] == 'str':   # adjacent literals join
                toks[-1] = ('str', toks[-1][1] + s)
            else:
                toks.append(('str', s))
        elif m.group(2) is not None:
            toks.append(('id', m.group(2)))
        else:
            toks.append(('p', m.group(3)))
    return toks

def md_plain(s):
    return norm(s.replace('**', '').replace('`', ''))

notes = {}
def notes_text(name):
    if name not in notes:
        path = os.path.join(notes_dir, name + '.md')
        notes[name] = (md_plain(open(path, encoding='utf-8').read())
                       if os.path.isfile(path) else None)
    return notes[name]

bad = checked = drafts = notes_checked = 0
paths = sorted(glob.glob(os.path.join(cases_dir, '*.c')))
# Quote constants of every file: tables may share them (owtw_rows.c).
def file_consts(toks):
    out = {}
    for i in range(len(toks) - 5):
        # static const char q_x[] = "...";
        if (toks[i] == ('id', 'char') and toks[i + 1][0] == 'id' and
                toks[i + 2] == ('p', '[') and toks[i + 3] == ('p', ']') and
                toks[i + 4] == ('p', '=') and toks[i + 5][0] == 'str'):
            out[toks[i + 1][1]] = toks[i + 5][1]
    return out

shared = {}
for path in paths:
    shared.update(file_consts(tokens(open(path, encoding='utf-8').read())))
for path in paths:
    toks = tokens(open(path, encoding='utf-8').read())
    consts = dict(shared)
    consts.update(file_consts(toks))   # a file's own names first
    i = 0
    while i < len(toks) - 1:
        if (toks[i] == ('p', '{') and toks[i + 1][0] == 'str' and
                re.match(r'^[A-Z]+-[A-Z0-9]+-', toks[i + 1][1])):
            fields, cur, depth, j = [], [], 0, i + 1
            while j < len(toks):
                t = toks[j]
                if t == ('p', '{') or t == ('p', '('):
                    depth += 1
                elif t == ('p', ')') or (t == ('p', '}') and depth > 0):
                    depth -= 1
                elif t == ('p', '}'):
                    break
                if t == ('p', ',') and depth == 0:
                    fields.append(cur)
                    cur = []
                else:
                    cur.append(t)
                j += 1
            fields.append(cur)
            cid = toks[i + 1][1]
            sec = fields[1] if len(fields) > 1 else []
            # Internet-Drafts are not under shared/rfc: their cases name
            # the revision in the section ("draft-...-14 §3") and are
            # counted, not checked (conformance/cases/stamp_drafts.c).
            if (len(sec) == 1 and sec[0][0] == 'str' and
                    sec[0][1].startswith('draft-') and
                    '(RFC ' not in sec[0][1]):
                drafts += 1
                i = j + 1
                continue
            q = fields[5] if len(fields) > 5 else []
            quote = None
            if len(q) == 1 and q[0][0] == 'str':
                quote = q[0][1]
            elif len(q) == 1 and q[0][0] == 'id' and q[0][1] in consts:
                quote = consts[q[0][1]]
            checked += 1
            m = (re.match(r'^(\S+) notes \u00a7', sec[0][1])
                 if len(sec) == 1 and sec[0][0] == 'str' else None)
            if quote is None:
                print('%s: %s: quote is not a string literal' % (path, cid))
                bad += 1
            elif m:
                # Notes stand in for an RFC: ../shared/notes/<name>.md.
                text = notes_text(m.group(1))
                nq = md_plain(quote)
                notes_checked += 1
                if text is None:
                    print('%s: %s: no %s.md in %s' %
                          (os.path.basename(path), cid, m.group(1), notes_dir))
                    bad += 1
                elif not nq or nq not in text:
                    print('%s: %s: quote not found in %s.md:\n    "%s"' %
                          (os.path.basename(path), cid, m.group(1), quote))
                    bad += 1
            else:
                nq = norm(quote)
                where = [n for n, t in corpus.items() if nq in t]
                if not nq or not where:
                    print('%s: %s: quote not found in %s:\n    "%s"' %
                          (os.path.basename(path), cid, rfc_dir, quote))
                    bad += 1
            i = j
        i += 1

print('check-quotes: %d quotes checked (%d against notes), %d not found, '
      '%d draft quotes skipped' % (checked, notes_checked, bad, drafts))
sys.exit(1 if bad or not checked else 0)
PY
