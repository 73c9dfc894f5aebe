/*
 * The public chat page of Compass. Plain JavaScript, no dependencies.
 *
 * Talks to the gateway only:
 *   POST /webhooks/rest/webhook                 (Rasa REST channel format)
 *   GET  /api/conversations/{sender}/messages   (history for a returning visitor)
 *   GET  /api/groups/{sender}                   (the visitor's self-help groups; a new theme offered once)
 *   POST /api/groups/{sender}/join              (joining with a code and a nickname)
 *
 * Safety rule for this file: message content is never parsed as HTML. Text goes in with
 * textContent / createTextNode; line breaks and links are built with DOM calls. A bot message may
 * carry `custom.link = {href, title}`: shown as a link button, only for paths on this site ("/...").
 *
 * A human mentor can join the conversation from the mentor dashboard. Their messages (role
 * "mentor") and the "a mentor joined / left" notices (role "system", `custom.mentor_present`) are
 * fetched by polling the history endpoint: every 5 s while a mentor is present, every 15 s while the
 * crisis help lines are shown (a mentor may reach out), otherwise not at all.
 */
(function () {
  "use strict";

  var body = document.body;
  var config = {
    languages: (body.getAttribute("data-languages") || "en nl").split(" "),
    maxChars: parseInt(body.getAttribute("data-max-chars"), 10) || 2000,
    senderPattern: new RegExp(body.getAttribute("data-sender-pattern") || "^[A-Za-z0-9-]{1,128}$"),
    webhookUrl: body.getAttribute("data-webhook-url"),
    historyUrl: body.getAttribute("data-history-url"),
    groupsUrl: body.getAttribute("data-groups-url"),
    base: body.getAttribute("data-base") || "" // the app's root path, e.g. "/companion"
  };
  var STRINGS = JSON.parse(document.getElementById("ui-strings").textContent);
  var KEY = { sender: "wb.sender", lang: "wb.lang", country: "wb.country" };
  var COUNTRIES = ["BE", "NL"];
  var SLOW_AFTER_MS = 8000;
  var GIVE_UP_AFTER_MS = 60000;
  var COUNTER_FROM = 0.9; // show the character counter from 90% of the limit
  var URL_RE = /https?:\/\/[^\s<>"']+/g;

  var $ = function (id) { return document.getElementById(id); };
  var ui = {
    log: $("log"),
    intro: $("intro"),
    introStart: $("intro-start"),
    status: $("status"),
    statusText: $("status-text"),
    form: $("composer"),
    input: $("message"),
    send: $("send"),
    counter: $("message-counter"),
    error: $("message-error"),
    country: $("country"),
    options: $("options"),
    newConversation: $("new-conversation"),
    forgetMe: $("forget-me"),
    banner: $("help-banner"),
    bannerTitle: $("help-title"),
    helpLines: $("help-lines"),
    helpShow: $("help-show"),
    helpHide: $("help-hide"),
    mapLink: $("my-map-link"),
    groupJoin: $("group-join"),
    groupCode: $("group-code"),
    groupNickname: $("group-nickname"),
    myGroups: $("my-groups"),
    myGroupsList: $("my-groups-list")
  };

  var state = {
    lang: body.getAttribute("data-lang") || "en",
    country: null,
    sender: null,
    sending: false,
    generation: 0, // bumped by "new conversation" so late answers to the old one are dropped
    crisis: null,
    slowTimer: null,
    pinned: true, // the visitor is at the end of the conversation, so new content keeps it in view
    lastId: 0, // the newest stored message this page has seen (for mentor polling)
    mentorPresent: false,
    pollTimer: null
  };
  var POLL_MENTOR_MS = 5000;
  var POLL_CRISIS_MS = 15000;

  /* ---------- storage (falls back to memory when localStorage is blocked) ---------- */

  var memory = {};
  var store = {
    get: function (key) {
      try { return window.localStorage.getItem(key); } catch (e) { return memory[key] || null; }
    },
    set: function (key, value) {
      try { window.localStorage.setItem(key, value); } catch (e) { memory[key] = value; }
    },
    remove: function (key) {
      try { window.localStorage.removeItem(key); } catch (e) { /* memory only */ }
      delete memory[key];
    },
    forgetAll: function () {
      try {
        var doomed = [];
        for (var i = 0; i < window.localStorage.length; i++) {
          var key = window.localStorage.key(i);
          if (key && key.indexOf("wb.") === 0) { doomed.push(key); }
        }
        doomed.forEach(function (key) { window.localStorage.removeItem(key); });
      } catch (e) { /* memory only */ }
      memory = {};
    }
  };

  function newId() {
    var cryptoApi = window.crypto;
    if (cryptoApi && typeof cryptoApi.randomUUID === "function") { return cryptoApi.randomUUID(); }
    // randomUUID needs a secure context; getRandomValues does not.
    var bytes = new Uint8Array(16);
    cryptoApi.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  /** The anonymous id is created and stored only when the visitor first sends something. */
  function ensureSender() {
    if (!state.sender) {
      state.sender = newId();
      store.set(KEY.sender, state.sender);
    }
    return state.sender;
  }

  /* ---------- strings and language ---------- */

  function t(key, fill) {
    var table = STRINGS[state.lang] || STRINGS.en || {};
    var text = typeof table[key] === "string" ? table[key] : (STRINGS.en && STRINGS.en[key]) || key;
    if (fill) {
      text = text.replace(/\{(\w+)\}/g, function (whole, name) {
        return Object.prototype.hasOwnProperty.call(fill, name) ? String(fill[name]) : whole;
      });
    }
    return text;
  }

  /** Elements carry their string key in data-ui (text), data-ui-placeholder, data-ui-label, data-ui-alt. */
  function translate(root) {
    var scope = root || document;
    Array.prototype.forEach.call(scope.querySelectorAll("[data-ui]"), function (el) {
      el.textContent = t(el.getAttribute("data-ui"));
    });
    Array.prototype.forEach.call(scope.querySelectorAll("[data-ui-placeholder]"), function (el) {
      el.setAttribute("placeholder", t(el.getAttribute("data-ui-placeholder")));
    });
    Array.prototype.forEach.call(scope.querySelectorAll("[data-ui-label]"), function (el) {
      el.setAttribute("aria-label", t(el.getAttribute("data-ui-label")));
    });
    Array.prototype.forEach.call(scope.querySelectorAll("[data-ui-alt]"), function (el) {
      el.setAttribute("alt", t(el.getAttribute("data-ui-alt")));
    });
  }

  function setLanguage(lang, remember) {
    if (config.languages.indexOf(lang) < 0) { return; }
    if (remember) { store.set(KEY.lang, lang); }
    if (lang === state.lang && document.documentElement.lang === lang) { return; }
    state.lang = lang;
    document.documentElement.lang = lang;
    translate(document);
    Array.prototype.forEach.call(document.querySelectorAll(".lang-button"), function (button) {
      button.setAttribute("aria-pressed", button.getAttribute("data-lang") === lang ? "true" : "false");
    });
    updateCounter();
    updateMapLink();
    if (state.crisis) { renderHelpLines(state.crisis); }
  }

  /** The "my map" page opens in the language of the chat. */
  function updateMapLink() {
    if (ui.mapLink) { ui.mapLink.href = config.base + "/my-map?lang=" + encodeURIComponent(state.lang); }
  }

  function initialLanguage() {
    var fromUrl = new URLSearchParams(window.location.search).get("lang");
    if (fromUrl && config.languages.indexOf(fromUrl.toLowerCase()) >= 0) {
      setLanguage(state.lang, true); // the server already rendered the page in this language
      return;
    }
    var saved = store.get(KEY.lang);
    if (saved && config.languages.indexOf(saved) >= 0) { setLanguage(saved, false); }
  }

  function initialCountry() {
    var saved = store.get(KEY.country);
    if (saved === "other") { return null; }
    if (saved && COUNTRIES.indexOf(saved) >= 0) { return saved; }
    // A guess from the browser's locales (nl-BE, fr-BE, nl-NL); used but not stored until chosen.
    var locales = navigator.languages || [navigator.language || ""];
    for (var i = 0; i < locales.length; i++) {
      var region = String(locales[i]).split("-")[1];
      if (region && COUNTRIES.indexOf(region.toUpperCase()) >= 0) { return region.toUpperCase(); }
    }
    return null;
  }

  /* ---------- building messages ---------- */

  function make(tag, className, text) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (text !== undefined && text !== null) { el.textContent = text; }
    return el;
  }

  function labelled(tag, className, key) {
    var el = make(tag, className, t(key));
    el.setAttribute("data-ui", key);
    return el;
  }

  function safeUrl(raw) {
    if (typeof raw !== "string" || !raw) { return null; }
    try {
      var url = new URL(raw, window.location.href);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  /** A path on this site ("/my-map"), under the app's root path; anything else gives null. */
  function localHref(raw) {
    if (typeof raw !== "string" || !/^\/(?![\/\\])/.test(raw)) { return null; }
    var path = config.base && raw.indexOf(config.base + "/") !== 0 ? config.base + raw : raw;
    try {
      var url = new URL(path, window.location.href);
      return url.origin === window.location.origin ? url.pathname + url.search + url.hash : null;
    } catch (e) {
      return null;
    }
  }

  /** custom.link = {href, title}: a link button below the message, same site only. */
  function linkButton(link) {
    if (!link || typeof link !== "object") { return null; }
    var href = localHref(link.href);
    var title = typeof link.title === "string" ? link.title.trim() : "";
    if (!href || !title) { return null; }
    var row = make("div", "msg-links");
    var a = make("a", "choice link-button", title);
    a.href = href;
    row.appendChild(a);
    return row;
  }

  function externalLink(href, text, className) {
    var a = make("a", className, text);
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    a.appendChild(document.createTextNode(" "));
    a.appendChild(labelled("span", "visually-hidden", "opens_new_tab"));
    return a;
  }

  /** Text with line breaks as <br> and http(s) URLs as links; never parsed as HTML. */
  function appendText(parent, text) {
    String(text).split(/\r\n|\r|\n/).forEach(function (line, index) {
      if (index > 0) { parent.appendChild(document.createElement("br")); }
      var last = 0;
      var match;
      URL_RE.lastIndex = 0;
      while ((match = URL_RE.exec(line)) !== null) {
        var url = match[0].replace(/[.,;:!?)\]}'"]+$/, "");
        var href = safeUrl(url);
        if (!href) { continue; }
        if (match.index > last) { parent.appendChild(document.createTextNode(line.slice(last, match.index))); }
        var link = make("a", null, url);
        link.href = href;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        parent.appendChild(link);
        last = match.index + url.length;
      }
      if (last < line.length) { parent.appendChild(document.createTextNode(line.slice(last))); }
    });
  }

  var WHO = { user: "you_label", bot: "bot_label", mentor: "mentor_label" };

  function roleOf(message) {
    var custom = message && message.custom;
    if (custom && custom.role === "mentor") { return "mentor"; }
    return ["user", "bot", "mentor", "system"].indexOf(message.role) >= 0 ? message.role : "bot";
  }

  function addMessage(role, message, options) {
    options = options || {};
    var item = make("div", "msg msg-" + role);
    // The speaker is shown for mentors and read out for everyone.
    item.appendChild(labelled("span", role === "mentor" ? "msg-who" : "msg-who visually-hidden", WHO[role]));
    var text = typeof message.text === "string" ? message.text : "";
    if (text) {
      var bubble = make("div", "bubble");
      appendText(bubble, text);
      item.appendChild(bubble);
    }
    var src = safeUrl(message.image);
    if (src) {
      var figure = make("div", "msg-image");
      var img = document.createElement("img");
      img.src = src;
      img.loading = "lazy";
      img.decoding = "async";
      if (text) { img.alt = text; } else { img.alt = t("image_alt"); img.setAttribute("data-ui-alt", "image_alt"); }
      img.addEventListener("load", keepAtBottomIfNear);
      img.addEventListener("error", function () { figure.hidden = true; });
      figure.appendChild(img);
      item.appendChild(figure);
    }
    if (Array.isArray(message.buttons) && message.buttons.length) {
      item.appendChild(choiceGroup(message.buttons, options.choicesUsed));
    }
    var custom = message.custom && typeof message.custom === "object" ? message.custom : null;
    var link = custom ? linkButton(custom.link) : null;
    if (link) { item.appendChild(link); }
    if (!item.querySelector(".bubble, .msg-image, .choices, .msg-links")) { return null; }
    ui.log.appendChild(item);
    return item;
  }

  function choiceGroup(buttons, used) {
    var group = make("div", "choices");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", t("choices_label"));
    group.setAttribute("data-ui-label", "choices_label");
    buttons.forEach(function (choice) {
      if (!choice || typeof choice !== "object") { return; }
      var title = typeof choice.title === "string" && choice.title ? choice.title : choice.payload;
      var payload = typeof choice.payload === "string" && choice.payload ? choice.payload : title;
      if (typeof title !== "string" || !title) { return; }
      var button = make("button", "choice", title);
      button.type = "button";
      button.addEventListener("click", function (event) {
        if (state.sending || button.disabled || !send(payload, title)) { return; }
        button.classList.add("chosen");
        if (event.detail === 0) {
          ui.input.focus(); // keyboard users keep a sensible focus once the buttons are disabled
        }
      });
      group.appendChild(button);
    });
    if (used) { closeChoices(group); }
    return group;
  }

  function closeChoices(group) {
    group.classList.add("used");
    Array.prototype.forEach.call(group.querySelectorAll("button"), function (b) { b.disabled = true; });
  }

  /** Answer buttons and retry buttons belong to one moment; once the visitor moves on they close. */
  function closeOpenChoices() {
    Array.prototype.forEach.call(ui.log.querySelectorAll(".choices:not(.used), .notice-actions:not(.used)"), closeChoices);
  }

  function addNotice(text, kind, onRetry) {
    var notice = make("div", "notice notice-" + (kind || "info"));
    notice.appendChild(labelled("span", "visually-hidden", "notice_label"));
    notice.appendChild(document.createTextNode(" "));
    var message = make("p", "notice-text");
    appendText(message, text);
    notice.appendChild(message);
    if (onRetry) {
      var actions = make("div", "notice-actions");
      var retry = labelled("button", "choice retry", "retry");
      retry.type = "button";
      retry.addEventListener("click", function (event) {
        if (state.sending) { return; }
        closeChoices(actions);
        onRetry();
        if (event.detail === 0) { ui.input.focus(); }
      });
      actions.appendChild(retry);
      notice.appendChild(actions);
    }
    ui.log.appendChild(notice);
    return notice;
  }

  function nearBottom() {
    return ui.log.scrollHeight - ui.log.scrollTop - ui.log.clientHeight < 80;
  }

  function scrollToBottom() {
    ui.log.scrollTop = ui.log.scrollHeight;
    state.pinned = true;
  }

  /** For content that grows after it was added (images) and for a shrinking screen. */
  function keepAtBottomIfNear() {
    if (state.pinned) { scrollToBottom(); }
  }

  ui.log.addEventListener("scroll", function () { state.pinned = nearBottom(); }, { passive: true });

  /* ---------- crisis help lines ---------- */

  function renderHelpLines(crisis) {
    var list = ui.helpLines;
    while (list.firstChild) { list.removeChild(list.firstChild); }
    var lines = Array.isArray(crisis.helplines) ? crisis.helplines : [];
    lines.forEach(function (line) {
      if (!line || typeof line !== "object") { return; }
      var item = make("li", "help-line");
      item.appendChild(make("p", "help-name", line.name || line.id || ""));
      // Ways to reach the line come right after its name: on a small screen they must not hide below.
      var actions = make("div", "help-actions");
      var phone = typeof line.phone === "string" ? line.phone.replace(/[^\d+]/g, "") : "";
      if (phone) {
        var call = make("a", "help-call", t("help_call", { phone: line.phone }));
        call.href = "tel:" + phone;
        actions.appendChild(call);
      }
      var chat = safeUrl(line.chat_url);
      if (chat) { actions.appendChild(externalLink(chat, t("help_chat"), "help-link")); }
      var web = safeUrl(line.web);
      if (web) { actions.appendChild(externalLink(web, t("help_web"), "help-link")); }
      if (actions.firstChild) { item.appendChild(actions); }
      if (line.description) { item.appendChild(make("p", "help-desc", line.description)); }
      if (line.hours) { item.appendChild(make("p", "help-hours", t("help_hours", { hours: line.hours }))); }
      list.appendChild(item);
    });
    list.hidden = !list.firstChild;
    ui.banner.classList.toggle("help-urgent", crisis.severity === "imminent" || crisis.severity === "high");
  }

  function showCrisis(crisis) {
    if (!crisis || typeof crisis !== "object") { return; }
    state.crisis = crisis;
    renderHelpLines(crisis);
    ui.helpShow.hidden = false;
    setBannerOpen(true, false);
  }

  /** The direct safety question came with the help lines: one tap away ("Help lines"), not opened. */
  function offerHelpLines(check) {
    if (!check || typeof check !== "object" || state.crisis) { return; }
    renderHelpLines({ helplines: check.helplines, severity: null });
    ui.helpShow.hidden = false;
  }

  function setBannerOpen(open, moveFocus) {
    ui.banner.hidden = !open;
    keepAtBottomIfNear();
    ui.helpShow.setAttribute("aria-expanded", open ? "true" : "false");
    if (moveFocus) { (open ? ui.bannerTitle : ui.helpShow).focus(); }
  }

  function clearCrisis() {
    state.crisis = null;
    ui.banner.hidden = true;
    ui.helpShow.hidden = true;
    ui.helpShow.setAttribute("aria-expanded", "false");
  }

  /* ---------- bot answers ---------- */

  function renderAnswers(messages) {
    messages.forEach(function (message) {
      if (!message || typeof message !== "object") { return; }
      var custom = message.custom && typeof message.custom === "object" ? message.custom : {};
      if (typeof custom.set_language === "string") { setLanguage(custom.set_language, true); }
      if (custom.crisis) { showCrisis(custom.crisis); }
      if (custom.safety_check) { offerHelpLines(custom.safety_check); }
      addMessage(roleOf(message), message);
    });
    scrollToBottom();
    schedulePoll();
  }

  /* ---------- a human mentor in the conversation ---------- */

  function pollDelay() {
    if (!state.sender) { return 0; }
    if (state.mentorPresent) { return POLL_MENTOR_MS; }
    return state.crisis ? POLL_CRISIS_MS : 0;
  }

  function schedulePoll(soon) {
    window.clearTimeout(state.pollTimer);
    state.pollTimer = null;
    var delay = pollDelay();
    if (delay) { state.pollTimer = window.setTimeout(pollMentor, soon ? 1000 : delay); }
  }

  function notePresence(message) {
    var custom = message && message.custom;
    if (message && message.role === "system" && custom && typeof custom.mentor_present === "boolean") {
      state.mentorPresent = custom.mentor_present;
    }
  }

  /** New mentor messages and mentor notices; everything else on this page came with its own answer. */
  function pollMentor() {
    var generation = state.generation;
    if (document.hidden || !state.sender) { schedulePoll(); return; }
    fetch(config.historyUrl.replace("{sender}", encodeURIComponent(state.sender)), {
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (generation !== state.generation || !data || !Array.isArray(data.messages)) { return; }
        var shown = false;
        data.messages.forEach(function (message) {
          if (!message || typeof message !== "object" || !(message.id > state.lastId)) { return; }
          state.lastId = message.id;
          var role = roleOf(message);
          if (role === "mentor") {
            addMessage("mentor", message);
            shown = true;
          } else if (role === "system") {
            notePresence(message);
            if (message.text) { addNotice(message.text, "info"); shown = true; }
          }
        });
        if (shown) { keepAtBottomIfNear(); }
      })
      .catch(function () { /* try again at the next tick */ })
      .then(function () { if (generation === state.generation) { schedulePoll(); } });
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && state.pollTimer) { schedulePoll(true); }
  });

  /* ---------- sending ---------- */

  function charCount(text) {
    return Array.from(text).length; // code points, as the server counts them
  }

  function validate(text) {
    if (!text || !text.trim()) { return t("error_empty"); }
    var count = charCount(text);
    if (count > config.maxChars) { return t("error_too_long", { count: count, max: config.maxChars }); }
    return null;
  }

  function showFieldError(text) {
    ui.error.textContent = text || "";
    if (text) { ui.input.setAttribute("aria-invalid", "true"); } else { ui.input.removeAttribute("aria-invalid"); }
  }

  function setBusy(busy) {
    ui.input.readOnly = busy;
    ui.form.setAttribute("aria-busy", busy ? "true" : "false");
    ui.send.setAttribute("aria-disabled", busy ? "true" : "false");
    window.clearTimeout(state.slowTimer);
    if (busy) {
      setStatus("typing", "is-typing");
      state.slowTimer = window.setTimeout(function () { setStatus("slow_hint", "is-typing is-slow"); }, SLOW_AFTER_MS);
    } else {
      setStatus(null, "");
    }
  }

  function setStatus(key, classes) {
    ui.status.className = "status " + classes;
    if (key) {
      ui.statusText.setAttribute("data-ui", key);
      ui.statusText.textContent = t(key);
    } else {
      ui.statusText.removeAttribute("data-ui");
      ui.statusText.textContent = "";
    }
  }

  /** Shows the visitor's bubble and delivers the message. Returns false when it was not valid. */
  function send(text, shown) {
    if (state.sending) { return false; }
    var message = String(text).trim();
    var problem = validate(message);
    if (problem) {
      showFieldError(problem);
      return false;
    }
    showFieldError(null);
    ui.intro.hidden = true;
    closeOpenChoices();
    var item = addMessage("user", { text: shown || message });
    scrollToBottom();
    deliver({ text: message, item: item, typed: !shown, generation: state.generation });
    return true;
  }

  function deliver(pending) {
    state.sending = true;
    setBusy(true);
    markUnsent(pending.item, false);
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = controller ? window.setTimeout(function () { controller.abort(); }, GIVE_UP_AFTER_MS) : null;
    var payload = {
      sender: ensureSender(),
      message: pending.text,
      metadata: { language: state.lang, country: state.country || null }
    };
    fetch(config.webhookUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(payload),
      credentials: "same-origin",
      signal: controller ? controller.signal : undefined
    })
      .then(function (response) {
        return response.text().then(function (raw) {
          var data = null;
          try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = null; }
          return { status: response.status, ok: response.ok, data: data };
        });
      })
      .then(function (result) {
        if (pending.generation !== state.generation) { return; }
        if (result.ok) {
          var answers = Array.isArray(result.data) ? result.data : [];
          if (!answers.length && state.mentorPresent) { schedulePoll(true); }
          renderAnswers(answers);
        } else if (result.status === 422 || result.status === 400 || result.status === 413) {
          refused(pending, result.data);
        } else {
          unavailable(pending, result.data);
        }
      })
      .catch(function () {
        if (pending.generation !== state.generation) { return; }
        markUnsent(pending.item, true);
        addNotice(t("error_network"), "error", function () { deliver(pending); });
        scrollToBottom();
      })
      .then(function () {
        if (timer) { window.clearTimeout(timer); }
        state.sending = false;
        setBusy(false);
      });
  }

  function errorOf(data) {
    return data && typeof data === "object" && data.error && typeof data.error === "object" ? data.error : {};
  }

  /** 503 and other server trouble: the gateway kept the message; offer to try again. */
  function unavailable(pending, data) {
    var error = errorOf(data);
    var text = error["message_" + state.lang] || error.message || t("error_unavailable");
    if (!(data && data.stored)) { markUnsent(pending.item, true); }
    addNotice(String(text), "error", function () { deliver(pending); });
    scrollToBottom();
  }

  /** 422: the message itself was refused; give typed text back so nothing is lost. */
  function refused(pending, data) {
    var error = errorOf(data);
    markUnsent(pending.item, true);
    addNotice(String(error["message_" + state.lang] || error.message || t("error_invalid")), "error");
    if (pending.typed && !ui.input.value) {
      ui.input.value = pending.text;
      resizeInput();
      updateCounter();
    }
    scrollToBottom();
  }

  /** A small "not sent yet" line under the visitor's bubble while a message waits for a retry. */
  function markUnsent(item, unsent) {
    if (!item) { return; }
    var mark = item.querySelector(".msg-unsent");
    if (unsent && !mark) { item.appendChild(labelled("span", "msg-unsent", "not_sent")); }
    if (!unsent && mark) { item.removeChild(mark); }
  }

  /* ---------- the message box ---------- */

  function resizeInput() {
    ui.input.style.height = "auto";
    ui.input.style.height = Math.min(ui.input.scrollHeight + 2, Math.round(window.innerHeight * 0.3)) + "px";
  }

  function updateCounter() {
    var count = charCount(ui.input.value);
    var show = count >= config.maxChars * COUNTER_FROM;
    ui.counter.textContent = show ? t("counter", { count: count, max: config.maxChars }) : "";
    ui.counter.classList.toggle("is-over", count > config.maxChars);
    if (count <= config.maxChars && ui.input.getAttribute("aria-invalid")) { showFieldError(null); }
  }

  ui.input.addEventListener("input", function () {
    resizeInput();
    updateCounter();
  });

  ui.input.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) { return; }
    event.preventDefault();
    submitTyped();
  });

  ui.form.addEventListener("submit", function (event) {
    event.preventDefault();
    submitTyped();
  });

  function submitTyped() {
    if (state.sending) { return; }
    if (send(ui.input.value, null)) {
      ui.input.value = "";
      resizeInput();
      updateCounter();
    }
  }

  /* ---------- returning visitors ---------- */

  /** Continue a returning visitor's conversation; `then` runs once the history is on the page. */
  function restore(then) {
    var saved = store.get(KEY.sender);
    if (!saved || !config.senderPattern.test(saved)) {
      store.remove(KEY.sender);
      then();
      return;
    }
    state.sender = saved;
    ui.intro.hidden = true;
    var generation = state.generation;
    fetch(config.historyUrl.replace("{sender}", encodeURIComponent(saved)), {
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    })
      .then(function (response) {
        if (response.status === 404) { return null; }
        if (!response.ok) { throw new Error("history " + response.status); }
        return response.json();
      })
      .then(function (data) {
        if (generation !== state.generation) { return; }
        var messages = data && Array.isArray(data.messages) ? data.messages : [];
        if (!messages.length) {
          ui.intro.hidden = false;
          return;
        }
        replay(messages);
      })
      .catch(function () {
        // History is a convenience: the visitor can go on; the server still has the conversation.
        if (generation === state.generation && !ui.log.querySelector(".msg")) { ui.intro.hidden = false; }
      })
      .then(function () { if (generation === state.generation) { then(); } });
  }

  function replay(messages) {
    var lastUser = -1;
    messages.forEach(function (m, i) { if (m && m.role === "user") { lastUser = i; } });
    var crisis = null;
    var check = null;
    // Do not read the whole history aloud: restore quietly, then speak again.
    ui.log.setAttribute("aria-live", "off");
    messages.forEach(function (message, index) {
      if (!message || typeof message !== "object") { return; }
      if (message.id > state.lastId) { state.lastId = message.id; }
      notePresence(message);
      var role = roleOf(message);
      if (role === "system") {
        if (message.text) { addNotice(message.text, "info"); }
        return;
      }
      addMessage(role, message, { choicesUsed: index < lastUser });
      if (message.custom && message.custom.crisis) { crisis = message.custom.crisis; }
      if (message.custom && message.custom.safety_check) { check = message.custom.safety_check; }
    });
    if (crisis) { showCrisis(crisis); } else if (check) { offerHelpLines(check); }
    scrollToBottom();
    schedulePoll();
    window.setTimeout(function () { ui.log.setAttribute("aria-live", "polite"); }, 500);
  }

  /* ---------- controls ---------- */

  Array.prototype.forEach.call(document.querySelectorAll(".lang-button"), function (button) {
    button.addEventListener("click", function () { setLanguage(button.getAttribute("data-lang"), true); });
  });

  ui.country.addEventListener("change", function () {
    var value = ui.country.value;
    state.country = COUNTRIES.indexOf(value) >= 0 ? value : null;
    if (state.country) { store.set(KEY.country, state.country); } else { store.set(KEY.country, "other"); }
  });

  ui.introStart.addEventListener("click", function (event) {
    if (send(t("start_message"), null) && event.detail === 0) { ui.input.focus(); }
  });

  ui.helpShow.addEventListener("click", function () { setBannerOpen(ui.banner.hidden, true); });
  ui.helpHide.addEventListener("click", function () { setBannerOpen(false, true); });

  function resetConversation() {
    state.generation += 1;
    state.sender = null;
    state.lastId = 0;
    state.mentorPresent = false;
    window.clearTimeout(state.pollTimer);
    state.pollTimer = null;
    store.remove(KEY.sender);
    Array.prototype.slice.call(ui.log.querySelectorAll(".msg, .notice")).forEach(function (el) {
      ui.log.removeChild(el);
    });
    clearCrisis();
    showFieldError(null);
    ui.intro.hidden = false;
    ui.options.open = false;
  }

  ui.newConversation.addEventListener("click", function () {
    if (!window.confirm(t("new_conversation_confirm"))) { return; }
    resetConversation();
    ui.input.focus();
  });

  ui.forgetMe.addEventListener("click", function () {
    if (!window.confirm(t("forget_me_confirm"))) { return; }
    resetConversation();
    store.forgetAll();
    state.country = null;
    ui.country.value = "";
    ui.input.value = "";
    resizeInput();
    updateCounter();
    addNotice(t("forgotten"), "info");
    ui.input.focus();
  });

  /* ---------- self-help groups ---------- */

  /** The group page as a site path ("/groups/3?lang=nl"): custom.link adds the app's root path itself. */
  function groupPagePath(groupId) {
    return "/groups/" + encodeURIComponent(groupId) + "?lang=" + encodeURIComponent(state.lang);
  }

  /** The button payload that asks the dialogue for one group's theme. */
  function themePayload(groupId) {
    return "/group_theme{\"group\": \"" + String(groupId) + "\"}";
  }

  /** The person's groups in the options menu, and each new theme offered once (the API remembers). */
  function loadGroups() {
    if (!state.sender || !config.groupsUrl) { return; }
    var generation = state.generation;
    fetch(config.groupsUrl.replace("{sender}", encodeURIComponent(state.sender)) + "?lang=" + encodeURIComponent(state.lang), {
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (generation !== state.generation || !data || !Array.isArray(data.groups)) { return; }
        renderMyGroups(data.groups);
        var invited = false;
        data.groups.forEach(function (group) {
          if (!group.new_theme || typeof group.invitation !== "string") { return; }
          ui.intro.hidden = true;
          addMessage("bot", {
            text: group.invitation,
            buttons: [{ title: t("group_invitation_reflect"), payload: themePayload(group.group_id) }],
            custom: { link: { href: groupPagePath(group.group_id), title: t("group_invitation_page") } }
          });
          invited = true;
        });
        if (invited) { keepAtBottomIfNear(); }
      })
      .catch(function () { /* groups are extra: the chat goes on without them */ });
  }

  function renderMyGroups(list) {
    if (!ui.myGroups) { return; }
    while (ui.myGroupsList.firstChild) { ui.myGroupsList.removeChild(ui.myGroupsList.firstChild); }
    list.forEach(function (group) {
      var item = make("li");
      var link = make("a", null, group.name + " (" + group.nickname + ")");
      link.href = config.base + groupPagePath(group.group_id);
      item.appendChild(link);
      ui.myGroupsList.appendChild(item);
    });
    ui.myGroups.hidden = !list.length;
  }

  // "Reflect on it in the chat" on the group page comes here as ?theme=<group id>.
  function reflectOnThemeFromLink() {
    var params = new URLSearchParams(window.location.search);
    var groupId = params.get("theme");
    if (!groupId || !/^\d{1,12}$/.test(groupId)) { return; }
    params.delete("theme");
    var query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    send(themePayload(groupId), t("group_invitation_reflect"));
  }

  // Joining a self-help group with the code from the facilitator (an invite link fills it in: ?group=CODE).
  if (ui.groupJoin) {
    var invited = new URLSearchParams(window.location.search).get("group");
    if (invited) {
      ui.groupCode.value = invited.slice(0, 64);
      ui.options.open = true;
      ui.groupNickname.focus();
    }
    ui.groupJoin.addEventListener("submit", function (event) {
      event.preventDefault();
      var code = ui.groupCode.value.trim();
      var nickname = ui.groupNickname.value.trim();
      if (!code || !nickname) { addNotice(t("group_join_missing"), "error"); return; }
      var sender = ensureSender();
      fetch(config.base + "/api/groups/" + encodeURIComponent(sender) + "/join", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Accept": "application/json" },
        body: JSON.stringify({ code: code, nickname: nickname, language: state.lang })
      }).then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      }).then(function (result) {
        ui.intro.hidden = true;
        if (result.ok) {
          addMessage("bot", {
            text: t("group_joined", { name: result.data.name, nickname: result.data.nickname }),
            custom: { link: { href: groupPagePath(result.data.group_id), title: t("group_invitation_page") } }
          });
          ui.groupJoin.reset();
          ui.options.open = false;
          loadGroups();
        } else {
          var error = errorOf(result.data);
          addNotice(String(error["message_" + state.lang] || t("group_join_failed")), "error");
        }
        scrollToBottom();
      }).catch(function () { addNotice(t("error_network"), "error"); });
    });
  }

  // The options panel closes with Escape and when focus or a click goes elsewhere.
  ui.options.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && ui.options.open) {
      ui.options.open = false;
      ui.options.querySelector("summary").focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (ui.options.open && !ui.options.contains(event.target)) { ui.options.open = false; }
  });

  // The skip link lands in the message box.
  var skip = document.querySelector(".skip-link");
  if (skip) {
    skip.addEventListener("click", function (event) {
      event.preventDefault();
      ui.input.focus();
    });
  }

  // Keep the message box above an on-screen keyboard where the browser only shrinks the visual viewport.
  if (window.visualViewport) {
    var fit = function () {
      var viewport = window.visualViewport;
      if (Math.abs(viewport.scale - 1) > 0.01) {
        document.documentElement.style.removeProperty("--app-height"); // pinch zoom: leave the layout alone
        return;
      }
      document.documentElement.style.setProperty("--app-height", viewport.height + "px");
      keepAtBottomIfNear();
    };
    window.visualViewport.addEventListener("resize", fit);
    fit();
  }

  /* ---------- start ---------- */

  initialLanguage();
  updateMapLink();
  state.country = initialCountry();
  ui.country.value = state.country || "";
  updateCounter();
  restore(function () {
    loadGroups();
    reflectOnThemeFromLink();
  });
})();
