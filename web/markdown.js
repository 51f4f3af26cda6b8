// markdown.js: markdown as chat models write it, rendered so that it cannot inject markup.
// Model answers and stored facts are untrusted text: a model can be talked into writing
// "<img src=x onerror=...>" or "<script>", and a fact can hold anything.
//
// Parsing is markdown-it's (web/vendor/markdown-it, html disabled, so HTML in the input is text),
// with markdown-it-texmath's rules for math ($...$, $$...$$, \(...\), \[...\]). This file never
// uses markdown-it's HTML renderer: it walks the parser's tokens and builds DOM nodes with
// createElement and createTextNode, from a fixed set of elements, so the text of the answer is
// only ever characters. Two libraries return HTML: highlight.js (code colouring) and KaTeX (math).
// Their HTML goes through DOMPurify (web/vendor/dompurify), which parses it in an inert document
// and keeps only an allow-list: <span class> for code, KaTeX's spans, MathML and SVG paths for
// math. Links are kept only for http, https and mailto (javascript: and data: stay text) and open
// in a new tab without an opener; images become links (the page loads nothing from elsewhere).
//
// What it renders: paragraphs (single newlines kept as line breaks), headings, fenced code with
// highlighting, a language label and a copy button (an unclosed fence, as while streaming, runs
// to the end), quotes, lists, task lists (- [ ] / - [x]), tables, rules, `code`, bold, italic,
// strikethrough, links, and math.
//
// Blocks are built by small functions keyed by token type (BLOCK, INLINE below): a new kind of
// block (a model's reasoning, a tool call) is one more entry. Highlighted code and math are cached
// by their source, so re-rendering a streaming answer every frame costs little.
'use strict';

