/**
 * Every rule (and the engine's own parse-error) has its page, and the page carries what users
 * need: the attack, bad and good examples, the fix, and the ids in the rule's metadata.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { builtinRules, engineRuleIds } from '../rules';
import { repoRoot } from './helpers';

describe('rule pages', () => {
  for (const rule of builtinRules) {
    it(`${rule.meta.id} has a complete page`, () => {
      assert.equal(rule.meta.docs, `rules/${rule.meta.id}.md`);
      const text = fs.readFileSync(path.join(repoRoot(), rule.meta.docs), 'utf8');
      assert.match(text, new RegExp(`^# ${rule.meta.id}\\b`));
      for (const heading of [/^## The attack it prevents/m, /^## How API Warden decides/m, /^##+ Bad/m, /^##+ Good/m, /^## How to fix/m]) {
        assert.match(text, heading, `${rule.meta.id}: ${heading}`);
      }
      for (const id of [...rule.meta.owasp, ...rule.meta.cwe]) assert.ok(text.includes(id), `${rule.meta.id} page mentions ${id}`);
      // Every message id is real text with its placeholders.
      for (const [mid, msg] of Object.entries(rule.meta.messages)) assert.ok(msg.length > 20, `${rule.meta.id}.${mid}`);
    });
  }
  for (const id of engineRuleIds) {
    it(`${id} (reported by the engine) has a page`, () => {
      assert.match(fs.readFileSync(path.join(repoRoot(), 'rules', `${id}.md`), 'utf8'), new RegExp(`^# ${id}\\b`));
    });
  }
});
