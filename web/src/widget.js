/* Golden Hour web widget.
 *
 * Full page: the server's /webhooks/widget/ page. Embedded: one tag in any page
 * whose origin is on the server's allow-list:
 *   <script src="https://SERVER/webhooks/widget/widget.js" defer></script>
 * It renders into an element with id "golden-hour" if the page has one, or
 * otherwise adds an "Open Golden Hour" button that opens it as a panel.
 *
 * Rules kept throughout: text from the bot or the user is only ever set with
 * textContent, never as HTML; the emergency line sits outside the scrolling
 * conversation so it never scrolls away; new messages are announced through the
 * conversation's live region (role="log"). Phone numbers and addresses become
 * links only from the server's sourced contacts list (session_confirm "links"):
 * none is written in this script.
 */
(function () {
  "use strict";

  const script = document.currentScript;
  const base = new URL(script ? script.src : window.location.href).origin;
  const PATH = "/webhooks/widget";
  let STORE_KEY = "golden-hour:" + base;

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (name === "className") node.className = value;
      else node.setAttribute(name, value);
    }
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const tag = el("script", { src: src });
      tag.onload = resolve;
      tag.onerror = reject;
      document.head.appendChild(tag);
    });
  }

  function loadStyle(href) {
    if (document.querySelector('link[data-golden-hour]')) return;
    const link = el("link", { rel: "stylesheet", href: href, "data-golden-hour": "" });
    document.head.appendChild(link);
  }

  // --- what survives a page reload (this tab only) ---------------------------
  // A random key a load balancer routes on, so every socket.io request of this
  // conversation (long-poll and websocket upgrade) reaches the same server
  // (deploy/haproxy.cfg). Not a credential: the signed session never goes in a URL.
  function newRoute() {
    const bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function loadState() {
    try {
      const raw = window.sessionStorage.getItem(STORE_KEY);
      const state = raw ? JSON.parse(raw) : null;
      if (state && typeof state.session === "string" && Array.isArray(state.transcript)) {
        if (typeof state.route !== "string") state.route = newRoute();
        return state;
      }
    } catch {
      /* storage blocked or damaged: start afresh */
    }
    return { session: null, transcript: [], language: "en_GB", route: newRoute() };
  }

  function saveState(state) {
    try {
      window.sessionStorage.setItem(STORE_KEY, JSON.stringify(state));
    } catch {
      /* storage full or blocked: the conversation goes on without it */
    }
  }

  // --- the widget ---------------------------------------------------------------
  function Widget(host, mode) {
    this.host = host;
    this.mode = mode;
    // The training page: practice on fictional scenarios, kept apart from real
    // conversations (its own session, its own storage).
    this.training = host.dataset.training === "1";
    if (this.training) STORE_KEY = "golden-hour:training:" + base;
    this.group = new URLSearchParams(window.location.search).get("group");
    this.state = loadState();
    this.texts = null;
    this.allTexts = null;
    this.socket = null;
    this.waiting = 0;
    this.focusChoices = false;
    this.links = [];
    this.linkPattern = null;
    // Headings inside messages sit one level under the widget's title.
    this.level = mode === "page" ? 2 : 3;
    this.build();
  }

  Widget.prototype.t = function (key) {
    const texts = this.texts || {};
    return texts[key] || "";
  };

  Widget.prototype.build = function () {
    const root = el("section", {
      className: "gh-widget gh-mode-" + this.mode,
      "aria-labelledby": "gh-title",
      lang: "en-GB",
    });
    const header = el("header", { className: "gh-header" });
    const heading = el(this.mode === "page" ? "h1" : "h2", { id: "gh-title", className: "gh-title" });
    heading.textContent = "Golden Hour";
    this.subtitle = el("p", { className: "gh-subtitle" });
    const titles = el("div", { className: "gh-titles" });
    titles.append(heading, this.subtitle);
    this.langButton = el("button", { type: "button", className: "gh-lang", disabled: "" });
    this.langButton.setAttribute("aria-disabled", "true");
    this.langButton.addEventListener("click", () => this.send("/switch_language", null));
    header.append(titles, this.langButton);
    if (this.mode === "panel") {
      this.closeButton = el("button", { type: "button", className: "gh-close" }, "×");
      this.closeButton.addEventListener("click", () => this.close());
      header.append(this.closeButton);
    }
    this.heading = heading;

    // Always visible: outside the scrolling log.
    this.emergency = el("p", { className: "gh-emergency" });
    this.trainingBanner = el("p", { className: "gh-training-banner" });
    if (!this.training) this.trainingBanner.setAttribute("hidden", "");
    this.progress = el("p", { className: "gh-progress", role: "status" });
    this.notice = el("p", { className: "gh-notice", role: "status" });

    this.log = el("div", { className: "gh-log", role: "log", "aria-live": "polite", tabindex: "0" });
    this.typing = el("p", { className: "gh-typing", "aria-hidden": "true", hidden: "" });
    this.typing.append(el("span", { className: "gh-typing-text" }), el("span", { className: "gh-dots" }));

    const form = el("form", { className: "gh-form", novalidate: "" });
    this.inputLabel = el("label", { for: "gh-input", className: "gh-visually-hidden" });
    this.input = el("textarea", { id: "gh-input", className: "gh-input", rows: "2", maxlength: "2000", disabled: "" });
    this.sendButton = el("button", { type: "submit", className: "gh-send", disabled: "" });
    form.append(this.inputLabel, this.input, this.sendButton);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submitTyped();
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submitTyped();
      }
    });

    root.append(header, this.emergency, this.trainingBanner, this.progress, this.log, this.typing, this.notice, form);
    if (this.mode === "panel") {
      // Embedded in another site: the service's own pages, from the panel's foot.
      this.footer = el("nav", { className: "gh-panel-footer" });
      root.append(this.footer);
    }
    if (this.mode === "panel") {
      root.addEventListener("keydown", (event) => {
        if (event.key === "Escape") this.close();
      });
    }
    this.root = root;
    this.host.appendChild(root);
    this.notice.textContent = "…";
  };

  Widget.prototype.applyTexts = function (language) {
    if (!this.allTexts) return;
    const lang = this.allTexts[language] ? language : "en_GB";
    this.texts = this.allTexts[lang];
    this.state.language = lang;
    this.root.setAttribute("lang", lang === "cy" ? "cy" : "en-GB");
    this.heading.textContent = this.t("title");
    this.subtitle.textContent = this.t("subtitle");
    this.emergency.replaceChildren();
    this.linkify(this.emergency, this.t("emergency"));
    this.trainingBanner.textContent = this.t("training_banner");
    this.langButton.textContent = this.t("switch_language");
    this.langButton.setAttribute("aria-label", this.t("switch_language_label"));
    this.langButton.setAttribute("lang", lang === "cy" ? "en-GB" : "cy");
    this.inputLabel.textContent = this.t("input_label");
    this.input.setAttribute("placeholder", this.t("input_placeholder"));
    this.sendButton.textContent = this.t("send");
    this.typing.firstChild.textContent = this.t("typing");
    this.log.setAttribute("aria-label", this.t("title"));
    if (this.closeButton) this.closeButton.setAttribute("aria-label", this.t("close"));
    if (this.launcher) this.launcher.textContent = this.t("open");
    this.applyFooter(lang);
  };

  // The footer's links to the service's pages: the full page's (served with it) and
  // the panel's own; their words and language follow the conversation's.
  Widget.prototype.applyFooter = function (lang) {
    const pages = ["about", "privacy", "accessibility", "feedback"];
    const suffix = lang === "cy" ? "?lang=cy" : "";
    if (this.footer && !this.footer.childElementCount) {
      const list = el("ul");
      for (const page of pages) {
        const a = el("a", { href: base + PATH + "/" + page, "data-gh-page": page, target: "_blank", rel: "noopener" });
        const li = el("li");
        li.append(a);
        list.append(li);
      }
      this.footer.append(list);
    }
    const nav = this.footer || document.querySelector(".gh-page-footer nav");
    if (!nav) return;
    nav.setAttribute("aria-label", this.t("footer_label"));
    for (const node of nav.querySelectorAll("[data-gh-text]")) node.textContent = this.t(node.getAttribute("data-gh-text"));
    nav.setAttribute("lang", lang === "cy" ? "cy" : "en-GB");
    for (const a of nav.querySelectorAll("a[data-gh-page]")) {
      const page = a.getAttribute("data-gh-page");
      a.textContent = this.t("page_" + page);
      a.setAttribute("href", base + PATH + "/" + page + suffix);
      if (this.footer) a.append(el("span", { className: "gh-visually-hidden" }, " " + this.t("new_tab")));
    }
  };

  // --- contacts as links ----------------------------------------------------------------
  Widget.prototype.setLinks = function (links) {
    this.links = (Array.isArray(links) ? links : []).filter(
      (l) => l && typeof l.text === "string" && l.text && typeof l.href === "string" && /^(tel:|mailto:|https:\/\/)/.test(l.href)
    );
    this.links.sort((a, b) => b.text.length - a.text.length);
    const escape = (t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    this.linkPattern = this.links.length
      ? new RegExp("(?<![\\w+/.@-])(" + this.links.map((l) => escape(l.text)).join("|") + ")(?![\\w/@-])", "g")
      : null;
    this.linkByText = new Map(this.links.map((l) => [l.text, l]));
  };

  // Appends text to a node, with every known contact number or address as a link
  // (tel:, mailto: or the web address). Text only ever goes in as text.
  Widget.prototype.linkify = function (node, text) {
    if (!this.linkPattern) {
      node.append(document.createTextNode(text));
      return node;
    }
    let last = 0;
    this.linkPattern.lastIndex = 0;
    let match;
    while ((match = this.linkPattern.exec(text)) !== null) {
      if (match.index > last) node.append(document.createTextNode(text.slice(last, match.index)));
      const link = this.linkByText.get(match[1]);
      const a = el("a", { href: link.href, className: "gh-link gh-link-" + link.kind }, match[1]);
      if (link.kind === "web") {
        a.setAttribute("target", "_blank");
        a.setAttribute("rel", "noopener noreferrer");
        a.append(el("span", { className: "gh-visually-hidden" }, " " + this.t("new_tab")));
      }
      node.append(a);
      last = match.index + match[1].length;
    }
    if (last < text.length) node.append(document.createTextNode(text.slice(last)));
    return node;
  };

  Widget.prototype.para = function (text, className) {
    return this.linkify(el("p", className ? { className: className } : {}), text);
  };

  // --- connection -------------------------------------------------------------------
  Widget.prototype.connect = function () {
    this.socket = io(base, { path: PATH + "/socket.io", query: { route: this.state.route } });
    this.socket.on("connect", () => {
      this.socket.emit("session_request", {
        session: this.state.session,
        training: this.training,
        group: this.group,
      });
    });
    this.socket.on("session_confirm", (data) => this.onSession(data));
    this.socket.on("bot_uttered", (message) => this.onBot(message));
    this.socket.on("draft", (draft) => this.onDraft(draft));
    this.socket.on("disconnect", () => this.offline());
    this.socket.on("connect_error", () => this.offline());
  };

  Widget.prototype.onSession = function (data) {
    if (!data || typeof data.session !== "string") return;
    const fresh = !data.resumed || data.session !== this.state.session;
    this.allTexts = data.texts || this.allTexts;
    if (Array.isArray(data.links)) this.setLinks(data.links);
    if (fresh) {
      this.state = {
        session: data.session,
        transcript: [],
        language: this.state.language,
        route: this.state.route,
      };
      this.log.replaceChildren();
    }
    this.applyTexts(this.state.language);
    saveState(this.state);
    this.notice.textContent = "";
    this.langButton.removeAttribute("disabled");
    this.langButton.removeAttribute("aria-disabled");
    this.input.removeAttribute("disabled");
    this.sendButton.removeAttribute("disabled");
    // Opened before the session was ready, the panel could not focus the (then
    // disabled) input; give it focus now, unless the user has moved elsewhere.
    const active = document.activeElement;
    if (this.launcher && !this.root.hidden && (!active || active === document.body || active === this.launcher)) {
      this.input.focus();
    }
    if (fresh) {
      this.send("/greet", null);
    } else if (!this.restored) {
      this.restore();
    }
  };

  Widget.prototype.offline = function () {
    if (!this.allTexts) {
      this.notice.textContent = "…";
      return;
    }
    this.notice.textContent = this.t("offline") + " " + this.t("safety");
    this.setWaiting(false, true);
  };

  // --- rendering ----------------------------------------------------------------------
  Widget.prototype.restore = function () {
    this.restored = true;
    this.restoring = true;
    this.log.setAttribute("aria-busy", "true");
    const items = this.state.transcript;
    items.forEach((item, index) => this.render(item, index === items.length - 1));
    this.log.removeAttribute("aria-busy");
    this.restoring = false;
    this.scrollDown();
  };

  Widget.prototype.remember = function (item) {
    this.state.transcript.push(item);
    if (this.state.transcript.length > 400) this.state.transcript.shift();
    saveState(this.state);
  };

  Widget.prototype.onBot = function (message) {
    if (!message || typeof message.text !== "string") return;
    if (message.language && message.language !== this.state.language) {
      this.applyTexts(message.language);
    }
    const item = {
      who: "bot",
      text: message.text,
      kind: typeof message.kind === "string" ? message.kind : "text",
      buttons: Array.isArray(message.buttons) ? message.buttons : [],
      progress: typeof message.progress === "string" ? message.progress : "",
      language: this.state.language,
    };
    if (message.document && typeof message.document === "object") item.document = message.document;
    if (Array.isArray(message.rows)) item.rows = message.rows;
    this.remember(item);
    this.render(item, true);
    // The turn is whole only with its last message ("more" marks the others).
    if (message.more !== true) this.setWaiting(false);
    this.scrollDown();
  };

  Widget.prototype.render = function (item, latest) {
    const li = el("div", { className: "gh-msg gh-" + item.who + " gh-kind-" + item.kind });
    if (item.language) li.setAttribute("lang", item.language === "cy" ? "cy" : "en-GB");
    // Who said it, for screen readers (the bubbles' look says it for others).
    li.append(el("span", { className: "gh-visually-hidden" }, (item.who === "bot" ? this.t("bot") : this.t("you")) + ": "));
    let text = item.text;
    if (item.progress && text.endsWith("(" + item.progress + ")")) {
      text = text.slice(0, -(item.progress.length + 2)).trimEnd();
    }
    const tag = this.t("training_banner");
    if (this.training && tag && text.startsWith(tag + "\n")) {
      li.append(el("p", { className: "gh-tag" }, tag));
      text = text.slice(tag.length + 1);
    }
    // The language button in the header does what a greeting's "Cymraeg" choice
    // would, so the choice is not shown (it would be greyed out after the next message).
    const buttons = (item.buttons || []).filter((b) => String(b.payload) !== "/switch_language");
    // A list that only repeats the choices ("1. title" for text channels) is shown once, as the buttons.
    const listed = new Set(buttons.map((b, i) => i + 1 + ". " + String(b.title)));
    let documentHeading = null;
    if (item.kind === "summary" || item.kind === "debrief") {
      const box = this.renderSummary(text, item.kind, item.document);
      documentHeading = box.querySelector(".gh-summary-heading");
      li.append(box);
    } else if (item.kind === "check") {
      li.append(this.renderCheck(text, item.rows, latest && item.who === "bot"));
    } else {
      for (const line of text.split("\n")) {
        if (line.trim() && !listed.has(line.trim())) li.append(this.para(line));
      }
    }
    if (item.who === "bot" && buttons.length) {
      this.disableChoices();
      const group = el("div", { className: "gh-choices", role: "group", "aria-label": text.split("\n")[0] });
      for (const button of buttons) {
        const b = el("button", { type: "button", className: "gh-choice" }, String(button.title));
        b.addEventListener("click", () => {
          this.focusChoices = true;
          this.send(String(button.payload), String(button.title));
        });
        if (!latest) b.setAttribute("disabled", "");
        group.append(b);
      }
      li.append(group);
    }
    if (item.who === "bot" && item.kind === "question") {
      this.progress.textContent = item.progress || "";
    }
    this.log.append(li);
    if (latest && documentHeading && !this.restoring) {
      // The draft (or debrief) has arrived: focus its heading, with "Copy" and the
      // downloads right under it.
      this.focusChoices = false;
      this.pendingFocus = documentHeading;
    } else if (latest && buttons.length && this.focusChoices && !this.pendingFocus) {
      this.focusChoices = false;
      li.querySelector(".gh-choice").focus();
    }
  };

  Widget.prototype.h = function (offset, attrs, text) {
    return el("h" + Math.min(6, this.level + offset), attrs, text);
  };

  // "Check your answers": a summary list with a "Change" button per answer when the
  // rows come as data (GOV.UK summary-list pattern), else the listed lines.
  Widget.prototype.renderCheck = function (text, rows, latest) {
    const lines = text.split("\n");
    const box = el("div", { className: "gh-check" });
    box.append(this.h(0, { className: "gh-check-heading" }, lines[0]));
    if (!Array.isArray(rows) || !rows.length) {
      const list = el("ul", { className: "gh-check-list" });
      for (const line of lines.slice(1)) {
        if (line.trim()) list.append(this.linkify(el("li"), line));
      }
      box.append(list);
      return box;
    }
    const list = el("dl", { className: "gh-summary-list" });
    for (const row of rows) {
      const label = String(row.label || "");
      const change = el(
        "button",
        {
          type: "button",
          className: "gh-choice gh-change",
          "aria-label": this.t("change_label").replace("{question}", label),
        },
        this.t("change"),
      );
      change.addEventListener("click", () => {
        this.focusChoices = true;
        this.send(String(row.change), this.t("change") + ": " + label);
      });
      if (!latest) change.setAttribute("disabled", "");
      const actions = el("dd", { className: "gh-summary-actions" });
      actions.append(change);
      const line = el("div", { className: "gh-summary-row" });
      line.append(
        el("dt", { className: "gh-summary-key" }, label),
        el("dd", { className: "gh-summary-value" }, String(row.answer || "")),
        actions,
      );
      list.append(line);
    }
    box.append(list);
    return box;
  };

  // A draft from its structured form (bot/triage/summary.py Draft.as_document):
  // sections with headings, lists and task lists.
  Widget.prototype.renderDocument = function (doc) {
    const body = el("div", { className: "gh-doc-body" });
    body.append(this.h(1, { className: "gh-doc-title" }, String(doc.title || "")));
    if (doc.banner) body.append(this.para(String(doc.banner), "gh-doc-banner"));
    if (doc.raised_at) {
      const dl = el("dl", { className: "gh-doc-facts" });
      dl.append(el("dt", {}, String(doc.raised_label || this.t("raised_label"))), el("dd", {}, String(doc.raised_at)));
      body.append(dl);
    }
    for (const section of Array.isArray(doc.sections) ? doc.sections : []) {
      const part = el("section", { className: "gh-doc-section" });
      part.append(this.h(2, {}, String(section.heading || "")));
      let list = null;
      for (const item of Array.isArray(section.items) ? section.items : []) {
        const style = item.style === "task" || item.style === "bullet" ? item.style : "line";
        let node;
        if (style === "line") {
          list = null;
          node = this.para(String(item.text || ""));
          part.append(node);
        } else {
          if (!list || list.dataset.style !== style) {
            list = el("ul", { className: "gh-doc-list gh-doc-" + style });
            list.dataset.style = style;
            part.append(list);
          }
          node = this.linkify(el("li"), String(item.text || ""));
          list.append(node);
        }
        if (item.note) node.append(this.para(String(item.note), "gh-doc-note"));
      }
      body.append(part);
    }
    return body;
  };

  // A draft or debrief that came as text only: paragraphs, with its own list
  // marks ("- ") as lists and underlined lines as headings. Shown, never run.
  Widget.prototype.renderText = function (text) {
    const body = el("div", { className: "gh-doc-body" });
    const lines = text.split("\n");
    let list = null;
    let item = null;
    lines.forEach((line, i) => {
      const next = lines[i + 1] || "";
      if (/^-+$/.test(line.trim())) return;
      if (line.trim() && /^-+$/.test(next.trim()) && next.trim().length === line.trim().length) {
        body.append(this.h(1, {}, line.trim()));
        list = null;
        return;
      }
      if (!line.trim()) {
        list = null;
        item = null;
        return;
      }
      if (line.startsWith("- ")) {
        if (!list) {
          list = el("ul", { className: "gh-doc-list" });
          body.append(list);
        }
        item = this.linkify(el("li"), line.slice(2));
        list.append(item);
      } else if (/^\s/.test(line) && item) {
        item.append(this.para(line.trim(), "gh-doc-note"));
      } else {
        list = null;
        item = null;
        body.append(this.para(line));
      }
    });
    return body;
  };

  Widget.prototype.renderSummary = function (text, kind, doc) {
    const debrief = kind === "debrief";
    const box = el("section", { className: "gh-summary" });
    const id = "gh-draft-" + Math.random().toString(36).slice(2);
    const heading = debrief ? this.t("debrief_heading") : this.t("draft_heading");
    box.setAttribute("aria-labelledby", id);
    box.append(this.h(0, { className: "gh-summary-heading", id: id, tabindex: "-1" }, heading));
    const tools = el("div", { className: "gh-tools" });
    const copy = el("button", { type: "button", className: "gh-tool gh-copy" }, this.t("copy"));
    // A copied practice draft or debrief carries the banner, so it is never taken for a real one.
    const copied = this.training ? this.t("training_banner") + "\n" + text : text;
    copy.addEventListener("click", () => this.copy(copied, debrief ? "debrief_copied" : "copied"));
    const pdf = el("button", { type: "button", className: "gh-tool gh-pdf" }, this.t("download_pdf"));
    pdf.addEventListener("click", () => this.socket.emit("draft_request", { format: "pdf" }));
    const txt = el("button", { type: "button", className: "gh-tool gh-txt" }, this.t("download_text"));
    txt.addEventListener("click", () => this.socket.emit("draft_request", { format: "text" }));
    if (debrief) {
      copy.textContent = this.t("copy_debrief");
      pdf.textContent = this.t("download_debrief_pdf");
      txt.textContent = this.t("download_debrief_text");
    }
    // In training the downloads are the debrief's; the practice draft is only copied.
    if (this.training && !debrief) tools.append(copy);
    else tools.append(copy, pdf, txt);
    // The document itself: from its structured form when the reply carries one.
    const body = doc && Array.isArray(doc.sections) ? this.renderDocument(doc) : this.renderText(text);
    body.classList.add("gh-draft");
    box.append(tools, body);
    return box;
  };

  Widget.prototype.disableChoices = function () {
    for (const b of this.log.querySelectorAll(".gh-choice")) b.setAttribute("disabled", "");
  };

  // Brings the newest message into view, inside the log only (scrollIntoView could
  // also scroll the page or an embedding site). A draft just arrived is scrolled to
  // its heading, which takes the focus.
  Widget.prototype.scrollDown = function () {
    const reduce = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    const behavior = reduce ? "auto" : "smooth";
    const target = this.pendingFocus;
    if (target) {
      this.pendingFocus = null;
      // The message's top (its training tag too), so nothing of it is cut off.
      const box = target.closest(".gh-msg") || target;
      const top = box.getBoundingClientRect().top - this.log.getBoundingClientRect().top + this.log.scrollTop;
      this.log.scrollTo({ top: Math.max(0, top - 8), behavior: "auto" });
      target.focus({ preventScroll: true });
      // The rest of this turn's messages come in below without moving the view.
      this.holdScroll = true;
      return;
    }
    if (this.holdScroll) return;
    this.log.scrollTo({ top: this.log.scrollHeight, behavior: behavior });
  };

  Widget.prototype.setWaiting = function (on, reset) {
    this.waiting = reset ? 0 : Math.max(0, this.waiting + (on ? 1 : -1));
    if (this.waiting > 0) {
      this.typing.removeAttribute("hidden");
      this.log.setAttribute("aria-busy", "true");
    } else {
      this.typing.setAttribute("hidden", "");
      this.log.removeAttribute("aria-busy");
    }
  };

  // --- sending ------------------------------------------------------------------------
  Widget.prototype.submitTyped = function () {
    const text = this.input.value.trim();
    if (!text) return;
    this.input.value = "";
    this.focusChoices = false;
    this.send(text, text);
  };

  Widget.prototype.send = function (message, shown) {
    if (!this.socket || !this.socket.connected) {
      this.offline();
      return;
    }
    this.holdScroll = false;
    if (shown) {
      const item = { who: "user", text: shown, kind: "text", buttons: [], language: this.state.language };
      this.remember(item);
      this.render(item, true);
      this.disableChoices();
      this.scrollDown();
    }
    this.setWaiting(true);
    this.socket.emit("user_uttered", { message: message });
  };

  Widget.prototype.copy = function (text, copiedKey) {
    const done = () => { this.notice.textContent = this.t(copiedKey || "copied"); };
    const failed = () => { this.notice.textContent = this.t("copy_failed"); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, failed);
    } else {
      failed();
    }
  };

  Widget.prototype.onDraft = function (draft) {
    if (!draft || draft.error) {
      this.notice.textContent = this.t("no_draft");
      return;
    }
    let blob;
    if (draft.format === "pdf" && typeof draft.pdf_base64 === "string") {
      const bytes = Uint8Array.from(atob(draft.pdf_base64), (c) => c.charCodeAt(0));
      blob = new Blob([bytes], { type: "application/pdf" });
    } else if (draft.format === "text" && typeof draft.text === "string") {
      blob = new Blob([draft.text], { type: "text/plain;charset=utf-8" });
    } else {
      return;
    }
    const url = URL.createObjectURL(blob);
    const link = el("a", { href: url, download: String(draft.filename || "golden-hour-draft"), hidden: "" });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  };

  // --- panel mode (embedded without a host element) -----------------------------------
  Widget.prototype.addLauncher = function () {
    this.root.setAttribute("id", "gh-panel");
    this.root.setAttribute("hidden", "");
    this.launcher = el("button", {
      type: "button",
      className: "gh-launcher",
      "aria-expanded": "false",
      "aria-controls": "gh-panel",
    }, "Golden Hour");
    this.launcher.addEventListener("click", () => (this.root.hidden ? this.open() : this.close()));
    document.body.append(this.launcher);
  };

  Widget.prototype.open = function () {
    this.root.removeAttribute("hidden");
    this.launcher.setAttribute("aria-expanded", "true");
    this.input.focus();
  };

  Widget.prototype.close = function () {
    if (!this.launcher) return;
    this.root.setAttribute("hidden", "");
    this.launcher.setAttribute("aria-expanded", "false");
    this.launcher.focus();
  };

  // --- start ----------------------------------------------------------------------------
  function start() {
    let host = document.getElementById("golden-hour");
    let mode = "page";
    if (!host) {
      host = el("div", { className: "gh-host" });
      document.body.append(host);
      mode = "panel";
      loadStyle(base + PATH + "/widget.css");
    }
    const widget = new Widget(host, host.dataset.mode === "page" || mode === "page" ? "page" : "panel");
    if (widget.mode === "panel") widget.addLauncher();
    window.GoldenHour = widget;
    const ready = typeof io === "function" ? Promise.resolve() : loadScript(base + PATH + "/socket.io.min.js");
    ready.then(() => widget.connect(), () => widget.offline());
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