(function () {
  const md = window.markdownit({html: false, linkify: true, breaks: true, typographer: false})
    .use(window.texmath, {engine: window.katex, delimiters: ['dollars', 'brackets']});

  // What highlight.js and KaTeX may produce, and nothing else.
  const CODE_PURIFY = {ALLOWED_TAGS: ['span'], ALLOWED_ATTR: ['class'], RETURN_DOM_FRAGMENT: true};
  const MATH_PURIFY = {
    ALLOWED_TAGS: ['span', 'math', 'semantics', 'annotation', 'mrow', 'mi', 'mo', 'mn', 'ms',
      'mtext', 'mspace', 'msup', 'msub', 'msubsup', 'mfrac', 'msqrt', 'mroot', 'mover', 'munder',
      'munderover', 'mtable', 'mtr', 'mtd', 'mpadded', 'mphantom', 'menclose', 'mstyle', 'svg',
      'path', 'line'],
    ALLOWED_ATTR: ['class', 'style', 'aria-hidden', 'encoding', 'mathvariant', 'stretchy',
      'fence', 'separator', 'lspace', 'rspace', 'columnalign', 'rowspacing', 'columnspacing',
      'displaystyle', 'scriptlevel', 'accent', 'accentunder', 'linethickness', 'minsize',
      'maxsize', 'movablelimits', 'width', 'height', 'depth', 'voffset', 'notation', 'xmlns',
      'viewBox', 'preserveAspectRatio', 'd', 'x1', 'x2', 'y1', 'y2', 'stroke-width', 'display'],
    RETURN_DOM_FRAGMENT: true,
  };
  const KATEX = {throwOnError: false, trust: false, strict: 'ignore', maxSize: 50, maxExpand: 500,
    output: 'htmlAndMathml'};

  // A small cache of rendered code and math by source: a fragment to clone.
  const cache = new Map();
  function cached(key, make) {
    let frag = cache.get(key);
    if (!frag) {
      frag = make();
      if (cache.size >= 200) cache.delete(cache.keys().next().value);
      cache.set(key, frag);
    }
    return frag.cloneNode(true);
  }

  // Inline styles from KaTeX are sizes and offsets; nothing that could cover the page or fetch.
  function safeStyles(frag) {
    frag.querySelectorAll('[style]').forEach((e) => {
      if (/url\s*\(|position\s*:\s*(fixed|absolute|sticky)|expression|@import/i.test(
        e.getAttribute('style'))) e.removeAttribute('style');
    });
    return frag;
  }

  function math(tex, display) {
    return cached((display ? 'M' : 'm') + tex, () => {
      const box = document.createElement(display ? 'div' : 'span');
      box.className = display ? 'math math-display' : 'math';
      box.appendChild(safeStyles(window.DOMPurify.sanitize(
        window.katex.renderToString(tex, Object.assign({displayMode: display}, KATEX)),
        MATH_PURIFY)));
      return box;
    });
  }

  function safeUrl(href) {
    let url;
    try {
      url = new URL(href, 'http://invalid./'); // a relative link resolves here, then is refused
    } catch (e) {
      return null;
    }
    if (url.hostname === 'invalid.') return null;
    return ['http:', 'https:', 'mailto:'].includes(url.protocol) ? url.href : null;
  }

  function copyText(text, btn, labels) {
    const done = (ok) => {
      btn.textContent = ok ? labels.copied : labels.copy_failed;
      btn.classList.toggle('copied', ok);
      setTimeout(() => {
        btn.textContent = labels.copy;
        btn.classList.remove('copied');
      }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(() => done(true), () => done(false));
      return;
    }
    // Not a secure context (the page opened over a LAN address): select the code and copy that.
    const pre = btn.closest('.codeblock').querySelector('pre');
    const range = document.createRange();
    range.selectNodeContents(pre);
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch (e) { /* refused */ }
    sel.removeAllRanges();
    done(ok);
  }

  // A fenced code block: a header with the language and a copy button, then the code.
  function codeBlock(text, info, labels) {
    const lang = (info || '').trim().split(/\s+/)[0].toLowerCase();
    const box = document.createElement('div');
    box.className = 'codeblock';
    const head = document.createElement('div');
    head.className = 'code-head';
    const label = document.createElement('span');
    label.className = 'code-lang';
    label.textContent = lang || labels.code;
    const btn = document.createElement('button');
    btn.type = 'button';
    btn.className = 'copy';
    btn.textContent = labels.copy;
    btn.addEventListener('click', () => copyText(text, btn, labels));
    head.append(label, btn);
    const pre = document.createElement('pre');
    const known = lang && window.hljs && window.hljs.getLanguage(lang);
    if (known) {
      pre.appendChild(cached('c' + lang + '\n' + text, () => {
        const code = document.createElement('code');
        code.className = 'hljs language-' + lang;
        code.dataset.lang = lang;
        code.appendChild(window.DOMPurify.sanitize(
          window.hljs.highlight(text, {language: lang, ignoreIllegals: true}).value, CODE_PURIFY));
        return code;
      }));
    } else {
      const code = document.createElement('code');
      if (lang) code.dataset.lang = lang;
      code.textContent = text;
      pre.appendChild(code);
    }
    box.append(head, pre);
    return box;
  }

  // Element names for the parser's open/close tokens; anything else is not built.
  const TAGS = new Set(['p', 'blockquote', 'ul', 'ol', 'li', 'table', 'thead', 'tbody', 'tr', 'th',
    'td', 'strong', 'em', 's', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

  // Leaf tokens: each returns the node to append (or null).
  const LEAF = {
    text: (tok) => document.createTextNode(tok.content),
    code_inline: (tok) => {
      const c = document.createElement('code');
      c.textContent = tok.content;
      return c;
    },
    softbreak: () => document.createElement('br'),
    hardbreak: () => document.createElement('br'),
    hr: () => document.createElement('hr'),
    fence: (tok, labels) => codeBlock(tok.content.replace(/\n$/, ''), tok.info, labels),
    code_block: (tok, labels) => codeBlock(tok.content.replace(/\n$/, ''), '', labels),
    math_inline: (tok) => math(tok.content, false),
    math_inline_double: (tok) => math(tok.content, true),
    math_block: (tok) => math(tok.content, true),
    math_block_eqno: (tok) => math(tok.content, true),
    html_block: (tok) => document.createTextNode(tok.content), // never with html off; as text
    html_inline: (tok) => document.createTextNode(tok.content),
    image: (tok) => { // as a link to it, or its text: the page fetches nothing from elsewhere
      const href = safeUrl(tok.attrGet('src') || '');
      const alt = tok.content || (href || '');
      if (!href) return document.createTextNode(alt);
      const a = link(href);
      a.textContent = alt;
      return a;
    },
  };

  function link(href) {
    const a = document.createElement('a');
    a.setAttribute('href', href);
    a.setAttribute('target', '_blank');
    a.setAttribute('rel', 'noopener noreferrer');
    return a;
  }

  // The element an open token starts (or null to keep its children in the parent).
  function open(tok) {
    if (tok.type === 'link_open') {
      const href = safeUrl(tok.attrGet('href') || '');
      return href ? link(href) : null;
    }
    if (tok.type === 'paragraph_open' && tok.hidden) return null; // a tight list's item
    if (!TAGS.has(tok.tag)) return null;
    let tag = tok.tag;
    if (/^h[1-6]$/.test(tag)) tag = 'h' + Math.min(6, Number(tag[1]) + 2); // below the page's own
    const e = document.createElement(tag);
    if (tag === 'ol') {
      const start = Number(tok.attrGet('start'));
      if (start > 1 && start < 1e9) e.setAttribute('start', String(start));
    }
    const align = /text-align:(left|right|center)/.exec(tok.attrGet('style') || '');
    if (align) e.className = 'align-' + align[1];
    if (tok.meta && tok.meta.task) {
      e.className = 'task';
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.disabled = true;
      box.checked = tok.meta.task === 'done';
      e.appendChild(box);
    }
    return e;
  }

  // Mark "- [ ] text" and "- [x] text" list items as tasks and take the box out of their text.
  function tasks(tokens) {
    for (let i = 0; i + 2 < tokens.length; i++) {
      if (tokens[i].type !== 'list_item_open' || tokens[i + 1].type !== 'paragraph_open') continue;
      const inline = tokens[i + 2];
      const m = inline.type === 'inline' && /^\[([ xX])\][ \t]/.exec(inline.content);
      const first = m && inline.children[0];
      if (!first || first.type !== 'text' || !first.content.startsWith(m[0])) continue;
      first.content = first.content.slice(m[0].length);
      tokens[i].meta = Object.assign({}, tokens[i].meta, {task: m[1] === ' ' ? 'todo' : 'done'});
    }
  }

  // Append the nodes of tokens to root; a token's children (inline content) recursively.
  function build(root, tokens, labels) {
    const stack = [root];
    for (const tok of tokens) {
      const parent = stack[stack.length - 1];
      if (tok.nesting === 1) {
        const e = open(tok);
        if (e) parent.appendChild(e);
        stack.push(e || parent);
        if (e && e.tagName === 'TABLE') { // wide tables scroll on their own
          const wrap = document.createElement('div');
          wrap.className = 'table-wrap';
          parent.replaceChild(wrap, e);
          wrap.appendChild(e);
        }
      } else if (tok.nesting === -1) {
        if (stack.length > 1) stack.pop();
      } else if (tok.type === 'inline') {
        build(parent, tok.children || [], labels);
      } else if (LEAF[tok.type]) {
        const node = LEAF[tok.type](tok, labels);
        if (node) parent.appendChild(node);
      } else if (tok.content) {
        parent.appendChild(document.createTextNode(tok.content)); // unknown: its text, as text
      }
    }
  }

  const LABELS = {copy: 'Copy', copied: 'Copied', copy_failed: 'Copy failed', code: 'code'};

  // Render text into a new DocumentFragment. labels: the copy button's and code label's texts
  // ({copy, copied, copy_failed, code}) in the page's language; English when absent.
  function render(text, labels) {
    const frag = document.createDocumentFragment();
    const tokens = md.parse(String(text), {});
    tasks(tokens);
    build(frag, tokens, Object.assign({}, LABELS, labels));
    return frag;
  }

  window.SymMarkdown = {render};
})();
