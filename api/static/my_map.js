/*
 * The "my map" page of Compass: a visitor's own check-ins. An ES module on page_kit.js, no dependencies.
 *
 * Reads the anonymous id the chat keeps in localStorage (`wb.sender`) and talks only to the
 * visitor's own data endpoints, whose addresses come from the page (data-*-url on <body>):
 *   GET    /api/me/{sender}/checkins        the check-ins, newest first, with pictures and sentences
 *   GET    /api/me/{sender}/trend.png       a picture over time, its alt text in X-Alt-Text
 *   GET    /api/me/{sender}/checkins.csv|.json, /api/me/{sender}/export   downloads
 *   DELETE /api/me/{sender}/checkins, /api/me/{sender}                    deletion
 *
 * The id never comes from the address: a crafted link could otherwise plant an id whose
 * conversation the link's author can read. A `?sender=` in the address is dropped unused.
 *
 * Safety rule for this file: data is never parsed as HTML. Text goes in with textContent and
 * elements are built with DOM calls.
 */
import * as page from "./page_kit.js";

var body = document.body;
var attr = function (name) { return body.getAttribute(name) || ""; };
var config = {
  languages: (attr("data-languages") || "en nl").split(" "),
  dimensions: (attr("data-dimensions") || "physical social psychological spiritual").split(" "),
  senderPattern: new RegExp(attr("data-sender-pattern") || "^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$"),
  base: attr("data-base"),
  chatUrl: attr("data-chat-url") || "/",
  checkinsUrl: attr("data-checkins-url"),
  trendUrl: attr("data-trend-url"),
  csvUrl: attr("data-csv-url"),
  jsonUrl: attr("data-json-url"),
  exportUrl: attr("data-export-url"),
  deleteCheckinsUrl: attr("data-delete-checkins-url"),
  deleteAllUrl: attr("data-delete-all-url")
};
var VALUE_LABELS = JSON.parse(document.getElementById("value-labels").textContent);
var KEY = page.KEY;
var LOCALES = { en: "en-GB", nl: "nl-BE" };

var $ = function (id) { return document.getElementById(id); };
var ui = {
  main: $("main"),
  status: $("map-status"),
  result: $("map-result"),
  error: $("map-error"),
  retry: $("map-retry"),
  paused: $("map-paused"),
  empty: $("map-empty"),
  trend: $("map-trend"),
  trendFigure: $("trend-figure"),
  trendImage: $("trend-image"),
  trendNote: $("trend-note"),
  checkins: $("map-checkins"),
  list: $("checkin-list"),
  downloads: $("map-downloads"),
  csv: $("download-csv"),
  json: $("download-json"),
  all: $("download-all"),
  csvItem: $("download-csv-item"),
  jsonItem: $("download-json-item"),
  deletion: $("map-delete"),
  deleteCheckinsItem: $("delete-checkins-item")
};

var state = {
  lang: attr("data-lang") || "en",
  sender: null,
  data: null,         // the last answer of GET /checkins, or null when this id has no data
  loaded: false,
  loading: 0,         // bumped per load, so a late answer to an older load is dropped
  series: "investment",
  trendLoad: 0,
  trendObjectUrl: null,
  deleting: false
};

/* ---------- storage, strings and language: shared with the group page (page_kit.js) ---------- */

var store = page.store;
var t = page.t;
page.onLanguage(function (lang) {
  state.lang = lang;
  if (state.loaded) { render(); }
});

/* ---------- the anonymous id ---------- */

function validSender(value) {
  return typeof value === "string" && config.senderPattern.test(value);
}

function initialSender() {
  var params = new URLSearchParams(window.location.search);
  if (params.has("sender")) {
    // Never adopted (see the top of this file); only taken out of the address bar and history.
    params.delete("sender");
    var query = params.toString();
    try {
      window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
    } catch (e) { /* an old browser keeps the address as it is */ }
  }
  var saved = store.get(KEY.sender);
  return validSender(saved) ? saved : null;
}

