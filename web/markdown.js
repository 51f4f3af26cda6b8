// markdown.js: a small markdown renderer that cannot inject markup. Model answers and stored
// facts are untrusted text: a model can be talked into writing "<img src=x onerror=...>" or
// "<script>", and a fact can hold anything. So this never parses HTML at all: it builds DOM
// nodes with createElement and puts every piece of text in with createTextNode, which the
// browser treats as characters, never as tags. HTML in the input therefore shows as written.
//
// Supported, as chat models use it: paragraphs (single newlines kept as line breaks), # headings,
// ``` fenced code (an unclosed fence, as while streaming, runs to the end), > quotes, - * + and
// 1. lists, `code`, **bold**, __bold__, *italic*, _italic_, and [links](https://...): only http,
// https and mailto addresses become links (javascript: and data: stay text); they open in a new
// tab without an opener.
'use strict';

(function () {
  const INLINE = /(`+)([\s\S]*?[^`])\1(?!`)|\*\*(?=\S)([\s\S]*?\S)\*\*|__(?=\S)([\s\S]*?\S)__|\*(?=[^\s*])([^*]*?[^\s*])\*|(^|[^\w])_(?=[^\s_])([^_]*?[^\s_])_(?!\w)|\[([^\]\n]+)\]\(([^()\s]+)\)/g;

  function safeUrl(href) {
    let url;
    try {
      url = new URL(href);
    } catch (e) {
      return null;
    }
    return ['http:', 'https:', 'mailto:'].includes(url.protocol) ? url.href : null;
  }

  // Append the inline markup of text to parent.
  function inline(parent, text) {
    const re = new RegExp(INLINE.source, 'g'); // its own, as the calls below recurse
    let last = 0;
    for (let m; (m = re.exec(text));) {
      let start = m.index;
      if (m[6] !== undefined) start += m[6].length; // the character before _italic_
      if (start > last) parent.appendChild(document.createTextNode(text.slice(last, start)));
      let el;
      if (m[1] !== undefined) {
        el = document.createElement('code');
        el.textContent = m[2];
      } else if (m[3] !== undefined || m[4] !== undefined) {
        el = document.createElement('strong');
        inline(el, m[3] !== undefined ? m[3] : m[4]);
      } else if (m[5] !== undefined || m[7] !== undefined) {
        el = document.createElement('em');
        inline(el, m[5] !== undefined ? m[5] : m[7]);
      } else {
        const href = safeUrl(m[9]);
        if (href) {
          el = document.createElement('a');
          el.setAttribute('href', href);
          el.setAttribute('target', '_blank');
          el.setAttribute('rel', 'noopener noreferrer');
          inline(el, m[8]);
        } else {
          el = document.createTextNode(m[0]);
        }
      }
      parent.appendChild(el);
      last = re.lastIndex;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  // Lines of one paragraph or list item, with line breaks between them.
  function lines(parent, list) {
    list.forEach((line, i) => {
      if (i) parent.appendChild(document.createElement('br'));
      inline(parent, line);
    });
  }

  // Render text into a new DocumentFragment.
  function render(text) {
    const frag = document.createDocumentFragment();
    const src = String(text).replace(/\r\n?/g, '\n').split('\n');
    let para = [];
    let list = null; // {el, ordered}
    let quote = null;

    function flushPara() {
      if (!para.length) return;
      const p = document.createElement('p');
      lines(p, para);
      (quote || frag).appendChild(p);
      para = [];
    }
    function endList() {
      list = null;
    }
    function endQuote() {
      flushPara();
      quote = null;
    }

    for (let i = 0; i < src.length; i++) {
      const line = src[i];
      let m;
      if ((m = /^\s*(```+|~~~+)\s*([\w+-]*)\s*$/.exec(line))) {
        endQuote();
        endList();
        const fence = m[1];
        const body = [];
        for (i++; i < src.length && !src[i].trim().startsWith(fence); i++) body.push(src[i]);
        const pre = document.createElement('pre');
        const code = document.createElement('code');
        if (m[2]) code.dataset.lang = m[2];
        code.textContent = body.join('\n');
        pre.appendChild(code);
        frag.appendChild(pre);
        continue;
      }
      if (!line.trim()) {
        flushPara();
        endList();
        quote = null;
        continue;
      }
      if ((m = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line))) {
        endQuote();
        endList();
        const h = document.createElement('h' + Math.min(6, m[1].length + 2));
        inline(h, m[2]);
        frag.appendChild(h);
        continue;
      }
      if ((m = /^\s*>\s?(.*)$/.exec(line))) {
        endList();
        if (!quote) {
          flushPara();
          quote = document.createElement('blockquote');
          frag.appendChild(quote);
        }
        para.push(m[1]);
        continue;
      }
      const ul = /^\s*[-*+]\s+(.*)$/.exec(line);
      const ol = ul ? null : /^\s*(\d{1,9})[.)]\s+(.*)$/.exec(line);
      if (ul || ol) {
        endQuote();
        const ordered = !!ol;
        if (!list || list.ordered !== ordered) {
          list = {el: document.createElement(ordered ? 'ol' : 'ul'), ordered};
          if (ordered && ol[1] !== '1') list.el.setAttribute('start', String(parseInt(ol[1], 10)));
          frag.appendChild(list.el);
        }
        const li = document.createElement('li');
        inline(li, ordered ? ol[2] : ul[1]);
        list.el.appendChild(li);
        continue;
      }
      if (list && /^\s{2,}\S/.test(line)) { // a list item's continuation line
        const li = list.el.lastChild;
        li.appendChild(document.createElement('br'));
        inline(li, line.trim());
        continue;
      }
      endList();
      if (quote) endQuote();
      para.push(line);
    }
    flushPara();
    return frag;
  }

  window.SymMarkdown = {render};
})();
