// A tiny static server for examples/web on 127.0.0.1: the page from examples/web, the web build
// of the module under /pkg/, and POST /api/casebook/requests standing in for the host's server
// (it keeps each request once per id, so resubmitting the outbox is harmless).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json', '.ts': 'text/plain' };

export function serve({ site, pkg }) {
  const received = new Map();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (url.pathname === '/api/casebook/requests') {
      if (req.method !== 'POST') { res.statusCode = 405; return res.end(); }
      let body = '';
      req.on('data', (d) => { body += d; });
      req.on('end', () => {
        try {
          const r = JSON.parse(body);
          if (typeof r.id !== 'string') throw new Error('no id');
          if (!received.has(r.id)) received.set(r.id, r);
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ ok: true, id: r.id }));
        } catch {
          res.statusCode = 400; res.end();
        }
      });
      return;
    }
    const [base, rel] = url.pathname.startsWith('/pkg/') ? [pkg, url.pathname.slice(5)] : [site, url.pathname.slice(1) || 'index.html'];
    const file = path.resolve(base, decodeURIComponent(rel));
    if (!file.startsWith(path.resolve(base) + path.sep)) { res.statusCode = 403; return res.end(); }
    fs.readFile(file, (err, data) => {
      if (err) { res.statusCode = 404; return res.end('not found'); }
      res.setHeader('content-type', TYPES[path.extname(file)] || 'application/octet-stream');
      res.end(data);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}/`, received, close: () => new Promise((r) => server.close(r)) });
    });
  });
}
