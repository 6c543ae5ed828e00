#!/usr/bin/env python3
"""Requirement coverage: the normative sentences of the RFCs the catalogue
grades, extracted mechanically, and what answers each (issue 9).

  coverage.py extract RFC_DIR           print the sentence list (TSV)
  coverage.py update  RFC_DIR           rewrite conformance/coverage/
                                        sentences.tsv (keeping every status
                                        and reason) and sentences.inc
  coverage.py check   RFC_DIR [REPO]    exit 1 when sentences.tsv or
                                        sentences.inc is out of date with
                                        the RFC text; 77 when RFC_DIR is absent

Extraction: drop page footers ("[Page N]"), running headers and form
feeds; track the section from headings that start in column 0 ("4.2.1.
Title", "Appendix A."); join each paragraph's lines (a hyphen at a line end
is kept and joined, as ci/check-quotes.sh does); collapse whitespace;
split sentences after '.', '?' or '!' followed by a space and a capital,
'(' or '"' (not after e.g., i.e., etc., Fig., Sec.); keep a sentence when
it has a BCP 14 key word in capitals outside double quotes (so the BCP 14
boilerplate, which only quotes the key words, is not a requirement).

sentences.tsv: RFC <TAB> section <TAB> status <TAB> reason <TAB> sentence
  status '-'       a case must quote it (ippm catalogue --coverage fails
                   when none does)
  status 'see'     graded by the cases the reason names ("ID[,ID]: note"),
                   which quote an equivalent sentence
  status 'except'  it cannot be observed from outside; reason says why
  status 'gap'     it could be graded but no case does yet; reason says how
"""
import os
import re
import sys

RFCS = ['8762', '8972', '9503', '9534',
        '4656', '5357', '5618', '5938', '6038', '7717', '7750', '8186', '9533']
KEYWORD = re.compile(r'\b(MUST(?: NOT)?|SHALL(?: NOT)?|SHOULD(?: NOT)?|MAY|'
                     r'REQUIRED|(?:NOT )?RECOMMENDED|OPTIONAL)\b')
HEADING = re.compile(r'^((?:\d+\.)+\d*|Appendix [A-Z](?:\.\d+)*\.?)\s+\S')
ABBREV = re.compile(r'(?:\be\.g|\bi\.e|\betc|\bFig|\bSec|\bvs)\.$')
STOP_AT = ('References', 'Normative References', 'Informative References')


def norm(s):
    s = re.sub(r'-\s*\n\s*', '-', s)
    return re.sub(r'\s+', ' ', s).strip()


def body_lines(path):
    for line in open(path, encoding='utf-8', errors='replace'):
        line = line.replace('\ufeff', '').replace('\f', '').rstrip('\n')
        if re.search(r'\[Page \d+\]\s*$', line):
            continue
        if re.match(r'^RFC \d+\s{2,}.*\s{2,}\S.*\d{4}\s*$', line):
            continue
        yield line


def paragraphs(path):
    """(section, paragraph text) in document order, after the ToC."""
    section, para, started = None, [], False
    for line in body_lines(path):
        m = HEADING.match(line)
        if m:
            if para and section:
                yield section, norm('\n'.join(para))
            para, started = [], True
            section = m.group(1).rstrip('.')
            if line.split(None, 1)[-1].strip() in STOP_AT:
                return
            continue
        if not started:
            continue
        if not line.strip():
            if para:
                yield section, norm('\n'.join(para))
            para = []
        else:
            para.append(line)
    if para and section:
        yield section, norm('\n'.join(para))


def split_sentences(text):
    out, start = [], 0
    for m in re.finditer(r'[.?!]\s+(?=[A-Z("\[])', text):
        head = text[start:m.start() + 1]
        if ABBREV.search(head):
            continue
        out.append(head.strip())
        start = m.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


def is_normative(s):
    unquoted = re.sub(r'"[^"]*"', '', s)
    return KEYWORD.search(unquoted) is not None


