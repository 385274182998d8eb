import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { unifiedDiff } from '../server/src/cli/diff';
import { chooseFix, planFixes } from '../server/src/cli/fixes';
import { applyEdits } from '../server/src/engine/edits';
import type { Finding, Fix, TextEdit } from '../server/src/engine/model';
import { analyzeDir, fixture } from './helpers';

const FILE = path.resolve('/proj/app.js');
const TEXT = "const a = 1;\napp.post('/login', handler);\napp.get('/x', h);\n";

function finding(fixes: Fix[], extra: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'missing-auth',
    severity: 'error',
    message: 'm',
    location: { file: FILE, start: { line: 2, column: 1 }, end: { line: 2, column: 2 }, range: [13, 14] },
    route: null,
    evidence: [],
    fixes,
    ...extra,
  };
}

const edit = (start: number, end: number, newText: string, file = FILE): TextEdit => ({ file, range: [start, end], newText });

describe('chooseFix', () => {
  const quick: Fix = { title: 'quick', kind: 'quickfix', edits: [edit(0, 0, 'x')] };
  const quickPreferred: Fix = { title: 'quick preferred', kind: 'quickfix', preferred: true, edits: [edit(0, 0, 'y')] };
  const suppress: Fix = { title: 'suppress', kind: 'suppress', preferred: true, edits: [edit(0, 0, '// s\n')] };
  const declare: Fix = { title: 'public', kind: 'declare-public', edits: [edit(0, 0, '// p\n')] };

  it('prefers quick fixes, then the preferred one, then the first', () => {
    assert.equal(chooseFix(finding([suppress, quick, quickPreferred]), true)?.title, 'quick preferred');
    assert.equal(chooseFix(finding([suppress, quick]), true)?.title, 'quick');
  });

  it('never picks suppress / declare-public unless asked', () => {
    assert.equal(chooseFix(finding([suppress, declare]), false), undefined);
    assert.equal(chooseFix(finding([declare, suppress]), true)?.title, 'suppress');
  });
});

