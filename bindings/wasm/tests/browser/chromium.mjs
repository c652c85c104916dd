// Launches Debian's Chromium headless through playwright-core (installed by
// scripts/install-wasm-toolchain into CASEBOOK_WASM_NODE_MODULES).
import { createRequire } from 'node:module';
import path from 'node:path';

const modules = process.env.CASEBOOK_WASM_NODE_MODULES || '/opt/casebook-wasm/npm/node_modules';
const require = createRequire(path.join(modules, 'noop.js'));
const { chromium } = require('playwright-core');

export const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage'];

export function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: FLAGS });
}