def extract(rfc_dir):
    rows = []
    for rfc in RFCS:
        path = os.path.join(rfc_dir, 'rfc%s.txt' % rfc)
        for section, para in paragraphs(path):
            for s in split_sentences(para):
                if is_normative(s):
                    rows.append((rfc, section, s))
    return rows


def read_tsv(path):
    rows = []
    if not os.path.exists(path):
        return rows
    for line in open(path, encoding='utf-8'):
        if line.startswith('#') or not line.strip():
            continue
        f = line.rstrip('\n').split('\t')
        if len(f) != 5:
            raise SystemExit('%s: bad line: %s' % (path, line))
        rows.append(tuple(f))
    return rows


HEADER = ('# Normative sentences of RFC 8762, 8972, 9503, 9534 (STAMP), 4656, 5357\n'
          '# and 5618, 5938, 6038, 7717, 7750, 8186, 9533 (OWAMP, TWAMP) (ci/coverage.py;\n'
          '# regenerate with: python3 ci/coverage.py update ../shared/rfc).\n'
          '# RFC\tsection\tstatus(-|except|gap)\treason\tsentence\n')


def merged(extracted, old):
    """The new list, each sentence keeping the status and reason it had."""
    known = {(r[0], r[4]): (r[2], r[3]) for r in old}
    return [(rfc, sec) + known.get((rfc, s), ('-', '-')) + (s,)
            for rfc, sec, s in extracted]


def tsv_text(rows):
    return HEADER + ''.join('\t'.join(r) + '\n' for r in rows)


def c_str(s):
    s = s.replace('\\', '\\\\').replace('"', '\\"')
    # UTF-8 bytes beyond ASCII as octal escapes, so the C string holds
    # the same bytes whatever the compiler's source character set.
    return '"' + ''.join(c if ord(c) < 128 else
                         ''.join('\\%03o' % b for b in c.encode('utf-8'))
                         for c in s) + '"'


def inc_text(rows):
    out = ['/* Generated by ci/coverage.py from sentences.tsv: do not edit. */\n']
    for rfc, sec, status, reason, s in rows:
        out.append('{"%s", "%s", "%s",\n %s,\n %s},\n'
                   % (rfc, sec, status, c_str(reason), c_str(s)))
    return ''.join(out)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, rfc_dir = argv[1], argv[2]
    repo = argv[3] if len(argv) > 3 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), '..')
    if not all(os.path.exists(os.path.join(rfc_dir, 'rfc%s.txt' % r))
               for r in RFCS):
        print('coverage: RFC texts not in %s; skipping' % rfc_dir,
              file=sys.stderr)
        return 77
    tsv = os.path.join(repo, 'conformance', 'coverage', 'sentences.tsv')
    inc = os.path.join(repo, 'conformance', 'coverage', 'sentences.inc')
    extracted = extract(rfc_dir)
    if cmd == 'extract':
        sys.stdout.write(''.join('%s\t%s\t%s\n' % r for r in extracted))
        return 0
    old = read_tsv(tsv)
    rows = merged(extracted, old)
    if cmd == 'update':
        open(tsv, 'w', encoding='utf-8').write(tsv_text(rows))
        open(inc, 'w', encoding='utf-8').write(inc_text(rows))
        return 0
    if cmd == 'check':
        bad = 0
        if [(r[0], r[1], r[4]) for r in old] != extracted:
            print('coverage: %s is out of date with the RFC text '
                  '(run ci/coverage.py update)' % tsv)
            want = set(extracted)
            have = set((r[0], r[1], r[4]) for r in old)
            for r in sorted(want - have)[:10]:
                print('  missing: %s' % '\t'.join(r))
            for r in sorted(have - want)[:10]:
                print('  stale:   %s' % '\t'.join(r))
            bad = 1
        for r in old:
            if r[2] not in ('-', 'see', 'except', 'gap') or \
                    (r[2] != '-' and r[3] in ('', '-')):
                print('coverage: bad status or missing reason: %s' % '\t'.join(r))
                bad = 1
        cur = open(inc, encoding='utf-8').read() if os.path.exists(inc) else ''
        if cur != inc_text(old):
            print('coverage: %s is out of date with sentences.tsv' % inc)
            bad = 1
        return bad
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
