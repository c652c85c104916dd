// The typed surface of the built nodejs package: methods, thrown errors, save/restore, outbox,
// options and the panic policy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wasm, FIXED_NOW, ada, sam } from './helpers.mjs';

const { Casebook } = wasm;
const fresh = () => new Casebook({ seed: 1, now: FIXED_NOW });

function throwsCode(fn, code) {
  let caught;
  try { fn(); } catch (e) { caught = e; }
  assert.ok(caught instanceof Error, `expected an Error, got ${typeof caught}: ${caught}`);
  assert.equal(caught.name, 'CasebookError');
  assert.equal(caught.code, code, caught.message);
  assert.ok(caught.message.length > 10, 'a message a person can act on');
  return caught;
}

test('report, myCases, get, comment, transition', () => {
  const book = fresh();
  const c = book.report(ada, { description: 'Export to PDF crashes', diagnostics: { app_version: '5.2.1', screen: '1920x1080' } });
  assert.equal(c.key, 'CB-1');
  assert.equal(c.status, 'new');
  assert.equal(c.subject, 'Export to PDF crashes');
  assert.equal(c.diagnostics.screen, '1920x1080');
  assert.equal(c.timeline[0].kind, 'reported');
  const page = book.myCases(ada);
  assert.deepEqual(page.cases.map((x) => x.key), ['CB-1']);
  assert.equal(page.cases[0].timeline, undefined, 'lists carry no timelines');
  assert.deepEqual(book.myCases({ role: 'customer', id: 'someone-else' }).cases, []);
  const replied = book.comment(sam, 'CB-1', 'We can reproduce it.');
  assert.equal(replied.timeline.at(-1).body, 'We can reproduce it.');
  book.comment(sam, c.id, 'legacy renderer', true);
  const seen = book.get(ada, 'CB-1');
  assert.ok(!seen.timeline.some((e) => e.internal), 'customers never see internal notes');
  const done = book.transition(sam, 'CB-1', 'solved', { kind: 'wont_fix', reason: 'The legacy renderer is retired.' });
  assert.equal(done.category, 'solved');
  assert.equal(done.outcome.kind, 'wont_fix');
  assert.equal(book.myCases(ada, { open: true }).cases.length, 0);
  assert.equal(book.myCases(ada, { open: false }).cases.length, 1);
  book.free();
});

test('myCaseSummaries: lean rows, the same cases and order as myCases, nothing hidden shown', () => {
  const book = fresh();
  book.report(ada, { description: 'Export to PDF crashes', diagnostics: { app_version: '5.2.1' } });
  book.report(ada, { subject: 'Login loop', description: 'The login page reloads forever.' });
  book.report({ role: 'customer', id: 'bob' }, { description: 'Not yours' });
  book.transition(sam, 'CB-1', 'solved', { kind: 'answered', reply: 'Update to 5.2.2.' });
  const full = book.myCases(ada);
  const lean = book.myCaseSummaries(ada);
  assert.deepEqual(lean.cases.map((x) => x.key), full.cases.map((x) => x.key));
  assert.deepEqual(lean.cases.map((x) => x.key), ['CB-2', 'CB-1']);
  const [login, pdf] = lean.cases;
  assert.equal(login.subject, 'Login loop');
  assert.equal(login.status_label, full.cases[0].status_label);
  assert.equal(pdf.category, 'solved');
  assert.deepEqual(pdf.outcome, { kind: 'answered', words: full.cases[1].outcome.words });
  assert.equal(pdf.updated_at, full.cases[1].updated_at);
  for (const row of lean.cases) {
    assert.deepEqual(Object.keys(row).filter((k) => ['description', 'diagnostics', 'timeline', 'reporter'].includes(k)), []);
  }
  assert.equal(book.myCaseSummaries(ada, { open: true, limit: 1 }).cases.length, 1);
  // The same through the protocol, with "view": "summary".
  const answer = book.execute({ op: 'list', as: ada, view: 'summary', limit: 1 });
  assert.equal(answer.ok, true);
  assert.deepEqual(answer.result.cases, [login]);
  assert.ok(answer.result.next, 'a cursor to the next page');
  book.free();
});

test('errors are real Error objects with the core code', () => {
  const book = fresh();
  throwsCode(() => book.get(ada, 'CB-404'), 'not_found');
  throwsCode(() => book.report(ada, { description: '   ' }), 'invalid_input');
  throwsCode(() => book.report(ada, { subject: 'no description' }), 'invalid_request');
  throwsCode(() => book.report({ role: 'wizard' }, { description: 'x' }), 'invalid_request');
  book.report(ada, { description: 'x y z' });
  throwsCode(() => book.transition(sam, 'CB-1', 'new'), 'transition_not_allowed');
  throwsCode(() => book.transition(ada, 'CB-1', 'open'), 'forbidden');
  throwsCode(() => book.transition(sam, 'CB-1', 'solved'), 'outcome_required');
  throwsCode(() => book.comment(ada, 'CB-1', 'note', true), 'forbidden');
  throwsCode(() => Casebook.restore('not a log'), 'storage_corrupt');
  throwsCode(() => Casebook.restore('{"format":"casebook-event-log","version":99,"events":[]}'), 'unsupported');
  throwsCode(() => new Casebook({ now: 'yesterday' }), 'invalid_argument');
  throwsCode(() => new Casebook({ seed: -1 }), 'invalid_argument');
  const codes = wasm.errorCodes();
  assert.ok(codes.includes('not_found') && codes.includes('internal'));
});

