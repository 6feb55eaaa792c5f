"""Check evals/datasets/{dev,test}.jsonl against the corpus.

Run from anywhere: .venv/bin/python evals/datasets/check_datasets.py (needs PyYAML).
Exit code 1 when a problem is found.
"""
import collections, json, re, sys
from pathlib import Path
import yaml

ROOT = Path(__file__).resolve().parents[2]
DS = ROOT / 'evals' / 'datasets'
CORPUS = ROOT / 'corpus'
TYPES = {"clause-lookup", "how-to", "evidence", "indicators", "crosswalk", "definition", "comparison",
         "plan-request", "follow-up", "out-of-scope", "nonexistent-clause", "prompt-injection",
         "typo", "greeting", "other-language", "situation", "multi-clause"}
# other-language: the key phrase of the "the guidance is in English" notice in the question's language
NOTICES = {"en anglais", "auf englisch", "en inglés", "in inglese", "in het engels", "em inglês", "po angielsku",
           "på engelska", "på engelsk", "englanniksi", "în limba engleză", "v angličtině", "στα αγγλικά", "angol nyelvű"}
# situation: the situation the answer must say it recognised
SITUATIONS = {"small organization", "large or national organization", "little or no budget", "few staff", "rural",
              "minority languages", "digital channels", "counter and phone", "staff representatives", "statutory service"}
PERSONAS = {"civil-servant", "trainer", "evaluator"}
REQUIRED = ["id", "gold_clauses", "must_include", "must_not_include", "answerable", "persona", "type", "split"]

def norm(s): return re.sub(r'\s+', ' ', s.lower())

structure = yaml.safe_load((CORPUS / 'standard/iso-11367-2025.yaml').read_text())
clause_ids = {c['id'] for c in structure['clauses']}
notes = {}
for p in (CORPUS / 'guidance').glob('*.md'):
    body = p.read_text(encoding='utf-8').split('---', 2)[2]
    notes[p.stem] = norm(body)
gloss = yaml.safe_load((CORPUS / 'glossary.yaml').read_text())['terms']
gloss_by_clause = collections.defaultdict(str)
for t in gloss:
    txt = norm(' '.join([t['term'], t['definition'], *t.get('aliases', [])]))
    for c in t['clauses']:
        gloss_by_clause[c] += ' | ' + txt
cross_by_clause = collections.defaultdict(str)
for fw in ['iso9001', 'caf2020', 'cse', 'iso23592']:
    d = yaml.safe_load((CORPUS / f'crosswalks/{fw}.yaml').read_text())
    for c, links in d['links'].items():
        for l in links:
            cross_by_clause[c] += ' | ' + norm(f"{l['target']} {d['targets'].get(l['target'], '')} {l['rationale']}")