function endpoint(template) {
  return template.replace("{sender}", encodeURIComponent(state.sender));
}

/* ---------- building blocks ---------- */

var make = page.make;

function clear(el) {
  while (el.firstChild) { el.removeChild(el.firstChild); }
}

/** Only same-origin paths ("/charts/..."), prefixed with the app's root path. */
function localPath(raw) {
  if (typeof raw !== "string" || !/^\/(?![\/\\])/.test(raw)) { return null; }
  var path = config.base && raw.indexOf(config.base + "/") !== 0 ? config.base + raw : raw;
  try {
    var url = new URL(path, window.location.href);
    return url.origin === window.location.origin ? url.pathname + url.search : null;
  } catch (e) {
    return null;
  }
}

/** Stored times are UTC; SQLite returns them without a zone. */
function formatDate(iso) {
  if (typeof iso !== "string" || !iso) { return ""; }
  var text = /([zZ]|[+-]\d\d:?\d\d)$/.test(iso) ? iso : iso + "Z";
  var date = new Date(text);
  if (isNaN(date.getTime())) { return iso.slice(0, 10); }
  try {
    return new Intl.DateTimeFormat(LOCALES[state.lang] || state.lang, { dateStyle: "long", timeStyle: "short" }).format(date);
  } catch (e) {
    return date.toLocaleString();
  }
}

/** The language of the sentences the API wrote (the person's chat language), for screen readers. */
function dataLanguage() {
  var lang = state.data && state.data.language;
  return config.languages.indexOf(lang) >= 0 ? lang : null;
}

function setStatus(key) {
  ui.status.textContent = key ? t(key) : "";
}

/* ---------- loading ---------- */

function load(afterwards) {
  var token = ++state.loading;
  ui.error.hidden = true;
  if (!state.sender) {
    state.data = null;
    state.loaded = true;
    render();
    if (afterwards) { afterwards(); }
    return;
  }
  setStatus("map_loading");
  ui.main.setAttribute("aria-busy", "true");
  fetch(endpoint(config.checkinsUrl), { headers: { "Accept": "application/json" }, credentials: "same-origin" })
    .then(function (response) {
      if (response.status === 404 || response.status === 422) { return null; }
      if (!response.ok) { throw new Error("checkins " + response.status); }
      return response.json();
    })
    .then(function (data) {
      if (token !== state.loading) { return; }
      state.data = data && typeof data === "object" ? data : null;
      state.loaded = true;
      setStatus(null);
      closeConfirms(false);
      render();
      if (afterwards) { afterwards(); }
    })
    .catch(function () {
      if (token !== state.loading) { return; }
      setStatus(null);
      ui.error.hidden = false;
      if (afterwards) { afterwards(); }
    })
    .then(function () {
      if (token === state.loading) { ui.main.removeAttribute("aria-busy"); }
    });
}

ui.retry.addEventListener("click", function () {
  load(function () { if (ui.error.hidden) { ui.main.focus(); } });
});

/* ---------- rendering ---------- */

function checkinsOf(data) {
  return data && Array.isArray(data.checkins)
    ? data.checkins.filter(function (item) { return item && typeof item === "object"; })
    : [];
}

function render() {
  var data = state.data;
  var items = checkinsOf(data);
  var known = !!data; // this id has data on the server (perhaps only messages)

  ui.paused.hidden = !(data && data.paused === true);
  ui.empty.hidden = items.length > 0;
  ui.checkins.hidden = items.length === 0;
  ui.trend.hidden = items.length < 2;
  ui.downloads.hidden = !known;
  ui.csvItem.hidden = ui.jsonItem.hidden = items.length === 0;
  ui.deletion.hidden = !known;
  ui.deleteCheckinsItem.hidden = items.length === 0 && !(data && data.paused === true);

  renderCheckins(items);
  if (known) {
    ui.csv.href = endpoint(config.csvUrl);
    ui.json.href = endpoint(config.jsonUrl);
    ui.all.href = endpoint(config.exportUrl);
  }
  if (items.length >= 2) {
    loadTrend();
  } else {
    dropTrend();
  }
}

