/*
 * Small shared pieces of the pages beside the chat (window.CompassPage): storage that survives a
 * blocked localStorage, the page's strings in both languages, the language switch, DOM building
 * without HTML parsing, and JSON requests that always resolve to {ok, status, data}.
 * Used by my_map.js and group.js; chat.js predates it and keeps its own copies (it also forgets
 * everything on "forget me" and redraws the help lines on a language switch).
 */
(function () {
  "use strict";

  var body = document.body;
  var STRINGS = JSON.parse(document.getElementById("ui-strings").textContent);
  var languages = (body.getAttribute("data-languages") || "en nl").split(" ");
  var KEY = { sender: "wb.sender", lang: "wb.lang" };
  var current = { lang: body.getAttribute("data-lang") || "en" };
  var listeners = [];

  var memory = {};
  var store = {
    get: function (key) {
      try { return window.localStorage.getItem(key); } catch (e) { return memory[key] || null; }
    },
    set: function (key, value) {
      try { window.localStorage.setItem(key, value); } catch (e) { memory[key] = value; }
    }
  };

  function t(key, fill) {
    var table = STRINGS[current.lang] || STRINGS.en || {};
    var text = typeof table[key] === "string" ? table[key] : (STRINGS.en && STRINGS.en[key]) || key;
    if (fill) {
      text = text.replace(/\{(\w+)\}/g, function (whole, name) {
        return Object.prototype.hasOwnProperty.call(fill, name) ? String(fill[name]) : whole;
      });
    }
    return text;
  }

  function translate(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("[data-ui]"), function (el) {
      el.textContent = t(el.getAttribute("data-ui"));
    });
  }

  function make(tag, className, text) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (text !== undefined && text !== null) { el.textContent = text; }
    return el;
  }

  /** Text with its line breaks kept, never parsed as HTML. */
  function appendLines(parent, text) {
    String(text || "").split(/\r\n|\r|\n/).forEach(function (line, index) {
      if (index > 0) { parent.appendChild(document.createElement("br")); }
      parent.appendChild(document.createTextNode(line));
    });
    return parent;
  }

  /** Links back to the chat keep the page's language. */
  function updateChatLinks() {
    var base = body.getAttribute("data-base") || "";
    Array.prototype.forEach.call(document.querySelectorAll("[data-chat-link]"), function (link) {
      link.href = base + "/?lang=" + encodeURIComponent(current.lang);
    });
  }

  function setLanguage(lang, remember) {
    if (languages.indexOf(lang) < 0) { return; }
    if (remember) { store.set(KEY.lang, lang); }
    var changed = lang !== current.lang || document.documentElement.lang !== lang;
    current.lang = lang;
    document.documentElement.lang = lang;
    Array.prototype.forEach.call(document.querySelectorAll(".lang-button"), function (button) {
      button.setAttribute("aria-pressed", button.getAttribute("data-lang") === lang ? "true" : "false");
    });
    updateChatLinks();
    if (!changed) { return; }
    translate(document);
    listeners.forEach(function (listener) { listener(lang); });
  }

  /** ?lang= wins (the server rendered that language), then the language chosen before. */
  function initialLanguage() {
    var fromUrl = (new URLSearchParams(window.location.search).get("lang") || "").toLowerCase();
    if (languages.indexOf(fromUrl) >= 0) { setLanguage(fromUrl, true); return; }
    var saved = store.get(KEY.lang);
    setLanguage(saved && languages.indexOf(saved) >= 0 ? saved : current.lang, false);
  }

  Array.prototype.forEach.call(document.querySelectorAll(".lang-button"), function (button) {
    button.addEventListener("click", function () { setLanguage(button.getAttribute("data-lang"), true); });
  });

  function requestJson(method, url, payload) {
    var options = { method: method, headers: { "Accept": "application/json" }, credentials: "same-origin" };
    if (payload !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(payload);
    }
    return fetch(url, options).then(function (response) {
      return response.text().then(function (raw) {
        var data = null;
        try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = null; }
        return { ok: response.ok, status: response.status, data: data };
      });
    }, function () { return { ok: false, status: 0, data: null }; });
  }

  /** The person-facing words of an API error, in the page's language. */
  function errorText(result, fallbackKey) {
    var error = result && result.data && result.data.error;
    if (error && typeof error === "object") {
      var text = error["message_" + current.lang] || error.message;
      if (typeof text === "string" && text) { return text; }
    }
    return t(fallbackKey);
  }

  function sender() {
    var pattern = new RegExp(body.getAttribute("data-sender-pattern") || "^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$");
    var saved = store.get(KEY.sender);
    return saved && pattern.test(saved) ? saved : null;
  }

  window.CompassPage = {
    store: store,
    t: t,
    make: make,
    appendLines: appendLines,
    translate: translate,
    lang: function () { return current.lang; },
    setLanguage: setLanguage,
    initialLanguage: initialLanguage,
    onLanguage: function (listener) { listeners.push(listener); },
    requestJson: requestJson,
    errorText: errorText,
    sender: sender
  };
})();