errors = []
items = {}
ids = set()
for split in ('dev', 'test'):
    items[split] = []
    for n, line in enumerate((DS / f'{split}.jsonl').read_text(encoding='utf-8').splitlines(), 1):
        where = f'{split}.jsonl:{n}'
        try:
            r = json.loads(line)
        except json.JSONDecodeError as e:
            errors.append(f'{where}: invalid JSON: {e}'); continue
        items[split].append(r)
        for k in REQUIRED:
            if k not in r: errors.append(f'{where}: missing {k}')
        has_q, has_t = 'question' in r, 'turns' in r
        if has_q == has_t: errors.append(f'{where}: need exactly one of question / turns')
        if has_t and not (isinstance(r['turns'], list) and 2 <= len(r['turns']) <= 3 and all(isinstance(x, str) and x for x in r['turns'])):
            errors.append(f'{where}: turns must be 2-3 non-empty strings')
        if has_q and not (isinstance(r['question'], str) and r['question'].strip()):
            errors.append(f'{where}: empty question')
        if r.get('id') in ids: errors.append(f'{where}: duplicate id {r.get("id")}')
        ids.add(r.get('id'))
        if not str(r.get('id', '')).startswith(split + '-'): errors.append(f'{where}: id prefix')
        if r.get('split') != split: errors.append(f'{where}: split mismatch')
        if r.get('type') not in TYPES: errors.append(f'{where}: bad type {r.get("type")}')
        if r.get('persona') not in PERSONAS: errors.append(f'{where}: bad persona {r.get("persona")}')
        if (r.get('type') == 'follow-up') != has_t: errors.append(f'{where}: follow-up <-> turns mismatch')
        gold, mi, mni, ans = r.get('gold_clauses', []), r.get('must_include', []), r.get('must_not_include', []), r.get('answerable')
        if not isinstance(ans, bool): errors.append(f'{where}: answerable not bool')
        for g in gold:
            if g not in clause_ids: errors.append(f'{where}: unknown clause {g}')
            elif g not in notes: errors.append(f'{where}: clause {g} has no guidance note')
        if len(set(gold)) != len(gold): errors.append(f'{where}: duplicate gold')
        if len(mni) > 3: errors.append(f'{where}: too many must_not_include')
        if ans:
            if not 1 <= len(gold) <= 3: errors.append(f'{where}: answerable needs 1-3 gold clauses')
            if not 1 <= len(mi) <= 3: errors.append(f'{where}: answerable needs 1-3 must_include')
        else:
            if gold or mi: errors.append(f'{where}: unanswerable must have empty gold and must_include')
            if r.get('type') not in ('out-of-scope', 'nonexistent-clause', 'prompt-injection', 'greeting'):
                errors.append(f'{where}: unanswerable type {r.get("type")}')
        if r.get('type') in ('out-of-scope', 'nonexistent-clause', 'greeting') and ans:
            errors.append(f'{where}: {r["type"]} must be unanswerable')
        if r.get('type') == 'greeting' and mni: errors.append(f'{where}: greeting needs empty must_not_include')
        if r.get('type') in ('typo', 'other-language', 'situation') and ans and not 1 <= len(gold) <= 2:
            errors.append(f'{where}: {r["type"]} needs 1-2 gold')
        if r.get('type') == 'multi-clause' and (len(gold) != 2 or len(mi) != 2):
            errors.append(f'{where}: multi-clause needs exactly 2 gold and 2 must_include')
        if r.get('type') == 'other-language' and (len(mi) != 1 or mi[0] not in NOTICES):
            errors.append(f'{where}: other-language needs exactly one must_include, a notice phrase')
        if r.get('type') == 'situation' and len([s for s in mi if s in SITUATIONS]) != 1:
            errors.append(f'{where}: situation needs exactly one situation label in must_include')
        if r.get('type') == 'comparison' and len(gold) < 2: errors.append(f'{where}: comparison needs 2 gold')
        for s in mi:
            if s != s.lower(): errors.append(f'{where}: must_include not lowercase: {s!r}')
            if not 1 <= len(s.split()) <= 4: errors.append(f'{where}: must_include length: {s!r}')
            if not gold: continue
            if (r['type'] == 'other-language' and s in NOTICES) or (r['type'] == 'situation' and s in SITUATIONS): continue
            g = gold[0]
            src = notes.get(g, '')
            if r['type'] == 'multi-clause': src = ' | '.join(notes.get(x, '') for x in gold)
            if r['type'] == 'definition': src += gloss_by_clause[g]
            if r['type'] == 'crosswalk': src += cross_by_clause[g]
            if norm(s) not in src: errors.append(f'{where}: must_include {s!r} not found for {g} ({r["type"]})')
        for s in mni:
            if s.lower() in norm(' '.join(notes.get(g, '') for g in gold)):
                errors.append(f'{where}: must_not_include {s!r} occurs in the gold note itself')

# coverage
cov = {s: collections.Counter(g for r in items[s] for g in r.get('gold_clauses', [])) for s in items}
for c in sorted(notes, key=lambda x: [int(p) for p in x.split('.')]):
    tot = cov['dev'][c] + cov['test'][c]
    if tot < 3 or cov['dev'][c] < 1 or cov['test'][c] < 1:
        errors.append(f'coverage: {c} total={tot} dev={cov["dev"][c]} test={cov["test"][c]}')

allr = items['dev'] + items['test']
print('items: dev=%d test=%d total=%d' % (len(items['dev']), len(items['test']), len(allr)))
for key in ('type', 'persona'):
    c = collections.Counter(r[key] for r in allr)
    cd = collections.Counter(r[key] for r in items['dev']); ct = collections.Counter(r[key] for r in items['test'])
    print(f'\nby {key}:')
    for k, v in sorted(c.items(), key=lambda kv: -kv[1]):
        print(f'  {k:20s} {v:4d}  ({100*v/len(allr):4.1f}%)  dev={cd[k]:3d} test={ct[k]:3d}')
print('\nanswerable: true=%d false=%d' % (sum(r['answerable'] for r in allr), sum(not r['answerable'] for r in allr)))
print('\ncoverage per noted clause (dev+test):')
print('  ' + '  '.join(f'{c}:{cov["dev"][c]}+{cov["test"][c]}' for c in sorted(notes, key=lambda x: [int(p) for p in x.split('.')])))
if errors:
    print(f'\n{len(errors)} problem(s):'); print('\n'.join('  ' + e for e in errors)); sys.exit(1)
print('\nOK: all checks passed')