function renderCheckins(items) {
  var open = {};
  Array.prototype.forEach.call(ui.list.querySelectorAll("details[open]"), function (el) {
    open[el.getAttribute("data-checkin")] = true;
  });
  clear(ui.list);
  items.forEach(function (item, index) {
    ui.list.appendChild(checkinItem(item, index, open[String(item.id)]));
  });
}

function checkinItem(item, index, wasOpen) {
  var id = "checkin-" + index;
  var date = formatDate(item.completed_at);
  var sourceLang = dataLanguage();
  var li = make("li", "checkin-item");
  var article = make("article", "map-card checkin");
  article.setAttribute("aria-labelledby", id + "-title");

  var head = make("div", "checkin-head");
  var title = make("h3", "checkin-title", t("map_checkin_heading", { date: date }));
  title.id = id + "-title";
  head.appendChild(title);
  if (index === 0) { head.appendChild(make("span", "checkin-badge", t("map_latest"))); }
  article.appendChild(head);

  var content = make("div", "checkin-body");
  var src = localPath(item.radar_url);
  if (src) {
    var figure = make("figure", "map-figure radar-figure");
    var img = document.createElement("img");
    img.src = src + (src.indexOf("?") < 0 ? "?" : "&") + "lang=" + encodeURIComponent(state.lang);
    img.alt = typeof item.radar_alt === "string" ? item.radar_alt : "";
    if (sourceLang) { img.setAttribute("lang", sourceLang); }
    img.width = 600;
    img.height = 600;
    img.loading = "lazy";
    img.decoding = "async";
    img.addEventListener("error", function () {
      img.hidden = true;
      figure.appendChild(make("p", "figure-note", t("map_radar_error")));
    });
    figure.appendChild(img);
    content.appendChild(figure);
  }

  var sentences = Array.isArray(item.summary)
    ? item.summary.filter(function (s) { return typeof s === "string" && s.trim(); })
    : [];
  if (sentences.length) {
    var text = make("div", "checkin-text");
    var summaryTitle = make("h4", "checkin-subtitle", t("map_summary_title"));
    summaryTitle.id = id + "-summary";
    text.appendChild(summaryTitle);
    var list = make("ul", "checkin-summary");
    list.setAttribute("aria-labelledby", summaryTitle.id);
    if (sourceLang) { list.setAttribute("lang", sourceLang); }
    sentences.forEach(function (sentence) { list.appendChild(make("li", null, sentence)); });
    text.appendChild(list);
    content.appendChild(text);
  }
  if (content.firstChild) { article.appendChild(content); }

  var details = make("details", "numbers");
  details.setAttribute("data-checkin", String(item.id));
  if (wasOpen) { details.open = true; }
  details.appendChild(make("summary", "numbers-toggle", t("map_numbers")));
  details.appendChild(numbersTable(item, date, id));
  article.appendChild(details);

  li.appendChild(article);
  return li;
}

function numberCell(value) {
  var skipped = typeof value !== "number" || !isFinite(value);
  return make("td", skipped ? "is-skipped" : "is-number", skipped ? t("map_skipped") : String(value));
}

function valuesText(dim, answer) {
  var labels = (VALUE_LABELS[state.lang] || {})[dim] || {};
  var parts = (Array.isArray(answer.values) ? answer.values : [])
    .filter(function (v) { return typeof v === "string" && v; })
    .map(function (v) { return labels[v] || v; });
  if (typeof answer.other_value === "string" && answer.other_value.trim()) {
    parts.push(t("map_own_words", { text: answer.other_value.trim() }));
  }
  return parts.length ? parts.join(", ") : null;
}

