// Shared by the node:test files: loads the built nodejs package (CASEBOOK_WASM_NODE_PKG, default
// ../pkg/node) and finds the repository root.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../../..');
export const pkgDir = path.resolve(process.env.CASEBOOK_WASM_NODE_PKG || path.join(here, '../pkg/node'));
const require = createRequire(import.meta.url);
export const wasm = require(path.join(pkgDir, 'casebook_wasm.js'));
export const FIXED_NOW = '2026-01-01T00:00:00Z';
export const ada = { role: 'customer', id: 'u1', name: 'Ada' };
export const sam = { role: 'agent', id: 'a1', name: 'Sam' };
