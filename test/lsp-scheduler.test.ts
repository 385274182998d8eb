import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { Debouncer } from '../server/src/lsp/scheduler';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Debouncer', () => {
  it('coalesces requests made within the delay into one run', async () => {
    let runs = 0;
    const d = new Debouncer(() => {
      runs++;
    }, (e) => assert.fail(String(e)));
    d.schedule(20);
    d.schedule(20);
    d.schedule(20);
    assert.equal(d.idle, false);
    assert.equal(await d.whenIdle(1000), true);
    assert.equal(runs, 1);
  });

  it('never overlaps runs, and runs once more when asked during a run', async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const d = new Debouncer(async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      runs++;
      await sleep(30);
      active--;
    }, (e) => assert.fail(String(e)));
    d.schedule(0);
    await sleep(10); // first run in progress
    d.schedule(0);
    await sleep(5);
    d.schedule(0); // both coalesce into a single rerun
    assert.equal(await d.whenIdle(1000), true);
    assert.equal(maxActive, 1);
    assert.equal(runs, 2);
  });

  it('reports errors and keeps working', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const d = new Debouncer(() => {
      runs++;
      if (runs === 1) throw new Error('boom');
    }, (e) => errors.push(e));
    d.schedule(0);
    await d.whenIdle(1000);
    d.schedule(0);
    await d.whenIdle(1000);
    assert.equal(runs, 2);
    assert.equal(errors.length, 1);
  });

  it('whenIdle times out while busy, and dispose cancels a scheduled run', async () => {
    let runs = 0;
    const d = new Debouncer(() => {
      runs++;
    }, (e) => assert.fail(String(e)));
    d.schedule(200);
    assert.equal(await d.whenIdle(10), false);
    d.dispose();
    await sleep(250);
    assert.equal(runs, 0);
    assert.equal(d.idle, true);
  });
});
