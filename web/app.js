// app.js: the behaviour of Symbiot's web page, over the server's own API (docs/API.md):
// chat with streamed answers (POST /api/chat, server-sent events), the conversation list
// (/api/conversations), ratings and corrections of answers (/api/feedback), the memory panel
// (/api/memory), reminders (/api/reminders, and /api/reminders/due polled to announce them),
// and the stats view with a chart of recent turns' speed (/api/stats, drawn as inline SVG).
//
// Safety: every text that comes from the server (answers, facts, titles, notices, errors) goes
// into the page as text (textContent, createTextNode) or through markdown.js, which builds nodes
// and never parses HTML; this file never assigns innerHTML. With the server's CSP (scripts only
// from the page's own files) a hostile answer or fact shows as the characters it is.
//
// No framework, no build step: one file of plain functions, state in a few variables.
'use strict';

(function () {
  const I18N = window.SYM_I18N;
  const $ = (id) => document.getElementById(id);

  let lang = pickLang();
  let apiKey = localStorage.getItem('symbiot.key') || '';
  let conversationId = null; // the conversation the chat view shows; null: a new one
  let streaming = null; // {controller} while an answer streams
  let lastBar = null; // the feedback bar of the latest answer, the only one that can rate
  let memoryQuery = '';

  // ---- language ----

  function pickLang() {
    const saved = localStorage.getItem('symbiot.lang');
    if (saved && I18N[saved]) return saved;
    return /^ru\b/i.test(navigator.language || '') ? 'ru' : 'en';
  }

  // The text for key in the page's language, with {name} holes filled from vars.
  function t(key, vars) {
    let s = (I18N[lang] && I18N[lang][key]) || I18N.en[key] || key;
    if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
    return s;
  }

  function applyLang() {
    document.documentElement.lang = lang;
    $('lang').value = lang;
    document.querySelectorAll('[data-i18n]').forEach((el) => {
      el.textContent = t(el.dataset.i18n);
    });
    document.querySelectorAll('[data-i18n-placeholder]').forEach((el) => {
      el.placeholder = t(el.dataset.i18nPlaceholder);
    });
    document.querySelectorAll('[data-i18n-title]').forEach((el) => {
      el.title = t(el.dataset.i18nTitle);
      el.setAttribute('aria-label', el.title);
    });
  }

  // ---- small DOM helpers (text only) ----

  // An element with a class and text content.
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  const SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    for (const k in attrs) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = String(text);
    return e;
  }

  function button(cls, labelKey, onClick, text) {
    const b = el('button', cls, text !== undefined ? text : t(labelKey));
    b.type = 'button';
    if (text !== undefined) {
      b.dataset.i18nTitle = labelKey;
      b.title = t(labelKey);
      b.setAttribute('aria-label', b.title);
    } else {
      b.dataset.i18n = labelKey;
    }
    b.addEventListener('click', onClick);
    return b;
  }

  function toast(text, kind) {
    const box = el('div', 'toast' + (kind ? ' ' + kind : ''), text);
    $('toasts').appendChild(box);
    setTimeout(() => box.remove(), kind === 'reminder' ? 60000 : 6000);
    box.addEventListener('click', () => box.remove());
  }

  function localTime(iso) {
    const d = new Date(iso);
    return isNaN(d) ? '' : d.toLocaleString(lang === 'ru' ? 'ru-RU' : 'en-GB',
      {dateStyle: 'medium', timeStyle: 'short'});
  }

  // ---- the API ----

  function headers(json) {
    const h = {};
    if (json) h['Content-Type'] = 'application/json';
    if (apiKey) h.Authorization = 'Bearer ' + apiKey;
    return h;
  }

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  async function errorOf(resp) {
    let msg = 'HTTP ' + resp.status;
    try {
      const j = await resp.json();
      if (j && j.error && j.error.message) msg = j.error.message;
    } catch (e) { /* not JSON */ }
    if (resp.status === 401) { // the server needs a key: now the button to give one is shown
      $('key-button').hidden = false;
      $('key-form').hidden = false;
    }
    return new ApiError(resp.status, msg);
  }

  // METHOD path [body]: the parsed JSON answer; throws ApiError.
  async function api(method, path, body) {
    let resp;
    try {
      resp = await fetch(path, {
        method,
        headers: headers(body !== undefined),
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
    } catch (e) {
      throw new ApiError(0, t('offline'));
    }
    if (!resp.ok) throw await errorOf(resp);
    return resp.json();
  }

  function showError(e) {
    toast(t('error', {text: e.message || String(e)}), 'error');
  }

  // ---- views ----

  function showView(name) {
    document.querySelectorAll('.tab').forEach((b) => {
      b.classList.toggle('active', b.dataset.view === name);
      b.setAttribute('aria-selected', b.dataset.view === name ? 'true' : 'false');
    });
    document.querySelectorAll('.view').forEach((v) => {
      v.classList.toggle('active', v.id === 'view-' + name);
    });
    if (name === 'memory') loadMemory();
    else if (name === 'reminders') loadReminders();
    else if (name === 'stats') loadStats();
    else if (name === 'chat') loadConversations();
  }

  // ---- chat ----

  // A message in the chat view: {box, body, meta}. Assistant text is rendered as markdown.
  function addMessage(role, text) {
    const box = el('div', 'msg ' + role);
    box.dataset.role = role;
    rawText.set(box, text);
    const who = el('div', 'who', role === 'user' ? t('you') : t('assistant'));
    who.dataset.i18n = role === 'user' ? 'you' : 'assistant';
    box.appendChild(who);
    const body = el('div', 'body');
    box.appendChild(body);
    const meta = el('div', 'meta');
    box.appendChild(meta);
    setText(role, body, text);
    $('messages').appendChild(box);
    toBottom();
    return {box, body, meta};
  }

  // Each message box's text as written (the markdown source of an answer).
  const rawText = new WeakMap();

  // The messages follow a growing answer only while the user is at the bottom: one who scrolled
  // up to read stays where they are. Only the messages box scrolls, never the page.
  let following = true;
  function toBottom() {
    const m = $('messages');
    if (following) m.scrollTop = m.scrollHeight;
  }

  function mdLabels() {
    return {copy: t('copy'), copied: t('copied'), copy_failed: t('copy_failed'), code: t('code')};
  }

  function setText(role, body, text) {
    if (role === 'assistant') body.replaceChildren(window.SymMarkdown.render(text, mdLabels()));
    else body.textContent = text;
  }

  function retireBar() {
    if (!lastBar) return;
    lastBar.querySelectorAll('button').forEach((b) => {
      b.disabled = true;
    });
    lastBar.title = t('only_last');
    lastBar = null;
  }

  // Icons drawn here, not emoji: a machine without an emoji font would show empty boxes.
  const THUMB = 'M7 10v11H3V10h4zm0 0l4-8c1.7 0 3 1.3 3 3v4h5.5c1.2 0 2.1 1.1 1.9 2.3l-1.3 8' +
    'c-.2 1-1 1.7-2 1.7H7';
  const PENCIL = 'M4 20h4L19 9l-4-4L4 16v4zM13.5 6.5l4 4';
  const REGEN = 'M20 12a8 8 0 1 1-2.3-5.7M20 4v5h-5';
  function icon(d, transform) {
    const s = svg('svg', {viewBox: '0 0 24 24', 'aria-hidden': 'true'});
    s.appendChild(svg('path', transform ? {d, transform} : {d}));
    return s;
  }

  // The thumbs and "correct" under an answer of conversation conv.
  function feedbackBar(msg, conv) {
    const bar = el('div', 'feedback');
    const status = el('span', 'fb-status');
    const form = el('form', 'fb-form');
    form.hidden = true;
    const input = el('input');
    input.type = 'text';
    form.appendChild(input);
    const sendBtn = el('button', null, t('send_feedback'));
    sendBtn.type = 'submit';
    sendBtn.dataset.i18n = 'send_feedback';
    form.appendChild(sendBtn);
    let pending = null; // {rating, field}

    async function give(rating, text, field) {
      const req = {conversation_id: conv, rating, lang};
      if (text) req[field] = text;
      bar.querySelectorAll('button').forEach((b) => { b.disabled = true; });
      try {
        const r = (await api('POST', '/api/feedback', req)).feedback;
        let said = r.correction !== null ? t('corrected', {text: r.correction})
          : r.rating > 0 ? t('rated_good') : t('rated_bad');
        if (r.preference) said += ' ' + t('pref_kept', {text: r.preference});
        status.textContent = said;
        const chosen = rating > 0 ? good : rating < 0 ? bad : fix;
        chosen.classList.add('chosen');
        chosen.setAttribute('aria-pressed', 'true');
        form.hidden = true;
      } catch (e) {
        showError(e);
      }
      if (bar === lastBar) bar.querySelectorAll('button').forEach((b) => { b.disabled = false; });
    }
    function ask(rating, field, placeholderKey) {
      pending = {rating, field};
      input.value = '';
      input.placeholder = t(placeholderKey);
      form.hidden = false;
      input.focus();
    }
    const good = button('fb-good', 'good', () => give(1), '');
    const bad = button('fb-bad', 'bad', () => ask(-1, 'reason', 'reason_placeholder'), '');
    const fix = button('fb-correct', 'correct', () => ask(0, 'correction', 'correction_placeholder'),
      '');
    const regen = button('fb-regen', 'regenerate', () => regenerate(msg.box), '');
    regen.appendChild(icon(REGEN));
    good.appendChild(icon(THUMB));
    bad.appendChild(icon(THUMB, 'rotate(180 12 12)'));
    fix.appendChild(icon(PENCIL));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const text = input.value.trim();
      if (pending.rating === 0 && !text) return input.focus();
      give(pending.rating, text, pending.field);
    });
    bar.append(good, bad, fix, regen, form, status);
    msg.box.appendChild(bar);
    retireBar();
    lastBar = bar;
    return bar;
  }

  function showFigures(meta, done) {
    const tk = done.tokens || {};
    const tm = done.timings || {};
    meta.textContent = t('turn_figures', {
      tokens: tk.generated || 0,
      tps: (tm.gen_tps || 0).toFixed(1),
      ttft: Math.round(tm.ttft_ms || 0),
    });
    // Which backend made the answer: "local" (the model in the server) or "remote".
    if (done.backend) {
      const badge = el('span', 'badge backend-' + done.backend,
        t(done.backend === 'remote' ? 'backend_remote' : 'backend_local'));
      badge.title = t('backend_title');
      meta.append(' ', badge);
    }
  }

  // A tool call the model made: a folded block above the answer (name and status in the summary;
  // the arguments and the result inside), text only. blocks maps call ids to blocks, so the
  // result finds its call. Returns the block.
  function toolBlock(msg, blocks, call) {
    let b = blocks.get(call.id);
    if (!b) {
      const details = el('details', 'tool');
      const summary = el('summary', null, '');
      const name = el('span', 'tool-name', '\u2699 ' + call.name);
      const status = el('span', 'tool-status', t('tool_running'));
      summary.append(name, ' ', status);
      const args = el('pre', 'tool-args', call.arguments || '{}');
      const result = el('pre', 'tool-result', '');
      result.hidden = true;
      details.append(summary, el('div', 'tool-label', t('tool_arguments')), args,
        el('div', 'tool-label', t('tool_result')), result);
      msg.box.insertBefore(details, msg.body);
      b = {details, status, result};
      blocks.set(call.id, b);
    }
    if (call.status) {
      b.status.textContent = t('tool_' + call.status);
      b.details.classList.add('tool-' + call.status);
      b.result.textContent = call.result === null || call.result === undefined ? '' : call.result;
      b.result.hidden = false;
    }
    return b;
  }

  // The question for a tool that removes something: a dialog with Allow and Deny, answered with
  // POST /api/chat/confirm. Closed with no answer when the server stops waiting (timeout_s), which
  // the server takes as no.
  function askConfirm(ev) {
    const dialog = el('dialog', 'confirm');
    dialog.setAttribute('aria-labelledby', 'confirm-title');
    const title = el('p', 'confirm-title', t('tool_confirm', {name: ev.name}));
    title.id = 'confirm-title';
    const args = el('pre', 'tool-args', ev.arguments || '{}');
    const allow = el('button', 'confirm-allow', t('tool_allow'));
    const deny = el('button', 'confirm-deny', t('tool_deny'));
    allow.type = deny.type = 'button';
    const answer = async (yes) => {
      clearTimeout(timer);
      dialog.close();
      dialog.remove();
      try {
        await api('POST', '/api/chat/confirm', {id: ev.id, allow: yes});
      } catch (e) {
        showError(e);
      }
    };
    allow.addEventListener('click', () => answer(true));
    deny.addEventListener('click', () => answer(false));
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault(); // Escape is no
      answer(false);
    });
    const buttons = el('div', 'confirm-buttons');
    buttons.append(deny, allow);
    dialog.append(title, args, buttons);
    document.body.appendChild(dialog);
    const timer = setTimeout(() => {
      if (dialog.open) dialog.close();
      dialog.remove();
    }, (ev.timeout_s || 120) * 1000);
    dialog.showModal();
    deny.focus(); // no is the default
  }

  // Read the server-sent events of resp, calling onEvent(object) for each.
  async function readEvents(resp, onEvent) {
    const reader = resp.body.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    for (;;) {
      const {value, done} = await reader.read();
      if (done) break;
      buf += decoder.decode(value, {stream: true});
      let end;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const data = block.split('\n').filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).replace(/^ /, '')).join('\n');
        if (data) onEvent(JSON.parse(data));
      }
    }
  }

  function setBusy(busy) {
    $('send').disabled = busy;
    $('stop').hidden = !busy;
  }

  // Send text as the next message; with from, it replaces the stored messages from that one on
  // (an edited message, or a regenerated answer's question: POST /api/chat's "from").
  async function send(text, from) {
    following = true; // one who sends wants to see the answer
    const user = addMessage('user', text);
    const answer = addMessage('assistant', '');
    answer.box.classList.add('streaming');
    answer.meta.textContent = t('thinking');
    toBottom();
    const controller = new AbortController();
    streaming = {controller};
    setBusy(true);
    let got = '';
    let frame = 0;
    // A reasoning model's thinking: a folded <details> block above the answer, as text only.
    let thought = null;
    const think = (text) => {
      if (!thought) {
        const details = el('details', 'reasoning');
        details.appendChild(el('summary', null, t('reasoning')));
        thought = el('div', 'reasoning-text', '');
        details.appendChild(thought);
        answer.box.insertBefore(details, answer.body);
      }
      thought.textContent += text;
    };
    const paint = () => {
      frame = 0;
      setText('assistant', answer.body, got);
      toBottom();
    };
    const tools = new Map();
    try {
      const resp = await fetch('/api/chat', {
        method: 'POST',
        headers: headers(true),
        body: JSON.stringify(Object.assign({message: text, conversation_id: conversationId,
          stream: true}, from !== undefined ? {from} : {})),
        signal: controller.signal,
      });
      if (!resp.ok) throw await errorOf(resp);
      let finished = false;
      await readEvents(resp, (ev) => {
        if (ev.type === 'text') {
          got += ev.text;
          if (!frame) frame = requestAnimationFrame(paint);
        } else if (ev.type === 'reasoning') {
          think(ev.text);
        } else if (ev.type === 'notice') {
          answer.box.insertBefore(el('div', 'notice', ev.text), answer.body);
        } else if (ev.type === 'tool_call' || ev.type === 'tool_result') {
          // The text so far was written before the calls: the answer comes after them.
          got = '';
          if (frame) cancelAnimationFrame(frame);
          paint();
          toolBlock(answer, tools, ev);
        } else if (ev.type === 'confirm') {
          askConfirm(ev);
        } else if (ev.type === 'done') {
          finished = true;
          if (frame) cancelAnimationFrame(frame);
          got = ev.answer;
          if (ev.reasoning && !thought) think(ev.reasoning);
          for (const call of ev.tool_calls || []) toolBlock(answer, tools, call);
          paint();
          const newConv = ev.conversation_id !== conversationId;
          if (ev.conversation_id !== null) conversationId = ev.conversation_id;
          if (ev.kind === 'chat') {
            showFigures(answer.meta, ev);
            if (ev.stop === 'cancelled') answer.meta.textContent += ' ' + t('cancelled');
            if (conversationId !== null) feedbackBar(answer, conversationId);
          } else {
            answer.meta.textContent = '';
            answer.box.classList.add('command');
            user.box.classList.add('command'); // a command is not stored
          }
          toBottom(); // the figures and the feedback bar
          if (newConv) loadConversations();
        } else if (ev.type === 'error') {
          finished = true;
          answer.meta.textContent = t('error', {text: ev.error && ev.error.message});
          answer.box.classList.add('failed');
        }
      });
      if (!finished) answer.meta.textContent = t('cancelled');
      rawText.set(answer.box, got);
    } catch (e) {
      if (frame) cancelAnimationFrame(frame);
      setText('assistant', answer.body, got);
      if (e.name === 'AbortError') {
        answer.meta.textContent = t('cancelled');
      } else {
        answer.meta.textContent = t('error', {text: e.message});
        answer.box.classList.add('failed');
        if (!got) user.box.classList.add('unsent');
      }
    }
    rawText.set(answer.box, got);
    answer.box.classList.remove('streaming');
    streaming = null;
    setBusy(false);
    syncStored();
  }

  // Number the shown messages as the server stored them (GET /api/conversations/ID), from the
  // end back, skipping commands and failed turns (not stored), so Edit and Regenerate know which
  // stored message they replace. A message that cannot be matched gets no such button.
  async function syncStored() {
    const id = conversationId;
    if (id === null) return;
    let c;
    try {
      c = await api('GET', '/api/conversations/' + id);
    } catch (e) {
      return;
    }
    if (id !== conversationId || streaming) return;
    let j = c.messages.length - 1;
    const boxes = [...$('messages').children].reverse();
    for (const box of boxes) {
      delete box.dataset.index;
      if (box.classList.contains('command') || box.classList.contains('failed') ||
        box.classList.contains('unsent')) continue;
      if (j >= 0 && c.messages[j].role === box.dataset.role &&
        (box.dataset.role === 'assistant' || c.messages[j].text === rawText.get(box))) {
        box.dataset.index = String(j--);
        if (box.dataset.role === 'user' && !box.querySelector('.msg-edit')) {
          box.querySelector('.who').appendChild(button('msg-edit', 'edit_message',
            () => editMessage(box), ''));
          box.querySelector('.msg-edit').appendChild(icon(PENCIL));
        }
      } else {
        j = -1; // out of step: the older ones stay unnumbered
      }
    }
    document.querySelectorAll('#messages .msg:not([data-index]) .msg-edit').forEach((b) =>
      b.remove());
    toBottom();
  }

  // Replace the stored messages from box's on with text, and answer it again.
  function resend(box, text) {
    if (streaming || box.dataset.index === undefined) return;
    const from = Number(box.dataset.index);
    let b = box;
    while (b) { // this message and every one after it
      const next = b.nextElementSibling;
      b.remove();
      b = next;
    }
    lastBar = null;
    send(text, from);
  }

  // Regenerate the answer in box: its question again, the answer replaced.
  function regenerate(box) {
    const q = box.previousElementSibling;
    if (!q || q.dataset.role !== 'user' || q.dataset.index === undefined) return;
    resend(q, rawText.get(q));
  }

  // Edit the user's message in box, then send it in place of the old one and what followed.
  function editMessage(box) {
    if (streaming || box.querySelector('.edit-form')) return;
    const body = box.querySelector('.body');
    const form = el('form', 'edit-form');
    const area = el('textarea');
    area.value = rawText.get(box);
    area.rows = Math.min(10, area.value.split('\n').length + 1);
    const save = el('button', null, t('save_send'));
    save.type = 'submit';
    save.dataset.i18n = 'save_send';
    form.append(area, save, button('small', 'cancel', () => {
      form.remove();
      body.hidden = false;
    }));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const text = area.value.trim();
      if (text) resend(box, text);
    });
    area.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        form.requestSubmit();
      } else if (ev.key === 'Escape') {
        form.remove();
        body.hidden = false;
      }
    });
    body.hidden = true;
    body.after(form);
    area.focus();
  }

  // The shown conversation as Markdown, downloaded as a file.
  async function exportConversation() {
    if (conversationId === null) return;
    let c;
    try {
      c = await api('GET', '/api/conversations/' + conversationId);
    } catch (e) {
      showError(e);
      return;
    }
    const lines = ['# ' + (c.title || t('untitled')), ''];
    for (const m of c.messages) {
      lines.push(`## ${m.role === 'user' ? t('you') : t('assistant')} · ${localTime(m.time)}`, '',
        m.text, '');
    }
    const blob = new Blob([lines.join('\n')], {type: 'text/markdown;charset=utf-8'});
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `symbiot-conversation-${c.id}.md`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  }

  // At phone width the conversation list is a drawer over the chat (style.css).
  function drawer(open) {
    document.body.classList.toggle('drawer-open', open);
    $('menu-button').setAttribute('aria-expanded', open ? 'true' : 'false');
    $('drawer-backdrop').hidden = !open;
    if (open) $('new-conv').focus();
  }

  function newConversation() {
    conversationId = null;
    lastBar = null;
    following = true;
    $('messages').replaceChildren();
    markCurrent();
    $('chat-input').focus();
  }

  async function openConversation(id) {
    if (streaming) return;
    try {
      const c = await api('GET', '/api/conversations/' + id);
      conversationId = c.id;
      lastBar = null;
      following = true;
      $('messages').replaceChildren();
      let last = null;
      for (const m of c.messages) {
        const msg = addMessage(m.role === 'user' ? 'user' : 'assistant', m.text);
        msg.meta.textContent = localTime(m.time);
        const blocks = new Map();
        for (const call of m.tool_calls || []) toolBlock(msg, blocks, call);
        if (m.role === 'assistant') last = msg;
      }
      const msgs = c.messages;
      if (last && msgs.length && msgs[msgs.length - 1].role === 'assistant') {
        feedbackBar(last, c.id);
      }
      markCurrent();
      syncStored();
    } catch (e) {
      showError(e);
    }
  }

  function markCurrent() {
    $('chat-head').hidden = conversationId === null;
    document.querySelectorAll('#conv-list li').forEach((li) => {
      li.classList.toggle('current', Number(li.dataset.id) === conversationId);
    });
  }

  // The conversation list; with words in the search box, only those whose title or messages
  // hold them (GET /api/conversations?q=).
  async function loadConversations() {
    let list;
    const q = $('conv-search').value.trim();
    try {
      list = (await api('GET', '/api/conversations' + (q ? '?q=' + encodeURIComponent(q) : '')))
        .conversations;
      if (q !== $('conv-search').value.trim()) return; // typed on meanwhile: a newer call follows
    } catch (e) {
      if (e.status !== 503) showError(e); // 503: no memory database, nothing to list
      return;
    }
    const ul = $('conv-list');
    ul.replaceChildren();
    if (!list.length) ul.appendChild(el('li', 'muted', t(q ? 'no_matches' : 'no_conversations')));
    for (const c of list) {
      const li = el('li', 'conv');
      li.dataset.id = String(c.id);
      const open = el('button', 'conv-open');
      open.type = 'button';
      open.appendChild(el('span', 'title', c.title || t('untitled')));
      open.appendChild(el('span', 'when', localTime(c.updated)));
      open.addEventListener('click', () => {
        drawer(false);
        openConversation(c.id);
      });
      li.appendChild(open);
      ul.appendChild(li);
    }
    markCurrent();
  }

  // ---- memory ----

  function factItem(f) {
    const li = el('li', 'fact');
    li.dataset.id = String(f.id);
    const text = el('span', 'fact-text', f.text);
    li.appendChild(text);
    const info = el('span', 'fact-info');
    // Tags like "key:home" are the memory's own bookkeeping (the slot a fact fills), not the user's.
    for (const tag of f.tags) if (!/^key:/.test(tag)) info.appendChild(el('span', 'tag', tag));
    if (f.pinned) info.appendChild(el('span', 'tag pinned', t('pinned')));
    info.appendChild(el('span', 'when', localTime(f.time)));
    li.appendChild(info);
    const actions = el('span', 'actions');
    actions.appendChild(button('fact-edit', 'edit', () => editFact(li, f)));
    actions.appendChild(button('fact-pin', f.pinned ? 'unpin' : 'pin', async () => {
      try {
        await api('PATCH', '/api/memory/' + f.id, {pinned: !f.pinned});
        loadMemory();
      } catch (e) {
        showError(e);
      }
    }));
    const del = button('fact-delete', 'delete', async () => {
      if (!del.classList.contains('confirm')) { // a second click deletes
        del.classList.add('confirm');
        del.textContent = t('confirm_delete');
        setTimeout(() => {
          del.classList.remove('confirm');
          del.textContent = t('delete');
        }, 5000);
        return;
      }
      try {
        await api('DELETE', '/api/memory/' + f.id);
        loadMemory();
      } catch (e) {
        showError(e);
      }
    });
    actions.appendChild(del);
    li.appendChild(actions);
    return li;
  }

  function editFact(li, f) {
    const form = el('form', 'fact-edit-form');
    const input = el('input');
    input.type = 'text';
    input.value = f.text;
    const save = el('button', null, t('save'));
    save.type = 'submit';
    form.append(input, save, button('', 'cancel', () => loadMemory()));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      try {
        await api('PATCH', '/api/memory/' + f.id, {text: input.value});
        loadMemory();
      } catch (e) {
        showError(e);
      }
    });
    li.replaceChildren(form);
    input.focus();
  }

  // A turn of a stored conversation found by a search: who said it, in which conversation, when;
  // the conversation's title opens it in the chat.
  function turnItem(h) {
    const li = el('li', 'turn');
    li.dataset.id = String(h.id);
    li.appendChild(el('span', 'turn-text', h.text));
    const info = el('span', 'fact-info');
    info.appendChild(el('span', 'tag speaker', h.speaker));
    const open = el('button', 'turn-open', h.conversation_title || t('untitled'));
    open.type = 'button';
    open.title = t('open_conversation');
    open.addEventListener('click', () => {
      showView('chat');
      openConversation(h.conversation);
    });
    info.appendChild(open);
    info.appendChild(el('span', 'when', localTime(h.time)));
    li.appendChild(info);
    return li;
  }

  async function loadMemory() {
    let facts;
    let summary;
    try {
      if (memoryQuery) {
        // Facts and the conversations' turns, best first (the results of `memory search`).
        facts = (await api('GET', '/api/memory/search?q=' + encodeURIComponent(memoryQuery) +
          '&k=50')).results;
        summary = t('facts_found', {n: facts.length});
      } else {
        const r = await api('GET', '/api/memory?limit=500');
        facts = r.facts;
        summary = t('facts_total', {n: r.total});
      }
    } catch (e) {
      showError(e);
      return;
    }
    $('memory-summary').textContent = facts.length || memoryQuery ? summary : t('no_facts');
    $('memory-list').replaceChildren(...facts.map((f) => (f.kind === 'turn' ? turnItem(f)
      : factItem(f))));
  }

  // ---- reminders ----

  async function loadReminders() {
    let list;
    try {
      list = (await api('GET', '/api/reminders')).reminders;
    } catch (e) {
      showError(e);
      return;
    }
    const ul = $('reminder-list');
    ul.replaceChildren();
    if (!list.length) ul.appendChild(el('li', 'muted', t('no_reminders')));
    for (const r of list) {
      const li = el('li', 'reminder');
      li.dataset.id = String(r.id);
      li.appendChild(el('span', 'reminder-text', r.text));
      li.appendChild(el('span', 'when', localTime(r.due)));
      li.appendChild(button('reminder-cancel', 'cancel_reminder', async () => {
        try {
          await api('DELETE', '/api/reminders/' + r.id);
          loadReminders();
        } catch (e) {
          showError(e);
        }
      }));
      ul.appendChild(li);
    }
  }

  // Announce the reminders that fell due (each comes back once).
  async function pollDue() {
    if (document.hidden) return;
    try {
      const due = (await api('POST', '/api/reminders/due', {})).reminders;
      for (const r of due) toast(t('due_reminder', {text: r.text}), 'reminder');
      if (due.length && $('view-reminders').classList.contains('active')) loadReminders();
    } catch (e) { /* announced at the next poll */ }
  }

  // ---- stats ----

  function stat(label, value) {
    const box = el('div', 'stat');
    box.appendChild(el('div', 'label', label));
    box.appendChild(el('div', 'value', value));
    return box;
  }

  function duration(s) {
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return h ? t('dur_hm', {h, m}) : m ? t('dur_ms', {m, s: s % 60}) : t('dur_s', {s});
  }

  // A round upper bound for an axis.
  function niceMax(v) {
    if (!(v > 0)) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const f of [1, 2, 2.5, 5, 10]) if (f * p >= v) return f * p;
    return 10 * p;
  }

  // Bars of generation speed (left axis) and a line of time to first token (right axis).
  function drawChart(recent) {
    const box = $('stats-chart');
    box.replaceChildren();
    if (!recent.length) {
      box.appendChild(el('p', 'muted', t('chart_empty')));
      return;
    }
    const W = 640, H = 220, L = 48, R = 56, T = 14, B = 26;
    const w = W - L - R, h = H - T - B;
    const tpsMax = niceMax(Math.max(...recent.map((r) => r.gen_tps || 0)));
    const ttftMax = niceMax(Math.max(...recent.map((r) => r.ttft_ms || 0)));
    const chart = svg('svg', {viewBox: `0 0 ${W} ${H}`, role: 'img', id: 'speed-chart',
      class: 'speed-chart', 'aria-label': t('chart_label', {n: recent.length})});
    chart.appendChild(svg('title', {}, t('chart_label', {n: recent.length})));
    for (let i = 0; i <= 4; i++) {
      const y = T + h - (h * i) / 4;
      chart.appendChild(svg('line', {x1: L, x2: L + w, y1: y, y2: y, class: 'grid'}));
      chart.appendChild(svg('text', {x: L - 6, y: y + 4, class: 'axis tps', 'text-anchor': 'end'},
        +(tpsMax * i / 4).toFixed(2)));
      chart.appendChild(svg('text', {x: L + w + 6, y: y + 4, class: 'axis ttft'},
        Math.round(ttftMax * i / 4)));
    }
    chart.appendChild(svg('text', {x: 4, y: H - 6, class: 'axis tps'}, t('gen_tps')));
    chart.appendChild(svg('text', {x: W - 4, y: H - 6, class: 'axis ttft', 'text-anchor': 'end'},
      t('ttft')));
    const step = w / recent.length;
    const points = [];
    recent.forEach((r, i) => {
      const bh = (h * (r.gen_tps || 0)) / tpsMax;
      const bw = Math.max(1, Math.min(step * 0.7, 40));
      const bar = svg('rect', {x: L + (i + 0.5) * step - bw / 2, y: T + h - bh, width: bw,
        height: bh, class: 'bar'});
      bar.appendChild(svg('title', {}, `${localTime(r.time)} · ${(r.gen_tps || 0).toFixed(1)} ` +
        `${t('gen_tps')} · ${Math.round(r.ttft_ms || 0)} ms · ${r.route}`));
      chart.appendChild(bar);
      points.push(`${(L + (i + 0.5) * step).toFixed(1)},` +
        `${(T + h - (h * (r.ttft_ms || 0)) / ttftMax).toFixed(1)}`);
    });
    chart.appendChild(svg('polyline', {points: points.join(' '), class: 'ttft-line'}));
    points.forEach((p) => {
      const [x, y] = p.split(',');
      chart.appendChild(svg('circle', {cx: x, cy: y, r: 2.5, class: 'ttft-dot'}));
    });
    box.appendChild(chart);
  }

  async function loadStats() {
    let s;
    try {
      s = await api('GET', '/api/stats');
    } catch (e) {
      showError(e);
      return;
    }
    const tot = s.totals || {};
    $('stats-summary').replaceChildren(
      stat(t('model'), s.model || t('none')),
      stat(t('uptime'), duration(s.uptime_s || 0)),
      stat(t('context'), `${s.context.used} / ${s.context.size}`),
      stat(t('facts'), s.facts === null ? '—' : s.facts),
      stat(t('requests'), tot.requests || 0),
      stat(t('generations'), tot.generations || 0),
      stat(t('tokens_generated'), tot.generated_tokens || 0),
      stat(t('queue'), `${s.queue.waiting} / ${s.queue.capacity}`));
    drawChart(s.recent || []);
    loadHistory();
  }

  // The same chart as `symbiot stats --plot`, drawn by the server from the turns recorded in the
  // memory database, its labels in the page's language. Fetched with the API key like any call,
  // then shown as a data: image (an SVG in an <img> runs no script, and the page's CSP allows
  // data: images).
  async function loadHistory() {
    const box = $('stats-history');
    let resp;
    try {
      resp = await fetch(`/api/stats/chart.svg?limit=100&lang=${lang}`, {headers: headers(false)});
    } catch (e) {
      return;
    }
    if (resp.status === 404) {
      box.replaceChildren(el('p', 'muted', t('history_empty')));
      return;
    }
    if (!resp.ok) {
      showError(await errorOf(resp));
      return;
    }
    const img = document.createElement('img');
    img.id = 'history-chart';
    img.className = 'history-chart';
    img.alt = t('history_title');
    img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(await resp.text());
    box.replaceChildren(img);
  }

  // ---- start ----

  async function health() {
    try {
      const h = await (await fetch('/health')).json();
      $('status').textContent = h.model || t('none');
    } catch (e) {
      $('status').textContent = t('offline');
    }
  }

  function init() {
    applyLang();
    $('key-button').hidden = !apiKey; // shown once a request says a key is needed
    $('lang').addEventListener('change', () => {
      lang = $('lang').value;
      localStorage.setItem('symbiot.lang', lang);
      applyLang();
      const active = document.querySelector('.tab.active');
      showView(active ? active.dataset.view : 'chat');
      if (conversationId !== null && !streaming) openConversation(conversationId); // its dates
    });
    document.querySelectorAll('.tab').forEach((b) => {
      b.addEventListener('click', () => showView(b.dataset.view));
    });
    $('key-button').addEventListener('click', () => {
      $('key-form').hidden = !$('key-form').hidden;
    });
    $('key-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      apiKey = $('key-input').value.trim();
      localStorage.setItem('symbiot.key', apiKey);
      $('key-form').hidden = true;
      loadConversations();
    });
    $('chat-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const text = $('chat-input').value.trim();
      if (!text || streaming) return;
      $('chat-input').value = '';
      send(text);
    });
    $('chat-input').addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        $('chat-form').requestSubmit();
      }
    });
    let lastTop = 0; // only a scroll up (the reader's) stops the following; back at the end resumes it
    $('messages').addEventListener('scroll', () => {
      const m = $('messages');
      if (m.scrollHeight - m.scrollTop - m.clientHeight < 24) following = true;
      else if (m.scrollTop < lastTop) following = false;
      lastTop = m.scrollTop;
    }, {passive: true});
    $('stop').addEventListener('click', () => streaming && streaming.controller.abort());
    $('new-conv').addEventListener('click', () => {
      drawer(false);
      newConversation();
    });
    $('export').addEventListener('click', exportConversation);
    let searchTimer = 0;
    $('conv-search').addEventListener('input', () => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(loadConversations, 250);
    });
    $('menu-button').addEventListener('click', () => {
      showView('chat');
      drawer(!document.body.classList.contains('drawer-open'));
    });
    $('drawer-backdrop').addEventListener('click', () => drawer(false));
    document.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape' && document.body.classList.contains('drawer-open')) {
        drawer(false);
        $('menu-button').focus();
      }
    });
    $('memory-add').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const text = $('memory-text').value.trim();
      if (!text) return;
      try {
        await api('POST', '/api/memory', {text, source: 'web'});
        $('memory-text').value = '';
        memoryQuery = '';
        $('memory-q').value = '';
        loadMemory();
      } catch (e) {
        showError(e);
      }
    });
    $('memory-search').addEventListener('submit', (ev) => {
      ev.preventDefault();
      memoryQuery = $('memory-q').value.trim();
      loadMemory();
    });
    $('memory-all').addEventListener('click', () => {
      memoryQuery = '';
      $('memory-q').value = '';
      loadMemory();
    });
    $('reminder-add').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const text = $('reminder-text').value.trim();
      const due = $('reminder-due').value; // local time, "2027-06-12T18:00"
      if (!text) return;
      if (!due) return toast(t('need_due'), 'error');
      try {
        await api('POST', '/api/reminders', {text, due: Math.floor(new Date(due) / 1000)});
        $('reminder-text').value = '';
        loadReminders();
      } catch (e) {
        showError(e);
      }
    });
    health();
    loadConversations();
    pollDue();
    setInterval(pollDue, 30000);
  }

  init();
})();