function numbersTable(item, date, id) {
  var wrap = make("div", "table-wrap");
  var table = make("table", "numbers-table");
  var caption = make("caption", null, t("map_table_caption", { date: date }));
  caption.id = id + "-caption";
  table.appendChild(caption);
  // The table may scroll sideways on a narrow screen; keyboard users can then reach it.
  wrap.setAttribute("role", "region");
  wrap.setAttribute("aria-labelledby", caption.id);
  wrap.tabIndex = 0;

  var headRow = make("tr");
  ["map_col_dimension", "map_col_investment", "map_col_fulfilment", "map_col_values"].forEach(function (key) {
    var th = make("th", null, t(key));
    th.scope = "col";
    headRow.appendChild(th);
  });
  var thead = make("thead");
  thead.appendChild(headRow);
  table.appendChild(thead);

  var answers = item.answers && typeof item.answers === "object" ? item.answers : {};
  var tbody = make("tbody");
  config.dimensions.forEach(function (dim) {
    var answer = answers[dim] && typeof answers[dim] === "object" ? answers[dim] : null;
    var row = make("tr");
    var th = make("th", null, t("dim_" + dim));
    th.scope = "row";
    row.appendChild(th);
    row.appendChild(numberCell(answer ? answer.investment : null));
    row.appendChild(numberCell(answer ? answer.fulfilment : null));
    var values = answer ? valuesText(dim, answer) : null;
    row.appendChild(make("td", values ? "is-values" : "is-skipped", values || t(answer ? "map_no_values" : "map_skipped")));
    tbody.appendChild(row);
  });
  table.appendChild(tbody);
  wrap.appendChild(table);
  return wrap;
}

/* ---------- the trend picture ---------- */

/** The alt text travels in a header, with non-ASCII characters as &#NNN; references. */
function decodeHeader(raw) {
  return String(raw || "").replace(/&#(\d{1,7});/g, function (whole, code) {
    var n = parseInt(code, 10);
    return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : whole;
  });
}

function setSeries(series) {
  if (series !== "investment" && series !== "fulfilment") { return; }
  state.series = series;
  Array.prototype.forEach.call(document.querySelectorAll(".series-button"), function (button) {
    button.setAttribute("aria-pressed", button.getAttribute("data-series") === series ? "true" : "false");
  });
}

function loadTrend() {
  var token = ++state.trendLoad;
  var url = endpoint(config.trendUrl) + "?series=" + encodeURIComponent(state.series) + "&lang=" + encodeURIComponent(state.lang);
  ui.trendFigure.setAttribute("aria-busy", "true");
  ui.trendNote.textContent = t("map_trend_loading");
  ui.trendNote.hidden = false;
  fetch(url, { headers: { "Accept": "image/png" }, credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) { throw new Error("trend " + response.status); }
      var alt = decodeHeader(response.headers.get("X-Alt-Text"));
      return response.blob().then(function (blob) { return { blob: blob, alt: alt }; });
    })
    .then(function (picture) {
      if (token !== state.trendLoad) { return; }
      var objectUrl = URL.createObjectURL(picture.blob);
      var previous = state.trendObjectUrl;
      state.trendObjectUrl = objectUrl;
      ui.trendImage.alt = picture.alt || t("map_series_" + state.series);
      ui.trendImage.src = objectUrl;
      ui.trendImage.hidden = false;
      ui.trendNote.hidden = true;
      ui.trendNote.textContent = "";
      if (previous) { URL.revokeObjectURL(previous); }
    })
    .catch(function () {
      if (token !== state.trendLoad) { return; }
      ui.trendImage.hidden = true;
      ui.trendNote.textContent = t("map_trend_error");
      ui.trendNote.hidden = false;
    })
    .then(function () {
      if (token === state.trendLoad) { ui.trendFigure.setAttribute("aria-busy", "false"); }
    });
}

