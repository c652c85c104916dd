// The shared JSON scenario fixtures (tests/fixtures/*.json) through the WebAssembly module: every
// response must be identical to the Rust protocol's (out/wasm/reference.json, written by the
// protocol_reference example) and contain the fixture's expectation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { wasm, repoRoot, pkgDir, FIXED_NOW } from './helpers.mjs';

const dir = path.join(repoRoot, 'tests/fixtures');
const refPath = process.env.CASEBOOK_PROTOCOL_REFERENCE || path.join(repoRoot, 'out/wasm/reference.json');
const reference = JSON.parse(fs.readFileSync(refPath, 'utf8'));
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

/** `expected` is contained in `actual`, as in crates/casebook/tests/fixtures.rs. */
function contains(actual, expected, where) {
  if (expected && typeof expected === 'object' && !Array.isArray(expected)) {
    assert.ok(actual && typeof actual === 'object', `${where} is not an object`);
    for (const [k, v] of Object.entries(expected)) {
      assert.ok(k in actual, `${where}.${k} is missing`);
      contains(actual[k], v, `${where}.${k}`);
    }
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${where} is not an array`);
    assert.equal(actual.length, expected.length, `${where} length`);
    expected.forEach((v, i) => contains(actual[i], v, `${where}[${i}]`));
  } else {
    assert.deepEqual(actual, expected, where);
  }
}

test('fixtures are present', () => {
  assert.ok(files.length >= 3, `fixtures in ${dir}`);
  assert.deepEqual(Object.keys(reference).sort(), files);
});

// The page build leaves out server-side operations (docs/wasm.md). A fixture that uses one still
// runs and must still answer byte for byte as the Rust protocol built with the same features;
// those steps must answer `unsupported_op`, and since the fixture's later expectations assume
// they ran, the expectations are checked only for fixtures that use nothing left out.
const available = new Set(wasm.availableOps());
const opOf = (step) => {
  if (typeof step.raw !== 'string') return step.request?.op;
  try { return JSON.parse(step.raw)?.op; } catch { return undefined; }
};
const leftOut = (fixture) => fixture.steps.some((s) => typeof opOf(s) === 'string'
  && wasm.allOps().includes(opOf(s)) && !available.has(opOf(s)));

test('the build names its operations', () => {
  for (const op of ['report', 'list', 'get', 'comment', 'transition', 'similar', 'rate']) {
    assert.ok(available.has(op), op);
  }
  for (const op of available) assert.ok(wasm.allOps().includes(op), op);
});

// The module has no zone database: the zones a fixture's calendars name are registered from the
// TZif files shipped beside the module (pkg/zones), as a page does (protocol_reference registers
// the same ones on the Rust side).
const zonesDir = path.join(pkgDir, '..', 'zones');
function registerZones(v) {
  if (Array.isArray(v)) v.forEach(registerZones);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === 'time_zone' && typeof x === 'string' && x !== 'UTC') {
        wasm.registerZone(x, fs.readFileSync(path.join(zonesDir, x)));
      }
      registerZones(x);
    }
  }
}

test('a zone registers from its TZif file; bad data throws a CasebookError', () => {
  wasm.registerZone('Europe/Berlin', fs.readFileSync(path.join(zonesDir, 'Europe/Berlin')));
  assert.throws(() => wasm.registerZone('Mars/Olympus', new Uint8Array([1, 2, 3])),
    (e) => e instanceof Error && e.name === 'CasebookError' && e.code === 'invalid_argument');
});

for (const file of files) {
  test(`fixture ${file}: identical to the Rust protocol`, () => {
    const fixture = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    registerZones(fixture);
    const checkExpect = !leftOut(fixture);
    const objects = new wasm.Casebook({ seed: 1, now: FIXED_NOW });
    const lines = new wasm.Casebook({ seed: 1, now: FIXED_NOW });
    fixture.steps.forEach((step, i) => {
      const where = `${file} step ${i + 1}`;
      const rust = reference[file][i];
      const line = typeof step.raw === 'string' ? step.raw : JSON.stringify(step.request);
      // JSON text in, JSON text out: byte-identical to the Rust line.
      assert.equal(lines.executeJson(line), rust, `${where} (executeJson)`);
      // Plain objects in and out (raw steps are not objects): deep-equal to the Rust response.
      if (typeof step.raw !== 'string') {
        const response = objects.execute(step.request);
        assert.deepStrictEqual(response, JSON.parse(rust), `${where} (execute)`);
        const op = opOf(step);
        if (wasm.allOps().includes(op) && !available.has(op)) {
          assert.equal(response.ok, false, `${where}: ${op} is not in this build`);
          assert.equal(response.error.code, 'unsupported_op', where);
          assert.match(response.error.message, /not in this build/, where);
        }
        if (checkExpect) contains(response, step.expect, `${where} response`);
      } else {
        objects.executeJson(step.raw);
        if (checkExpect) contains(JSON.parse(rust), step.expect, `${where} response`);
      }
    });
    objects.free();
    lines.free();
  });
}