test('execute answers like the protocol and does not throw for protocol errors', () => {
  const book = fresh();
  const ok = book.execute({ op: 'report', as: ada, id: 'r1', description: 'Crash on save' });
  assert.equal(ok.ok, true);
  assert.equal(ok.id, 'r1');
  assert.equal(ok.result.case.key, 'CB-1');
  const bad = book.execute({ op: 'fly', as: ada, id: 'r2' });
  assert.deepEqual(Object.keys(bad).sort(), ['error', 'id', 'ok']);
  assert.equal(bad.error.code, 'unknown_op');
  const line = JSON.parse(book.executeJson('{"op":"get","as":{"role":"customer","id":"u1"},"case":"CB-1"}'));
  assert.equal(line.result.case.key, 'CB-1');
  assert.equal(JSON.parse(book.executeJson('{oops')).error.code, 'malformed_json');
});

test('save and restore keep cases, the outbox and the id sequence', () => {
  const a = new Casebook({ seed: 42, now: FIXED_NOW });
  a.report(ada, { description: 'first' });
  const saved = a.save();
  assert.equal(JSON.parse(saved).format, 'casebook-event-log');
  assert.equal(JSON.parse(saved).version, Casebook.logVersion());
  const b = Casebook.restore(saved, { seed: 42, now: FIXED_NOW });
  assert.deepEqual(b.myCases(ada), a.myCases(ada));
  assert.deepEqual(b.outbox(), a.outbox());
  const x = a.report(ada, { description: 'second' });
  const y = b.report(ada, { description: 'second' });
  assert.deepEqual(y, x, 'the same seed continues the same sequence');
  assert.notEqual(y.id, b.myCases(ada).cases[1].id);
  assert.equal(b.save(), a.save());
});

test('default options: random seeds and the system clock', () => {
  const a = new Casebook();
  const b = new Casebook();
  assert.notEqual(a.seed, b.seed);
  const before = Date.now();
  const c = a.report(ada, { description: 'now' });
  assert.ok(Math.abs(Date.parse(c.created_at) - before) < 60_000);
  assert.notEqual(a.report(ada, { description: 'x' }).id, b.report(ada, { description: 'x' }).id);
  let t = Date.parse('2026-05-01T10:00:00Z');
  const clocked = new Casebook({ seed: 3n, now: () => new Date(t) });
  clocked.report(ada, { description: 'one' });
  t += 3_600_000;
  const later = clocked.comment(ada, 'CB-1', 'an hour later');
  assert.equal(later.updated_at, '2026-05-01T11:00:00Z');
});

test('outbox: reports kept as requests with stable ids, acknowledged idempotently', () => {
  const book = fresh();
  const c = book.report(ada, { description: 'offline report', subject: 'Offline' });
  book.comment(ada, 'CB-1', 'not an outbox item');
  book.execute({ op: 'report', as: ada, description: 'through execute' });
  const out = book.outbox();
  assert.equal(out.length, 2);
  assert.equal(out[0].id, `report:${c.id}`);
  assert.equal(out[0].request.id, out[0].id);
  assert.equal(out[0].request.op, 'report');
  assert.equal(out[0].request.at, FIXED_NOW);
  assert.equal(out[0].request.subject, 'Offline');
  // The server (here another casebook) accepts the request as it is.
  const server = new Casebook({ seed: 9, now: '2026-02-01T00:00:00Z' });
  const accepted = server.execute(out[0].request);
  assert.equal(accepted.ok, true);
  assert.equal(accepted.id, out[0].id);
  assert.equal(accepted.result.case.created_at, FIXED_NOW);
  assert.equal(book.ackOutbox([out[0].id, 'report:unknown']), 1);
  assert.equal(book.ackOutbox([out[0].id]), 0);
  assert.deepEqual(book.outbox().map((e) => e.id), [out[1].id]);
  const restored = Casebook.restore(book.save(), { seed: 1, now: FIXED_NOW });
  assert.deepEqual(restored.outbox(), book.outbox());
});

test('a panic inside a call: the instance refuses further use, the saved data is intact', () => {
  const book = fresh();
  book.report(ada, { description: 'before the panic' });
  const saved = book.save();
  let panicked;
  try { book.debugPanic(); } catch (e) { panicked = e; }
  assert.ok(panicked instanceof Error, 'the panic surfaces as an exception');
  const refused = throwsCode(() => book.myCases(ada), 'internal');
  assert.match(refused.message, /restore/);
  throwsCode(() => book.save(), 'internal');
  throwsCode(() => book.report(ada, { description: 'after' }), 'internal');
  // Other instances and a restored one keep working.
  const again = Casebook.restore(saved, { seed: 1, now: FIXED_NOW });
  assert.deepEqual(again.myCases(ada).cases.map((c) => c.description), ['before the panic']);
  assert.equal(again.report(ada, { description: 'after' }).key, 'CB-2');
});

test('similar: suggestions for a draft, only among what the reporter may see', () => {
  const book = fresh();
  book.report(ada, { description: 'Export to PDF crashes with a NullPointerException' });
  book.report({ role: 'customer', id: 'u2' }, { description: 'Export to PDF crashes on large reports' });
  const draft = { draft: { description: 'PDF export crashes' } };
  const mine = book.similar(ada, draft);
  assert.deepEqual(mine.map((m) => m.case && m.case.key), ['CB-1'], 'another customer\'s private case is never suggested');
  assert.ok(mine[0].score > 0);
  const staff = book.similar(sam, draft);
  assert.deepEqual(staff.map((m) => m.case.key).sort(), ['CB-1', 'CB-2']);
  throwsCode(() => book.similar(ada, { draft: { description: 'x' }, colour: 'blue' }), 'invalid_request');
});
