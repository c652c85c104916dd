// Benchmarks of the built module in Node and in headless Chromium, next to the native baseline
// from the criterion bench `roundtrip` (run first: cargo bench -p casebook-wasm --bench roundtrip).
//   report + myCases round trip (target < 50 us), module instantiation (target < 30 ms),
//   and the ratio wasm / native for the same calls.
// Each batch starts from a casebook with 100 cases and runs 2,000 round trips; after one warm-up
// batch, the median of 9 batches is reported.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
// CASEBOOK_WASM_BENCH_PKG: another build's pkg folder (node/ and web/), e.g. main's, to compare.
const pkg = process.env.CASEBOOK_WASM_BENCH_PKG || path.join(root, 'bindings/wasm/pkg');
const target = process.env.CARGO_TARGET_DIR || path.join(root, 'target');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (us) => `${us.toFixed(1)} µs`;

function roundTripBody(list = 'myCases') {
  // Runs where `Casebook` is in scope (Node or the page); returns µs per round trip per batch.
  return `
    const me = { role: 'customer', id: 'u1' };
    const report = { description: 'Export to PDF crashes on large reports' };
    const batches = [];
    for (let b = -1; b < 9; b++) {  // batch -1 warms up (V8 tiers wasm up from its baseline compiler)
      const book = new Casebook({ seed: 1, now: '2026-01-01T00:00:00Z' });
      for (let i = 0; i < 100; i++) book.report(me, report);
      const n = 2000;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) { book.report(me, report); book.${list}(me, { limit: 10 }); }
      if (b >= 0) batches.push((performance.now() - t0) * 1000 / n);
      book.free();
    }
    return batches;`;
}

function splitBody() {
  // The calls of the round trip one at a time (Node only): µs per call, median of 9 batches.
  return `
    const me = { role: 'customer', id: 'u1' };
    const report = { description: 'Export to PDF crashes on large reports' };
    const line = JSON.stringify({ op: 'list', as: me, filter: { mine: true }, limit: 10, view: 'summary' });
    const calls = {
      report: (book) => book.report(me, report),
      myCases: (book) => book.myCases(me, { limit: 10 }),
      myCaseSummaries: (book) => book.myCaseSummaries(me, { limit: 10 }),
      'executeJson summary list': (book) => book.executeJson(line),
      get: (book) => book.get(me, 'CB-50'),
    };
    const out = {};
    for (const [name, call] of Object.entries(calls)) {
      const batches = [];
      for (let b = -1; b < 9; b++) {
        const book = new Casebook({ seed: 1, now: '2026-01-01T00:00:00Z' });
        for (let i = 0; i < 100; i++) book.report(me, report);
        const n = 2000;
        const t0 = performance.now();
        for (let i = 0; i < n; i++) call(book);
        if (b >= 0) batches.push((performance.now() - t0) * 1000 / n);
        book.free();
      }
      out[name] = batches.sort((a, b) => a - b)[4];
    }
    return out;`;
}

function native(name) {
  const f = path.join(target, 'criterion/wasm_roundtrip', name, 'new/estimates.json');
  try { return JSON.parse(fs.readFileSync(f, 'utf8')).median.point_estimate / 1000; } catch { return null; }
}

async function node() {
  const glue = path.join(pkg, 'node/casebook_wasm.js');
  const inst = [];
  for (let i = 0; i < 7; i++) {
    const out = execFileSync(process.execPath, ['-e',
      `const t0=performance.now();require(${JSON.stringify(glue)});console.log(performance.now()-t0)`], { encoding: 'utf8' });
    inst.push(Number(out.trim()));
  }
  const { createRequire } = await import('node:module');
  const { Casebook } = createRequire(import.meta.url)(glue);
  const batches = new Function('Casebook', roundTripBody())(Casebook);
  const lean = new Function('Casebook', roundTripBody('myCaseSummaries'))(Casebook);
  const split = new Function('Casebook', splitBody())(Casebook);
  return { roundTrip: median(batches), summaries: median(lean), instantiate: median(inst), split };
}

async function chromium() {
  const { serve } = await import('../tests/browser/serve.mjs');
  const { launch } = await import('../tests/browser/chromium.mjs');
  const server = await serve({ site: path.join(root, 'examples/web'), pkg: path.join(pkg, 'web') });
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.goto(server.url + 'widget.css');
    const inst = [];
    for (let i = 0; i < 7; i++) {
      // A fresh compile + instantiate of the module each time (new URL, no module cache).
      inst.push(await page.evaluate(async (n) => {
        const bytes = await (await fetch('/pkg/casebook_wasm_bg.wasm?' + n)).arrayBuffer();
        const m = await import('/pkg/casebook_wasm.js?' + n);
        const t0 = performance.now();
        await m.default({ module_or_path: bytes });
        return performance.now() - t0;
      }, i));
    }
    const batches = await page.evaluate(async (body) => {
      const m = await import('/pkg/casebook_wasm.js');
      await m.default();
      return new Function('Casebook', body)(m.Casebook);
    }, roundTripBody());
    const lean = await page.evaluate(async (body) => {
      const m = await import('/pkg/casebook_wasm.js');
      await m.default();
      return new Function('Casebook', body)(m.Casebook);
    }, roundTripBody('myCaseSummaries'));
    return { roundTrip: median(batches), summaries: median(lean), instantiate: median(inst) };
  } finally {
    await browser.close();
    await server.close();
  }
}

const core = native('core_report_my_cases');
const book = native('book_report_my_cases');
const bookJson = native('book_report_my_cases_json');
const leanJson = native('book_report_my_case_summaries_json');
const viewJson = native('book_report_my_cases_view_json');
console.log(`native core   report+myCases: ${core === null ? 'n/a (run the criterion bench)' : fmt(core)}`);
console.log(`native Book   report+myCases: ${book === null ? 'n/a' : fmt(book)}  (baseline for the ratio)`);
console.log(`native Book + JSON results:   ${bookJson === null ? 'n/a' : fmt(bookJson)}`);
console.log(`native Book + JSON, summaries: ${leanJson === null ? 'n/a' : fmt(leanJson)}`);
console.log(`native Book + view_json:      ${viewJson === null ? 'n/a' : fmt(viewJson)}  (the writer the module uses)`);
for (const [name, run] of [['node', node], ['chromium', chromium]]) {
  const r = await run();
  const ratio = book ? ` = ${(r.roundTrip / book).toFixed(2)}x native Book` +
    (bookJson ? `, ${(r.roundTrip / bookJson).toFixed(2)}x native Book+JSON` : '') +
    (viewJson ? `, ${(r.roundTrip / viewJson).toFixed(2)}x native Book+view_json` : '') : '';
  console.log(`${name.padEnd(8)} report+myCases: ${fmt(r.roundTrip)} (target < 50 µs)${ratio}; ` +
    `instantiation: ${r.instantiate.toFixed(2)} ms (target < 30 ms)`);
  const leanRatio = leanJson ? ` = ${(r.summaries / leanJson).toFixed(2)}x native Book+JSON (summaries)` : '';
  console.log(`${name.padEnd(8)} report+myCaseSummaries: ${fmt(r.summaries)} (target < 50 µs)${leanRatio}`);
  for (const [call, us] of Object.entries(r.split || {})) console.log(`${name.padEnd(8)}   ${call} alone: ${fmt(us)}`);
}
