// Compiled with `tsc --noEmit --strict` against the generated .d.ts: the public surface is typed.
import { Casebook, registerZone, type CaseView, type CasebookError, type CasebookResponse, type OutboxEntry } from 'casebook-wasm';

const book: Casebook = new Casebook({ seed: 1, now: () => new Date() });
const me = { role: 'customer', id: 'u1' } as const;
const created: CaseView = book.report(me, { description: 'It crashes', diagnostics: { screen: '1x1' } });
const key: string = created.key;
const page = book.myCases(me, { open: true });
const first: CaseView | undefined = page.cases[0];
const r: CasebookResponse = book.execute({ op: 'get', as: me, case: key });
if (r.ok) {
  const result = r.result;
  if ('case' in result) { const s: string = result.case.status; void s; }
} else {
  const code: string = r.error.code;
  void code;
}
try {
  book.transition(me, key, 'solved', { kind: 'fixed', version: '5.3' });
} catch (e) {
  const err = e as CasebookError;
  const c: 'not_found' | string = err.code;
  void c;
}
const out: OutboxEntry[] = book.outbox();
const n: number = book.ackOutbox(out.map((o) => o.id));
const saved: string = book.save();
const again: Casebook = Casebook.restore(saved, { seed: book.seed });
void first; void n; void again;
// @ts-expect-error: the description is required
book.report(me, { subject: 'no description' });

// Time zones come from the host (TZif bytes); the call is typed.
const zoneBytes: Uint8Array = new Uint8Array(0);
if (zoneBytes.length > 0) registerZone('Europe/Berlin', zoneBytes);