describe('planFixes', () => {
  const getText = (f: string) => (f === FILE ? TEXT : undefined);

  it('skips fixes whose edits overlap an accepted one, and applies identical edits once', () => {
    const importEdit = edit(0, 0, "const rateLimit = require('express-rate-limit');\n");
    const f1 = finding([{ title: 'limit login', kind: 'quickfix', edits: [importEdit, edit(TEXT.indexOf('handler'), TEXT.indexOf('handler'), 'rateLimit(), ')] }]);
    const f2 = finding([{ title: 'limit x', kind: 'quickfix', edits: [{ ...importEdit }, edit(TEXT.indexOf('h);'), TEXT.indexOf('h);'), 'rateLimit(), ')] }]);
    const f3 = finding([{ title: 'rewrite login', kind: 'quickfix', edits: [edit(TEXT.indexOf("'/login'"), TEXT.indexOf('handler') + 1, "'/signin', h")] }]);
    const f4 = finding([{ title: 'suppressed', kind: 'quickfix', edits: [edit(1, 2, 'z')] }], {
      suppressed: { reason: 'r', location: finding([]).location },
    });
    const plan = planFixes([f1, f2, f3, f4], false, getText);
    assert.deepEqual(
      plan.applied.map((a) => a.fix.title),
      ['limit login', 'limit x'],
    );
    assert.deepEqual(
      plan.skipped.map((s) => [s.fix.title, s.reason]),
      [['rewrite login', 'it overlaps another fix']],
    );
    const out = applyEdits(TEXT, FILE, plan.edits.get(FILE)!);
    assert.equal(
      out,
      "const rateLimit = require('express-rate-limit');\nconst a = 1;\napp.post('/login', rateLimit(), handler);\napp.get('/x', rateLimit(), h);\n",
    );
  });

  it('adds at most one directive comment at one place per run', () => {
    const lineStart = TEXT.indexOf('app.post');
    const s1 = finding([{ title: 'suppress auth', kind: 'suppress', edits: [edit(lineStart, lineStart, '// apiwarden-disable-next-line missing-auth -- r\n')] }]);
    const s2 = finding([{ title: 'suppress validation', kind: 'suppress', edits: [edit(lineStart, lineStart, '// apiwarden-disable-next-line missing-validation -- r\n')] }]);
    const plan = planFixes([s1, s2], true, getText);
    assert.deepEqual(plan.applied.map((a) => a.fix.title), ['suppress auth']);
    assert.match(plan.skipped[0].reason, /run fix again/);
    assert.deepEqual(planFixes([s1, s2], false, getText).applied, []);
  });

  it('refuses edits outside the file or for unreadable files', () => {
    const plan = planFixes(
      [finding([{ title: 'too far', kind: 'quickfix', edits: [edit(0, TEXT.length + 1, '')] }]), finding([{ title: 'elsewhere', kind: 'quickfix', edits: [edit(0, 0, 'x', path.resolve('/nope.js'))] }])],
      false,
      getText,
    );
    assert.deepEqual(plan.applied, []);
    assert.equal(plan.skipped.length, 2);
  });
});

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    assert.equal(unifiedDiff('a\n', 'a\n', 'a/x', 'b/x'), '');
  });

  it('produces hunks with three lines of context, merged when close', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    const after = before.replace('line 2\n', 'line 2\ninserted\n').replace('line 18\n', 'LINE 18\n');
    assert.equal(
      unifiedDiff(before, after, 'a/f.js', 'b/f.js'),
      [
        '--- a/f.js',
        '+++ b/f.js',
        '@@ -1,5 +1,6 @@',
        ' line 1',
        ' line 2',
        '+inserted',
        ' line 3',
        ' line 4',
        ' line 5',
        '@@ -15,6 +16,6 @@',
        ' line 15',
        ' line 16',
        ' line 17',
        '-line 18',
        '+LINE 18',
        ' line 19',
        ' line 20',
        '',
      ].join('\n'),
    );
  });

  it('marks a missing final newline', () => {
    assert.equal(unifiedDiff('a\nb', 'a\nc', 'a/x', 'b/x'), '--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n');
  });

  it('round-trips through `patch` / `git apply` when available', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apiwarden-diff-'));
    try {
      const before = "const express = require('express');\nconst app = express();\n\napp.post('/login', login);\napp.get('/a', a);\napp.get('/b', b);\napp.get('/c', c);\napp.get('/d', d);\napp.get('/e', e);\napp.get('/f', f);\nmodule.exports = app;";
      const after = "const express = require('express');\nconst rateLimit = require('express-rate-limit');\nconst app = express();\n\napp.post('/login', rateLimit(), login);\napp.get('/a', a);\napp.get('/b', b);\napp.get('/c', c);\napp.get('/d', d);\napp.get('/e', e);\napp.get('/f', requireAuth, f);\nmodule.exports = app;\n";
      fs.writeFileSync(path.join(dir, 'app.js'), before);
      fs.writeFileSync(path.join(dir, 'fix.patch'), unifiedDiff(before, after, 'a/app.js', 'b/app.js'));
      try {
        execFileSync('git', ['apply', '--unsafe-paths', 'fix.patch'], { cwd: dir, stdio: 'pipe' });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // no git here
        throw new Error(String((e as { stderr?: Buffer }).stderr ?? e));
      }
      assert.equal(fs.readFileSync(path.join(dir, 'app.js'), 'utf8'), after);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('handles random edits (property check against a reconstruction)', () => {
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let round = 0; round < 200; round++) {
      const a = Array.from({ length: rnd(15) }, () => `l${rnd(5)}\n`);
      const b = [...a];
      for (let k = rnd(4); k > 0; k--) {
        const i = rnd(b.length + 1);
        if (rnd(2) && b.length > 0) b.splice(Math.min(i, b.length - 1), 1);
        else b.splice(i, 0, `n${rnd(5)}\n`);
      }
      const diff = unifiedDiff(a.join(''), b.join(''), 'a', 'b', 1000);
      if (a.join('') === b.join('')) {
        assert.equal(diff, '');
        continue;
      }
      const body = diff.split('\n').slice(3, -1);
      const oldSide = body.filter((l) => !l.startsWith('+')).map((l) => l.slice(1) + '\n');
      const newSide = body.filter((l) => !l.startsWith('-')).map((l) => l.slice(1) + '\n');
      assert.equal(oldSide.join(''), a.join(''), diff);
      assert.equal(newSide.join(''), b.join(''), diff);
    }
  });
});

describe('insert-step fixes only where the framework takes middleware arguments', () => {
  for (const name of ['nestjs-app', 'nextjs-app', 'fastify-app']) {
    it(`${name}: findings offer suppress / mark-public, never an edit inserting middleware before a decorator or an exported handler`, () => {
      const r = analyzeDir(fixture(name));
      const missing = r.findings.filter((f) => f.ruleId === 'missing-auth' || f.ruleId === 'missing-rate-limit');
      assert.ok(missing.length > 0, 'the fixture has findings a step could fix');
      assert.deepEqual(missing.flatMap((f) => f.fixes.filter((x) => x.kind === 'quickfix').map((x) => `${f.ruleId}: ${x.title}`)), []);
    });
  }
  it('express-basic still gets the project middleware inserted', () => {
    const r = analyzeDir(fixture('express-basic'));
    assert.ok(r.findings.some((f) => f.ruleId === 'missing-auth' && f.fixes.some((x) => x.kind === 'quickfix')));
  });
});