function dropTrend() {
  state.trendLoad += 1;
  ui.trendImage.hidden = true;
  ui.trendImage.removeAttribute("src");
  ui.trendImage.alt = "";
  if (state.trendObjectUrl) {
    URL.revokeObjectURL(state.trendObjectUrl);
    state.trendObjectUrl = null;
  }
}

Array.prototype.forEach.call(document.querySelectorAll(".series-button"), function (button) {
  button.addEventListener("click", function () {
    var series = button.getAttribute("data-series");
    if (series === state.series) { return; }
    setSeries(series);
    loadTrend();
  });
});

/* ---------- deletion, behind an inline confirmation ---------- */

var triggers = Array.prototype.slice.call(document.querySelectorAll("[data-confirm]"));

function panelOf(trigger) {
  return $(trigger.getAttribute("data-confirm"));
}

function openConfirm(trigger) {
  closeConfirms(false);
  var panel = panelOf(trigger);
  panel.hidden = false;
  trigger.setAttribute("aria-expanded", "true");
  panel.querySelector(".confirm-text").focus();
}

function closeConfirms(returnFocusTo) {
  triggers.forEach(function (trigger) {
    panelOf(trigger).hidden = true;
    trigger.setAttribute("aria-expanded", "false");
  });
  if (returnFocusTo) { returnFocusTo.focus(); }
}

triggers.forEach(function (trigger) {
  var panel = panelOf(trigger);
  trigger.addEventListener("click", function () {
    if (state.deleting) { return; }
    if (panel.hidden) { openConfirm(trigger); } else { closeConfirms(trigger); }
  });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !state.deleting) { closeConfirms(trigger); }
  });
  panel.querySelector('[data-action="cancel"]').addEventListener("click", function () {
    if (!state.deleting) { closeConfirms(trigger); }
  });
  var confirm = panel.querySelector('[data-action="confirm"]');
  confirm.addEventListener("click", function () {
    deleteData(confirm.getAttribute("data-what"), panel);
  });
});

function setDeleting(busy, panel) {
  state.deleting = busy;
  Array.prototype.forEach.call(ui.deletion.querySelectorAll("button"), function (button) {
    button.setAttribute("aria-disabled", busy ? "true" : "false");
  });
  panel.setAttribute("aria-busy", busy ? "true" : "false");
  setStatus(busy ? "map_deleting" : null);
}

function showResult(text, failed) {
  ui.result.textContent = text;
  ui.result.className = "notice " + (failed ? "notice-error" : "notice-success");
  ui.result.hidden = false;
  ui.result.focus();
  if (typeof ui.result.scrollIntoView === "function") { ui.result.scrollIntoView({ block: "center" }); }
}

function count(value) {
  return typeof value === "number" && isFinite(value) ? value : 0;
}

function deleteData(what, panel) {
  if (state.deleting || !state.sender) { return; }
  var url = endpoint(what === "all" ? config.deleteAllUrl : config.deleteCheckinsUrl);
  ui.result.hidden = true;
  setDeleting(true, panel);
  fetch(url, { method: "DELETE", headers: { "Accept": "application/json" }, credentials: "same-origin" })
    .then(function (response) {
      if (response.status === 404) { return {}; } // nothing (left) to delete
      if (!response.ok) { throw new Error("delete " + response.status); }
      return response.json();
    })
    .then(function (result) {
      result = result && typeof result === "object" ? result : {};
      var text = what === "all"
        ? t("map_deleted_all", { messages: count(result.deleted_messages), checkins: count(result.deleted_checkins) })
        : t("map_deleted_checkins", { count: count(result.deleted_checkins) });
      setDeleting(false, panel);
      load(function () { showResult(text, false); });
    })
    .catch(function () {
      setDeleting(false, panel);
      closeConfirms(false);
      showResult(t("map_delete_failed"), true);
    });
}

/* ---------- controls and start ---------- */

state.sender = initialSender();
page.initialLanguage();
state.lang = page.lang();
load();
