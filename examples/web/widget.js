// Casebook "report a problem" widget: no framework, no network beyond the page's origin.
// Every piece of user text goes into the page with textContent, never as HTML.
import init, { Casebook } from './pkg/casebook_wasm.js';

const STORE_KEY = 'casebook:log';
const USER_KEY = 'casebook:guest-id';

/** Creates an element with attributes and children (strings become text nodes). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function diagnostics(host) {
  const d = {
    locale: navigator.language,
    user_agent: navigator.userAgent,
    screen: `${screen.width}x${screen.height}@${window.devicePixelRatio || 1}`,
    url: location.href,
  };
  if (host.dataset.appVersion) d.app_version = host.dataset.appVersion;
  return d;
}

function currentUser(host) {
  let id = host.dataset.userId;
  if (!id) {
    id = localStorage.getItem(USER_KEY) || `guest-${crypto.randomUUID()}`;
    localStorage.setItem(USER_KEY, id);
  }
  return { role: 'customer', id, name: host.dataset.userName || undefined };
}

function openBook(status) {
  const saved = localStorage.getItem(STORE_KEY);
  if (!saved) return new Casebook();
  try {
    return Casebook.restore(saved);
  } catch (e) {
    // Keep the damaged copy for support, start afresh, and say so.
    localStorage.setItem(`${STORE_KEY}:damaged:${Date.now()}`, saved);
    status(`Your earlier reports could not be read (${e.code}); they were kept aside.`);
    return new Casebook();
  }
}

async function mount(host) {
  await init();
  const live = el('p', { class: 'cb-status', role: 'status', 'aria-live': 'polite' });
  const say = (text) => { live.textContent = text; };
  let book = openBook(say);
  const me = currentUser(host);
  const persist = () => localStorage.setItem(STORE_KEY, book.save());

  // ---- the form
  const errorId = 'cb-description-error';
  const description = el('textarea', { id: 'cb-description', name: 'description', required: true,
    'aria-describedby': 'cb-description-hint' });
  const subject = el('input', { id: 'cb-subject', name: 'subject', type: 'text', autocomplete: 'off' });
  const email = el('input', { id: 'cb-email', name: 'email', type: 'email', autocomplete: 'email' });
  const descError = el('p', { id: errorId, class: 'cb-error', hidden: true });
  const diag = diagnostics(host);
  const diagList = el('dl', { class: 'cb-diag' });
  for (const [k, v] of Object.entries(diag)) diagList.append(el('dt', {}, k), el('dd', {}, v));
  const formError = el('p', { class: 'cb-error', role: 'alert', hidden: true });
  // Known issues like the one being typed, as the reporter may see them; they can still send.
  const suggestions = el('div', { id: 'cb-suggestions', class: 'cb-suggestions', 'aria-live': 'polite' });
  let suggestTimer;
  description.addEventListener('input', () => {
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(() => {
      suggestions.replaceChildren();
      const text = description.value.trim();
      if (text.length < 4) return;
      let found = [];
      try { found = book.similar(me, { draft: { description: text }, limit: 3 }); } catch (e) { return; }
      if (!found.length) return;
      const items = found.map((m) => m.case
        ? el('li', {}, `${m.case.key}: ${m.case.subject} (${m.case.status_label})`)
        : el('li', {}, `Article: ${m.article.title}`));
      suggestions.append(el('p', { class: 'cb-hint' }, 'Known issues like this one:'), el('ul', {}, ...items));
    }, 250);
  });

  const form = el('form', { method: 'dialog', novalidate: true },
    el('h2', { id: 'cb-dialog-title' }, 'Report a problem'),
    el('div', { class: 'cb-field' },
      el('label', { for: 'cb-description' }, 'What went wrong? (required)'),
      description,
      el('span', { id: 'cb-description-hint', class: 'cb-hint' }, 'Describe what you did and what happened.'),
      descError, suggestions),
    el('div', { class: 'cb-field' }, el('label', { for: 'cb-subject' }, 'Subject (optional)'), subject),
    el('div', { class: 'cb-field' }, el('label', { for: 'cb-email' }, 'Email for replies (optional)'), email),
    el('details', {}, el('summary', {}, 'Details sent with your report'), diagList),
    formError,
    el('div', { class: 'cb-actions' },
      el('button', { type: 'button', class: 'cb-button secondary', onclick: () => dialog.close() }, 'Cancel'),
      el('button', { type: 'submit', class: 'cb-button' }, 'Send report')));
  const dialog = el('dialog', { class: 'cb-dialog', 'aria-labelledby': 'cb-dialog-title' }, form);

  const reportButton = el('button', { type: 'button', class: 'cb-button', 'aria-haspopup': 'dialog',
    onclick: () => { formError.hidden = true; dialog.showModal(); description.focus(); } }, 'Report a problem');
  dialog.addEventListener('close', () => reportButton.focus());

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const text = description.value.trim();
    if (!text) {
      description.setAttribute('aria-invalid', 'true');
      description.setAttribute('aria-describedby', `cb-description-hint ${errorId}`);
      descError.textContent = 'Please describe the problem.';
      descError.hidden = false;
      description.focus();
      return;
    }
    description.removeAttribute('aria-invalid');
    descError.hidden = true;
    const report = { description: text, diagnostics: diag };
    if (subject.value.trim()) report.subject = subject.value.trim();
    if (email.value.trim()) report.email = email.value.trim();
    try {
      const created = book.report(me, report);
      persist();
      form.reset();
      dialog.close();
      say(`Thank you. Your report ${created.key} was saved: status "${created.status_label}".`);
      renderCases();
      flushOutbox();
    } catch (e) {
      formError.textContent = `Your report could not be saved: ${e.message}`;
      formError.hidden = false;
    }
  });

  // ---- my cases
  const list = el('ul', { class: 'cb-cases', id: 'cb-my-cases' });
  const pending = el('p', { class: 'cb-hint', id: 'cb-outbox' });
  const panel = el('section', { class: 'cb-panel', 'aria-labelledby': 'cb-my-cases-title', hidden: true },
    el('h2', { id: 'cb-my-cases-title' }, 'My cases'), list, pending);
  const casesButton = el('button', { type: 'button', class: 'cb-button secondary', 'aria-expanded': 'false',
    'aria-controls': 'cb-my-cases', onclick: () => {
      panel.hidden = !panel.hidden;
      casesButton.setAttribute('aria-expanded', String(!panel.hidden));
      if (!panel.hidden) renderCases();
    } }, 'My cases');

  function timeline(key) {
    const ol = el('ol', { class: 'cb-timeline' });
    for (const entry of book.get(me, key).timeline || []) {
      const when = new Date(entry.at).toLocaleString();
      const li = el('li', {}, el('time', { datetime: entry.at }, when), ' ', entry.text);
      if (entry.body) li.append(el('blockquote', {}, entry.body));
      if (entry.outcome) li.append(el('p', {}, entry.outcome.words));
      ol.append(li);
    }
    return ol;
  }

  function renderCases() {
    const { cases } = book.myCaseSummaries(me);
    list.replaceChildren();
    if (cases.length === 0) list.append(el('li', {}, 'You have not reported anything yet.'));
    for (const c of cases) {
      const details = el('details', { 'data-case': c.key },
        el('summary', {}, `${c.key}: ${c.subject}`,
          el('span', { class: `cb-badge ${c.category}` }, c.status_label)));
      details.addEventListener('toggle', () => {
        if (details.open && !details.querySelector('ol')) details.append(timeline(c.key));
      });
      if (c.outcome) details.append(el('p', {}, `Outcome: ${c.outcome.words}`));
      list.append(el('li', {}, details));
    }
    const waiting = book.outbox().length;
    pending.textContent = waiting === 0 ? 'All reports were delivered.'
      : `${waiting} report(s) saved on this device, waiting to be sent.`;
  }

  // ---- the outbox: hand pending reports to the host's server (same origin) when configured.
  async function flushOutbox() {
    const url = host.dataset.outboxUrl;
    if (!url || !navigator.onLine) return;
    for (const entry of book.outbox()) {
      try {
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify(entry.request) });
        if (!res.ok) break;
        book.ackOutbox([entry.id]);
        persist();
      } catch { break; }
    }
    renderCases();
  }
  window.addEventListener('online', flushOutbox);

  host.append(reportButton, ' ', casesButton, dialog, panel, live);
  renderCases();
  flushOutbox();
  host.dataset.ready = 'true';
}

const host = document.getElementById('casebook-widget');
if (host) {
  mount(host).catch((e) => {
    host.textContent = 'The problem reporter could not start.';
    console.error(e);
  });
}
