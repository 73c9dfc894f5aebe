/*
 * Mentor dashboard: live queue and live conversation. Plain JavaScript, no dependencies.
 * The pages work without it (server-rendered, with a Refresh link); this only keeps them current.
 * Message content is never parsed as HTML: text goes in with textContent.
 * Its words come from the page (#dash-text, in the page's language; bot/content/<lang>/dashboard_ui.yml).
 *
 *   queue page: polls data-queue-url (JSON) every 10 s, rebuilds the table, announces changes in a
 *               live region, shows an alert for new imminent/high cases, and beeps if the mentor
 *               turned sound on (off by default, remembered in this browser).
 *   case page:  while the mentor holds the case, polls data-live-url for new messages every 4 s.
 */
(function () {
  "use strict";

  var body = document.body;
  var TEXT = readText();
  var QUEUE_EVERY_MS = 10000;
  var LIVE_EVERY_MS = 4000;
  var SOUND_KEY = "dash.sound";

  function readText() {
    var node = document.getElementById("dash-text");
    try { return node ? JSON.parse(node.textContent) : null; } catch (e) { return null; }
  }

  /* "Case {id}" with values filled in; the server's Python templates use the same placeholders. */
  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  function severityLabel(id) { return (TEXT.severity && TEXT.severity[id]) || id; }

  function make(tag, className, text) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (text !== undefined && text !== null) { el.textContent = String(text); }
    return el;
  }

  function getJson(url) {
    return fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status === 401) { throw new Error("signed-out"); }
        if (!response.ok) { throw new Error("http " + response.status); }
        return response.json();
      });
  }

  function every(ms, task) {
    var timer = null;
    var stopped = false;
    function tick() {
      if (stopped) { return; }
      if (document.hidden) { timer = window.setTimeout(tick, ms); return; }
      task().then(function (keepGoing) {
        if (keepGoing !== false && !stopped) { timer = window.setTimeout(tick, ms); }
      }, function (error) {
        if (error && error.message === "signed-out") { stopped = true; signedOut(); return; }
        timer = window.setTimeout(tick, ms * 2); // a hiccup: try again, a little later
      });
    }
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden && !stopped) { window.clearTimeout(timer); tick(); }
    });
    timer = window.setTimeout(tick, ms);
  }

  function signedOut() {
    var main = document.getElementById("main");
    var note = make("p", "flash flash-error", TEXT.js.signed_out);
    note.setAttribute("role", "alert");
    main.insertBefore(note, main.firstChild);
  }

  /* ---------- sound (off by default) ---------- */

  var audio = null;
  function soundOn() {
    try { return window.localStorage.getItem(SOUND_KEY) === "on"; } catch (e) { return false; }
  }
  function beep() {
    if (!soundOn()) { return; }
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      [0, 0.35].forEach(function (start) {
        var osc = audio.createOscillator();
        var gain = audio.createGain();
        osc.frequency.value = 880;
        gain.gain.setValueAtTime(0.0001, audio.currentTime + start);
        gain.gain.exponentialRampToValueAtTime(0.2, audio.currentTime + start + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + start + 0.25);
        osc.connect(gain).connect(audio.destination);
        osc.start(audio.currentTime + start);
        osc.stop(audio.currentTime + start + 0.3);
      });
    } catch (e) { /* no audio: the visible alert remains */ }
  }
  function setupSoundToggle() {
    var button = document.getElementById("sound-toggle");
    if (!button) { return; }
    function show() {
      var on = soundOn();
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.textContent = on ? TEXT.queue.sound_on : TEXT.queue.sound_off;
    }
    button.hidden = false;
    show();
    button.addEventListener("click", function () {
      try { window.localStorage.setItem(SOUND_KEY, soundOn() ? "off" : "on"); } catch (e) { /* ignore */ }
      show();
      if (soundOn()) { beep(); } // a click may start audio; it also lets the mentor hear it
    });
  }

  /* ---------- queue ---------- */

  function consentText(row) {
    var q = TEXT.queue;
    var text = row.consent_transcript ? q.transcript : (row.consent_transcript === false ? q.no_transcript : q.not_asked);
    if (row.consent_contact) { text += " · " + q.contact_ok; } else if (row.consent_contact === false) { text += " · " + q.no_contact; }
    return text;
  }

  function queueRow(row, caseUrl) {
    var tr = make("tr", "sev-" + row.severity + (row.mine ? " is-mine" : ""));
    tr.setAttribute("data-case", row.id);
    var th = make("th");
    th.setAttribute("scope", "row");
    var link = make("a", null, fill(TEXT.queue.case_link, { id: row.id }));
    link.href = caseUrl + row.id;
    th.appendChild(link);
    tr.appendChild(th);
    var sev = make("td");
    sev.appendChild(make("span", "badge badge-" + row.severity, severityLabel(row.severity)));
    tr.appendChild(sev);
    tr.appendChild(make("td", null, row.waiting));
    tr.appendChild(make("td", null, String(row.language).toUpperCase() + " · " + row.country));
    var holder = make("td");
    if (row.mine) { holder.textContent = TEXT.queue.you; } else if (row.held_by) { holder.textContent = row.held_by; } else {
      holder.appendChild(make("span", "muted", TEXT.queue.nobody));
    }
    tr.appendChild(holder);
    tr.appendChild(make("td", null, consentText(row)));
    var convo = make("td");
    if (row.mentor_present) {
      convo.appendChild(document.createTextNode(TEXT.queue.mentor_in));
      if (row.person_waiting) {
        convo.appendChild(document.createTextNode(" · "));
        convo.appendChild(make("strong", null, TEXT.queue.new_message));
      }
    } else {
      convo.appendChild(make("span", "muted", TEXT.queue.bot));
    }
    tr.appendChild(convo);
    return tr;
  }

  function setupQueue() {
    var url = body.getAttribute("data-queue-url");
    var caseUrl = body.getAttribute("data-case-url");
    var tbody = document.getElementById("queue-body");
    if (!url || !tbody || !TEXT) { return; }
    var live = document.getElementById("queue-live");
    var alertBox = document.getElementById("queue-alert");
    var alertText = document.getElementById("queue-alert-text");
    var empty = document.getElementById("queue-empty");
    var updated = document.getElementById("updated");
    var known = {};
    Array.prototype.forEach.call(tbody.querySelectorAll("tr[data-case]"), function (tr) {
      known[tr.getAttribute("data-case")] = true;
    });
    setupSoundToggle();

    every(QUEUE_EVERY_MS, function () {
      return getJson(url).then(function (data) {
        var rows = Array.isArray(data.cases) ? data.cases : [];
        var fresh = rows.filter(function (row) { return !known[String(row.id)]; });
        var urgent = fresh.filter(function (row) { return row.alert; });
        while (tbody.firstChild) { tbody.removeChild(tbody.firstChild); }
        known = {};
        rows.forEach(function (row) {
          known[String(row.id)] = true;
          tbody.appendChild(queueRow(row, caseUrl));
        });
        empty.hidden = rows.length > 0;
        document.getElementById("held").textContent = data.held;
        document.getElementById("cap").textContent = data.cap;
        var waitingUrgent = rows.filter(function (row) { return row.alert; });
        if (urgent.length) {
          alertText.textContent = fill(TEXT.js.alert_new, { cases: urgent.map(function (r) {
            return fill(TEXT.js.alert_case, { id: r.id, severity: severityLabel(r.severity) });
          }).join(", ") });
          alertBox.hidden = false;
          beep();
        } else if (!waitingUrgent.length) {
          alertBox.hidden = true;
        }
        if (fresh.length) {
          var cases = fresh.map(function (r) {
            return fill(TEXT.js.live_case, { id: r.id, severity: severityLabel(r.severity) });
          }).join("; ");
          live.textContent = fill(fresh.length > 1 ? TEXT.js.live_many : TEXT.js.live_one,
            { count: fresh.length, cases: cases });
        }
        updated.textContent = fill(TEXT.js.updated,
          { time: new Date().toLocaleTimeString(document.documentElement.lang || undefined) });
      });
    });
  }

  /* ---------- live conversation on a case ---------- */

  function setupLiveCase() {
    var url = body.getAttribute("data-live-url");
    var list = document.getElementById("transcript");
    if (!url || !list || !TEXT || body.getAttribute("data-live") !== "on") { return; }
    var lastId = parseInt(body.getAttribute("data-last-id"), 10) || 0;
    every(LIVE_EVERY_MS, function () {
      return getJson(url + "?after=" + lastId).then(function (data) {
        var messages = Array.isArray(data.messages) ? data.messages : [];
        messages.forEach(function (m) {
          if (m.id <= lastId) { return; }
          lastId = m.id;
          var item = make("li", "tmsg tmsg-" + m.role + (m.trigger ? " is-trigger" : "") + " is-new");
          item.setAttribute("data-id", m.id);
          item.appendChild(make("span", "who", TEXT.who[m.role] || TEXT.who.bot));
          item.appendChild(document.createTextNode(" "));
          item.appendChild(make("span", "time", m.time));
          var text = make("p", "text", m.text);
          text.setAttribute("lang", body.getAttribute("data-person-lang") || "");
          item.appendChild(text);
          list.appendChild(item);
        });
        var emptyNote = document.getElementById("transcript-empty");
        if (emptyNote && list.firstChild) { emptyNote.hidden = true; }
        return data.status !== "closed";
      });
    });
  }

  setupQueue();
  setupLiveCase();
})();
