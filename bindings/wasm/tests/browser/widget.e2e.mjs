// Drives examples/web in headless Chromium: report a problem, see it in "my cases", see the
// outbox delivered, reload, still there. Saves a screenshot to out/wasm/widget.png.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve } from './serve.mjs';
import { launch } from './chromium.mjs';
import { repoRoot } from '../helpers.mjs';

const outDir = path.join(repoRoot, 'out/wasm');
const HOSTILE = 'Export crashes <img src=x onerror="window.__pwned=1"> & "quotes"';

test('report a problem, see it in my cases, reload, still there', { timeout: 120_000 }, async () => {
  const server = await serve({ site: path.join(repoRoot, 'examples/web'), pkg: path.join(repoRoot, 'bindings/wasm/pkg/web') });
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    const foreign = [];
    page.on('request', (r) => { if (!r.url().startsWith(server.url)) foreign.push(r.url()); });
    await page.goto(server.url);
    await page.waitForSelector('#casebook-widget[data-ready="true"]');

    // Open the form by keyboard: focus lands in the description.
    await page.getByRole('button', { name: 'Report a problem' }).focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'cb-description');
    // The description is required.
    await page.getByRole('button', { name: 'Send report' }).click();
    assert.equal(await page.getAttribute('#cb-description', 'aria-invalid'), 'true');
    assert.equal(await page.textContent('#cb-description-error'), 'Please describe the problem.');
    // Diagnostics were collected automatically.
    const diag = await page.textContent('.cb-diag');
    for (const k of ['app_version', '5.2.1', 'user_agent', 'locale', 'screen', 'url']) assert.ok(diag.includes(k), k);

    await page.getByLabel('What went wrong? (required)').fill(HOSTILE);
    await page.getByLabel('Subject (optional)').fill('PDF <b>export</b>');
    await page.getByLabel('Email for replies (optional)').fill('demo@example.com');
    await page.getByRole('button', { name: 'Send report' }).click();
    await page.waitForFunction(() => document.querySelector('[role=status]').textContent.includes('CB-1'));
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Report a problem', 'focus returns to the button');

    await page.getByRole('button', { name: 'My cases' }).click();
    const item = page.locator('#cb-my-cases details[data-case="CB-1"]');
    assert.match(await item.locator('summary').textContent(), /CB-1: PDF <b>export<\/b>New/);
    assert.equal(await page.locator('#cb-my-cases img, #cb-my-cases b').count(), 0, 'user text is never HTML');
    await page.waitForFunction(() => document.getElementById('cb-outbox').textContent.includes('delivered'));
    assert.equal(server.received.size, 1, 'the outbox was handed to the server once');
    const [sent] = server.received.values();
    assert.equal(sent.op, 'report');
    assert.equal(sent.description, HOSTILE);
    assert.equal(sent.diagnostics.app_version, '5.2.1');

    await page.reload();
    await page.waitForSelector('#casebook-widget[data-ready="true"]');
    await page.getByRole('button', { name: 'My cases' }).click();
    const again = page.locator('#cb-my-cases details[data-case="CB-1"]');
    await again.locator('summary').click();
    await page.waitForSelector('#cb-my-cases details[data-case="CB-1"] ol li');
    const timeline = await again.locator('ol').textContent();
    assert.match(timeline, /Reported via widget/);
    assert.equal(server.received.size, 1, 'nothing is resubmitted after the reload');
    assert.equal(await page.evaluate(() => window.__pwned), undefined);

    // Typing a similar problem suggests the known case, as text (never HTML); one can still send.
    await page.getByRole('button', { name: 'Report a problem' }).click();
    await page.getByLabel('What went wrong? (required)').fill('the PDF export fails again');
    await page.waitForSelector('#cb-suggestions li');
    assert.match(await page.textContent('#cb-suggestions'), /CB-1: PDF <b>export<\/b>/);
    assert.equal(await page.locator('#cb-suggestions b, #cb-suggestions img').count(), 0);

    fs.mkdirSync(outDir, { recursive: true });
    await page.screenshot({ path: path.join(outDir, 'widget.png'), fullPage: true });
    assert.deepEqual(foreign, [], 'no network beyond the page origin');
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
});
