/*
 * Small shared pieces of the public pages (the chat, my map, my group), as an ES module: storage
 * that survives a blocked localStorage, the page's strings in both languages, the language switch,
 * DOM building without HTML parsing, and JSON requests that always resolve to {ok, status, data}.
 * Imported by chat.js (through chat/*.js), my_map.js and group.js; a page loads it once.
 */

var body = document.body;
var STRINGS = JSON.parse(document.getElementById("ui-strings").textContent);
var languages = (body.getAttribute("data-languages") || "en nl").split(" ");
var current = { lang: body.getAttribute("data-lang") || "en" };
var listeners = [];

/** What the pages keep in this browser; every key starts with "wb." ("forget me" drops them all). */
export var KEY = { sender: "wb.sender", lang: "wb.lang" };

var memory = {};
export var store = {
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

export function t(key, fill) {
  var table = STRINGS[current.lang] || STRINGS.en || {};
  var text = typeof table[key] === "string" ? table[key] : (STRINGS.en && STRINGS.en[key]) || key;
  if (fill) {
    text = text.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(fill, name) ? String(fill[name]) : whole;
    });
  }
  return text;
}

/** Elements carry their string key in data-ui (text), data-ui-placeholder, data-ui-label, data-ui-alt. */
export function translate(root) {
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

export function make(tag, className, text) {
  var el = document.createElement(tag);
  if (className) { el.className = className; }
  if (text !== undefined && text !== null) { el.textContent = text; }
  return el;
}

/** Text with its line breaks kept, never parsed as HTML. */
export function appendLines(parent, text) {
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

export function lang() { return current.lang; }

/** Switches the page's words without a reload; listeners (onLanguage) redraw what the page built. */
export function setLanguage(code, remember) {
  if (languages.indexOf(code) < 0) { return; }
  if (remember) { store.set(KEY.lang, code); }
  var changed = code !== current.lang || document.documentElement.lang !== code;
  current.lang = code;
  document.documentElement.lang = code;
  Array.prototype.forEach.call(document.querySelectorAll(".lang-button"), function (button) {
    button.setAttribute("aria-pressed", button.getAttribute("data-lang") === code ? "true" : "false");
  });
  updateChatLinks();
  if (!changed) { return; }
  translate(document);
  listeners.forEach(function (listener) { listener(code); });
}

/** ?lang= wins (the server rendered that language), then the language chosen before. */
export function initialLanguage() {
  var fromUrl = (new URLSearchParams(window.location.search).get("lang") || "").toLowerCase();
  if (languages.indexOf(fromUrl) >= 0) { setLanguage(fromUrl, true); return; }
  var saved = store.get(KEY.lang);
  setLanguage(saved && languages.indexOf(saved) >= 0 ? saved : current.lang, false);
}

export function onLanguage(listener) { listeners.push(listener); }

Array.prototype.forEach.call(document.querySelectorAll(".lang-button"), function (button) {
  button.addEventListener("click", function () { setLanguage(button.getAttribute("data-lang"), true); });
});

/** A JSON request; `signal` (optional) can abort it, which resolves like a network failure (status 0). */
export function requestJson(method, url, payload, signal) {
  var options = { method: method, headers: { "Accept": "application/json" }, credentials: "same-origin" };
  if (payload !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(payload);
  }
  if (signal) { options.signal = signal; }
  return fetch(url, options).then(function (response) {
    return response.text().then(function (raw) {
      var data = null;
      try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = null; }
      return { ok: response.ok, status: response.status, data: data };
    });
  }, function () { return { ok: false, status: 0, data: null }; });
}

/** The person-facing words of an API error, in the page's language. */
export function errorText(result, fallbackKey) {
  var error = result && result.data && result.data.error;
  if (error && typeof error === "object") {
    var text = error["message_" + current.lang] || error.message;
    if (typeof text === "string" && text) { return text; }
  }
  return t(fallbackKey);
}

/** The anonymous id this browser keeps, or null when there is none (or it is not a valid one). */
export function sender() {
  var pattern = new RegExp(body.getAttribute("data-sender-pattern") || "^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$");
  var saved = store.get(KEY.sender);
  return saved && pattern.test(saved) ? saved : null;
}
