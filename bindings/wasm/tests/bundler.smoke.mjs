// The bundler build (pkg/bundler, wasm-bindgen --target bundler) loaded the way bundlers load it:
// as an ES module that imports the .wasm file (ES module integration for WebAssembly, which Node
// runs with --experimental-wasm-modules). Run by scripts/test-wasm:
//   node --experimental-wasm-modules --test bindings/wasm/tests/bundler.smoke.mjs
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = process.env.CASEBOOK_WASM_BUNDLER_PKG || path.join(here, '../pkg/bundler');
const m = await import(pathToFileURL(path.join(pkg, 'casebook_wasm.js')).href);

test('bundler build: report, myCaseSummaries and typed errors without an init call', () => {
  const book = new m.Casebook({ seed: 1, now: '2026-01-01T00:00:00Z' });
  const me = { role: 'customer', id: 'u1' };
  const view = book.report(me, { description: 'Export to PDF crashes' });
  assert.equal(view.key, 'CB-1');
  const page = book.myCaseSummaries(me, { limit: 10 });
  assert.deepEqual(page.cases.map((c) => c.key), ['CB-1']);
  assert.throws(() => book.report(me, { description: '   ' }),
    (e) => e instanceof Error && e.code === 'invalid_input');
  assert.ok(m.availableOps().includes('report') && !m.availableOps().includes('stats'));
  book.free();
});
