// Runs the JS example of bindings/wasm/README.md as written, against the built package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { pkgDir, repoRoot } from './helpers.mjs';

test('the README example runs', () => {
  const readme = fs.readFileSync(path.join(repoRoot, 'bindings/wasm/README.md'), 'utf8');
  const m = readme.match(/<!-- readme-example -->\s*```js\n([\s\S]*?)```/);
  assert.ok(m, 'the README has a marked example');
  const code = m[1].replace("require('casebook-wasm')", `require(${JSON.stringify(path.join(pkgDir, 'casebook_wasm.js'))})`);
  assert.notEqual(code, m[1], 'the example imports casebook-wasm');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casebook-readme-'));
  const file = path.join(dir, 'example.cjs');
  fs.writeFileSync(file, code);
  try {
    const out = execFileSync(process.execPath, [file], { encoding: 'utf8' });
    assert.match(out, /readme example ok/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
